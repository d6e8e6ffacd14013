/**
 * Active health checks: a TCP connect to every role port of every member, all in parallel,
 * one round every --health-interval. A round never overlaps the next one; timers are unref'd
 * so they never keep a stopped proxy alive.
 */
import { describeError } from '../errors.js';
import { dial } from '../net/dial.js';
import { connectInOrder, systemResolver, type Resolver } from '../net/resolve.js';
import type { Role } from '../ports.js';
import type { Member, UpstreamPool } from './upstream-pool.js';

export interface CheckSettings {
  readonly interval: number;
  readonly timeout: number;
}

/**
 * One TCP check, resolving and trying addresses exactly as client connections do
 * (connectInOrder); resolves to undefined when the port accepted, or to the failure text.
 */
export async function checkTcp(host: string, port: number, timeoutMs: number, signal: AbortSignal, resolver: Resolver = systemResolver): Promise<string | undefined> {
  try {
    const socket = await connectInOrder(host, port, timeoutMs, (ip, ipPort, share) => dial({ host: ip, port: ipPort, timeoutMs: share, signal }), { resolver, signal });
    socket.destroy();
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

export class HealthChecker {
  readonly #pool: UpstreamPool;
  readonly #now: () => number;
  readonly #resolver: Resolver;
  #settings: CheckSettings;
  #timer: NodeJS.Timeout | undefined;
  /** With active checks off: fires when the next --fail-timeout mark ends. */
  #passiveTimer: NodeJS.Timeout | undefined;
  #abort = new AbortController();
  #running = false;
  #inFlight = false;

  constructor(pool: UpstreamPool, settings: CheckSettings, now: () => number = Date.now, resolver: Resolver = systemResolver) {
    this.#pool = pool;
    this.#settings = settings;
    this.#now = now;
    this.#resolver = resolver;
  }

  /** Checks every role of the given members once and records the results. */
  async checkMembers(members: readonly Member[]): Promise<void> {
    const { signal } = this.#abort;
    await Promise.all(
      members.flatMap((member) =>
        this.#pool.roles.map(async (role: Role) => {
          const failure = await checkTcp(member.host, member.portOf(role), this.#settings.timeout, signal, this.#resolver);
          if (signal.aborted) return;
          this.#pool.recordCheck(member, role, failure === undefined, failure, this.#now());
        }),
      ),
    );
  }

  /** Starts periodic rounds (no-op when the interval is 0). */
  start(): void {
    this.#running = true;
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#running || this.#settings.interval === 0 || this.#timer !== undefined || this.#inFlight) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#inFlight = true;
      void this.checkMembers(this.#pool.members).finally(() => {
        this.#inFlight = false;
        this.#schedule();
      });
    }, this.#settings.interval);
    this.#timer.unref();
  }

  /** Applies new settings; a changed interval restarts the wait for the next round. */
  update(settings: CheckSettings): void {
    if (settings.interval !== this.#settings.interval && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#settings = settings;
    this.#schedule();
  }

  /**
   * With active checks off, brings members back when their --fail-timeout ends (the pool
   * reports them up); call it after a passive mark. A no-op with active checks on.
   */
  watchPassiveMarks(): void {
    if (!this.#running) return;
    if (this.#passiveTimer !== undefined) clearTimeout(this.#passiveTimer);
    this.#passiveTimer = undefined;
    const now = this.#now();
    const next = this.#pool.expirePassiveMarks(now);
    if (next === undefined) return;
    this.#passiveTimer = setTimeout(() => this.watchPassiveMarks(), next - now);
    this.#passiveTimer.unref();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#passiveTimer !== undefined) clearTimeout(this.#passiveTimer);
    this.#passiveTimer = undefined;
    this.#abort.abort();
    this.#abort = new AbortController();
  }
}
