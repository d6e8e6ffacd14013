/**
 * Members behind the proxy: balancing, failover, health checks, and what a client sees when
 * no member can take it; on each data path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/ports.js';
import { startBlackHole } from '../helpers/black-hole.js';
import { closeOutcome, connectOutcome, readLine, startFakeMember, type FakeMember } from '../helpers/net.js';
import { DATA_PATHS, startProxy, type ProxyHarness } from '../helpers/proxy.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function members(count: number, roles: readonly Role[] = ['main', 'client-grpc']): Promise<FakeMember[]> {
  const list: FakeMember[] = [];
  for (let i = 1; i <= count; i += 1) {
    const member = await startFakeMember(`m${i}`, roles);
    cleanups.push(() => member.close());
    list.push(member);
  }
  return list;
}

async function whoAnswers(dial: () => Promise<import('node:net').Socket>): Promise<string> {
  const socket = await dial();
  const line = await readLine(socket);
  socket.destroy();
  return line.split(' ')[0]!;
}

describe.each(DATA_PATHS)('balancing on data path %s', (dataPath) => {
  it('round-robin spreads connections evenly over members', async () => {
    const cluster = await members(3);
    const harness = await startProxy(cluster, { roles: ['main', 'client-grpc'], dataPath });
    cleanups.push(() => harness.close());
    const seen: string[] = [];
    for (let i = 0; i < 6; i += 1) seen.push(await whoAnswers(() => harness.dial('main')));
    expect(seen.sort()).toEqual(['m1', 'm1', 'm2', 'm2', 'm3', 'm3']);
  });

  it('least-connections sends a new connection to the least busy member', async () => {
    const cluster = await members(2);
    const harness = await startProxy(cluster, { roles: ['main', 'client-grpc'], balance: 'least-connections', dataPath });
    cleanups.push(() => harness.close());
    const held = [await harness.dial('main'), await harness.dial('main'), await harness.dial('main')];
    const owners = await Promise.all(held.map(async (socket) => (await readLine(socket)).split(' ')[0]!));
    // Two members, three held connections: one member has 2. The next goes to the other.
    const busiest = owners.filter((o) => o === 'm1').length > 1 ? 'm1' : 'm2';
    expect(await whoAnswers(() => harness.dial('main'))).not.toBe(busiest);
    for (const socket of held) socket.destroy();
  });

  it('ip-hash keeps one client IP on one member across roles, and different IPs spread', async () => {
    const cluster = await members(3);
    const harness = await startProxy(cluster, { roles: ['main', 'client-grpc'], balance: 'ip-hash', dataPath });
    cleanups.push(() => harness.close());
    const owners = new Set<string>();
    for (let i = 1; i <= 12; i += 1) {
      const ip = `127.0.0.${i}`;
      const main = await whoAnswers(() => harness.dial('main', ip));
      expect(await whoAnswers(() => harness.dial('main', ip))).toBe(main);
      expect(await whoAnswers(() => harness.dial('client-grpc', ip))).toBe(main);
      owners.add(main);
    }
    expect(owners.size).toBeGreaterThan(1);
  });
});

describe.each(DATA_PATHS)('failover on data path %s', (dataPath) => {
  it('tries the next member when one refuses, before forwarding any byte', async () => {
    const [m1, m2] = await members(2);
    const harness = await startProxy([m1!, m2!], { roles: ['main', 'client-grpc'], dataPath });
    cleanups.push(() => harness.close());
    await m1!.stop('main');
    for (let i = 0; i < 4; i += 1) expect(await whoAnswers(() => harness.dial('main'))).toBe('m2');
    const down = await harness.log.waitFor((line) => line.msg === 'member down');
    expect(down).toMatchObject({ member: `127.0.0.1:${m1!.base}`, role: 'main', cause: 'connect-failure' });
    // The other role of the same member still serves.
    const grpcOwners = new Set<string>();
    for (let i = 0; i < 4; i += 1) grpcOwners.add(await whoAnswers(() => harness.dial('client-grpc')));
    expect(grpcOwners).toEqual(new Set(['m1', 'm2']));
  });

  it('without active checks, logs a member up again when its --fail-timeout ends', async () => {
    const [m1, m2] = await members(2, ['main']);
    const harness = await startProxy([m1!, m2!], { roles: ['main'], dataPath, healthInterval: 0, failTimeout: 300 });
    cleanups.push(() => harness.close());
    await m1!.stop('main');
    expect(await whoAnswers(() => harness.dial('main'))).toBe('m2');
    const down = await harness.log.waitFor((line) => line.msg === 'member down');
    await m1!.start('main');
    const up = await harness.log.waitFor((line) => line.msg === 'member up', harness.log.lines.indexOf(down) + 1);
    expect(up).toMatchObject({ member: `127.0.0.1:${m1!.base}`, role: 'main', cause: 'fail-timeout' });
    const owners = new Set<string>();
    for (let i = 0; i < 4; i += 1) owners.add(await whoAnswers(() => harness.dial('main')));
    expect(owners).toEqual(new Set(['m1', 'm2']));
  });

  it('closes the client at once when no member of the role is healthy', async () => {
    const [m1] = await members(1);
    const harness = await startProxy([m1!], { roles: ['main', 'client-grpc'], dataPath });
    cleanups.push(() => harness.close());
    await m1!.stop('client-grpc');
    const first = await harness.dial('client-grpc');
    expect(await closeOutcome(first)).toBe('ECONNRESET');
    expect(await harness.log.waitFor((line) => line.msg === 'connection refused')).toMatchObject({ reason: 'connect-failed', level: 'warn' });
    // Now marked down: the next client is refused without a connect attempt.
    expect(await connectOutcome(harness.port('client-grpc'))).toBe('ECONNRESET');
    expect(await harness.log.waitFor((line) => line.reason === 'no-healthy-upstream')).toMatchObject({ role: 'client-grpc' });
    expect(harness.proxy.totals.get('client-grpc')!.closed.get('no-healthy-upstream')).toBe(1);
  });

  it('gives up on a black-holed member after --connect-timeout and tries the next', async () => {
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const [alive] = await members(1, ['main']);
    const harness = await startProxy(
      [
        { host: '127.0.0.1', base: hole.port },
        { host: '127.0.0.1', base: alive!.base },
      ],
      { roles: ['main'], connectTimeout: 300, balance: 'round-robin', dataPath },
    );
    cleanups.push(() => harness.close());
    // Round-robin starts with the black hole: the answer must come from m1 after one timeout.
    expect(await whoAnswers(() => harness.dial('main'))).toBe('m1');
    const down = await harness.log.waitFor((line) => line.msg === 'member down');
    expect(down.error).toMatch(/timed out after 300ms/);
  });

  it('resets the client when every attempt fails, instead of leaving it connected to nothing', async () => {
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const harness = await startProxy([{ host: '127.0.0.1', base: hole.port }], { roles: ['main'], connectTimeout: 200, connectRetries: 3, dataPath });
    cleanups.push(() => harness.close());
    const client = await harness.dial('main');
    expect(await closeOutcome(client)).toBe('ECONNRESET');
    const refused = await harness.log.waitFor((line) => line.msg === 'connection refused');
    expect(refused.reason).toBe('connect-failed');
    expect(refused.error).toMatch(/timed out after 200ms/);
  });
});

describe.each(DATA_PATHS)('active health checks on data path %s', (dataPath) => {
  it('marks a member down after fall failed checks and up after rise good ones, per role', async () => {
    const [m1, m2] = await members(2);
    const harness = await startProxy([m1!, m2!], { roles: ['main', 'client-grpc'], healthInterval: 50, healthTimeout: 200, healthRise: 2, healthFall: 2, dataPath });
    cleanups.push(() => harness.close());
    expect(harness.proxy.pool.candidates('main', Date.now())).toHaveLength(2);
    await m2!.stop('main');
    const down = await harness.log.waitFor((line) => line.msg === 'member down' && line.member === `127.0.0.1:${m2!.base}`);
    expect(down).toMatchObject({ role: 'main', cause: 'check' });
    expect(harness.proxy.pool.candidates('client-grpc', Date.now())).toHaveLength(2);
    for (let i = 0; i < 3; i += 1) expect(await whoAnswers(() => harness.dial('main'))).toBe('m1');
    const restartedAt = harness.log.lines.length;
    await m2!.start('main');
    await harness.log.waitFor(
      (line) => line.msg === 'member up' && line.member === `127.0.0.1:${m2!.base}` && line.role === 'main',
      restartedAt,
    );
    const owners = new Set<string>();
    for (let i = 0; i < 4; i += 1) owners.add(await whoAnswers(() => harness.dial('main')));
    expect(owners).toEqual(new Set(['m1', 'm2']));
  });

  /** A proxy in front of a black-holed member and m1, listening, its first round of checks not begun. */
  async function listeningBeforeChecks(overrides: Parameters<typeof startProxy>[1]): Promise<ProxyHarness> {
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const [m1] = await members(1, ['main']);
    const harness = await startProxy([{ host: '127.0.0.1', base: hole.port }, m1!], { roles: ['main'], healthInterval: 60_000, dataPath, ...overrides }, '127.0.0.1', {
      start: false,
    });
    cleanups.push(() => harness.close());
    await harness.proxy.listen();
    return harness;
  }

  it('listens before the first round of checks, and serves clients that connect meanwhile once it ends', async () => {
    const harness = await listeningBeforeChecks({ healthTimeout: 1000 });
    expect(harness.proxy.state).toBe('starting');
    // The black-holed member holds the first round for its whole timeout; this client waits.
    const early = await harness.dial('main');
    const started = harness.proxy.start();
    expect(await readLine(early)).toBe('m1 main');
    await started;
    expect(harness.log.lines.filter((line) => line.msg === 'connection refused')).toEqual([]);
    const down = harness.log.lines.findIndex((line) => line.msg === 'member down');
    const listening = harness.log.lines.findIndex((line) => line.msg === 'listening');
    expect(down).toBeGreaterThanOrEqual(0);
    expect(listening).toBeGreaterThan(down);
    early.destroy();
  });

  it('refuses at once, during the first round of checks, the clients the limits or the deny list would refuse anyway', async () => {
    const harness = await listeningBeforeChecks({ healthTimeout: 20_000, maxConnections: 1 });
    const started = harness.proxy.start();
    const early = await harness.dial('main');
    // The round takes up to 20 s (the black hole); the second client is over --max-connections
    // with the first one waiting, and is reset without waiting for the round.
    expect(await connectOutcome(harness.port('main'))).toBe('ECONNRESET');
    expect(await harness.log.waitFor((line) => line.msg === 'connection refused')).toMatchObject({ reason: 'limit' });
    expect(harness.proxy.state).toBe('starting');
    early.destroy();
    await harness.close();
    await started.catch(() => {});
  });

  it('starts with an unreachable member marked down instead of failing', async () => {
    const [m1, m2] = await members(2, ['main']);
    await m2!.stop();
    const harness = await startProxy([m1!, m2!], { roles: ['main'], healthInterval: 1000, healthTimeout: 200, dataPath });
    cleanups.push(() => harness.close());
    expect(harness.proxy.state).toBe('running');
    expect(harness.proxy.pool.candidates('main', Date.now()).map((m) => m.port)).toEqual([m1!.base]);
    expect(await harness.log.waitFor((line) => line.msg === 'member down')).toMatchObject({ member: `127.0.0.1:${m2!.base}` });
  });
});
