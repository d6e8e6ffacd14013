/**
 * stdout and stderr as the bins use them: writes never block the event loop, never throw, and
 * never keep a process from exiting once the reader has gone.
 *
 * Why not pino.destination (sonic-boom): its synchronous flush at exit retries a write that
 * fails with EPIPE forever, so `nacos-proxy … 2>&1 | head -1` or a dead log fifo left a stopped
 * process spinning in Atomics.wait; and a write blocked on a full pipe inside libuv's thread pool
 * keeps the process from exiting at all. Node's own stdio streams do neither: on a pipe they
 * write without blocking and queue the rest, and a closed reader surfaces as an 'error' event
 * that we turn into "stop writing here".
 */
import { createWriteStream, fstatSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** What the bins write to: process.stdout or process.stderr (tests pass their own). */
export type OutputTarget = Pick<Writable, 'on' | 'once' | 'off' | 'writableLength' | 'destroyed'> & {
  write(text: string, callback: (error?: Error | null) => void): boolean;
  readonly isTTY?: boolean;
};

export interface GuardedOutputOptions {
  /**
   * Queued bytes beyond which further writes are dropped (and counted) instead of queued, so a
   * reader that stops reading cannot grow memory without bound. Undefined: never drop.
   */
  readonly maxQueuedBytes?: number;
}

export class GuardedOutput {
  readonly #target: OutputTarget;
  readonly #maxQueued: number;
  #broken = false;
  #dropped = 0;
  /** Writes handed to the target whose callback has not come yet. */
  #unfinished = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(target: OutputTarget, options: GuardedOutputOptions = {}) {
    this.#target = target;
    this.#maxQueued = options.maxQueuedBytes ?? Number.POSITIVE_INFINITY;
    // EPIPE, EIO (terminal gone), EBADF...: whoever read this stream is gone for good.
    target.on('error', () => {
      this.#broken = true;
    });
  }

  get isTTY(): boolean | undefined {
    return this.#target.isTTY;
  }

  /** True once the reader has gone; everything written since was discarded. */
  get broken(): boolean {
    return this.#broken || this.#target.destroyed;
  }

  /** Text dropped because the reader fell behind by more than maxQueuedBytes (logs only). */
  get dropped(): number {
    return this.#dropped;
  }

  write(text: string): boolean {
    if (this.broken) return false;
    if (this.#target.writableLength > this.#maxQueued) {
      if (this.#dropped === 0) this.#target.once('drain', () => this.#reportDropped());
      this.#dropped += 1;
      return false;
    }
    this.#unfinished += 1;
    try {
      return this.#target.write(text, () => this.#finished());
    } catch {
      this.#finished();
      // A file stream writes synchronously and throws (EBADF, ENOSPC) instead of emitting.
      this.#broken = true;
      return false;
    }
  }

  #finished(): void {
    this.#unfinished -= 1;
    if (this.#unfinished === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  #reportDropped(): void {
    const dropped = this.#dropped;
    this.#dropped = 0;
    this.write(
      `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), pid: process.pid, dropped, msg: 'log lines dropped: stderr was not read fast enough' })}\n`,
    );
  }

  /**
   * Resolves once everything queued is handed to the OS, the reader has gone, or `timeoutMs`
   * has passed: a stopped process waits this long at most for a slow reader.
   */
  flushed(timeoutMs: number): Promise<void> {
    if (this.broken || this.#unfinished === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#idleWaiters = this.#idleWaiters.filter((waiter) => waiter !== done);
        this.#target.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#idleWaiters.push(done);
      this.#target.once('error', done);
    });
  }
}

/**
 * What to write descriptor `fd` through. Node writes to a regular file synchronously
 * (`2>>proxy.log`, systemd's `StandardError=append:`), which would put a write(2) per log line
 * on the event loop that also moves the proxy's bytes; a file gets an fs.WriteStream instead,
 * whose writes run off the loop, in order. Pipes and terminals keep Node's own stream (pipes
 * already queue without blocking; a terminal is a person watching).
 */
export function stdioTarget(stream: OutputTarget, fd: number): OutputTarget {
  let isFile = false;
  try {
    isFile = fstatSync(fd).isFile();
  } catch {
    return stream;
  }
  return isFile ? createWriteStream('', { fd, autoClose: false }) : stream;
}

/** Log lines a stderr reader may fall behind by before lines are dropped. */
const MAX_QUEUED_LOG_BYTES = 4 * 1024 * 1024;

let stdio: { stdout: GuardedOutput; stderr: GuardedOutput } | undefined;

/** The process's stdout and stderr, guarded once for the whole process. */
export function guardedStdio(): { stdout: GuardedOutput; stderr: GuardedOutput } {
  stdio ??= {
    // Results are never dropped: a slow reader of a report or a generated config gets all of it.
    stdout: new GuardedOutput(process.stdout),
    stderr: new GuardedOutput(stdioTarget(process.stderr, 2), { maxQueuedBytes: MAX_QUEUED_LOG_BYTES }),
  };
  return stdio;
}

/** Waits (at most `timeoutMs`) for stdout and stderr to be written out before the process exits. */
export async function flushStdio(timeoutMs: number): Promise<void> {
  if (stdio === undefined) return;
  await Promise.all([stdio.stdout.flushed(timeoutMs), stdio.stderr.flushed(timeoutMs)]);
}
