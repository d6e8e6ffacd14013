/** A pino logger whose lines tests can read and wait for, as objects. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';

export type LogLine = Record<string, unknown> & { level: string; msg: string };

export interface CapturedLog {
  readonly logger: Logger;
  readonly lines: LogLine[];
  /**
   * Resolves with the first matching line at or after index `since` (default: any line,
   * past or future). Pass `log.lines.length` to wait only for what happens next.
   */
  waitFor(predicate: (line: LogLine) => boolean, since?: number): Promise<LogLine>;
}

export function captureLog(level: 'info' | 'debug' | 'warn' = 'info'): CapturedLog {
  const lines: LogLine[] = [];
  const waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text === '') continue;
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
      callback();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    lines,
    waitFor: (predicate, since = 0) => {
      const seen = lines.slice(since).find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
}
