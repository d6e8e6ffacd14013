/**
 * Connects a new client connection to a member of its role: pick with the balancer, dial with
 * a deadline, and on failure mark the member (passive health) and try the next available
 * one, at most --connect-retries more times. Runs before any byte is forwarded, so a retry
 * can never duplicate or lose client data.
 */
import pRetry, { AbortError } from 'p-retry';
import { UpstreamUnavailableError, describeError } from '../errors.js';
import type { Role } from '../ports.js';
import type { Balancer } from './balancer.js';
import type { Member, UpstreamPool } from './upstream-pool.js';

/** TCP keepalive on both sockets: dead peers of long-lived Nacos connections are found in minutes, not hours. */
export const TCP_KEEPALIVE_MS = 30_000;

export interface ConnectRequest {
  readonly role: Role;
  readonly clientIp: string;
  /**
   * True once the proxy gave up on this client (drain, client gone). The proxy then also ends
   * the dial in flight (AcceptedClient.reset), so no AbortSignal is needed per connection.
   */
  readonly cancelled: () => boolean;
}

export interface ConnectSettings {
  readonly connectTimeout: number;
  readonly connectRetries: number;
}

/** Opens a connection to one member's role port; rejects with a ConnectError. */
export type MemberDialer<T> = (member: Member, role: Role) => Promise<T>;

export interface Connected<T> {
  readonly upstream: T;
  readonly member: Member;
}

export async function connectUpstream<T>(
  request: ConnectRequest,
  context: { pool: UpstreamPool; balancer: Balancer; settings: ConnectSettings; now: () => number; dial: MemberDialer<T> },
): Promise<Connected<T>> {
  const { pool, balancer, settings, now } = context;
  const tried = new Set<Member>();
  const failures: string[] = [];
  const attempt = async (): Promise<Connected<T>> => {
    if (request.cancelled()) throw new AbortError(new UpstreamUnavailableError('ERR_UPSTREAM_CONNECT', 'the client went away or the proxy is draining'));
    const candidates = pool.candidates(request.role, now()).filter((member) => !tried.has(member));
    const member = balancer.pick(request.role, candidates, request.clientIp);
    if (member === undefined) {
      throw new AbortError(
        tried.size === 0
          ? new UpstreamUnavailableError('ERR_NO_HEALTHY_UPSTREAM', `no healthy member for ${request.role}`)
          : new UpstreamUnavailableError('ERR_UPSTREAM_CONNECT', `every ${request.role} member tried failed: ${failures.join('; ')}`),
      );
    }
    tried.add(member);
    try {
      return { upstream: await context.dial(member, request.role), member };
    } catch (error) {
      if (request.cancelled()) throw new AbortError(error as Error);
      const text = describeError(error);
      failures.push(`${member.addressOf(request.role)}: ${text}`);
      pool.recordConnectFailure(member, request.role, text, now());
      throw error;
    }
  };
  try {
    try {
      // Most connects succeed at once: only a failed first attempt needs the retry policy.
      return await attempt();
    } catch (error) {
      if (error instanceof AbortError || settings.connectRetries === 0) throw error;
    }
    return await pRetry(attempt, { retries: settings.connectRetries - 1, minTimeout: 0, maxTimeout: 0, factor: 1, randomize: false });
  } catch (caught) {
    const error = caught instanceof AbortError ? caught.originalError : caught;
    if (error instanceof UpstreamUnavailableError || request.cancelled()) throw error;
    throw new UpstreamUnavailableError('ERR_UPSTREAM_CONNECT', `every ${request.role} member tried failed: ${failures.join('; ')}`, {
      cause: error,
    });
  }
}
