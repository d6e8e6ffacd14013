/**
 * Who may connect, and how many at once: --allow/--deny CIDR lists (deny wins) and the
 * total and per-IP connection limits. Decisions are made on the accepted socket before any
 * upstream is contacted.
 */
import { BlockList, isIP } from 'node:net';
import type { Cidr } from '../address.js';

export type Admission = 'ok' | 'denied' | 'limit' | 'limit-per-ip';

function blockList(cidrs: readonly Cidr[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  return list;
}

export interface AccessPolicy {
  readonly allow: readonly Cidr[];
  readonly deny: readonly Cidr[];
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
}

export class AccessControl {
  readonly #allow: BlockList | undefined;
  readonly #deny: BlockList | undefined;
  readonly #policy: AccessPolicy;

  constructor(policy: AccessPolicy) {
    this.#policy = policy;
    this.#allow = policy.allow.length > 0 ? blockList(policy.allow) : undefined;
    this.#deny = policy.deny.length > 0 ? blockList(policy.deny) : undefined;
  }

  /** `ip` must already be normalized (no ::ffff: prefix). */
  isAllowed(ip: string): boolean {
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (this.#deny?.check(ip, family)) return false;
    return this.#allow === undefined || this.#allow.check(ip, family);
  }

  admit(ip: string, openTotal: number, openFromIp: number): Admission {
    if (!this.isAllowed(ip)) return 'denied';
    if (this.#policy.maxConnections > 0 && openTotal >= this.#policy.maxConnections) return 'limit';
    if (this.#policy.maxConnectionsPerIp > 0 && openFromIp >= this.#policy.maxConnectionsPerIp) return 'limit-per-ip';
    return 'ok';
  }
}
