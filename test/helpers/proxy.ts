/** Starts a NacosProxy on free ports in front of given members, with test-friendly settings. */
import type { Socket } from 'node:net';
import { findFreeBasePort } from '../../src/net/free-port.js';
import type { Resolver } from '../../src/net/resolve.js';
import { ROLE_OFFSETS, type Role } from '../../src/ports.js';
import { resolveProxyOptions, type DataPathChoice, type ProxyOptions } from '../../src/proxy/options.js';
import { NacosProxy } from '../../src/proxy/proxy.js';
import { captureLog, type CapturedLog } from './log.js';
import { dialTcp } from './net.js';

/** Integration tests run on each: what moves bytes, dials and retries differs between them. */
export const DATA_PATHS: readonly DataPathChoice[] = ['js', 'splice'];

export interface ProxyHarness {
  readonly proxy: NacosProxy;
  readonly base: number;
  readonly host: string;
  readonly log: CapturedLog;
  port(role: Role): number;
  dial(role: Role, localAddress?: string): Promise<Socket>;
  close(): Promise<void>;
}

export async function startProxy(
  members: readonly { host: string; base: number }[],
  overrides: Partial<ProxyOptions> = {},
  host = '127.0.0.1',
  /** start: false leaves listen() and start() to the test; resolver gives host names of the test's own. */
  behaviour: { start?: boolean; resolver?: Resolver } = {},
): Promise<ProxyHarness> {
  const roles = overrides.roles ?? ['main', 'client-grpc', 'cluster-grpc'];
  const base = await findFreeBasePort({ host, roles });
  const { options } = resolveProxyOptions({
    flags: { listen: `${host.includes(':') ? `[${host}]` : host}:${base}`, upstream: members.map((m) => (m.host.includes(':') ? `[${m.host}]:${m.base}` : `${m.host}:${m.base}`)) },
    env: {},
  });
  const log = captureLog('debug');
  const proxy = new NacosProxy({ ...options, healthInterval: 0, ...overrides }, { logger: log.logger, ...(behaviour.resolver ? { resolver: behaviour.resolver } : {}) });
  if (behaviour.start !== false) await proxy.start();
  return {
    proxy,
    base,
    host,
    log,
    port: (role) => base + ROLE_OFFSETS[role],
    dial: (role, localAddress) => dialTcp(base + ROLE_OFFSETS[role], host, localAddress),
    close: async () => {
      await proxy.close();
    },
  };
}
