/**
 * Real traffic through the real HAProxy running a generated config, in front of three fake
 * members: every role reaches the same role of a member with the offsets kept, bytes come back
 * unchanged, a dead member is skipped, and `timeout tunnel` keeps quiet connections open even
 * when `timeout client`/`timeout server` are far shorter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHaproxy } from '../../src/generate/haproxy.js';
import { resolveHaproxyOptions, type HaproxyOptions } from '../../src/generate/haproxy-options.js';
import { ROLES, rolePort } from '../../src/ports.js';
import { haproxyMissing, skippedBecause } from '../helpers/lb-support.js';
import { startHaproxy, type RunningLoadBalancer } from '../helpers/load-balancers.js';
import { echo, expectDeadMemberSkipped, expectEveryRoleRouted, freeListen, greet, quietFor, startFakeCluster, type FakeCluster } from '../helpers/lb-traffic.js';

/** Longer than the 5 s Nacos heartbeat interval and far longer than the 1 s client/server timeouts below. */
const QUIET_MS = 6000;

/**
 * The production defaults are timeout client/server 30s and timeout tunnel 10m (options.test.ts).
 * Here client/server are cut to 1 s and the tunnel timeout stays the production one, so a
 * connection that survives QUIET_MS proves the tunnel timeout, not client/server, governs it.
 */
const SHORT_CLIENT_SERVER_MS = 1000;

const NO_HAPROXY = haproxyMissing();

describe.skipIf(NO_HAPROXY !== undefined)(skippedBecause('HAProxy with a generated config in front of 3 members', NO_HAPROXY), () => {
  let cluster: FakeCluster;
  let haproxy: RunningLoadBalancer;
  let base: number;
  let options: HaproxyOptions;

  beforeAll(async () => {
    cluster = await startFakeCluster(3);
    const free = await freeListen();
    base = free.base;
    const defaults = resolveHaproxyOptions({ upstream: [...cluster.upstreams], listen: free.listen, roles: ['all'], full: true });
    options = { ...defaults, clientTimeoutMs: SHORT_CLIENT_SERVER_MS, serverTimeoutMs: SHORT_CLIENT_SERVER_MS };
    haproxy = await startHaproxy(renderHaproxy(options));
  });

  afterAll(async () => {
    // Read before stopping: the stop itself is logged (HAProxy reports the terminated worker as an ALERT).
    const log = await haproxy?.errorLog();
    await haproxy?.stop();
    await cluster?.close();
    expect(log ?? '').not.toContain('[ALERT]');
  });

  it('routes every role to the same role of each member, keeping the offsets, and echoes bytes unchanged', async () => {
    await expectEveryRoleRouted(base, cluster);
  });

  it('skips a member whose port is down (retries, redispatch) and keeps serving the others', async () => {
    await expectDeadMemberSkipped(base, cluster);
  });

  it(`keeps a connection that is quiet for ${QUIET_MS / 1000} s although timeout client/server are 1 s`, async () => {
    const { socket } = await greet(rolePort(base, 'client-grpc', ROLES));
    expect(await quietFor(socket, QUIET_MS)).toBe('open');
    expect(await echo(socket, 'still there')).toBe('still there');
    socket.destroy();
  });

  it('while the same config without timeout tunnel cuts it, so the check above can fail', async () => {
    const free = await freeListen();
    const withoutTunnel = renderHaproxy({ ...options, listen: { host: '127.0.0.1', port: free.base } }).replace(/^ {4}timeout tunnel .*\n/gm, '');
    const short = await startHaproxy(withoutTunnel);
    try {
      const { socket } = await greet(rolePort(free.base, 'client-grpc', ROLES));
      expect(await quietFor(socket, QUIET_MS)).toBe('closed');
    } finally {
      await short.stop();
    }
  });
});
