/**
 * The forwarders under comparison, each started on its own listen port in front of the same
 * backend, pinned to the forwarder core and with a descriptor limit high enough for 10,000
 * connections (two descriptors each). Configurations are the products' plain TCP setups with
 * logging off (nacos-proxy at warn), so every forwarder does the same work.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreeBasePort } from '../src/net/free-port.js';

export const FORWARDERS = ['direct', 'nacos-proxy', 'nacos-proxy-js', 'nginx', 'haproxy'] as const;
export type ForwarderName = (typeof FORWARDERS)[number];

export const LABELS: Readonly<Record<ForwarderName, string>> = {
  direct: 'direct',
  'nacos-proxy': 'nacos-proxy (splice)',
  'nacos-proxy-js': 'nacos-proxy (js)',
  nginx: 'nginx stream',
  haproxy: 'HAProxy tcp',
};

export interface RunningForwarder {
  readonly name: ForwarderName;
  readonly port: number;
  /** Undefined for direct (no process in the path). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** The hard descriptor limit of this machine; every benchmark process raises its soft limit to it. */
export const FD_LIMIT = Number(spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()) || 1024;

export function pinned(core: number, command: string, args: readonly string[]): [string, string[]] {
  return ['taskset', ['-c', String(core), 'prlimit', `--nofile=${FD_LIMIT}:${FD_LIMIT}`, command, ...args]];
}

async function waitListening(port: number, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${name} did not listen on ${port} within 15 s`);
}

function nginxConfig(dir: string, listen: number, backend: number): string {
  const stream = '/usr/lib/nginx/modules/ngx_stream_module.so';
  return [
    existsSync(stream) ? `load_module ${stream};` : '',
    'daemon off;',
    // One process doing all the work: the single-worker comparison the benchmark is about.
    'master_process off;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'nginx-error.log')} warn;`,
    `worker_rlimit_nofile ${FD_LIMIT};`,
    `events { worker_connections ${FD_LIMIT}; }`,
    `stream { server { listen 127.0.0.1:${listen}; proxy_pass 127.0.0.1:${backend}; } }`,
    '',
  ].join('\n');
}

function haproxyConfig(listen: number, backend: number): string {
  return [
    'global',
    '  nbthread 1',
    // HAProxy refuses to start when maxconn needs more descriptors than it may open.
    `  maxconn ${Math.floor((FD_LIMIT - 100) / 2)}`,
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 1h',
    '  timeout server 1h',
    'frontend bench',
    `  bind 127.0.0.1:${listen}`,
    '  default_backend members',
    'backend members',
    `  server backend 127.0.0.1:${backend}`,
    '',
  ].join('\n');
}

export function versionOf(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`.split('\n').find((line) => line.trim() !== '')?.trim();
}

export async function startForwarder(name: ForwarderName, backendPort: number, dir: string, root: string, proxyArgs: readonly string[] = []): Promise<RunningForwarder> {
  if (name === 'direct') return { name, port: backendPort, pid: undefined, stop: async () => {} };
  const port = await findFreeBasePort({ roles: ['main'] });
  let command: [string, string[]];
  if (name === 'nacos-proxy' || name === 'nacos-proxy-js') {
    command = pinned(0, process.execPath, [
      join(root, 'bin', 'nacos-proxy.js'),
      '--listen',
      `127.0.0.1:${port}`,
      '--upstream',
      `127.0.0.1:${backendPort}`,
      '--roles',
      'main',
      '--health-interval',
      '0',
      '--log-level',
      'warn',
      '--data-path',
      name === 'nacos-proxy' ? 'splice' : 'js',
      ...proxyArgs,
    ]);
  } else if (name === 'nginx') {
    const file = join(dir, 'nginx.conf');
    await writeFile(file, nginxConfig(dir, port, backendPort));
    command = pinned(0, 'nginx', ['-c', file, '-p', dir, '-e', join(dir, 'nginx-error.log')]);
  } else {
    const file = join(dir, 'haproxy.cfg');
    await writeFile(file, haproxyConfig(port, backendPort));
    command = pinned(0, 'haproxy', ['-db', '-f', file]);
  }
  const child = spawn(command[0], command[1], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitListening(port, child, name);
  return {
    name,
    port,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}
