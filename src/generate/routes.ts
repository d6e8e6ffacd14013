/**
 * The plan every load-balancer generator renders: for each port role, where to listen (the
 * listen base port plus the role's offset) and which member ports to forward to (each member's
 * main port plus the same offset). Offsets come from src/ports.ts only.
 */
import type { HostPort, ListenAddress } from '../address.js';
import { ROLE_DESCRIPTIONS, rolePort, type Role } from '../ports.js';

export interface RoleRoute {
  readonly role: Role;
  readonly description: string;
  /** `nacos_client_grpc`: a name nginx and HAProxy accept for an upstream/backend. */
  readonly name: string;
  readonly listen: ListenAddress;
  readonly members: readonly HostPort[];
}

export function routeName(role: Role): string {
  return `nacos_${role.replaceAll('-', '_')}`;
}

export function planRoutes(input: { listen: ListenAddress; upstreams: readonly HostPort[]; roles: readonly Role[] }): RoleRoute[] {
  return input.roles.map((role) => ({
    role,
    description: ROLE_DESCRIPTIONS[role],
    name: routeName(role),
    listen: { host: input.listen.host, port: rolePort(input.listen.port, role, input.roles) },
    members: input.upstreams.map((member) => ({ host: member.host, port: rolePort(member.port, role, input.roles) })),
  }));
}
