/**
 * Options of `nacos-doctor nginx`: the shared load-balancer options plus nginx's passive health,
 * the optional http {} block for the main port, and what a complete nginx.conf needs (module,
 * pid, error log, temporary files). Pure: raw flags in, frozen options out.
 */
import { isAbsolute } from 'node:path';
import { UsageError } from '../errors.js';
import { durationFlag, integerFlag, resolveLbOptions, singleFlag, type LbFlags, type LbOptions, type RawFlag } from './lb-options.js';
import { assertSafeValue } from './safe-value.js';

export interface NginxFullOptions {
  /** Absolute path of ngx_stream_module.so, or undefined when nginx has the module built in. */
  readonly streamModule: string | undefined;
  readonly pidFile: string;
  /** An absolute path, or `stderr`. */
  readonly errorLog: string;
}

export interface NginxOptions extends LbOptions {
  readonly maxFails: number;
  readonly failTimeoutMs: number;
  /** Serve the main role from an http {} block (HTTP API and console) instead of stream {}. */
  readonly console: boolean;
  /** access_log of the http {} block: an absolute path or `off`. */
  readonly accessLog: string;
  /** Directory for nginx's temporary files of the http {} block; undefined keeps nginx's built-in paths. */
  readonly tempDir: string | undefined;
  /** Set for a complete nginx.conf (`--full`). */
  readonly full: NginxFullOptions | undefined;
}

export const NGINX_DEFAULTS = Object.freeze({
  maxFails: 3,
  failTimeout: '10s',
  accessLog: 'off',
  // Debian/Ubuntu libnginx-mod-stream; other systems pass --stream-module PATH, or none.
  streamModule: '/usr/lib/nginx/modules/ngx_stream_module.so',
  pidFile: '/run/nginx-nacos.pid',
  errorLog: 'stderr',
});

export interface NginxFlags extends LbFlags {
  readonly 'max-fails'?: RawFlag;
  readonly 'fail-timeout'?: RawFlag;
  readonly console?: boolean;
  readonly 'access-log'?: RawFlag;
  readonly full?: boolean;
  readonly 'stream-module'?: RawFlag;
  readonly pid?: RawFlag;
  readonly 'error-log'?: RawFlag;
  readonly 'runtime-dir'?: RawFlag;
}

/** An absolute path that cannot inject configuration; `keywords` (off, stderr, none) pass as they are. */
export function pathFlag(raw: RawFlag, flag: string, keywords: readonly string[] = []): string | undefined {
  const value = singleFlag(raw, flag);
  if (value === undefined) return undefined;
  assertSafeValue(value, flag);
  if (keywords.includes(value) || isAbsolute(value)) return value;
  const alternatives = keywords.length > 0 ? ` or ${keywords.join(', ')}` : '';
  throw new UsageError(`${flag} "${value}" is not an absolute path: nginx would resolve it against its prefix; give a path starting with /${alternatives}`, {
    code: 'ERR_OPTION_VALUE',
  });
}

function requireFlag(flags: NginxFlags, name: keyof NginxFlags, needs: 'full' | 'console'): void {
  if (flags[name] !== undefined && flags[needs] !== true) {
    throw new UsageError(`--${name} only applies with --${needs}`, { code: 'ERR_OPTION_VALUE' });
  }
}

export function resolveNginxOptions(flags: NginxFlags): NginxOptions {
  const base = resolveLbOptions(flags);
  requireFlag(flags, 'stream-module', 'full');
  requireFlag(flags, 'pid', 'full');
  requireFlag(flags, 'error-log', 'full');
  requireFlag(flags, 'access-log', 'console');
  const console = flags.console === true;
  if (console && !base.roles.includes('main')) {
    throw new UsageError('--console serves the main role over HTTP, but --roles does not include main; add it, e.g. --roles main,client-grpc', {
      code: 'ERR_OPTION_VALUE',
    });
  }
  const runtimeDir = pathFlag(flags['runtime-dir'], '--runtime-dir');
  const full: NginxFullOptions | undefined =
    flags.full === true
      ? {
          streamModule: ((module) => (module === 'none' ? undefined : module))(
            pathFlag(flags['stream-module'], '--stream-module', ['none']) ?? NGINX_DEFAULTS.streamModule,
          ),
          pidFile: pathFlag(flags.pid, '--pid') ?? (runtimeDir === undefined ? NGINX_DEFAULTS.pidFile : `${runtimeDir.replace(/\/+$/, '')}/nginx.pid`),
          errorLog: pathFlag(flags['error-log'], '--error-log', ['stderr']) ?? NGINX_DEFAULTS.errorLog,
        }
      : undefined;
  return Object.freeze({
    ...base,
    maxFails: integerFlag(flags['max-fails'], '--max-fails', NGINX_DEFAULTS.maxFails, 0, 1000),
    failTimeoutMs: durationFlag(flags['fail-timeout'], '--fail-timeout', NGINX_DEFAULTS.failTimeout, 1000),
    console,
    accessLog: pathFlag(flags['access-log'], '--access-log', ['off']) ?? NGINX_DEFAULTS.accessLog,
    tempDir: runtimeDir === undefined ? undefined : runtimeDir.replace(/\/+$/, ''),
    full,
  });
}
