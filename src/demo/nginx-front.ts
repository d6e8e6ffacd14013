/**
 * The broken nginx front of the demo: the HTTP API proxied in http {} (fine), and the gRPC port
 * terminated as HTTP/2 with `listen ... http2` + `grpc_pass` — the configuration of failure
 * cases 8 and 9 of NACOS-FACTS §4 (#5269, #10141). Runs the system's nginx in the foreground
 * in a temporary prefix, in its own process group, and stops it again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatHostPort } from '../address.js';
import { rolePort } from '../ports.js';
import { stopGroup } from './process-group.js';

/** Where distributions put nginx; /usr/sbin is often missing from a normal user's PATH. */
const CANDIDATES = ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

const START_TIMEOUT_MS = 10_000;

/** The nginx binary, or why there is none. */
export function findNginx(): { readonly path: string } | { readonly missing: string } {
  for (const candidate of CANDIDATES) {
    const probe = spawnSync(candidate, ['-v'], { stdio: 'ignore' });
    if (probe.error === undefined) return { path: candidate };
  }
  return { missing: `nginx is not installed (looked for ${CANDIDATES.join(', ')}); Debian/Ubuntu: apt-get install nginx` };
}

export interface FrontMember {
  readonly host: string;
  readonly mainPort: number;
}

/** The demo's nginx.conf: a correct HTTP front for P, and HTTP/2 termination on P+1000. */
export function brokenFrontConfig(dir: string, host: string, listenPort: number, members: readonly FrontMember[]): string {
  const servers = (port: (member: FrontMember) => number): string => members.map((member) => `server ${formatHostPort(member.host, port(member))};`).join(' ');
  return [
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log notice;`,
    'events { worker_connections 256; }',
    'http {',
    '    access_log off;',
    `    client_body_temp_path ${dir}/client_body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
    `    upstream nacos_http { ${servers((member) => member.mainPort)} }`,
    `    upstream nacos_grpc { ${servers((member) => rolePort(member.mainPort, 'client-grpc'))} }`,
    `    server { listen ${formatHostPort(host, listenPort)}; location / { proxy_pass http://nacos_http; } }`,
    '    # The mistake: gRPC terminated as HTTP/2 instead of forwarded as TCP.',
    `    server { listen ${formatHostPort(host, rolePort(listenPort, 'client-grpc'))} http2; location / { grpc_pass grpc://nacos_grpc; } }`,
    '}',
    '',
  ].join('\n');
}

export interface RunningNginx {
  stop(): Promise<void>;
}

/** Starts nginx with `config(dir)`; resolves once it wrote its pid file, which it does after binding every listen. */
export async function startNginx(binary: string, config: (dir: string) => string): Promise<RunningNginx> {
  const dir = await mkdtemp(join(tmpdir(), 'nacos-doctor-demo-'));
  const file = join(dir, 'nginx.conf');
  await writeFile(file, config(dir));
  const child = spawn(binary, ['-p', `${dir}/`, '-c', file, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async (): Promise<void> => {
    await stopGroup(child);
    await rm(dir, { recursive: true, force: true });
  };
  const pidFile = join(dir, 'nginx.pid');
  const watcher = watch(dir);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nginx did not start within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim()}`)), START_TIMEOUT_MS);
      const settle = (error?: Error): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      watcher.on('change', () => existsSync(pidFile) && settle());
      child.once('error', (error) => settle(error));
      child.once('exit', (code, signal) => settle(new Error(`nginx exited (${String(code ?? signal)}): ${stderr.trim()}`)));
      if (existsSync(pidFile)) settle();
    });
  } catch (error) {
    await stop();
    throw error;
  } finally {
    watcher.close();
  }
  return { stop };
}
