/**
 * Real traffic through the real nginx running a generated --full config, in front of three
 * fake members: every role reaches the same role of a member with the offsets kept, bytes
 * come back unchanged, a dead member is skipped, and quiet connections are not cut.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNginx } from '../../src/generate/nginx.js';
import { resolveNginxOptions, type NginxOptions } from '../../src/generate/nginx-options.js';
import { loadNginxTemplates, type NginxTemplates } from '../../src/generate/nginx-templates.js';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { ROLES, rolePort } from '../../src/ports.js';
import { nginxSupport, skippedBecause } from '../helpers/lb-support.js';
import { startNginx, type RunningLoadBalancer } from '../helpers/load-balancers.js';
import { listenTcp } from '../helpers/net.js';
import { echo, expectDeadMemberSkipped, expectEveryRoleRouted, freeListen, greet, quietFor, startFakeCluster, type FakeCluster } from '../helpers/lb-traffic.js';

/**
 * Longer than the 5 s after which a Nacos client sends its heartbeat, and than the
 * `proxy_timeout 3s` of failure case 10 (NACOS-FACTS §4): a config that cut idle connections
 * that early would fail here. The generated default is 10m (see options.test.ts).
 */
const QUIET_MS = 6000;

const NGINX = nginxSupport();

describe.skipIf(NGINX.noStream !== undefined)(skippedBecause('nginx with a generated config in front of 3 members', NGINX.noStream), () => {
  let cluster: FakeCluster;
  let templates: NginxTemplates;
  let nginx: RunningLoadBalancer;
  let base: number;
  let options: NginxOptions;

  beforeAll(async () => {
    cluster = await startFakeCluster(3);
    templates = await loadNginxTemplates();
    const free = await freeListen();
    base = free.base;
    nginx = await startNginx((dir) => {
      options = resolveNginxOptions({ upstream: [...cluster.upstreams], listen: free.listen, roles: ['all'], full: true, 'runtime-dir': dir, 'error-log': `${dir}/error.log` });
      return renderNginx(options, templates);
    });
  });

  afterAll(async () => {
    // Read before stopping: the stop itself is logged (HAProxy reports the terminated worker as an ALERT).
    const log = await nginx?.errorLog();
    await nginx?.stop();
    await cluster?.close();
    expect(log ?? '').not.toMatch(/\[(emerg|alert|crit)\]/);
  });

  it('routes every role to the same role of each member, keeping the offsets, and echoes bytes unchanged', async () => {
    await expectEveryRoleRouted(base, cluster);
  });

  it('skips a member whose port is down (proxy_next_upstream) and keeps serving the others', async () => {
    await expectDeadMemberSkipped(base, cluster);
  });

  it(`keeps a connection that is quiet for ${QUIET_MS / 1000} s`, async () => {
    const { socket } = await greet(rolePort(base, 'client-grpc', ROLES));
    expect(await quietFor(socket, QUIET_MS)).toBe('open');
    expect(await echo(socket, 'still there')).toBe('still there');
    socket.destroy();
  });

  it('while a config with a 1 s proxy_timeout cuts the same connection, so the check above can fail', async () => {
    const free = await freeListen();
    const short = await startNginx((dir) =>
      renderNginx({ ...options, listen: { host: '127.0.0.1', port: free.base }, idleTimeoutMs: 1000, full: { ...options.full!, pidFile: `${dir}/nginx.pid`, errorLog: `${dir}/error.log` } }, templates),
    );
    try {
      const { socket } = await greet(rolePort(free.base, 'client-grpc', ROLES));
      expect(await quietFor(socket, QUIET_MS)).toBe('closed');
    } finally {
      await short.stop();
    }
  });
});

describe.skipIf(NGINX.noStream !== undefined)(skippedBecause('nginx --full --console: the main port over HTTP, gRPC still TCP', NGINX.noStream), () => {
  it('forwards HTTP API requests with the client address and keeps the gRPC port plain TCP', async () => {
    const base = await findFreeBasePort({ roles: ['main', 'client-grpc'] });
    const api = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ url: request.url, forwardedFor: request.headers['x-forwarded-for'] }));
    });
    api.listen(base, '127.0.0.1');
    await once(api, 'listening');
    const grpc = await listenTcp((socket) => socket.end('m1 client-grpc\n'), { port: rolePort(base, 'client-grpc') });
    const free = await freeListen();
    const templates = await loadNginxTemplates();
    const nginx = await startNginx((dir) =>
      renderNginx(resolveNginxOptions({ upstream: [`127.0.0.1:${base}`], listen: free.listen, console: true, full: true, 'runtime-dir': dir }), templates),
    );
    try {
      const response = await fetch(`http://127.0.0.1:${free.base}/nacos/v1/ns/operator/metrics`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ url: '/nacos/v1/ns/operator/metrics', forwardedFor: '127.0.0.1' });
      const { socket, member, role } = await greet(rolePort(free.base, 'client-grpc'));
      expect(`${member} ${role}`).toBe('m1 client-grpc');
      socket.destroy();
      expect(await nginx.errorLog()).not.toMatch(/\[(emerg|alert|crit)\]/);
    } finally {
      await nginx.stop();
      await grpc.close();
      api.close();
    }
  });
});
