/**
 * The real `nacos` npm client (HTTP v1 open API, main port only) against a 3-member nacos-sim,
 * directly and through nacos-proxy: config publish/get and the long-poll listener, instance
 * register/list and the polled subscription. The sim answers `cacheMillis` 200, which is the
 * server setting that makes this client poll the instance list every 200 ms instead of 10 s.
 */
import { describe, expect, test } from 'vitest';
import { serviceKey } from '../../src/sim/naming-store.js';
import { startHttpClients, type HttpClients, type HttpHost } from '../helpers/nacos-http-client.js';
import { startProxy } from '../helpers/proxy.js';
import { simsClosedAfterEach, type SimHarness } from '../helpers/sim.js';

const { sim, defer } = simsClosedAfterEach();
const GROUP = 'DEFAULT_GROUP';

async function setup(throughProxy: boolean): Promise<{ harness: SimHarness; serverAddr: string; clients: HttpClients; proxiedMain: () => number }> {
  const harness = await sim({ nodes: 3, timing: { cacheMillis: 200 } });
  let serverAddr = harness.cluster.serverAddr;
  let proxiedMain = (): number => 0;
  if (throughProxy) {
    const proxy = await startProxy(harness.cluster.members.map((member) => ({ host: member.host, base: member.mainPort })));
    defer(() => proxy.close());
    serverAddr = `127.0.0.1:${proxy.base}`;
    proxiedMain = () => proxy.proxy.totals.get('main')?.accepted ?? 0;
  }
  const clients = await startHttpClients();
  defer(() => clients.close());
  return { harness, serverAddr, clients, proxiedMain };
}

function addresses(hosts: readonly HttpHost[]): string[] {
  return hosts.map((host) => `${host.ip}:${host.port}`).sort();
}

describe.each([
  { target: 'directly against the sim', throughProxy: false },
  { target: 'through nacos-proxy', throughProxy: true },
])('the nacos HTTP client $target', ({ throughProxy }) => {
  test('publishes and reads a config, and its long-poll listener hears a change at once', async () => {
    const { harness, serverAddr, clients, proxiedMain } = await setup(throughProxy);
    const config = await clients.config(serverAddr);
    expect(await config.publishSingle('db.properties', GROUP, 'url=jdbc:a')).toBe(true);
    expect(await config.getConfig('db.properties', GROUP)).toBe('url=jdbc:a');
    const seen: string[] = [];
    let heard: (() => void) | undefined;
    const changed = new Promise<void>((resolve) => (heard = resolve));
    config.subscribe({ dataId: 'db.properties', group: GROUP }, (content) => {
      seen.push(content);
      if (content === 'url=jdbc:b') heard!();
    });
    // The listener first reports the current content, then the client holds a 30 s long poll.
    await harness.log.waitFor((line) => line.msg === 'http request' && line.path === '/nacos/v1/cs/configs/listener');
    expect(await config.publishSingle('db.properties', GROUP, 'url=jdbc:b')).toBe(true);
    await changed;
    expect(seen).toEqual(['url=jdbc:a', 'url=jdbc:b']);
    expect(clients.errors).toEqual([]);
    if (throughProxy) expect(proxiedMain()).toBeGreaterThan(0);
  });

  test('registers an instance, lists it, and its subscription sees the next one', async () => {
    const { harness, serverAddr, clients, proxiedMain } = await setup(throughProxy);
    const naming = await clients.naming(serverAddr);
    await naming.registerInstance('inventory', { ip: '10.0.1.1', port: 7001, metadata: { version: 'v1' } }, GROUP);
    const listed = await naming.getAllInstances('inventory', GROUP, '', false);
    expect(listed).toEqual([expect.objectContaining({ ip: '10.0.1.1', port: 7001, healthy: true, metadata: { version: 'v1' } })]);
    let both: ((hosts: HttpHost[]) => void) | undefined;
    const sawBoth = new Promise<HttpHost[]>((resolve) => (both = resolve));
    naming.subscribe({ serviceName: 'inventory', groupName: GROUP }, (hosts) => {
      if (hosts.length === 2) both!(hosts);
    });
    await naming.registerInstance('inventory', { ip: '10.0.1.2', port: 7001 }, GROUP);
    expect(addresses(await sawBoth)).toEqual(['10.0.1.1:7001', '10.0.1.2:7001']);
    expect(harness.cluster.stores.naming.instances(serviceKey('public', GROUP, 'inventory'))).toHaveLength(2);
    if (throughProxy) expect(proxiedMain()).toBeGreaterThan(0);
  });
});
