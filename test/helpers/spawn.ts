/** Runs the real bins (built into dist/ by `npm test`'s pretest) as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { LogLine } from './log.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function binPath(name: 'nacos-proxy' | 'nacos-doctor' | 'nacos-sim'): string {
  return `${ROOT}bin/${name}.js`;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningBin {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** stderr lines that are JSON log records. */
  readonly logs: LogLine[];
  waitForLog(predicate: (line: LogLine) => boolean, since?: number): Promise<LogLine>;
  /** Resolves with stdout once it holds a complete line (stdout and stderr are separate pipes: no order between them). */
  firstStdoutLine(): Promise<string>;
  /** Resolves with stdout once `complete` says all of it has arrived (a write may come in several chunks). */
  waitForStdout(complete: (stdout: string) => boolean): Promise<string>;
  readonly exited: Promise<RunResult>;
}

export function startBin(name: 'nacos-proxy' | 'nacos-doctor' | 'nacos-sim', args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningBin {
  const child = spawn(process.execPath, [binPath(name), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  const logs: LogLine[] = [];
  const waiters: { predicate: (line: LogLine) => boolean; since: number; resolve: (line: LogLine) => void; reject: (e: Error) => void }[] = [];
  const stdoutWaiters: { complete: (text: string) => boolean; resolve: (text: string) => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of [...stdoutWaiters]) {
      if (waiter.complete(stdout)) {
        stdoutWaiters.splice(stdoutWaiters.indexOf(waiter), 1);
        waiter.resolve(stdout);
      }
    }
  });
  const waitForStdout = (complete: (text: string) => boolean): Promise<string> => {
    if (complete(stdout)) return Promise.resolve(stdout);
    if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`${name} already exited; stdout:\n${stdout}`));
    return new Promise((resolve, reject) => {
      const exited = (code: number | null, signal: NodeJS.Signals | null): void =>
        reject(new Error(`${name} exited (${String(code ?? signal)}) before the awaited stdout; stdout:\n${stdout}`));
      child.once('exit', exited);
      stdoutWaiters.push({
        complete,
        resolve: (text) => {
          child.off('exit', exited);
          resolve(text);
        },
      });
    });
  };
  const stdoutLine = waitForStdout((text) => text.includes('\n')).then((text) => text.slice(0, text.indexOf('\n')));
  // Tests that never ask for it must not see its rejection as unhandled.
  stdoutLine.catch(() => {});
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr += text;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const raw of lines) {
      if (!raw.startsWith('{')) continue;
      const line = JSON.parse(raw) as LogLine;
      logs.push(line);
      for (const waiter of [...waiters]) {
        if (logs.length - 1 >= waiter.since && waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${name} exited (${String(code ?? signal)}) before the awaited log line; stderr:\n${stderr}`));
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr };
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    logs,
    exited,
    firstStdoutLine: () => stdoutLine,
    waitForStdout,
    waitForLog: (predicate, since = 0) => {
      const seen = logs.slice(since).find(predicate);
      if (seen) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`${name} already exited; stderr:\n${stderr}`));
      return new Promise((resolve, reject) => waiters.push({ predicate, since, resolve, reject }));
    },
  };
}

/** Runs a bin to completion (killing it after `timeoutMs`). */
export async function runBin(
  name: 'nacos-proxy' | 'nacos-doctor' | 'nacos-sim',
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  const running = startBin(name, args, options.env);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}
