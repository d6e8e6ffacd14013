/**
 * The real Nacos 2 gRPC client (nacos-sdk-rust-binding-node) against a 3-member nacos-sim,
 * directly and through nacos-proxy: config publish/read/listen/remove, naming
 * register/list/subscribe/deregister, and failover when the member holding the client's
 * connection dies (with the proxy's defaults, and with ip-hash and no active checks).
 */
import { describe, expect, test } from 'vitest';
import { RESPONSE_TYPES } from '../../src/nacos/messages.js';
import { resolveProxyOptions, type ProxyOptions } from '../../src/proxy/options.js';
import type { SimClusterOptions } from '../../src/sim/cluster.js';
import { contentMd5 } from '../../src/sim/config-store.js';
import type { SimMember } from '../../src/sim/member.js';
import { serviceKey } from '../../src/sim/naming-store.js';
import { startProxy } from '../helpers/proxy.js';
import { startRustClients, type RustConfigResponse, type RustInstance } from '../helpers/rust-client.js';
import { simsClosedAfterEach, type SimHarness } from '../helpers/sim.js';

const { sim, defer } = simsClosedAfterEach();
const GROUP = 'DEFAULT_GROUP';

interface Setup {
  readonly harness: SimHarness;
  readonly serverAddr: string;
  /** Client connections the proxy forwards to client-grpc right now (0 without a proxy). */
  readonly proxiedGrpc: () => number;
}

async function setup(throughProxy: boolean, proxyOptions: Partial<ProxyOptions> = {}, simOptions: SimClusterOptions = {}): Promise<Setup> {
  const harness = await sim({ nodes: 3, ...simOptions });
  if (!throughProxy) return { harness, serverAddr: harness.cluster.serverAddr, proxiedGrpc: () => 0 };
  const proxy = await startProxy(
    harness.cluster.members.map((member) => ({ host: member.host, base: member.mainPort })),
    proxyOptions,
  );
  defer(() => proxy.close());
  return { harness, serverAddr: `127.0.0.1:${proxy.base}`, proxiedGrpc: () => proxy.proxy.liveByRole().get('client-grpc')?.active ?? 0 };
}

async function rustClients(): Promise<Awaited<ReturnType<typeof startRustClients>>> {
  const clients = await startRustClients();
  defer(() => clients.close());
  return clients;
}

/** The member holding the registered SDK connection of `module` (config or naming). */
function holder(harness: SimHarness, module: string): SimMember {
  const found = harness.cluster.members.filter((member) => member.connections().some((connection) => connection.setup?.labels.module === module));
  expect(found, `members holding a ${module} connection`).toHaveLength(1);
  return found[0]!;
}

/**
 * Resolves once the sim has answered a `type` request sent after log index `since`. The SDK's
 * addListener (and subscribe) return before their request reaches the server; a change made
 * in between is missed until the SDK's 60 s re-listen, so tests wait for the server side.
 */
async function handled(harness: SimHarness, type: string, since: number): Promise<void> {
  await harness.log.waitFor((line) => line.msg === 'grpc response' && line.type === RESPONSE_TYPES[type], since);
}

function hosts(instances: readonly RustInstance[]): string[] {
  return instances.map((instance) => `${instance.ip}:${instance.port}`).sort();
}

describe.each([
  { target: 'directly against the sim', throughProxy: false },
  { target: 'through nacos-proxy', throughProxy: true },
])('nacos-sdk-rust-binding-node $target', ({ throughProxy }) => {
  test('publishes a config, reads it, and hears its change on a listener', async () => {
    const { harness, serverAddr, proxiedGrpc } = await setup(throughProxy);
    const rust = await rustClients();
    const config = await rust.config('config', { serverAddr });
    expect(await config.publish('app.properties', GROUP, 'level=info')).toBe(true);
    expect(await config.get('app.properties', GROUP)).toBe('level=info');
    const listening = harness.log.lines.length;
    await config.listen('app.properties', GROUP);
    await handled(harness, 'ConfigBatchListenRequest', listening);
    const since = rust.events.length;
    await config.publish('app.properties', GROUP, 'level=debug');
    const change = await rust.waitForEvent((event) => event.event === 'config' && (event.value as RustConfigResponse).content === 'level=debug', since);
    expect(change.value).toMatchObject({ dataId: 'app.properties', group: GROUP, content: 'level=debug', md5: contentMd5('level=debug') });
    expect(harness.cluster.stores.config.get({ dataId: 'app.properties', group: GROUP, tenant: '' })?.content).toBe('level=debug');
    if (throughProxy) expect(proxiedGrpc()).toBeGreaterThan(0);
  });

  test('registers an instance, lists it, and gets a subscribe push when the service changes', async () => {
    const { harness, serverAddr, proxiedGrpc } = await setup(throughProxy);
    const rust = await rustClients();
    const naming = await rust.naming('naming', { serverAddr });
    await naming.register('orders', GROUP, { ip: '10.0.0.1', port: 8080, metadata: { zone: 'a' } });
    const listed = await naming.getAll('orders', GROUP);
    expect(listed).toEqual([expect.objectContaining({ ip: '10.0.0.1', port: 8080, healthy: true, clusterName: 'DEFAULT', metadata: { zone: 'a' } })]);
    const subscribing = harness.log.lines.length;
    await naming.subscribe('orders', GROUP);
    await handled(harness, 'SubscribeServiceRequest', subscribing);
    const since = rust.events.length;
    await naming.batchRegister('orders', GROUP, [
      { ip: '10.0.0.1', port: 8080 },
      { ip: '10.0.0.2', port: 8080 },
    ]);
    const push = await rust.waitForEvent((event) => event.event === 'naming' && (event.value as RustInstance[]).length === 2, since);
    expect(hosts(push.value as RustInstance[])).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(harness.cluster.stores.naming.instances(serviceKey('public', GROUP, 'orders'))).toHaveLength(2);
    if (throughProxy) expect(proxiedGrpc()).toBeGreaterThan(0);
  });

  test('removes a config: a listening client is told and asks again, other clients no longer find it', async () => {
    const { harness, serverAddr } = await setup(throughProxy);
    const rust = await rustClients();
    const writer = await rust.config('writer', { serverAddr });
    const listener = await rust.config('listener', { serverAddr });
    expect(await writer.publish('gone.yaml', GROUP, 'a: 1')).toBe(true);
    expect(await listener.get('gone.yaml', GROUP)).toBe('a: 1');
    const listening = harness.log.lines.length;
    await listener.listen('gone.yaml', GROUP);
    await handled(harness, 'ConfigBatchListenRequest', listening);
    const since = harness.log.lines.length;
    expect(await writer.remove('gone.yaml', GROUP)).toBe(true);
    expect(harness.cluster.stores.config.get({ dataId: 'gone.yaml', group: GROUP, tenant: '' })).toBeUndefined();
    // The push crossed the (proxied) bi-stream: the listener acknowledged it and queried the key again.
    await harness.log.waitFor((line) => line.msg === 'bi-stream message' && line.type === 'ConfigChangeNotifyResponse', since);
    await harness.log.waitFor((line) => line.msg === 'grpc response' && line.type === 'ConfigQueryResponse' && (line.body as { errorCode?: number }).errorCode === 300, since);
    const reader = await rust.config('reader', { serverAddr });
    await expect(reader.get('gone.yaml', GROUP)).rejects.toThrow(/config not found: .*error_code=300, message=config data not exist/);
  });

  test('deregisters an instance: the server drops it and a subscriber is pushed the rest', async () => {
    const { harness, serverAddr } = await setup(throughProxy);
    const rust = await rustClients();
    const leaving = await rust.naming('leaving', { serverAddr });
    const staying = await rust.naming('staying', { serverAddr });
    await leaving.register('orders', GROUP, { ip: '10.0.0.1', port: 8080 });
    await staying.register('orders', GROUP, { ip: '10.0.0.2', port: 8080 });
    const subscribing = harness.log.lines.length;
    await staying.subscribe('orders', GROUP);
    await handled(harness, 'SubscribeServiceRequest', subscribing);
    const since = rust.events.length;
    await leaving.deregister('orders', GROUP, { ip: '10.0.0.1', port: 8080 });
    const push = await rust.waitForEvent((event) => event.event === 'naming' && event.client === 'staying' && (event.value as RustInstance[]).length === 1, since);
    expect(hosts(push.value as RustInstance[])).toEqual(['10.0.0.2:8080']);
    expect(harness.cluster.stores.naming.instances(serviceKey('public', GROUP, 'orders')).map((record) => record.ip)).toEqual(['10.0.0.2']);
    expect(hosts(await leaving.getAll('orders', GROUP))).toEqual(['10.0.0.2:8080']);
  });
});

test('with auth on, the client logs in on the main port through nacos-proxy and its token works on gRPC', async () => {
  const user = { username: 'nacos', password: 'secret' };
  const { harness, serverAddr } = await setup(true, {}, { members: { auth: user } });
  const rust = await rustClients();
  const config = await rust.config('config', { serverAddr, ...user });
  expect(await config.publish('secured.yaml', GROUP, 'a: 1')).toBe(true);
  const login = await harness.log.waitFor((line) => line.msg === 'http request' && line.path === '/nacos/v1/auth/login');
  expect(login.params).toEqual(user);
  const publish = await harness.log.waitFor((line) => line.msg === 'grpc request' && line.type === 'ConfigPublishRequest');
  expect((publish.headers as Record<string, string>).accessToken).toMatch(/^eyJ/);
  // A failed login leaves the client without a token: the server answers "user not found!" (nacos-docker#367).
  const anonymous = await rust.config('anonymous', { serverAddr, username: 'nacos', password: 'wrong' });
  await expect(anonymous.publish('secured.yaml', GROUP, 'a: 2')).rejects.toThrow(/error_code=403, message=user not found!/);
});

/** nacos-proxy's own defaults, not the test helper's (which turns active health checks off). */
const PROXY_DEFAULTS = resolveProxyOptions({ flags: { listen: '127.0.0.1:18848', upstream: ['127.0.0.1:28848'] }, env: {} }).options;

/** Resolves once the registry holds exactly `count` instances of `key`. */
function instancesOf(registry: SimHarness['cluster']['stores']['naming'], key: ReturnType<typeof serviceKey>, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (registry.instances(key).length !== count) return;
      registry.off('changed', check);
      resolve();
    };
    registry.on('changed', check);
    check();
  });
}

describe('failover through nacos-proxy', () => {
  test('with the proxy defaults (round-robin, active health checks), a client whose member dies reconnects to another and keeps working', async () => {
    expect(PROXY_DEFAULTS).toMatchObject({ balance: 'round-robin', healthInterval: expect.any(Number) });
    expect(PROXY_DEFAULTS.healthInterval).toBeGreaterThan(0);
    const { harness, serverAddr } = await setup(true, { balance: PROXY_DEFAULTS.balance, healthInterval: PROXY_DEFAULTS.healthInterval });
    const rust = await rustClients();
    const config = await rust.config('config', { serverAddr });
    const naming = await rust.naming('naming', { serverAddr });
    await config.publish('defaults.yaml', GROUP, 'v: 1');
    const listening = harness.log.lines.length;
    await config.listen('defaults.yaml', GROUP);
    await handled(harness, 'ConfigBatchListenRequest', listening);
    await naming.register('inventory', GROUP, { ip: '10.0.1.1', port: 7070 });

    const dead = holder(harness, 'config');
    const namingMoves = holder(harness, 'naming') === dead;
    const since = harness.log.lines.length;
    await dead.kill();
    const moved = await harness.log.waitFor((line) => line.msg === 'connection registered' && (line.labels as Record<string, string>).module === 'config', since);
    expect(moved.member).not.toBe(dead.id);
    if (namingMoves) {
      const namingMoved = await harness.log.waitFor((line) => line.msg === 'connection registered' && (line.labels as Record<string, string>).module === 'naming', since);
      expect(namingMoved.member).not.toBe(dead.id);
    }

    expect(await config.publish('defaults.yaml', GROUP, 'v: 2')).toBe(true);
    expect(await config.publish('after-defaults.yaml', GROUP, 'fresh')).toBe(true);
    expect(await config.get('after-defaults.yaml', GROUP)).toBe('fresh');
    expect(holder(harness, 'config')).not.toBe(dead);
    const key = serviceKey('public', GROUP, 'inventory');
    // On the naming client's member (old or new) the instance is registered once more.
    await instancesOf(harness.cluster.stores.naming, key, 1);
    expect(harness.cluster.stores.naming.instances(key).map((record) => record.owner.includes(dead.id))).toEqual([false]);
    const subscribing = harness.log.lines.length;
    await naming.subscribe('inventory', GROUP);
    await handled(harness, 'SubscribeServiceRequest', subscribing);
    const pushes = rust.events.length;
    await naming.batchRegister('inventory', GROUP, [
      { ip: '10.0.1.1', port: 7070 },
      { ip: '10.0.1.2', port: 7070 },
    ]);
    const push = await rust.waitForEvent((event) => event.event === 'naming' && (event.value as RustInstance[]).length === 2, pushes);
    expect(hosts(push.value as RustInstance[])).toEqual(['10.0.1.1:7070', '10.0.1.2:7070']);
  });


  test('config and naming clients move to another member when theirs dies, and everything keeps working', async () => {
    // ip-hash puts both client connections (same client IP) on one member, so one kill moves both.
    const { harness, serverAddr } = await setup(true, { balance: 'ip-hash' });
    const rust = await rustClients();
    const config = await rust.config('config', { serverAddr });
    const naming = await rust.naming('naming', { serverAddr });
    await config.publish('failover.yaml', GROUP, 'v: 1');
    const listening = harness.log.lines.length;
    await config.listen('failover.yaml', GROUP);
    await handled(harness, 'ConfigBatchListenRequest', listening);
    await config.publish('failover.yaml', GROUP, 'v: 2');
    await rust.waitForEvent((event) => event.event === 'config' && (event.value as RustConfigResponse).content === 'v: 2');
    // Only single registrations here: the SDK's redo replays a single and a batch registration of
    // one service in no fixed order, and on Nacos 2 the last one replaces the other.
    const subscribing = harness.log.lines.length;
    await naming.subscribe('payments', GROUP);
    await handled(harness, 'SubscribeServiceRequest', subscribing);
    await naming.register('payments', GROUP, { ip: '10.0.0.9', port: 9090 });
    await rust.waitForEvent((event) => event.event === 'naming' && (event.value as RustInstance[]).length === 1);

    const dead = holder(harness, 'config');
    expect(holder(harness, 'naming')).toBe(dead);
    const since = harness.log.lines.length;
    await dead.kill();
    // The client notices at its next health check (every 5 s) and reconnects after a 2 s backoff;
    // a request sent before that can land on a fresh TCP connection without setup and get 301.
    for (const module of ['config', 'naming']) {
      const registered = await harness.log.waitFor((line) => line.msg === 'connection registered' && (line.labels as Record<string, string>).module === module, since);
      expect(registered.member).not.toBe(dead.id);
    }

    expect(await config.publish('failover.yaml', GROUP, 'v: 3')).toBe(true);
    expect(harness.cluster.stores.config.get({ dataId: 'failover.yaml', group: GROUP, tenant: '' })?.content).toBe('v: 3');
    expect(await config.publish('after.yaml', GROUP, 'fresh')).toBe(true);
    expect(await config.get('after.yaml', GROUP)).toBe('fresh');
    expect(holder(harness, 'config')).not.toBe(dead);
    const key = serviceKey('public', GROUP, 'payments');
    const registry = harness.cluster.stores.naming;
    // The client publishes its instance again on the new connection (its redo task).
    await instancesOf(registry, key, 1);
    expect(registry.instances(key).map((record) => record.owner.includes(dead.id))).toEqual([false]);
    expect(hosts(await naming.getAll('payments', GROUP))).toEqual(['10.0.0.9:9090']);
    const pushes = rust.events.length;
    await naming.batchRegister('payments', GROUP, [
      { ip: '10.0.0.9', port: 9090 },
      { ip: '10.0.0.10', port: 9090 },
    ]);
    const push = await rust.waitForEvent((event) => event.event === 'naming' && (event.value as RustInstance[]).length === 2, pushes);
    expect(hosts(push.value as RustInstance[])).toEqual(['10.0.0.10:9090', '10.0.0.9:9090']);
  });
});
