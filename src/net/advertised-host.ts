/**
 * The address a server tells others to dial when it listens on a wildcard: `0.0.0.0` or `::`
 * accept connections on every interface but cannot be dialled from elsewhere. Like Nacos'
 * InetUtils, pick the first non-internal address of the machine (IPv4 for `0.0.0.0`, IPv4 then
 * IPv6 for the dual-stack `::`), else the loopback. Pure: the interface table is passed in.
 */
import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { canonicalHost, normalizeIp } from '../address.js';

export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

export function isWildcardHost(host: string): boolean {
  return ['0.0.0.0', '::'].includes(canonicalHost(host));
}

function firstExternal(interfaces: InterfaceTable, family: 'IPv4' | 'IPv6'): string | undefined {
  for (const entries of Object.values(interfaces)) {
    // Link-local IPv6 (fe80::/10) needs a zone id to be dialled, so it is no use to others.
    const found = entries?.find((entry) => entry.family === family && !entry.internal && !/^fe[89ab]/i.test(entry.address));
    if (found) return found.address;
  }
  return undefined;
}

/** `host` itself unless it is a wildcard; then the address others can dial, as described above. */
export function advertisedHost(host: string, interfaces: InterfaceTable): string {
  if (!isWildcardHost(host)) return host;
  if (isIP(normalizeIp(host)) === 4) return firstExternal(interfaces, 'IPv4') ?? '127.0.0.1';
  return firstExternal(interfaces, 'IPv4') ?? firstExternal(interfaces, 'IPv6') ?? '::1';
}
