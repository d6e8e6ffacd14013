/**
 * Options shared by the load-balancer generators (`nacos-doctor nginx`, `nacos-doctor haproxy`):
 * where to listen, which members, which port roles, how to balance, and the two timeouts that
 * decide whether Nacos connections survive. Resolution is pure: raw flag values in, frozen
 * options out, or a UsageError that names the flag and the bad value.
 */
import { formatHostPort, parseListenAddress, type HostPort, type ListenAddress } from '../address.js';
import { formatDuration, parseDuration } from '../duration.js';
import { PortRangeError, UsageError } from '../errors.js';
import { parseRoles, rolePorts, type Role } from '../ports.js';
import { BALANCE_STRATEGIES, parseUpstreams, type BalanceStrategy } from '../proxy/options.js';
import { assertNoZoneId, assertSafeValue } from './safe-value.js';

export type RawFlag = string | readonly string[] | undefined;

export interface LbOptions {
  readonly listen: ListenAddress;
  readonly upstreams: readonly HostPort[];
  readonly roles: readonly Role[];
  readonly balance: BalanceStrategy;
  /** Timeout of one connect attempt to a member, in ms. */
  readonly connectTimeoutMs: number;
  /** How long a connection may be idle in both directions before the balancer closes it, in ms. */
  readonly idleTimeoutMs: number;
}

/**
 * Clients only need P and P+1000; the Nacos docs say not to expose P+1001 and P-1000 to clients
 * (NACOS-FACTS §5.1), so a load balancer in front of a cluster serves these two unless asked.
 */
export const CLIENT_ROLES: readonly Role[] = Object.freeze(['main', 'client-grpc']);

/**
 * Below this an idle gRPC connection can be cut between two client heartbeats: the client sends
 * one after 5 s idle, retried 3 x 3 s, and the server probes after 20 s (NACOS-FACTS §1.3, §1.6);
 * `proxy_timeout 3s` and `20s` are failure cases 10 and 29 of §4.
 */
export const MIN_IDLE_TIMEOUT_MS = 30_000;

/** Defaults as users would type them, so help texts and the README show the same strings. */
export const LB_DEFAULTS = Object.freeze({
  listen: '8848',
  roles: CLIENT_ROLES.join(','),
  balance: 'round-robin' as BalanceStrategy,
  connectTimeout: '3s',
  // nginx's own stream default; long enough that only dead peers are ever cut.
  idleTimeout: '10m',
});

/** The one value of a flag that must be given at most once. */
export function singleFlag(raw: RawFlag, flag: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return raw;
  if (raw.length <= 1) return raw[0];
  throw new UsageError(`${flag} was given ${raw.length} times; give it once`, { code: 'ERR_OPTION_VALUE' });
}

/** Every value of a repeatable flag, each checked by assertSafeValue before it is parsed. */
export function safeFlagValues(raw: RawFlag, flag: string): string[] {
  const values = raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw];
  return values.map((value) => assertSafeValue(value, flag));
}

export function durationFlag(raw: RawFlag, flag: string, fallback: string, minMs: number, why = ''): number {
  const text = assertSafeValue(singleFlag(raw, flag) ?? fallback, flag);
  const ms = parseDuration(text, flag);
  if (ms < minMs) {
    throw new UsageError(`${flag} ${text} is too short: use at least ${formatDuration(minMs)}${why}`, { code: 'ERR_OPTION_VALUE' });
  }
  return ms;
}

export function integerFlag(raw: RawFlag, flag: string, fallback: number, min: number, max: number): number {
  const text = assertSafeValue(singleFlag(raw, flag) ?? String(fallback), flag).trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} "${text}" is not an integer from ${min} to ${max}`, { code: 'ERR_OPTION_VALUE' });
  }
  return value;
}

export function choiceFlag<T extends string>(raw: RawFlag, flag: string, choices: readonly T[], fallback: T): T {
  const value = assertSafeValue(singleFlag(raw, flag) ?? fallback, flag).trim();
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} "${value}" is not one of ${choices.join(', ')}`, { code: 'ERR_OPTION_VALUE' });
}

function withContext<T>(flag: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof PortRangeError) throw new PortRangeError(`${flag}: ${error.message}`);
    throw error;
  }
}

export interface LbFlags {
  readonly listen?: RawFlag;
  readonly upstream?: RawFlag;
  readonly roles?: RawFlag;
  readonly balance?: RawFlag;
  readonly 'connect-timeout'?: RawFlag;
  readonly 'idle-timeout'?: RawFlag;
}

export function resolveLbOptions(flags: LbFlags): LbOptions {
  const upstreamValues = safeFlagValues(flags.upstream, '--upstream');
  if (upstreamValues.length === 0) {
    throw new UsageError('missing --upstream: name every Nacos member by its main port, e.g. --upstream 10.0.0.11:8848 --upstream 10.0.0.12:8848', {
      code: 'ERR_MISSING_OPTION',
    });
  }
  const upstreams = parseUpstreams(upstreamValues, '--upstream');
  const listen = parseListenAddress(assertSafeValue(singleFlag(flags.listen, '--listen') ?? LB_DEFAULTS.listen, '--listen'), '--listen');
  for (const member of upstreams) assertNoZoneId(member.host, '--upstream');
  assertNoZoneId(listen.host, '--listen');
  const roles = parseRoles(safeFlagValues(flags.roles, '--roles').length > 0 ? safeFlagValues(flags.roles, '--roles') : LB_DEFAULTS.roles);
  const options: LbOptions = {
    listen,
    upstreams,
    roles,
    balance: choiceFlag(flags.balance, '--balance', BALANCE_STRATEGIES, LB_DEFAULTS.balance),
    connectTimeoutMs: durationFlag(flags['connect-timeout'], '--connect-timeout', LB_DEFAULTS.connectTimeout, 1),
    idleTimeoutMs: durationFlag(
      flags['idle-timeout'],
      '--idle-timeout',
      LB_DEFAULTS.idleTimeout,
      MIN_IDLE_TIMEOUT_MS,
      ': Nacos clients send a heartbeat only after 5 s idle and the server probes after 20 s, so a shorter timeout cuts healthy connections (nginx proxy_timeout 3s is a known failure)',
    ),
  };
  // Derived ports must exist on both sides; rolePorts names the role and the bad port.
  withContext('--listen', () => rolePorts(listen.port, roles));
  for (const member of upstreams) withContext(`--upstream ${formatHostPort(member.host, member.port)}`, () => rolePorts(member.port, roles));
  return Object.freeze(options);
}
