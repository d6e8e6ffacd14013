/**
 * How a member's host name becomes connections, the same for health checks and for client
 * connections on both data paths: every address the name resolves to, tried in the resolver's
 * order until one accepts, within one connect timeout. So a member is healthy exactly when a
 * client connection to it would succeed.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { formatHostPort } from '../address.js';
import { errnoCode } from '../errors.js';
import { ConnectError, type ConnectFailure } from './dial.js';

/** Every address of a host name, in the order to try them. */
export type Resolver = (host: string) => Promise<readonly string[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), every family, in the order it returns them. */
export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((record) => record.address);

export interface LookupOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly resolver?: Resolver;
}

/**
 * Every address of `host`, without duplicates, within `timeoutMs`: getaddrinfo has no deadline
 * of its own, and a slow DNS server must not hold a connect, a health round or a doctor check
 * past its timeout. Rejects with code ETIMEOUT (no answer in time), ABORT_ERR (`signal`),
 * ENODATA (no address) or the resolver's own error.
 */
export function lookupWithin(host: string, options: LookupOptions): Promise<string[]> {
  const resolver = options.resolver ?? systemResolver;
  return new Promise<string[]>((resolve, reject) => {
    const deadline = AbortSignal.any([...(options.signal ? [options.signal] : []), AbortSignal.timeout(options.timeoutMs)]);
    const onAbort = (): void =>
      reject(Object.assign(new Error(`no answer for ${host} within ${options.timeoutMs}ms`), { code: options.signal?.aborted ? 'ABORT_ERR' : 'ETIMEOUT' }));
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
  });
}

/** The addresses of `host` (itself when it is an IP); a failed or late lookup is an ERR_CONNECT_DNS ConnectError. */
export async function resolveHost(host: string, port: number, options: LookupOptions): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  try {
    return await lookupWithin(host, options);
  } catch (error) {
    const errno = errnoCode(error) ?? 'ENOTFOUND';
    throw new ConnectError('ERR_CONNECT_DNS', errno, formatHostPort(host, port), `cannot resolve ${host}: ${errno}`, error);
  }
}

/**
 * Tries `attempt` on each address of `host` in turn, all within `timeoutMs`, the lookup
 * included. Attempt i of n gets an equal share of the time left ((deadline - now) / (n - i)),
 * so one black-holed address cannot use up the timeout of the others; a refused one hands its
 * share on at once.
 */
export async function connectInOrder<T>(
  host: string,
  port: number,
  timeoutMs: number,
  attempt: (ip: string, port: number, timeoutMs: number) => Promise<T>,
  options: { readonly resolver?: Resolver; readonly signal?: AbortSignal } = {},
): Promise<T> {
  const started = Date.now();
  const addresses = await resolveHost(host, port, { timeoutMs, ...options });
  // The lookup's time counts; an IP literal had none, and gets the whole timeout.
  const deadline = (isIP(host) === 0 ? started : Date.now()) + timeoutMs;
  const failures: ConnectError[] = [];
  for (const [index, ip] of addresses.entries()) {
    const share = Math.max(1, Math.floor((deadline - Date.now()) / (addresses.length - index)));
    try {
      return await attempt(ip, port, share);
    } catch (error) {
      if (!(error instanceof ConnectError) || addresses.length === 1) throw error;
      failures.push(error);
    }
  }
  const first = failures[0]!;
  throw new ConnectError(
    first.code as ConnectFailure,
    first.errno,
    formatHostPort(host, port),
    `connect to ${formatHostPort(host, port)} failed on every address: ${failures.map((failure) => failure.message).join('; ')}`,
    first,
  );
}
