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
import { ConnectError, connectFailureOf, type ConnectFailure } from './dial.js';

/** Every address of a host name, in the order to try them. */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => {
  const addresses = await lookup(host, { all: true });
  return [...new Set(addresses.map((entry) => entry.address))];
};

/** The addresses of `host` (itself when it is an IP); a failed lookup is an ERR_CONNECT_DNS ConnectError. */
export async function resolveHost(host: string, port: number, resolver: Resolver = systemResolver): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  const address = formatHostPort(host, port);
  try {
    const addresses = await resolver(host);
    if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
    return addresses;
  } catch (error) {
    const errno = errnoCode(error) ?? 'ENOTFOUND';
    throw new ConnectError(connectFailureOf(errno), errno, address, `cannot resolve ${host}: ${errno}`, error);
  }
}

/**
 * Tries `attempt` on each address of `host` in turn, within `timeoutMs` from when the name is
 * resolved. Attempt i of n gets an equal share of the time left ((deadline - now) / (n - i)), so one black-holed address cannot use up the timeout
 * of the others; a refused one hands its share on at once.
 */
export async function connectInOrder<T>(
  host: string,
  port: number,
  timeoutMs: number,
  attempt: (ip: string, port: number, timeoutMs: number) => Promise<T>,
  resolver: Resolver = systemResolver,
): Promise<T> {
  const addresses = await resolveHost(host, port, resolver);
  if (addresses.length === 1) return attempt(addresses[0]!, port, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  const failures: ConnectError[] = [];
  for (const [index, ip] of addresses.entries()) {
    const share = Math.max(1, Math.floor((deadline - Date.now()) / (addresses.length - index)));
    try {
      return await attempt(ip, port, share);
    } catch (error) {
      if (!(error instanceof ConnectError)) throw error;
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
