/** A simulated cluster on free loopback ports with captured logs, plus plain HTTP calls to it. */
import { SimCluster, type SimClusterOptions } from '../../src/sim/cluster.js';
import type { SimMember } from '../../src/sim/member.js';
import { cleanupAfterEach, type Defer } from './cleanup.js';
import { captureLog, type CapturedLog } from './log.js';

export interface SimHarness {
  readonly cluster: SimCluster;
  readonly log: CapturedLog;
  close(): Promise<void>;
}

export async function startSim(options: SimClusterOptions = {}): Promise<SimHarness> {
  const log = captureLog('debug');
  const cluster = await SimCluster.start({ logger: log.logger, ...options });
  return { cluster, log, close: () => cluster.close() };
}

/** For test files: `sim()` starts a cluster that is closed after the test; `defer` adds more teardown. */
export function simsClosedAfterEach(): { defer: Defer; sim(options?: SimClusterOptions): Promise<SimHarness> } {
  const defer = cleanupAfterEach();
  return {
    defer,
    sim: async (options = {}) => {
      const harness = await startSim(options);
      defer(() => harness.close());
      return harness;
    },
  };
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTP call to a member's main port; form parameters go in the body for POST/PUT/DELETE. */
export async function http(
  member: SimMember,
  method: string,
  path: string,
  options: { params?: Record<string, string>; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const query = new URLSearchParams(options.params ?? {}).toString();
  const inBody = method !== 'GET' && query !== '';
  const url = `http://${member.addresses.serverAddr}${path}${!inBody && query !== '' ? `?${query}` : ''}`;
  const response = await fetch(url, {
    method,
    headers: { ...(inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...options.headers },
    ...(inBody ? { body: query } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers, json: <T>() => JSON.parse(text) as T };
}
