/**
 * DNS: every A/AAAA record of a host name, as the system resolver returns them to clients
 * (getaddrinfo, so /etc/hosts counts). Each record becomes its own target: a client may land
 * on any of them, so each is checked. IP literals need no lookup.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { attempt, formatMs, type Outcome } from '../failure.js';
import type { Observations, ReasoningProbe, Target } from '../probe.js';
import type { Finding } from '../report.js';
import { advice } from '../advice.js';

export interface DnsObservation {
  readonly host: string;
  readonly lookup: Outcome<readonly string[]>;
}

export type Resolver = (host: string) => Promise<readonly string[]>;

/** The system resolver, every address family, in the order it returns them. */
export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((record) => record.address);

/** Looks `host` up within `timeoutMs` (getaddrinfo itself has no deadline). */
export async function resolveHost(host: string, options: { timeoutMs: number; signal: AbortSignal; resolver?: Resolver }): Promise<DnsObservation> {
  const resolver = options.resolver ?? systemResolver;
  const outcome = await attempt(
    () =>
      new Promise<readonly string[]>((resolve, reject) => {
        const deadline = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
        const onAbort = (): void =>
          reject(Object.assign(new Error(`no answer for ${host} within ${options.timeoutMs}ms`), { code: options.signal.aborted ? 'ABORT_ERR' : 'ETIMEOUT' }));
        if (deadline.aborted) return onAbort();
        deadline.addEventListener('abort', onAbort, { once: true });
        resolver(host).then(
          (records) => {
            deadline.removeEventListener('abort', onAbort);
            if (records.length === 0) reject(Object.assign(new Error(`${host} has no A or AAAA record`), { code: 'ENODATA' }));
            else resolve([...new Set(records)]);
          },
          (error: unknown) => {
            deadline.removeEventListener('abort', onAbort);
            reject(error);
          },
        );
      }),
  );
  return { host, lookup: outcome };
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
