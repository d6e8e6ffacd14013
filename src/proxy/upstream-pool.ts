/**
 * Cluster members and their health, tracked per member and per role: a member whose gRPC
 * port is down still serves HTTP. Pure state; the clock comes in as `now` so the rules
 * (rise/fall counting, passive marking, fail-timeout) are unit-testable without timers.
 */
import { formatHostPort, type HostPort } from '../address.js';
import { rolePort, type Role } from '../ports.js';

export interface HealthPolicy {
  /** False when --health-interval is 0: passive marks then expire after failTimeout. */
  readonly activeChecks: boolean;
  readonly rise: number;
  readonly fall: number;
  readonly failTimeout: number;
}

export interface RoleState {
  /** Set by active checks (or true when they are off and no passive mark is pending). */
  healthy: boolean;
  /** False until the first active check of this member and role has finished. */
  checked: boolean;
  okStreak: number;
  failStreak: number;
  lastError: string | undefined;
  lastCheckAt: number | undefined;
  changedAt: number;
  /** With active checks off, a failed connect keeps the member out until this time. */
  passiveDownUntil: number;
  active: number;
  total: number;
}

export class Member {
  readonly key: string;
  readonly host: string;
  readonly port: number;
  readonly states = new Map<Role, RoleState>();
  /** Set when a reload dropped the member; open connections to it keep running. */
  removed = false;

  constructor(address: HostPort, roles: readonly Role[], initiallyHealthy: boolean, now: number) {
    this.host = address.host;
    this.port = address.port;
    this.key = formatHostPort(address.host, address.port);
    for (const role of roles) {
      this.states.set(role, {
        healthy: initiallyHealthy,
        checked: false,
        okStreak: 0,
        failStreak: 0,
        lastError: undefined,
        lastCheckAt: undefined,
        changedAt: now,
        passiveDownUntil: 0,
        active: 0,
        total: 0,
      });
    }
  }

  portOf(role: Role): number {
    return rolePort(this.port, role);
  }

  addressOf(role: Role): string {
    return formatHostPort(this.host, this.portOf(role));
  }

  state(role: Role): RoleState {
    const state = this.states.get(role);
    if (state === undefined) throw new Error(`member ${this.key} has no ${role} role`);
    return state;
  }
}

export interface HealthChange {
  readonly member: Member;
  readonly role: Role;
  readonly healthy: boolean;
  /** What changed it: an active check, a failed connect, or (active checks off) the end of --fail-timeout. */
  readonly cause: 'check' | 'connect-failure' | 'fail-timeout';
  readonly error: string | undefined;
}

export class UpstreamPool {
  #members: Member[] = [];
  #policy: HealthPolicy;
  readonly #roles: readonly Role[];
  readonly #onChange: (change: HealthChange) => void;

  constructor(options: {
    roles: readonly Role[];
    members: readonly HostPort[];
    policy: HealthPolicy;
    now: number;
    onChange?: (change: HealthChange) => void;
  }) {
    this.#roles = options.roles;
    this.#policy = options.policy;
    this.#onChange = options.onChange ?? (() => {});
    this.#members = options.members.map((address) => new Member(address, options.roles, !options.policy.activeChecks, options.now));
  }

  get members(): readonly Member[] {
    return this.#members;
  }

  get roles(): readonly Role[] {
    return this.#roles;
  }

  get policy(): HealthPolicy {
    return this.#policy;
  }

  isAvailable(member: Member, role: Role, now: number): boolean {
    if (member.removed) return false;
    const state = member.state(role);
    return this.#policy.activeChecks ? state.healthy : now >= state.passiveDownUntil;
  }

  /** Members that may take a new connection of `role` now, in configured order. */
  candidates(role: Role, now: number): Member[] {
    return this.#members.filter((member) => this.isAvailable(member, role, now));
  }

  /** Applies one active check result with rise/fall counting; the first check decides at once. */
  recordCheck(member: Member, role: Role, ok: boolean, error: string | undefined, now: number): void {
    const state = member.state(role);
    state.lastCheckAt = now;
    if (ok) {
      state.okStreak += 1;
      state.failStreak = 0;
    } else {
      state.failStreak += 1;
      state.okStreak = 0;
      state.lastError = error;
    }
    if (!state.checked) {
      // The first result decides at once and is always reported: an unreachable member at
      // start is logged as down, not silently left out.
      state.checked = true;
      this.#setHealth(member, role, ok, 'check', ok ? undefined : error, now);
    } else if (!state.healthy && ok && state.okStreak >= this.#policy.rise) {
      this.#setHealth(member, role, true, 'check', undefined, now);
    } else if (state.healthy && !ok && state.failStreak >= this.#policy.fall) {
      this.#setHealth(member, role, false, 'check', error, now);
    }
  }

  /** Passive marking: a refused or timed-out connect takes the member out of this role at once. */
  recordConnectFailure(member: Member, role: Role, error: string, now: number): void {
    const state = member.state(role);
    state.lastError = error;
    state.okStreak = 0;
    state.failStreak = Math.max(state.failStreak, this.#policy.fall);
    if (this.#policy.activeChecks) {
      if (state.healthy) this.#setHealth(member, role, false, 'connect-failure', error, now);
      return;
    }
    const wasAvailable = now >= state.passiveDownUntil;
    // A mark that ended before its timer fired is reported as ended first, so up and down alternate.
    if (wasAvailable) this.#endPassiveMark(member, role, now);
    state.passiveDownUntil = now + this.#policy.failTimeout;
    if (wasAvailable && this.#policy.failTimeout > 0) this.#setHealth(member, role, false, 'connect-failure', error, now);
  }

  #endPassiveMark(member: Member, role: Role, now: number): void {
    const state = member.state(role);
    if (state.passiveDownUntil === 0) return;
    state.passiveDownUntil = 0;
    if (!state.healthy) this.#setHealth(member, role, true, 'fail-timeout', undefined, now);
  }

  /**
   * With active checks off: returns members whose --fail-timeout has ended to service, each
   * reported as up (cause fail-timeout). Returns when the next passive mark ends, if one is
   * pending, so the caller knows when to call again.
   */
  expirePassiveMarks(now: number): number | undefined {
    if (this.#policy.activeChecks) return undefined;
    let next: number | undefined;
    for (const member of this.#members) {
      for (const [role, state] of member.states) {
        if (state.passiveDownUntil === 0) continue;
        if (now >= state.passiveDownUntil) this.#endPassiveMark(member, role, now);
        else next = Math.min(next ?? Number.POSITIVE_INFINITY, state.passiveDownUntil);
      }
    }
    return next;
  }

  #setHealth(member: Member, role: Role, healthy: boolean, cause: HealthChange['cause'], error: string | undefined, now: number): void {
    const state = member.state(role);
    state.healthy = healthy;
    state.changedAt = now;
    if (!member.removed) this.#onChange({ member, role, healthy, cause, error });
  }

  /** Members for the addresses of `addresses` that the pool does not have yet, not yet in service. */
  newMembers(addresses: readonly HostPort[], policy: HealthPolicy, now: number): Member[] {
    const known = new Set(this.#members.map((member) => member.key));
    return addresses
      .filter((address) => !known.has(formatHostPort(address.host, address.port)))
      .map((address) => new Member(address, this.#roles, !policy.activeChecks, now));
  }

  /**
   * Replaces the member list (SIGHUP). Members kept by address keep their state and open
   * connections; `prepared` (from newMembers, already checked) join as they are, other new
   * addresses start unchecked; dropped members are marked removed and get no new connection.
   */
  update(
    addresses: readonly HostPort[],
    policy: HealthPolicy,
    now: number,
    prepared: readonly Member[] = [],
  ): { added: Member[]; removed: Member[] } {
    const previous = new Map(this.#members.map((member) => [member.key, member]));
    const ready = new Map(prepared.map((member) => [member.key, member]));
    const next: Member[] = [];
    const added: Member[] = [];
    for (const address of addresses) {
      const key = formatHostPort(address.host, address.port);
      const existing = previous.get(key);
      if (existing) {
        previous.delete(key);
        next.push(existing);
      } else {
        const member = ready.get(key) ?? new Member(address, this.#roles, !policy.activeChecks, now);
        next.push(member);
        added.push(member);
      }
    }
    const removed = [...previous.values()];
    for (const member of removed) member.removed = true;
    if (policy.activeChecks !== this.#policy.activeChecks) {
      for (const member of next) {
        for (const state of member.states.values()) {
          state.passiveDownUntil = 0;
          if (!policy.activeChecks) state.healthy = true;
        }
      }
    }
    this.#policy = policy;
    this.#members = next;
    return { added, removed };
  }
}
