/** Access control, limits, drain, reload and the admin endpoint, on a running proxy, on each data path. */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCidr } from '../../src/address.js';
import { AdminServer } from '../../src/proxy/admin-server.js';
import { resolveProxyOptions } from '../../src/proxy/options.js';
import { closeOutcome, connectOutcome, dialTcp, readAll, readLine, startFakeMember, type FakeMember } from '../helpers/net.js';
import { DATA_PATHS, startProxy, type ProxyHarness } from '../helpers/proxy.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function member(name = 'm1'): Promise<FakeMember> {
  const m = await startFakeMember(name, ['main', 'client-grpc']);
  cleanups.push(() => m.close());
  return m;
}

async function proxy(members: FakeMember[], overrides: Parameters<typeof startProxy>[1] = {}): Promise<ProxyHarness> {
  const harness = await startProxy(members, { roles: ['main', 'client-grpc'], ...overrides });
  cleanups.push(() => harness.close());
  return harness;
}

describe.each(DATA_PATHS)('access control and limits on data path %s', (dataPath) => {
  it('resets denied clients at once and logs them', async () => {
    const harness = await proxy([await member()], { deny: [parseCidr('127.0.0.0/8')], dataPath });
    expect(await connectOutcome(harness.port('main'))).toBe('ECONNRESET');
    const line = await harness.log.waitFor((l) => l.msg === 'connection refused');
    expect(line).toMatchObject({ reason: 'denied', upstream: null });
    expect(harness.proxy.pool.members[0]!.state('main').total).toBe(0);
  });

  it('admits only --allow blocks', async () => {
    const m = await member();
    const harness = await proxy([m], { allow: [parseCidr('127.0.0.2/32')], dataPath });
    expect(await connectOutcome(harness.port('main'))).toBe('ECONNRESET');
    const allowed = await dialTcp(harness.port('main'), '127.0.0.1', '127.0.0.2');
    expect(await readLine(allowed)).toBe('m1 main');
    allowed.destroy();
  });

  it('refuses connections past --max-connections and --max-connections-per-ip', async () => {
    const harness = await proxy([await member()], { maxConnections: 3, maxConnectionsPerIp: 2, dataPath });
    const a = await dialTcp(harness.port('main'), '127.0.0.1', '127.0.0.5');
    const b = await dialTcp(harness.port('client-grpc'), '127.0.0.1', '127.0.0.5');
    await Promise.all([readLine(a), readLine(b)]);
    const perIp = dialTcp(harness.port('main'), '127.0.0.1', '127.0.0.5').then(closeOutcome, (error: NodeJS.ErrnoException) => error.code);
    expect(await perIp).toBe('ECONNRESET');
    expect((await harness.log.waitFor((l) => l.msg === 'connection refused')).reason).toBe('limit-per-ip');
    const c = await dialTcp(harness.port('main'), '127.0.0.1', '127.0.0.6');
    await readLine(c);
    const overall = dialTcp(harness.port('main'), '127.0.0.1', '127.0.0.7').then(closeOutcome, (error: NodeJS.ErrnoException) => error.code);
    expect(await overall).toBe('ECONNRESET');
    expect(harness.proxy.totals.get('main')!.closed.get('limit')).toBe(1);
    // Freed slots are reused.
    a.destroy();
    await harness.log.waitFor((l) => l.msg === 'connection closed');
    const again = await dialTcp(harness.port('main'), '127.0.0.1', '127.0.0.5');
    expect(await readLine(again)).toBe('m1 main');
    for (const socket of [b, c, again]) socket.destroy();
  });
});

describe.each(DATA_PATHS)('drain on data path %s', (dataPath) => {
  it('stops accepting at once and lets open connections finish', async () => {
    const harness = await proxy([await member()], { dataPath });
    const open = await harness.dial('main');
    await readLine(open);
    const drained = harness.proxy.drain(10_000);
    expect(harness.proxy.state).toBe('draining');
    expect(await connectOutcome(harness.port('main'))).toBe('ECONNREFUSED');
    // The open connection still works end to end, then finishes on its own.
    const reply = readAll(open);
    open.end('last words');
    expect((await reply).toString()).toBe('last words');
    expect(await drained).toEqual({ reset: 0 });
    expect(harness.proxy.state).toBe('closed');
  });

  it('resets what is still open when the drain timeout ends', async () => {
    const harness = await proxy([await member()], { dataPath });
    const open = await harness.dial('client-grpc');
    await readLine(open);
    const outcome = closeOutcome(open);
    expect(await harness.proxy.drain(200)).toEqual({ reset: 1 });
    expect(await outcome).toBe('ECONNRESET');
    expect((await harness.log.waitFor((l) => l.msg === 'connection closed')).reason).toBe('drained');
  });
});

describe.each(DATA_PATHS)('reload on data path %s', (dataPath) => {
  it('applies a new member list to new connections and keeps open ones on their member', async () => {
    const m1 = await member('m1');
    const m2 = await member('m2');
    const harness = await proxy([m1], { healthInterval: 100, healthTimeout: 500, dataPath });
    const held = await harness.dial('client-grpc');
    expect(await readLine(held)).toBe('m1 client-grpc');
    const { options } = resolveProxyOptions({
      flags: { listen: `127.0.0.1:${harness.base}`, upstream: [`127.0.0.1:${m2.base}`], roles: 'main,client-grpc', 'health-interval': '100ms', 'data-path': dataPath },
      env: {},
    });
    const result = await harness.proxy.reload(options);
    expect(result).toEqual({ added: [`127.0.0.1:${m2.base}`], removed: [`127.0.0.1:${m1.base}`], ignored: [] });
    // The new member was checked before it took traffic: the very next connection lands on it.
    const fresh = await harness.dial('client-grpc');
    expect(await readLine(fresh)).toBe('m2 client-grpc');
    const echoed = readAll(held);
    held.end('still on m1');
    expect((await echoed).toString()).toBe('still on m1');
    fresh.destroy();
  });

  it('reports options that need a restart and keeps their running values', async () => {
    const m1 = await member();
    const harness = await proxy([m1], { dataPath });
    const { options } = resolveProxyOptions({ flags: { listen: '127.0.0.1:1234', upstream: [`127.0.0.1:${m1.base}`], 'data-path': dataPath }, env: {} });
    expect((await harness.proxy.reload(options)).ignored).toEqual(['listen', 'roles']);
    expect(harness.proxy.options.listen.port).toBe(harness.base);
    const socket = await harness.dial('main');
    expect(await readLine(socket)).toBe('m1 main');
    socket.destroy();
  });
});

describe.each(DATA_PATHS)('admin endpoint on data path %s', (dataPath) => {
  it('serves /healthz, /status and /metrics from live state', async () => {
    const m1 = await member();
    const harness = await proxy([m1], { dataPath });
    const admin = await AdminServer.open(harness.proxy, { host: '127.0.0.1', port: 0 });
    cleanups.push(() => admin.close());
    const url = (path: string): string => `http://127.0.0.1:${admin.address().port}${path}`;
    const held = await harness.dial('main');
    await readLine(held);
    held.write('12345');
    held.resume();
    await once(held, 'data');

    const health = await fetch(url('/healthz'));
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');

    const status = (await (await fetch(url('/status'))).json()) as Record<string, any>;
    expect(status.state).toBe('running');
    expect(status.dataPath).toBe(dataPath);
    expect(status.activeConnections).toBe(1);
    expect(status.roles.main).toMatchObject({ listen: `127.0.0.1:${harness.base}`, healthyMembers: 1, activeConnections: 1, bytesFromClients: 5 });
    expect(status.members[0]).toMatchObject({ member: `127.0.0.1:${m1.base}` });
    expect(status.members[0].roles['client-grpc']).toMatchObject({ address: `127.0.0.1:${m1.base + 1000}`, healthy: true });

    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toContain('nacos_proxy_connections_active{role="main"} 1');
    expect(metrics).toContain('nacos_proxy_bytes_total{role="main",direction="client_to_upstream"} 5');
    expect(metrics).toContain(`nacos_proxy_member_healthy{member="127.0.0.1:${m1.base}",role="client-grpc"} 1`);
    expect(metrics).toContain('process_resident_memory_bytes');

    // A role without a healthy member turns /healthz red and says which.
    await m1.stop('client-grpc');
    expect(await connectOutcome(harness.port('client-grpc'))).toBe('ECONNRESET');
    const red = await fetch(url('/healthz'));
    expect(red.status).toBe(503);
    expect(await red.text()).toBe('no healthy member for client-grpc\n');
    const closedMetrics = await (await fetch(url('/metrics'))).text();
    expect(closedMetrics).toContain('nacos_proxy_connections_closed_total{role="client-grpc",reason="connect-failed"} 1');
    expect((await fetch(url('/nope'))).status).toBe(404);
    expect((await fetch(url('/status'), { method: 'POST' })).status).toBe(405);
    held.destroy();
  });
});
