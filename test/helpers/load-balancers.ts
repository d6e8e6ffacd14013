/**
 * Real nginx and HAProxy (Debian packages) for tests: validate a config (`nginx -t`,
 * `haproxy -c`), or run one in the foreground in a temporary directory, wait until it
 * listens, stop it, and collect its error log.
 *
 * Each process is started in its own process group, so stop() can end the master and its
 * workers together and never touches anything the test did not start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { watch } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopGroup } from '../../src/demo/process-group.js';

export interface CheckResult {
  readonly ok: boolean;
  /** Everything the check printed (stdout and stderr). */
  readonly output: string;
}

export interface RunningLoadBalancer {
  /** The temporary directory holding the config, pid file and logs; removed by stop(). */
  readonly dir: string;
  readonly child: ChildProcess;
  /** The error log so far: the log file (if the config names one in dir) plus stderr. */
  errorLog(): Promise<string>;
  /** Stops the process group; resolves with the error log collected until then. */
  stop(): Promise<string>;
}

/** A config, or a function that writes one for the temporary directory it will run in. */
export type ConfigSource = string | ((dir: string) => string);

async function run(command: string, args: readonly string[]): Promise<CheckResult> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { ok: code === 0, output };
}

async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'nacos-lb-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function materialize(config: ConfigSource, dir: string): string {
  return typeof config === 'string' ? config : config(dir);
}

/** The value of a main-context directive such as `pid` or `error_log`, if the config sets one. */
function directive(config: string, name: string): string | undefined {
  return new RegExp(`^\\s*${name}\\s+([^\\s;]+)`, 'm').exec(config)?.[1];
}

/**
 * Directives the helper adds on the command line (`-g`) so that a config without them still
 * keeps its pid file and error log in the temporary directory.
 */
function nginxGlobals(config: string, dir: string): { globals: string; pidFile: string; errorLogFile: string | undefined } {
  const pid = directive(config, 'pid');
  const errorLog = directive(config, 'error_log');
  const pidFile = pid ?? join(dir, 'nginx.pid');
  const errorLogFile = errorLog === undefined ? join(dir, 'error.log') : errorLog === 'stderr' ? undefined : errorLog;
  const globals = [
    ...(pid === undefined ? [`pid ${pidFile};`] : []),
    ...(errorLog === undefined ? [`error_log ${errorLogFile} notice;`] : []),
  ].join(' ');
  return { globals, pidFile, errorLogFile };
}

/** `nginx -t` on a complete config. nginx binds the listen addresses during the test too. */
export async function nginxTest(config: ConfigSource): Promise<CheckResult> {
  return withTempDir(async (dir) => {
    const text = materialize(config, dir);
    const file = join(dir, 'nginx.conf');
    await writeFile(file, text);
    const { globals } = nginxGlobals(text, dir);
    return run('nginx', ['-t', '-q', '-p', `${dir}/`, '-c', file, ...(globals === '' ? [] : ['-g', globals])]);
  });
}

/** `haproxy -c` on a config; `ok` also requires that HAProxy printed no warning or alert. */
export async function haproxyCheck(config: string): Promise<CheckResult> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'haproxy.cfg');
    await writeFile(file, config);
    const result = await run('haproxy', ['-c', '-f', file]);
    return { ok: result.ok && !/\[(WARNING|ALERT)\]/.test(result.output), output: result.output };
  });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Resolves when `file` exists, rejects when `child` exits first. */
async function fileOrExit(file: string, dir: string, child: ChildProcess, describe: () => Promise<string>): Promise<void> {
  const watcher = watch(dir);
  let settled = false;
  try {
    const appeared = new Promise<void>((resolve) => {
      watcher.on('change', () => void exists(file).then((yes) => yes && resolve()));
    });
    const exited = new Promise<never>((_, reject) => {
      const fail = (why: string): void => {
        if (!settled) void describe().then((log) => reject(new Error(`exited (${why}) before it was listening:\n${log}`)));
      };
      if (child.exitCode !== null || child.signalCode !== null) fail(String(child.exitCode ?? child.signalCode));
      child.once('exit', (code, signal) => fail(String(code ?? signal)));
      child.once('error', (error) => fail(error.message));
    });
    // Marked handled here; the race below still sees the rejection.
    exited.catch(() => {});
    if (await exists(file)) return;
    await Promise.race([appeared, exited]);
  } finally {
    settled = true;
    watcher.close();
  }
}

/** Resolves when `text` appears on the child's stderr, rejects when it exits first. */
async function stderrOrExit(child: ChildProcess, text: string, stderr: () => string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onData = (): void => {
      if (stderr().includes(text)) done(resolve);
    };
    const onExit = (code: number | null, signal: string | null): void =>
      done(() => reject(new Error(`exited (${String(code ?? signal)}) before it was listening:\n${stderr()}`)));
    const done = (then: () => void): void => {
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      then();
    };
    child.stderr!.on('data', onData);
    child.on('exit', onExit);
    onData();
  });
}

function startGroup(command: string, args: readonly string[]): { child: ChildProcess; stderr: () => string } {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr };
}

/**
 * Starts nginx in the foreground (`daemon off`) with `config` in a fresh temporary directory
 * (also nginx's prefix). Resolves once nginx has written its pid file, which it does after it
 * has bound every listen address.
 */
export async function startNginx(config: ConfigSource): Promise<RunningLoadBalancer> {
  const dir = await mkdtemp(join(tmpdir(), 'nacos-nginx-'));
  const text = materialize(config, dir);
  const file = join(dir, 'nginx.conf');
  await writeFile(file, text);
  const { globals, pidFile, errorLogFile } = nginxGlobals(text, dir);
  const { child, stderr } = startGroup('nginx', ['-p', `${dir}/`, '-c', file, '-g', `daemon off; ${globals}`]);
  const errorLog = async (): Promise<string> => {
    const logged = errorLogFile === undefined ? '' : await readFile(errorLogFile, 'utf8').catch(() => '');
    return `${logged}${stderr()}`;
  };
  const stop = async (): Promise<string> => {
    await stopGroup(child);
    const log = await errorLog();
    await rm(dir, { recursive: true, force: true });
    return log;
  };
  try {
    await fileOrExit(pidFile, dir, child, errorLog);
  } catch (error) {
    await stop();
    throw new Error(`nginx ${(error as Error).message}`);
  }
  return { dir, child, errorLog, stop };
}

/**
 * Starts HAProxy in master-worker mode in the foreground (`-W -db`). Resolves when the master
 * reports "Loading success.", which it prints after binding and starting the worker.
 */
export async function startHaproxy(config: ConfigSource): Promise<RunningLoadBalancer> {
  const dir = await mkdtemp(join(tmpdir(), 'nacos-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, materialize(config, dir));
  const { child, stderr } = startGroup('haproxy', ['-W', '-db', '-f', file]);
  const errorLog = async (): Promise<string> => stderr();
  const stop = async (): Promise<string> => {
    await stopGroup(child);
    await rm(dir, { recursive: true, force: true });
    return stderr();
  };
  try {
    await stderrOrExit(child, 'Loading success.', stderr);
  } catch (error) {
    await stop();
    throw new Error(`haproxy ${(error as Error).message}`);
  }
  return { dir, child, errorLog, stop };
}
