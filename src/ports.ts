/**
 * The one place that knows Nacos port roles and their offsets from the main port P.
 *
 * Nacos hard-codes the offsets (Constants.SDK_GRPC_PORT_DEFAULT_OFFSET=1000,
 * CLUSTER_GRPC_PORT_DEFAULT_OFFSET=1001, MemberUtil DEFAULT_RAFT_OFFSET_PORT=1000; see
 * NACOS-FACTS.md §2.1) and clients compute P+1000 from whatever address they were given,
 * so every listener, mapping and generated config derives its ports from here.
 */
import { PortRangeError, UsageError } from './errors.js';

export const ROLES = ['main', 'client-grpc', 'cluster-grpc', 'raft'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_OFFSETS: Readonly<Record<Role, number>> = Object.freeze({
  main: 0,
  'client-grpc': 1000,
  'cluster-grpc': 1001,
  raft: -1000,
});

/** What each role carries, for help texts and reports. */
export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = Object.freeze({
  main: 'HTTP API and console (P)',
  'client-grpc': 'client/SDK gRPC (P+1000)',
  'cluster-grpc': 'server-to-server gRPC (P+1001)',
  raft: 'JRaft consensus (P-1000)',
});

/** Roles a forwarder serves unless told otherwise; raft is opt-in because clients never use it. */
export const DEFAULT_ROLES: readonly Role[] = Object.freeze(['main', 'client-grpc', 'cluster-grpc']);

/** Nacos' default main port; also what clients assume when an address has no port. */
export const DEFAULT_MAIN_PORT = 8848;

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= MIN_PORT && port <= MAX_PORT;
}

/** Ensures `port` is a usable TCP port; `what` names it in the error ("listen port"). */
export function assertPort(port: number, what: string): number {
  if (!isValidPort(port)) {
    throw new PortRangeError(`${what} ${String(port)} is not a TCP port: use an integer from ${MIN_PORT} to ${MAX_PORT}`);
  }
  return port;
}

/**
 * The port of `role` for a member whose main port is `mainPort`.
 * Throws naming the role and the out-of-range port (base 65000 -> client-grpc would be 66000).
 */
export function rolePort(mainPort: number, role: Role, rolesInUse: readonly Role[] = [role]): number {
  assertPort(mainPort, 'main port');
  const port = mainPort + ROLE_OFFSETS[role];
  if (!isValidPort(port)) {
    throw new PortRangeError(
      `main port ${mainPort} cannot be used: its ${role} port (${formatOffset(role)}) would be ${port}, outside ${MIN_PORT}-${MAX_PORT}; ` +
        `choose a main port from ${lowestMainPort(rolesInUse)} to ${highestMainPort(rolesInUse)}`,
    );
  }
  return port;
}

/** Every role's port for `mainPort`, validated; in the order of `roles`. */
export function rolePorts(mainPort: number, roles: readonly Role[] = DEFAULT_ROLES): Map<Role, number> {
  return new Map(roles.map((role) => [role, rolePort(mainPort, role, roles)]));
}

/** The role whose port is `port` on a member with main port `mainPort`, if any. */
export function roleOfPort(mainPort: number, port: number): Role | undefined {
  return ROLES.find((role) => mainPort + ROLE_OFFSETS[role] === port);
}

/** The main port of a member whose `role` port is `port` (the inverse of rolePort). */
export function mainPortOf(port: number, role: Role): number {
  return port - ROLE_OFFSETS[role];
}

/** "+1000", "-1000", "+0" — how a role is written next to P in messages. */
export function formatOffset(role: Role): string {
  const offset = ROLE_OFFSETS[role];
  return offset === 0 ? 'P' : `P${offset > 0 ? '+' : ''}${offset}`;
}

/** Lowest main port for which every role in `roles` has a valid port. */
export function lowestMainPort(roles: readonly Role[]): number {
  return Math.max(MIN_PORT, ...roles.map((role) => MIN_PORT - ROLE_OFFSETS[role]));
}

/** Highest main port for which every role in `roles` has a valid port. */
export function highestMainPort(roles: readonly Role[]): number {
  return Math.min(MAX_PORT, ...roles.map((role) => MAX_PORT - ROLE_OFFSETS[role]));
}

export function isRole(name: string): name is Role {
  return (ROLES as readonly string[]).includes(name);
}

/**
 * Parses role names as users type them (`main,client-grpc`, repeated flags, `all`).
 * Unknown names are refused with the list of valid ones; duplicates collapse; order follows ROLES.
 */
export function parseRoles(input: string | readonly string[]): Role[] {
  const names = (typeof input === 'string' ? [input] : input)
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (names.length === 0) {
    throw new UsageError(`no port role given: use one or more of ${ROLES.join(', ')} (or all)`, { code: 'ERR_ROLE' });
  }
  const wanted = new Set<Role>();
  for (const name of names) {
    if (name === 'all') {
      ROLES.forEach((role) => wanted.add(role));
    } else if (isRole(name)) {
      wanted.add(name);
    } else {
      throw new UsageError(`unknown port role "${name}": use one or more of ${ROLES.join(', ')} (or all)`, { code: 'ERR_ROLE' });
    }
  }
  return ROLES.filter((role) => wanted.has(role));
}
