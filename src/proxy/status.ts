/**
 * The JSON document served on /status: listeners, members and their health per role, open
 * connections and bytes. Built from live proxy state on each request.
 */
import { formatHostPort } from '../address.js';
import type { Role } from '../ports.js';
import type { CloseReason } from './close-reasons.js';
import type { NacosProxy, ProxyState } from './proxy.js';

export interface MemberRoleStatus {
  readonly address: string;
  readonly healthy: boolean;
  readonly checked: boolean;
  readonly activeConnections: number;
  readonly totalConnections: number;
  readonly lastError: string | null;
  readonly lastCheckAt: string | null;
  readonly changedAt: string;
}

export interface RoleStatus {
  readonly listen: string | null;
  readonly healthyMembers: number;
  readonly activeConnections: number;
  readonly acceptedConnections: number;
  readonly closedConnections: Partial<Record<CloseReason, number>>;
  readonly bytesFromClients: number;
  readonly bytesFromUpstreams: number;
}

export interface ProxyStatus {
  readonly state: ProxyState;
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly balance: string;
  readonly dataPath: string;
  /** Busy polling of the splice path (--busy-poll): the ceiling and the window adapted so far; null on the js path. */
  readonly busyPoll: { readonly ceilingMicroseconds: number; readonly windowMicroseconds: number } | null;
  readonly roles: Partial<Record<Role, RoleStatus>>;
  readonly members: readonly { readonly member: string; readonly roles: Partial<Record<Role, MemberRoleStatus>> }[];
  readonly activeConnections: number;
  readonly bytesFromClients: number;
  readonly bytesFromUpstreams: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function busyPollStatus(proxy: NacosProxy): ProxyStatus['busyPoll'] {
  const window = proxy.busyPollWindow();
  return window === undefined ? null : { ceilingMicroseconds: proxy.options.busyPoll, windowMicroseconds: window };
}

export function proxyStatus(proxy: NacosProxy, now: number = Date.now()): ProxyStatus {
  const addresses = proxy.addresses();
  const live = proxy.liveByRole();
  const roles: Partial<Record<Role, RoleStatus>> = {};
  let bytesFromClients = 0;
  let bytesFromUpstreams = 0;
  for (const role of proxy.options.roles) {
    const totals = proxy.totals.get(role)!;
    const current = live.get(role)!;
    const address = addresses.get(role);
    const fromClients = totals.bytesFromClient + current.bytesFromClient;
    const fromUpstreams = totals.bytesFromUpstream + current.bytesFromUpstream;
    bytesFromClients += fromClients;
    bytesFromUpstreams += fromUpstreams;
    roles[role] = {
      listen: address ? formatHostPort(address.address, address.port) : null,
      healthyMembers: proxy.pool.candidates(role, now).length,
      activeConnections: current.active,
      acceptedConnections: totals.accepted,
      closedConnections: Object.fromEntries(totals.closed),
      bytesFromClients: fromClients,
      bytesFromUpstreams: fromUpstreams,
    };
  }
  const members = proxy.pool.members.map((member) => {
    const memberRoles: Partial<Record<Role, MemberRoleStatus>> = {};
    for (const [role, state] of member.states) {
      memberRoles[role] = {
        address: member.addressOf(role),
        healthy: proxy.pool.isAvailable(member, role, now),
        checked: state.checked,
        activeConnections: state.active,
        totalConnections: state.total,
        lastError: state.lastError ?? null,
        lastCheckAt: state.lastCheckAt === undefined ? null : iso(state.lastCheckAt),
        changedAt: iso(state.changedAt),
      };
    }
    return { member: member.key, roles: memberRoles };
  });
  return {
    state: proxy.state,
    startedAt: iso(proxy.startedAt),
    uptimeSeconds: Math.round((now - proxy.startedAt) / 1000),
    balance: proxy.options.balance,
    dataPath: proxy.dataPath,
    busyPoll: busyPollStatus(proxy),
    roles,
    members,
    activeConnections: proxy.activeConnections,
    bytesFromClients,
    bytesFromUpstreams,
  };
}

/** Roles that have no member able to take a new connection; empty when the proxy can serve everything. */
export function rolesWithoutMembers(status: ProxyStatus): Role[] {
  return (Object.entries(status.roles) as [Role, RoleStatus][]).filter(([, role]) => role.healthyMembers === 0).map(([role]) => role);
}
