/**
 * Picks a member for a new connection of one role. Pure apart from the round-robin cursors.
 *
 * ip-hash uses rendezvous (highest-random-weight) hashing over member addresses: the score
 * does not depend on the role, so one client IP lands on the same member on every role as
 * long as that member is healthy there, and removing a member only moves that member's clients.
 */
import type { Role } from '../ports.js';
import type { BalanceStrategy } from './options.js';
import type { Member } from './upstream-pool.js';

/** 32-bit FNV-1a followed by a murmur3 finalizer so nearby inputs spread over the whole range. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function pickIpHash<M extends Pick<Member, 'key'>>(candidates: readonly M[], clientIp: string): M | undefined {
  let best: M | undefined;
  let bestScore = -1;
  for (const member of candidates) {
    const score = hash32(`${clientIp}|${member.key}`);
    if (score > bestScore) {
      best = member;
      bestScore = score;
    }
  }
  return best;
}

export class Balancer {
  readonly strategy: BalanceStrategy;
  readonly #cursors = new Map<Role, number>();

  constructor(strategy: BalanceStrategy) {
    this.strategy = strategy;
  }

  #next(role: Role): number {
    const cursor = this.#cursors.get(role) ?? 0;
    this.#cursors.set(role, (cursor + 1) % Number.MAX_SAFE_INTEGER);
    return cursor;
  }

  /** `candidates` are the members available for `role`, in configured order. */
  pick(role: Role, candidates: readonly Member[], clientIp: string): Member | undefined {
    if (candidates.length === 0) return undefined;
    switch (this.strategy) {
      case 'ip-hash':
        return pickIpHash(candidates, clientIp);
      case 'least-connections': {
        let fewest = Number.POSITIVE_INFINITY;
        for (const member of candidates) fewest = Math.min(fewest, member.state(role).active);
        const tied = candidates.filter((member) => member.state(role).active === fewest);
        return tied[this.#next(role) % tied.length];
      }
      case 'round-robin':
        return candidates[this.#next(role) % candidates.length];
    }
  }
}
