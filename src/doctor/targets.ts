/**
 * From the address list to what is dialled: IP literals as they are, host names expanded to
 * every A/AAAA record (a client may land on any of them), each with the context path its HTTP
 * API lives under. A name that does not resolve stays one target without an IP, so its section
 * reports the DNS failure and nothing else.
 */
import { formatHostPort, normalizeIp, type ServerAddress } from '../address.js';
import type { Target } from './probe.js';
import type { Resolver } from '../net/resolve.js';
import { needsLookup, observeDns, type DnsObservation } from './probes/dns.js';

export interface ExpandedTarget {
  readonly target: Target;
  readonly dns?: DnsObservation;
}

/** The targets of one address, given its DNS observation when it is a name. Pure. */
export function targetsOf(address: ServerAddress, contextPath: string, dns?: DnsObservation): ExpandedTarget[] {
  const context = address.contextPath ?? contextPath;
  const base = { address, port: address.port, contextPath: context === '/' ? '' : context };
  if (dns === undefined) {
    const ip = normalizeIp(address.host);
    return [{ target: { ...base, ip, label: formatHostPort(ip, address.port) } }];
  }
  if (!dns.lookup.ok) return [{ target: { ...base, ip: undefined, label: formatHostPort(address.host, address.port) }, dns }];
  return dns.lookup.value.map((ip) => ({ target: { ...base, ip, label: `${formatHostPort(address.host, address.port)} (${ip})` }, dns }));
}

/** What makes two targets the same check: scheme, dialled IP and port, context path. */
export function targetKey(target: Target): string {
  return `${target.address.scheme}|${target.label}|${target.contextPath}`;
}

/**
 * The targets of one address: at once for an IP literal, after the lookup (within `timeoutMs`)
 * for a name. Each address is expanded on its own, so a slow name delays only its own probes.
 */
export function expandAddress(
  address: ServerAddress,
  contextPath: string,
  run: { timeoutMs: number; signal: AbortSignal; resolver?: Resolver },
): ExpandedTarget[] | Promise<ExpandedTarget[]> {
  if (!needsLookup(address.host)) return targetsOf(address, contextPath);
  return observeDns(address.host, run).then((dns) => targetsOf(address, contextPath, dns));
}
