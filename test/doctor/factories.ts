/** Factories for the check classifiers' inputs: targets, options, outcomes and observations. */
import { parseServerAddress } from '../../src/address.js';
import { resolveCheckOptions, type CheckFlags, type CheckOptions } from '../../src/doctor/check-options.js';
import type { Failure, Outcome } from '../../src/doctor/failure.js';
import type { Observations, Target } from '../../src/doctor/probe.js';
import type { ClusterNode, RaftGroup } from '../../src/nacos/cluster-nodes.js';
import { parseServerState, type ServerState } from '../../src/nacos/server-state.js';
import type { HttpObservation, Readiness } from '../../src/doctor/probes/http.js';
import type { PortDial, DialOutcome } from '../../src/doctor/probes/tcp.js';
import type { Role } from '../../src/ports.js';
import type { Finding } from '../../src/doctor/report.js';

export function target(input = '10.0.0.1:8848', ip?: string): Target {
  const address = parseServerAddress(input, 8848);
  const resolved = ip ?? address.host;
  return { address, ip: resolved, port: address.port, contextPath: '/nacos', label: `${resolved}:${address.port}` };
}

export function options(flags: CheckFlags = {}): CheckOptions {
  return resolveCheckOptions(flags, {});
}

export function ok<T>(value: T, elapsedMs = 1): Outcome<T> {
  return { ok: true, value, elapsedMs };
}

export function failed<T = never>(failure: Partial<Failure> & { code: string }, elapsedMs = 1): Outcome<T> {
  return { ok: false, failure: { message: `${failure.code} happened`, ...failure }, elapsedMs };
}

export function dials(port: number, outcomes: Partial<Record<Role, DialOutcome>> = {}): Observations['tcp'] {
  const roles: Role[] = ['main', 'client-grpc', 'cluster-grpc', ...(outcomes.raft ? (['raft'] as Role[]) : [])];
  const offsets: Record<Role, number> = { main: 0, 'client-grpc': 1000, 'cluster-grpc': 1001, raft: -1000 };
  return {
    dials: roles.map((role): PortDial => {
      const outcome = outcomes[role] ?? 'open';
      return { role, port: port + offsets[role], outcome, elapsedMs: 0.5, ...(outcome === 'open' ? {} : { errno: outcome === 'refused' ? 'ECONNREFUSED' : 'ETIMEDOUT' }) };
    }),
  };
}

export function state(fields: Record<string, unknown> = {}): ServerState {
  return parseServerState({ version: '2.5.1', startup_mode: 'cluster', function_mode: null, server_port: 8848, auth_enabled: false, ...fields });
}

const NOT_THERE = failed<never>({ code: 'ERR_NACOS_API_ABSENT', status: 404 });

export function http(overrides: Partial<{ readiness: Partial<HttpObservation['readiness']>; state: Partial<HttpObservation['state']>; naming: Partial<HttpObservation['naming']> }> = {}): HttpObservation {
  const ready: Outcome<Readiness> = ok({ ready: true, message: 'OK' });
  return {
    readiness: { v1: ready, v2: ok({ ready: true, message: 'ok' }), v3: NOT_THERE, ...overrides.readiness },
    state: { v1: ok(state()), v3: NOT_THERE, ...overrides.state },
    naming: { v1: ok('UP'), v3: NOT_THERE, ...overrides.naming },
  };
}

/** A member; `leader: null` for a member that sees no Raft leader. */
export function node(address: string, fields: Partial<ClusterNode> = {}, leader: string | null = '10.0.0.1:7848'): ClusterNode {
  const [ip, port] = address.split(':');
  const groups: RaftGroup[] = ['naming_instance_metadata', 'naming_persistent_service_v2'].map((group) => ({ group, leader: leader ?? undefined, members: [], term: 1 }));
  return {
    address,
    ip: ip!,
    port: Number(port),
    state: 'UP',
    version: '2.5.1',
    readyToUpgrade: true,
    raftPort: Number(port) - 1000,
    raftGroups: groups,
    failAccessCnt: 0,
    ...fields,
  };
}

export function members(...nodes: ClusterNode[]): Observations['members'] {
  return { v1: ok(nodes), v3: NOT_THERE };
}

export function only(findings: readonly Finding[], check: string): Finding {
  const found = findings.filter((finding) => finding.check === check);
  if (found.length !== 1) throw new Error(`expected one ${check} finding, got ${found.length}: ${JSON.stringify(findings.map((f) => f.check))}`);
  return found[0]!;
}
