/**
 * Which members on one host would fight over a port, and main ports that would not. A member with
 * main port P listens on P-1000, P, P+1000 and P+1001 (src/ports.ts), so two members on one host
 * collide when their port sets meet: 8848 and 8849 both want 9849 (8848+1001 = 8849+1000), which
 * is why main ports on one host may not differ by 1, 1000, 1001, 2000 or 2001 (#4995). Pure.
 */
import { PortRangeError } from '../errors.js';
import { ROLES, ROLE_OFFSETS, highestMainPort, lowestMainPort, roleOfPort, rolePorts, type Role } from '../ports.js';

export interface PortOwner {
  readonly label: string;
  readonly port: number;
}

export interface PortCollision<T extends PortOwner> {
  readonly first: T;
  readonly second: T;
  /** The shared port and the role it has for each member. */
  readonly port: number;
  readonly firstRole: Role;
  readonly secondRole: Role;
}

/** Every role port of main port `port`, or the reason it has none. */
export function portSet(port: number): Set<number> | PortRangeError {
  try {
    return new Set(rolePorts(port, ROLES).values());
  } catch (error) {
    if (error instanceof PortRangeError) return error;
    throw error;
  }
}

/** Pairs of members (on the same host) whose port sets overlap, with the lowest shared port. */
export function findCollisions<T extends PortOwner>(members: readonly T[]): PortCollision<T>[] {
  const collisions: PortCollision<T>[] = [];
  for (let i = 0; i < members.length; i += 1) {
    for (let j = i + 1; j < members.length; j += 1) {
      const first = members[i]!;
      const second = members[j]!;
      const a = portSet(first.port);
      const b = portSet(second.port);
      if (a instanceof Error || b instanceof Error || first.port === second.port) continue;
      const shared = [...a].filter((port) => b.has(port)).sort((x, y) => x - y);
      if (shared.length === 0) continue;
      const port = shared[0]!;
      collisions.push({ first, second, port, firstRole: roleOfPort(first.port, port)!, secondRole: roleOfPort(second.port, port)! });
    }
  }
  return collisions;
}

/** Non-zero differences between main ports that make two members on one host collide. */
export function collidingDifferences(): number[] {
  const offsets = ROLES.map((role) => ROLE_OFFSETS[role]);
  const differences = new Set(offsets.flatMap((a) => offsets.map((b) => Math.abs(a - b))));
  differences.delete(0);
  return [...differences].sort((x, y) => x - y);
}

/**
 * Main ports for `ports` (in order) that keep each valid one where it can and move the others to
 * the nearest higher port that collides with none chosen so far; undefined if none fits.
 */
export function proposeMainPorts(ports: readonly number[]): number[] | undefined {
  const chosen: Set<number>[] = [];
  const result: number[] = [];
  const low = lowestMainPort(ROLES);
  const high = highestMainPort(ROLES);
  for (const wanted of ports) {
    let candidate = Math.min(Math.max(wanted, low), high);
    for (;;) {
      if (candidate > high) return undefined;
      const set = portSet(candidate);
      if (!(set instanceof Error) && chosen.every((other) => [...set].every((port) => !other.has(port)))) {
        chosen.push(set);
        result.push(candidate);
        break;
      }
      candidate += 1;
    }
  }
  return result;
}
