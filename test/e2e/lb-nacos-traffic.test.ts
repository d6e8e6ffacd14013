/**
 * Real Nacos traffic through the real nginx and HAProxy, each running the config our generators
 * write (`nacos-doctor nginx --full`, `nginx --full --console`, `haproxy --full`), in front of a
 * 3-member nacos-sim: our own gRPC client's full handshake on P+1000 (ServerCheck, bi-stream
 * setup, SetupAck, HealthCheck) with config requests on that same connection, the real Rust
 * client (gRPC) publishing and reading a config and registering and listing an instance, and the
 * real `nacos` HTTP client on the main port. The clients know only the balancer's address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHaproxy } from '../../src/generate/haproxy.js';
import { resolveHaproxyOptions } from '../../src/generate/haproxy-options.js';
import { renderNginx } from '../../src/generate/nginx.js';
import { resolveNginxOptions } from '../../src/generate/nginx-options.js';
import { loadNginxTemplates } from '../../src/generate/nginx-templates.js';
import { NacosConnection } from '../../src/nacos/connection.js';
import type { ConfigQueryResponseBody } from '../../src/nacos/message-bodies.js';
import { rolePort } from '../../src/ports.js';
import { contentMd5 } from '../../src/sim/config-store.js';
import { serviceKey } from '../../src/sim/naming-store.js';
import { freeListen } from '../helpers/lb-traffic.js';
import { haproxyMissing, nginxSupport, skippedBecause } from '../helpers/lb-support.js';
import { startHaproxy, startNginx, type RunningLoadBalancer } from '../helpers/load-balancers.js';
import { startHttpClients, type HttpClients } from '../helpers/nacos-http-client.js';
import { startRustClients, type RustClients } from '../helpers/rust-client.js';
import { startSim, type SimHarness } from '../helpers/sim.js';

const GROUP = 'DEFAULT_GROUP';
/** Enough new connections that round robin must have used every member. */
const HANDSHAKES = 6;

interface LoadBalancerCase {
  readonly name: string;
  /** Prefix of every dataId and service this case writes, so the cases share one sim. */
  readonly slug: string;
  /** Error-log lines that mean the balancer itself failed. */
  readonly failure: RegExp;
  /** Why the balancer cannot run here; undefined when it can. */
  readonly missing: string | undefined;
  start(upstream: readonly string[], listen: string): Promise<RunningLoadBalancer>;
}

const CASES: readonly LoadBalancerCase[] = [
  {
    name: 'nginx --full',
    slug: 'nginx',
    failure: /\[(emerg|alert|crit)\]/,
    missing: nginxSupport().noStream,
    start: async (upstream, listen) => {
      const templates = await loadNginxTemplates();
      return startNginx((dir) => renderNginx(resolveNginxOptions({ upstream: [...upstream], listen, full: true, 'runtime-dir': dir, 'error-log': `${dir}/error.log` }), templates));
    },
  },
  {
    name: 'nginx --full --console (main port through http {})',
    slug: 'nginx-console',
    failure: /\[(emerg|alert|crit)\]/,
    missing: nginxSupport().noStream,
    start: async (upstream, listen) => {
      const templates = await loadNginxTemplates();
      return startNginx((dir) =>
        renderNginx(resolveNginxOptions({ upstream: [...upstream], listen, full: true, console: true, 'runtime-dir': dir, 'error-log': `${dir}/error.log` }), templates),
      );
    },
  },
  {
    name: 'haproxy --full',
    slug: 'haproxy',
    failure: /\[ALERT\]/,
    missing: haproxyMissing(),
    start: (upstream, listen) => startHaproxy(renderHaproxy(resolveHaproxyOptions({ upstream: [...upstream], listen, full: true }))),
  },
];

let harness: SimHarness;
let rust: RustClients;
let http: HttpClients;

beforeAll(async () => {
  harness = await startSim({ nodes: 3 });
  rust = await startRustClients();
  http = await startHttpClients();
});

afterAll(async () => {
  await http?.close();
  await rust?.close();
  await harness?.close();
});

for (const lbCase of CASES) {
  describe.skipIf(lbCase.missing !== undefined)(skippedBecause(`${lbCase.name} in front of a 3-member nacos-sim`, lbCase.missing), () => {
    let balancer: RunningLoadBalancer;
    let base: number;

    beforeAll(async () => {
      const free = await freeListen();
      base = free.base;
      balancer = await lbCase.start(
        harness.cluster.members.map((member) => member.addresses.serverAddr),
        free.listen,
      );
    });

    afterAll(async () => {
      // Read before stopping: HAProxy logs its own stop as an ALERT.
      const log = await balancer?.errorLog();
      await balancer?.stop();
      expect(log ?? '').not.toMatch(lbCase.failure);
    });

    it('carries the full gRPC handshake on P+1000 and config requests on the same connection, to every member', async () => {
      const holders = new Set<string>();
      for (let i = 0; i < HANDSHAKES; i += 1) {
        const connection = await NacosConnection.open({ host: '127.0.0.1', port: rolePort(base, 'client-grpc') });
        try {
          // Ability negotiation answered on the bi-stream: ServerCheck and setup reached a 2.3+ member.
          expect(connection.supportAbilityNegotiation).toBe(true);
          expect(connection.serverAbilities).toBeDefined();
          const holder = harness.cluster.memberOfConnection(connection.connectionId);
          expect(holder, `member holding ${connection.connectionId}`).toBeDefined();
          holders.add(holder!.id);
          // Accepted only on the TCP connection that carried the setup (else 301 Connection is unregistered).
          expect((await connection.healthCheck()).type).toBe('HealthCheckResponse');
          const key = { dataId: `${lbCase.slug}-grpc-${i}.properties`, group: GROUP, tenant: '' };
          await connection.call('ConfigPublishRequest', { ...key, content: `n=${i}` });
          const query = await connection.call('ConfigQueryRequest', key);
          expect(query.body as ConfigQueryResponseBody).toMatchObject({ content: `n=${i}`, md5: contentMd5(`n=${i}`) });
        } finally {
          await connection.close();
        }
      }
      expect([...holders].sort()).toEqual(harness.cluster.members.map((member) => member.id).sort());
    });

    it('serves the real Rust client: config publish/get and naming register/list', async () => {
      const serverAddr = `127.0.0.1:${base}`;
      const config = await rust.config(`${lbCase.slug}-config`, { serverAddr });
      const dataId = `${lbCase.slug}-rust.yaml`;
      expect(await config.publish(dataId, GROUP, 'level: info')).toBe(true);
      expect(await config.get(dataId, GROUP)).toBe('level: info');
      expect(harness.cluster.stores.config.get({ dataId, group: GROUP, tenant: '' })?.content).toBe('level: info');
      const naming = await rust.naming(`${lbCase.slug}-naming`, { serverAddr });
      const service = `${lbCase.slug}-rust-orders`;
      await naming.register(service, GROUP, { ip: '10.0.0.1', port: 8080, metadata: { via: lbCase.slug } });
      expect(await naming.getAll(service, GROUP)).toEqual([expect.objectContaining({ ip: '10.0.0.1', port: 8080, healthy: true, metadata: { via: lbCase.slug } })]);
      expect(harness.cluster.stores.naming.instances(serviceKey('public', GROUP, service))).toHaveLength(1);
    });

    it('serves the nacos HTTP client on the main port', async () => {
      const serverAddr = `127.0.0.1:${base}`;
      const config = await http.config(serverAddr);
      const dataId = `${lbCase.slug}-http.properties`;
      expect(await config.publishSingle(dataId, GROUP, 'url=jdbc:a')).toBe(true);
      expect(await config.getConfig(dataId, GROUP)).toBe('url=jdbc:a');
      const naming = await http.naming(serverAddr);
      const service = `${lbCase.slug}-http-orders`;
      await naming.registerInstance(service, { ip: '10.0.0.2', port: 80 }, GROUP);
      const hosts = await naming.getAllInstances(service, GROUP, '', false);
      expect(hosts.map((host) => `${host.ip}:${host.port}`)).toEqual(['10.0.0.2:80']);
      expect(http.errors).toEqual([]);
    });
  });
}
