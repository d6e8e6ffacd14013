/**
 * DNS: every A/AAAA record of a host name, as the system resolver returns them to clients
 * (getaddrinfo, so /etc/hosts counts). Each record becomes its own target: a client may land
 * on any of them, so each is checked. IP literals need no lookup.
 */
import { isIP } from 'node:net';
import { lookupWithin, type LookupOptions } from '../../net/resolve.js';
import { attempt, formatMs, type Outcome } from '../failure.js';
import type { Observations, ReasoningProbe, Target } from '../probe.js';
import type { Finding } from '../report.js';
import { advice } from '../advice.js';

export interface DnsObservation {
  readonly host: string;
  readonly lookup: Outcome<readonly string[]>;
}

/** Looks `host` up within `timeoutMs`, as nacos-proxy does (net/resolve.ts). */
export async function observeDns(host: string, options: LookupOptions & { readonly signal: AbortSignal }): Promise<DnsObservation> {
  return { host, lookup: await attempt(() => lookupWithin(host, options)) };
}

export function needsLookup(host: string): boolean {
  return isIP(host) === 0;
}

export function classifyDns(observed: Observations, target: Target): Finding[] {
  const dns = observed.dns;
  if (dns === undefined) return [];
  if (!dns.lookup.ok) {
    const { explanation, fix } = advice('DNS_FAILED', { target });
    return [
      {
        check: 'dns',
        status: 'fail',
        title: `${dns.host} does not resolve`,
        evidence: `${dns.lookup.failure.errno ?? dns.lookup.failure.code} after ${formatMs(dns.lookup.elapsedMs)}`,
        cause: 'DNS_FAILED',
        explanation,
        fix,
        elapsedMs: dns.lookup.elapsedMs,
        data: { host: dns.host, errno: dns.lookup.failure.errno ?? null },
      },
    ];
  }
  const records = dns.lookup.value;
  const others = records.length > 1 ? `; each of the ${records.length} addresses is checked on its own` : '';
  return [
    {
      check: 'dns',
      status: 'ok',
      title: `${dns.host} resolves to ${records.join(', ')}${others}`,
      evidence: `${records.length} record${records.length === 1 ? '' : 's'} in ${formatMs(dns.lookup.elapsedMs)}`,
      elapsedMs: dns.lookup.elapsedMs,
      data: { host: dns.host, records: records.join(','), ip: target.ip ?? null },
    },
  ];
}

export const dnsProbe: ReasoningProbe = { name: 'dns', classify: classifyDns };
