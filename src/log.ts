/**
 * The only file that configures pino. Logs are structured JSON lines on stderr, so stdout
 * stays free for results (doctor reports, generated configs) and `cmd | head` works.
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { UsageError } from './errors.js';
import { guardedStdio } from './output-stream.js';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `source` names where the value came from (`--log-level`, `NACOS_PROXY_LOG_LEVEL`, a file key). */
export function parseLogLevel(level: string, source = 'log level'): LevelWithSilent {
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LevelWithSilent;
  throw new UsageError(`${source} "${level}" is not one of ${LOG_LEVELS.join(', ')}`, { code: 'ERR_LOG_LEVEL' });
}

export interface LoggerOptions {
  readonly level?: LevelWithSilent;
  readonly name?: string;
  /** Defaults to stderr; tests pass a stream and parse the lines. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  // Never blocks the forwarding hot path nor exit when stderr is a pipe or a file, and gives up
  // once stderr's reader has gone (output-stream.ts); main() waits a bounded time for queued
  // lines before the process exits.
  const destination = options.destination ?? guardedStdio().stderr;
  return pino(
    {
      level: options.level ?? 'info',
      base: options.name === undefined ? { pid: process.pid } : { name: options.name, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that drops everything, for library users who pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
