/**
 * Prometheus metrics for /metrics. Every value is read from live proxy state at scrape time
 * (prom-client `collect`), so the forwarding path does no metric bookkeeping per byte or
 * per chunk; counters are monotonic because the underlying totals are.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { NacosProxy } from './proxy.js';
import { proxyStatus } from './status.js';

export function createProxyMetrics(proxy: NacosProxy, now: () => number = Date.now): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  new Counter({
    name: 'nacos_proxy_connections_accepted_total',
    help: 'Client connections accepted, per role.',
    labelNames: ['role'],
    registers,
    collect() {
      this.reset();
      for (const [role, totals] of proxy.totals) this.inc({ role }, totals.accepted);
    },
  });
  new Counter({
    name: 'nacos_proxy_connections_closed_total',
    help: 'Client connections ended, per role and close reason (client-end, upstream-reset, connect-failed, no-healthy-upstream, denied, drained, ...).',
    labelNames: ['role', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const [role, totals] of proxy.totals) {
        for (const [reason, count] of totals.closed) this.inc({ role, reason }, count);
      }
    },
  });
  new Gauge({
    name: 'nacos_proxy_connections_active',
    help: 'Client connections open now (connecting or forwarding), per role.',
    labelNames: ['role'],
    registers,
    collect() {
      this.reset();
      for (const [role, live] of proxy.liveByRole()) this.set({ role }, live.active);
    },
  });
  new Counter({
    name: 'nacos_proxy_bytes_total',
    help: 'Bytes forwarded, per role and direction (client_to_upstream, upstream_to_client).',
    labelNames: ['role', 'direction'],
    registers,
    collect() {
      this.reset();
      const status = proxyStatus(proxy, now());
      for (const [role, entry] of Object.entries(status.roles)) {
        this.inc({ role, direction: 'client_to_upstream' }, entry.bytesFromClients);
        this.inc({ role, direction: 'upstream_to_client' }, entry.bytesFromUpstreams);
      }
    },
  });
  new Gauge({
    name: 'nacos_proxy_member_healthy',
    help: '1 when the member takes new connections of the role, 0 when it is out of service.',
    labelNames: ['member', 'role'],
    registers,
    collect() {
      this.reset();
      const at = now();
      for (const member of proxy.pool.members) {
        for (const role of member.states.keys()) this.set({ member: member.key, role }, proxy.pool.isAvailable(member, role, at) ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'nacos_proxy_member_connections_active',
    help: 'Connections open now to the member, per role.',
    labelNames: ['member', 'role'],
    registers,
    collect() {
      this.reset();
      for (const member of proxy.pool.members) {
        for (const [role, state] of member.states) this.set({ member: member.key, role }, state.active);
      }
    },
  });
  new Gauge({
    name: 'nacos_proxy_draining',
    help: '1 while the proxy drains after SIGTERM/SIGINT.',
    registers,
    collect() {
      this.set(proxy.state === 'draining' ? 1 : 0);
    },
  });
  return registry;
}
