/**
 * From the address list to what is dialled: IP literals as they are, host names expanded to
 * every A/AAAA record (a client may land on any of them), each with the context path its HTTP
 * API lives under. A name that does not resolve stays one target without an IP, so its section
 * reports the DNS failure and nothing else.
 */
import { formatHostPort, normalizeIp, type ServerAddress } from '../address.js';
import type { CheckOptions } from './check-options.js';
import type { Target } from './probe.js';
import { needsLookup, resolveHost, type DnsObservation, type Resolver } from './probes/dns.js';

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

/** Resolves every name of the list in parallel; drops repeated targets. */
export async function expandTargets(options: CheckOptions, run: { signal: AbortSignal; resolver?: Resolver }): Promise<ExpandedTarget[]> {
  const expanded = await Promise.all(
    options.addresses.map(async (address) => {
      if (!needsLookup(address.host)) return targetsOf(address, options.contextPath);
      const dns = await resolveHost(address.host, { timeoutMs: options.timeoutMs, signal: run.signal, ...(run.resolver ? { resolver: run.resolver } : {}) });
      return targetsOf(address, options.contextPath, dns);
    }),
  );
  const seen = new Set<string>();
  return expanded.flat().filter(({ target }) => {
    const key = `${target.address.scheme}|${target.label}|${target.contextPath}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
