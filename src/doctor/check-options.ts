/**
 * Options of `nacos-doctor check`, resolved once at the boundary: raw flags and environment
 * in, frozen CheckOptions out, or a UsageError naming the flag and the bad value. Pure.
 */
import { parseServerAddressList, type ServerAddress } from '../address.js';
import { formatDuration, parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { DEFAULT_MAIN_PORT } from '../ports.js';
import { resolveCredentials } from '../nacos/credentials.js';

export interface Credentials {
  readonly username?: string;
  readonly password?: string;
  readonly accessToken?: string;
}

export interface CheckOptions {
  readonly addresses: readonly ServerAddress[];
  /** Used for addresses that carry no path of their own (`http://host:port/ctx` does). */
  readonly contextPath: string;
  readonly credentials: Credentials;
  /** Budget of one probe of one address, in ms. */
  readonly timeoutMs: number;
  /** Also require the server-to-server ports (P+1001, P-1000) and probe cluster gRPC. */
  readonly cluster: boolean;
  /** Keep a registered connection open this long (0: no hold test), in ms. */
  readonly holdMs: number;
}

export const CHECK_DEFAULTS = Object.freeze({
  address: '127.0.0.1:8848',
  contextPath: '/nacos',
  // The Java client's own server-check and request timeouts (NACOS-FACTS §1.6).
  timeout: '3s',
});

export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 300_000;
export const MAX_HOLD_MS = 3_600_000;

export interface CheckFlags {
  readonly address?: string | readonly string[];
  readonly 'context-path'?: unknown;
  readonly username?: unknown;
  readonly password?: unknown;
  readonly 'access-token'?: unknown;
  readonly timeout?: unknown;
  readonly cluster?: boolean;
  readonly hold?: unknown;
}

function text(value: unknown, flag: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) throw new UsageError(`${flag} was given ${value.length} times; give it once`, { code: 'ERR_OPTION_VALUE' });
  return String(value);
}

function credentials(flags: CheckFlags, env: NodeJS.ProcessEnv): Credentials {
  return Object.freeze({ ...resolveCredentials(flags, env) });
}

function contextPathFlag(raw: unknown): string {
  const value = (text(raw, '--context-path') ?? CHECK_DEFAULTS.contextPath).trim();
  if (value === '' || value === '/') return '';
  if (!/^\/?[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(value)) {
    throw new UsageError(`--context-path "${value}" is not a URL path: use e.g. /nacos, or / for none`, { code: 'ERR_OPTION_VALUE' });
  }
  return `/${value.replace(/^\/+|\/+$/g, '')}`;
}

function durationOption(raw: unknown, flag: string, fallback: string, min: number, max: number): number {
  const given = text(raw, flag) ?? fallback;
  const ms = parseDuration(given, flag);
  if (ms < min || ms > max) {
    throw new UsageError(`${flag} ${given} is out of range: use ${formatDuration(min)} to ${formatDuration(max)}`, { code: 'ERR_OPTION_VALUE' });
  }
  return ms;
}

export function resolveCheckOptions(flags: CheckFlags, env: NodeJS.ProcessEnv): CheckOptions {
  const inputs = flags.address === undefined || flags.address.length === 0 ? [CHECK_DEFAULTS.address] : flags.address;
  const addresses = parseServerAddressList(inputs, DEFAULT_MAIN_PORT);
  if (addresses.length === 0) throw new UsageError(`no address given: e.g. nacos-doctor check ${CHECK_DEFAULTS.address}`, { code: 'ERR_ADDRESS' });
  return Object.freeze({
    addresses,
    contextPath: contextPathFlag(flags['context-path']),
    credentials: credentials(flags, env),
    timeoutMs: durationOption(flags.timeout, '--timeout', CHECK_DEFAULTS.timeout, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS),
    cluster: flags.cluster === true,
    holdMs: flags.hold === undefined ? 0 : durationOption(flags.hold, '--hold', '0', 1000, MAX_HOLD_MS),
  });
}
