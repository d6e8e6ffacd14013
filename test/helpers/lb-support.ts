/**
 * Whether the tests that run real nginx or HAProxy can run here: the program on PATH (as
 * test/helpers/load-balancers.ts starts it) and, for nginx stream {} configs, its stream module
 * (built in, or a dynamic module to load). `npm test` installs both when it can
 * (scripts/ensure-peers.mjs) and CI requires them; these tests are skipped only where they could
 * not be installed, and then with a visible reason: callers put it in the skipped describe's
 * name (skippedBecause), which also prints it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type StreamModule = { readonly builtIn: true } | { readonly builtIn: false; readonly path: string } | { readonly absent: string };

/** What `nginx -V` says about the stream module. Pure. */
export function streamModuleOf(versionOutput: string): StreamModule {
  const configure = /configure arguments:(.*)/.exec(versionOutput)?.[1] ?? '';
  if (/(^|\s)--with-stream(\s|$)/.test(configure)) return { builtIn: true };
  if (/(^|\s)--with-stream=dynamic(\s|$)/.test(configure)) {
    const modules = /--modules-path=(\S+)/.exec(configure)?.[1] ?? join(/--prefix=(\S+)/.exec(configure)?.[1] ?? '/usr/local/nginx', 'modules');
    return { builtIn: false, path: join(modules, 'ngx_stream_module.so') };
  }
  return { absent: 'nginx was built without the stream module (--with-stream)' };
}

export interface NginxSupport {
  /** Why nginx cannot run here; undefined when it can. */
  readonly missing: string | undefined;
  /** Why stream {} configs cannot run here (nginx missing, or no stream module); undefined when they can. */
  readonly noStream: string | undefined;
  /** The `load_module ...;` line a stream {} config needs ('' when the module is built in). */
  readonly loadStream: string;
}

const INSTALL = 'Debian/Ubuntu: apt-get install nginx libnginx-mod-stream haproxy';

export function nginxSupport(): NginxSupport {
  const probe = spawnSync('nginx', ['-V'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    const missing = `nginx is not on PATH (${probe.error?.message ?? `nginx -V exited ${String(probe.status)}`}); ${INSTALL}`;
    return { missing, noStream: missing, loadStream: '' };
  }
  const stream = streamModuleOf(`${probe.stdout}${probe.stderr}`);
  if ('absent' in stream) return { missing: undefined, noStream: `${stream.absent}; ${INSTALL}`, loadStream: '' };
  if (stream.builtIn) return { missing: undefined, noStream: undefined, loadStream: '' };
  if (!existsSync(stream.path)) return { missing: undefined, noStream: `the stream module ${stream.path} is not installed; ${INSTALL}`, loadStream: '' };
  return { missing: undefined, noStream: undefined, loadStream: `load_module ${stream.path};` };
}

/** Why HAProxy cannot run here; undefined when it can. */
export function haproxyMissing(): string | undefined {
  const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (probe.error === undefined && probe.status === 0) return undefined;
  return `haproxy is not on PATH (${probe.error?.message ?? `haproxy -v exited ${String(probe.status)}`}); ${INSTALL}`;
}

/** The name of a describe that needs what `reason` says is missing: the reason is shown where the skip is. */
export function skippedBecause(title: string, reason: string | undefined): string {
  if (reason === undefined) return title;
  // Printed once when the file is collected, so the reason is in every run's output, not only verbose ones.
  console.warn(`SKIPPED "${title}": ${reason}`);
  return `${title} (SKIPPED: ${reason})`;
}
