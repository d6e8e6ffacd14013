/**
 * Options of `nacos-doctor haproxy`: the shared load-balancer options plus HAProxy's active
 * TCP health checks. Pure: raw flags in, frozen options out.
 */
import { durationFlag, integerFlag, resolveLbOptions, type LbFlags, type LbOptions, type RawFlag } from './lb-options.js';

export interface HaproxyOptions extends LbOptions {
  readonly healthIntervalMs: number;
  readonly healthFall: number;
  readonly healthRise: number;
  /**
   * `timeout client` / `timeout server`: in `mode tcp` they only govern a connection until it
   * is established both ways; from then on `timeout tunnel` (idleTimeoutMs) supersedes both.
   * Not flags: nothing but tests has a reason to change them.
   */
  readonly clientTimeoutMs: number;
  readonly serverTimeoutMs: number;
  /** A complete config: adds a global section that logs to stderr, and per-connection logs. */
  readonly full: boolean;
}

export const HAPROXY_DEFAULTS = Object.freeze({
  healthInterval: '2s',
  healthFall: 3,
  healthRise: 2,
  clientTimeoutMs: 30_000,
  serverTimeoutMs: 30_000,
});

export interface HaproxyFlags extends LbFlags {
  readonly 'health-interval'?: RawFlag;
  readonly 'health-fall'?: RawFlag;
  readonly 'health-rise'?: RawFlag;
  readonly full?: boolean;
}

export function resolveHaproxyOptions(flags: HaproxyFlags): HaproxyOptions {
  return Object.freeze({
    ...resolveLbOptions(flags),
    healthIntervalMs: durationFlag(flags['health-interval'], '--health-interval', HAPROXY_DEFAULTS.healthInterval, 100),
    healthFall: integerFlag(flags['health-fall'], '--health-fall', HAPROXY_DEFAULTS.healthFall, 1, 1000),
    healthRise: integerFlag(flags['health-rise'], '--health-rise', HAPROXY_DEFAULTS.healthRise, 1, 1000),
    clientTimeoutMs: HAPROXY_DEFAULTS.clientTimeoutMs,
    serverTimeoutMs: HAPROXY_DEFAULTS.serverTimeoutMs,
    full: flags.full === true,
  });
}
