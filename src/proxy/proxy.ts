/**
 * NacosProxy: the listeners of every role, the member pool with its health checks, the
 * balancer and access control, and the open client connections. Each accepted connection is
 * admitted (ACL, limits), connected to a member of its role (with retries), then handed to its
 * data path to move bytes; its end is logged once with its close reason and counted.
 *
 * Bytes move either through the native splice engine or through JavaScript (data-path.ts);
 * everything that decides stays here, the same for both.
 */
import type { AddressInfo } from 'node:net';
import { formatHostPort, type ListenAddress } from '../address.js';
import { ListenError, UsageError, describeError, type NacosToolError } from '../errors.js';
import { connectInOrder, resolveHost, systemResolver, type Resolver } from '../net/resolve.js';
import { silentLogger, type Logger } from '../log.js';
import type { Role } from '../ports.js';
import { AccessControl } from './access-control.js';
import { Balancer } from './balancer.js';
import { REFUSAL_REASONS, type CloseReason } from './close-reasons.js';
import { connectUpstream } from './connector.js';
import type { AcceptedClient, ClientClose, DataPath, DataPathName, Listeners } from './data-path.js';
import { HealthChecker } from './health-checker.js';
import { JsDataPath } from './js-path.js';
import { unreloadableChanges, type ProxyOptions } from './options.js';
import { SpliceDataPath, loadSpliceModule } from './splice-path.js';
import { UpstreamPool, type HealthChange, type HealthPolicy, type Member } from './upstream-pool.js';

export type ProxyState = 'created' | 'starting' | 'running' | 'draining' | 'closed';

interface Session {
  readonly id: number;
  readonly role: Role;
  readonly client: AcceptedClient;
  readonly startedAt: number;
  /** Why the proxy or the client cut the connection short (drain, client gone), if one did. */
  abortReason: CloseReason | undefined;
  member: Member | undefined;
  /** True once the data path moves bytes (its close report then ends the session). */
  started: boolean;
}

/** Totals of one role, over connections that have ended. */
export interface RoleTotals {
  accepted: number;
  closed: Map<CloseReason, number>;
  bytesFromClient: number;
  bytesFromUpstream: number;
}

export interface ProxyDeps {
  readonly logger?: Logger;
  readonly now?: () => number;
  /** How host names (members, --listen HOST) become addresses; tests give names of their own. */
  readonly resolver?: Resolver;
}

function policyOf(options: ProxyOptions): HealthPolicy {
  return {
    activeChecks: options.healthInterval > 0,
    rise: options.healthRise,
    fall: options.healthFall,
    failTimeout: options.failTimeout,
  };
}

export class NacosProxy {
  #options: ProxyOptions;
  #state: ProxyState = 'created';
  #balancer: Balancer;
  #access: AccessControl;
  #listeners: Listeners | undefined;
  #nextId = 1;
  #idleWaiters: (() => void)[] = [];
  /** Clients accepted while the first health round runs; served once it has. */
  #waiting: { role: Role; client: AcceptedClient }[] = [];
  readonly #dataPath: DataPath;
  readonly #pool: UpstreamPool;
  readonly #checker: HealthChecker;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #resolver: Resolver;
  readonly #sessions = new Set<Session>();
  readonly #perIp = new Map<string, number>();
  readonly #totals = new Map<Role, RoleTotals>();
  readonly startedAt: number;

  constructor(options: ProxyOptions, deps: ProxyDeps = {}) {
    this.#options = options;
    this.#log = deps.logger ?? silentLogger();
    this.#now = deps.now ?? Date.now;
    this.#resolver = deps.resolver ?? systemResolver;
    this.startedAt = this.#now();
    this.#pool = new UpstreamPool({
      roles: options.roles,
      members: options.upstream,
      policy: policyOf(options),
      now: this.#now(),
      onChange: (change) => this.#onHealthChange(change),
    });
    this.#checker = new HealthChecker(this.#pool, { interval: options.healthInterval, timeout: options.healthTimeout }, this.#now, this.#resolver);
    this.#balancer = new Balancer(options.balance);
    this.#access = new AccessControl(options);
    this.#dataPath = this.#chooseDataPath(options);
    this.#dataPath.setBusyPoll(options.busyPoll);
    for (const role of options.roles) {
      this.#totals.set(role, { accepted: 0, closed: new Map(), bytesFromClient: 0, bytesFromUpstream: 0 });
    }
  }

  get options(): ProxyOptions {
    return this.#options;
  }

  /** Where bytes move: through the splice engine or through JavaScript. */
  get dataPath(): DataPathName {
    return this.#dataPath.name;
  }

  /** The busy-poll window the data path has adapted to, in microseconds; undefined where it cannot poll. */
  busyPollWindow(): number | undefined {
    return this.#dataPath.busyPollWindow();
  }

  #chooseDataPath(options: ProxyOptions): DataPath {
    if (options.dataPath === 'js') return new JsDataPath();
    const native = loadSpliceModule();
    if (native instanceof Error) {
      if (options.dataPath === 'splice') {
        throw new UsageError(`--data-path splice: ${native.message}; build it with "npm run build" on Linux with a C compiler, or use --data-path js`, {
          code: 'ERR_DATA_PATH',
        });
      }
      this.#log.info({ reason: native.message }, 'using the JavaScript data path');
      return new JsDataPath();
    }
    return new SpliceDataPath(native);
  }

  get state(): ProxyState {
    return this.#state;
  }

  get pool(): UpstreamPool {
    return this.#pool;
  }

  get totals(): ReadonlyMap<Role, RoleTotals> {
    return this.#totals;
  }

  /**
   * Opens one listener per role, all or nothing: a port in use fails here, at once, with a
   * ListenError naming the role and port, before any member is checked. Clients that connect
   * before start() has finished wait in the proxy (nothing is read from them) until it has.
   */
  async listen(): Promise<void> {
    if (this.#state !== 'created') throw new Error(`NacosProxy.listen() called in state ${this.#state}`);
    this.#state = 'starting';
    try {
      const listen = await this.#listenAddress();
      this.#listeners = await this.#dataPath.listen(listen, this.#options.roles, (role, client) => this.#onClient(role, client));
    } catch (error) {
      this.#dataPath.stop();
      this.#state = 'closed';
      throw error;
    }
  }

  /**
   * --listen HOST as an IP: like Node's server.listen, a host name listens on the first address
   * it resolves to, on either data path (the splice engine binds IP addresses only).
   */
  async #listenAddress(): Promise<ListenAddress> {
    const { host, port } = this.#options.listen;
    if (host === undefined) return this.#options.listen;
    try {
      return { host: (await resolveHost(host, port, { timeoutMs: this.#options.connectTimeout, resolver: this.#resolver }))[0]!, port };
    } catch (error) {
      throw new ListenError(`--listen ${formatHostPort(host, port)}: ${describeError(error)}; give an IP address or a name this host resolves`, { cause: error });
    }
  }

  /**
   * Opens the listeners (unless listen() did), checks every member once (an unreachable one is
   * logged and kept out of service, not fatal), then serves, starting with the clients that
   * connected meanwhile.
   */
  async start(): Promise<void> {
    if (this.#state === 'created') await this.listen();
    if (this.#state !== 'starting') throw new Error(`NacosProxy.start() called in state ${this.#state}`);
    if (this.#pool.policy.activeChecks) await this.#checker.checkMembers(this.#pool.members);
    // A drain or close() during the first round ends the start here.
    if (this.#state !== 'starting') return;
    this.#checker.start();
    this.#state = 'running';
    this.#log.info({ dataPath: this.dataPath }, 'data path');
    for (const [role, address] of this.addresses()) {
      const up = this.#pool.candidates(role, this.#now()).length;
      this.#log.info({ role, listen: formatHostPort(address.address, address.port), healthyMembers: up, members: this.#pool.members.length }, 'listening');
    }
    this.#admitWaiting();
  }

  /** Hands the clients that connected during startup to the running (or stopping) proxy. */
  #admitWaiting(): void {
    for (const { role, client } of this.#waiting.splice(0)) this.#onClient(role, client);
  }

  addresses(): Map<Role, AddressInfo> {
    return this.#listeners?.addresses() ?? new Map();
  }

  /** Client connections open now (connecting or forwarding). */
  get activeConnections(): number {
    return this.#sessions.size;
  }

  /** Bytes held by the proxy over all connections (user space or pipes); bounded by backpressure. */
  bufferedBytes(): number {
    const snapshot = this.#dataPath.snapshot();
    let total = 0;
    for (const session of this.#sessions) total += session.client.liveBytes(snapshot)?.buffered ?? 0;
    return total;
  }

  /** Per role: open connections and bytes moved so far by open connections. */
  liveByRole(): Map<Role, { active: number; bytesFromClient: number; bytesFromUpstream: number }> {
    const live = new Map(this.#options.roles.map((role) => [role, { active: 0, bytesFromClient: 0, bytesFromUpstream: 0 }]));
    const snapshot = this.#dataPath.snapshot();
    for (const session of this.#sessions) {
      const entry = live.get(session.role)!;
      entry.active += 1;
      const bytes = session.client.liveBytes(snapshot);
      entry.bytesFromClient += bytes?.bytesFromClient ?? 0;
      entry.bytesFromUpstream += bytes?.bytesFromUpstream ?? 0;
    }
    return live;
  }

  #onHealthChange(change: HealthChange): void {
    const fields = { member: change.member.key, role: change.role, address: change.member.addressOf(change.role), cause: change.cause };
    if (change.healthy) this.#log.info(fields, 'member up');
    else this.#log.warn({ ...fields, error: change.error }, 'member down');
    if (change.cause === 'connect-failure') this.#checker.watchPassiveMarks();
  }

  #onClient(role: Role, client: AcceptedClient): void {
    const fromIp = this.#perIp.get(client.ip) ?? 0;
    if (this.#state === 'starting') {
      // Waiting clients count against the limits, so startup cannot queue more than they allow;
      // whoever would be refused anyway is refused now, not after the health round.
      const waitingFromIp = this.#waiting.filter((waiting) => waiting.client.ip === client.ip).length;
      if (this.#access.admit(client.ip, this.#sessions.size + this.#waiting.length, fromIp + waitingFromIp) === 'ok') {
        this.#waiting.push({ role, client });
        return;
      }
    }
    const totals = this.#totals.get(role)!;
    totals.accepted += 1;
    // Between closing the listeners and this callback a drain may have begun: refuse as drained.
    const admission = this.#state === 'draining' || this.#state === 'closed' ? 'drained' : this.#access.admit(client.ip, this.#sessions.size + this.#waiting.length, fromIp);
    const session: Session = {
      id: this.#nextId++,
      role,
      client,
      startedAt: this.#now(),
      abortReason: undefined,
      member: undefined,
      started: false,
    };
    if (admission !== 'ok') {
      client.refuse();
      this.#record(session, admission, undefined, undefined);
      return;
    }
    this.#sessions.add(session);
    this.#perIp.set(client.ip, fromIp + 1);
    client.watchEarlyErrors((reason) => this.#cut(session, reason));
    connectUpstream(
      { role, clientIp: client.ip, cancelled: () => session.abortReason !== undefined },
      {
        pool: this.#pool,
        balancer: this.#balancer,
        settings: this.#options,
        now: this.#now,
        // Resolved and tried address by address exactly as the health checks do (net/resolve.ts).
        dial: (member, memberRole) =>
          connectInOrder(member.host, member.portOf(memberRole), this.#options.connectTimeout, (ip, port, timeoutMs) => client.connect(ip, port, timeoutMs), { resolver: this.#resolver }),
      },
    ).then(
      ({ member }) => this.#startSession(session, member),
      (error: unknown) => {
        client.reset();
        const code = (error as NacosToolError).code;
        const reason: CloseReason = session.abortReason ?? (code === 'ERR_NO_HEALTHY_UPSTREAM' ? 'no-healthy-upstream' : 'connect-failed');
        this.#finish(session, reason, describeError(error), undefined);
      },
    );
  }

  #startSession(session: Session, member: Member): void {
    if (session.abortReason !== undefined) {
      // The client left, or a drain began, just as the member answered.
      session.client.reset();
      this.#finish(session, session.abortReason, undefined, undefined);
      return;
    }
    session.member = member;
    const state = member.state(session.role);
    state.active += 1;
    state.total += 1;
    session.started = true;
    session.client.start(this.#options.idleTimeout, (close) => this.#onClose(session, close));
  }

  #onClose(session: Session, close: ClientClose): void {
    this.#finish(session, close.reason === 'requested' ? (session.abortReason ?? 'drained') : close.reason, undefined, close);
  }

  /** Ends a session once: counters, the per-IP limit, the log line, drain waiters. */
  #finish(session: Session, reason: CloseReason, error: string | undefined, bytes: ClientClose | undefined): void {
    if (!this.#sessions.delete(session)) return;
    const ip = session.client.ip;
    const fromIp = (this.#perIp.get(ip) ?? 1) - 1;
    if (fromIp === 0) this.#perIp.delete(ip);
    else this.#perIp.set(ip, fromIp);
    if (session.member) session.member.state(session.role).active -= 1;
    this.#record(session, reason, error, bytes);
    if (this.#sessions.size === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  #record(session: Session, reason: CloseReason, error: string | undefined, bytes: ClientClose | undefined): void {
    const totals = this.#totals.get(session.role)!;
    totals.closed.set(reason, (totals.closed.get(reason) ?? 0) + 1);
    const bytesFromClient = bytes?.bytesFromClient ?? 0;
    const bytesFromUpstream = bytes?.bytesFromUpstream ?? 0;
    totals.bytesFromClient += bytesFromClient;
    totals.bytesFromUpstream += bytesFromUpstream;
    const line = {
      conn: session.id,
      role: session.role,
      client: formatHostPort(session.client.ip, session.client.port),
      upstream: session.member?.addressOf(session.role) ?? null,
      bytesFromClient,
      bytesFromUpstream,
      durationMs: this.#now() - session.startedAt,
      reason,
      ...(error === undefined ? {} : { error }),
    };
    if (REFUSAL_REASONS.has(reason)) this.#log.warn(line, 'connection refused');
    else this.#log.info(line, 'connection closed');
  }

  #whenIdle(): Promise<void> {
    if (this.#sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Applies a new configuration to new connections (SIGHUP). New members are checked before
   * they take traffic; open connections keep their member even if it was removed. Returns the
   * names of changed options that need a restart (listen, roles, admin); those are ignored.
   */
  async reload(options: ProxyOptions): Promise<{ added: string[]; removed: string[]; ignored: string[] }> {
    const ignored = unreloadableChanges(this.#options, options);
    const policy = policyOf(options);
    this.#checker.update({ interval: options.healthInterval, timeout: options.healthTimeout });
    const prepared = this.#pool.newMembers(options.upstream, policy, this.#now());
    if (policy.activeChecks && prepared.length > 0) await this.#checker.checkMembers(prepared);
    const { added, removed } = this.#pool.update(options.upstream, policy, this.#now(), prepared);
    if (options.balance !== this.#balancer.strategy) this.#balancer = new Balancer(options.balance);
    this.#access = new AccessControl(options);
    this.#log.level = options.logLevel;
    this.#dataPath.setBusyPoll(options.busyPoll);
    this.#options = { ...options, listen: this.#options.listen, roles: this.#options.roles, admin: this.#options.admin };
    return { added: added.map((member) => member.key), removed: removed.map((member) => member.key), ignored };
  }

  /**
   * Stops accepting, lets open connections finish for up to `timeoutMs`, then resets the
   * rest. Resolves with the number of connections that had to be reset.
   */
  async drain(timeoutMs: number = this.#options.drainTimeout): Promise<{ reset: number }> {
    if (this.#state === 'closed') return { reset: 0 };
    this.#state = 'draining';
    this.#listeners?.close();
    this.#checker.stop();
    this.#admitWaiting();
    let timer: NodeJS.Timeout | undefined;
    if (this.#sessions.size > 0 && timeoutMs > 0) {
      this.#log.info({ open: this.#sessions.size, drainTimeoutMs: timeoutMs }, 'draining open connections');
      await Promise.race([this.#whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    }
    const reset = this.#sessions.size;
    for (const session of [...this.#sessions]) this.#cut(session, 'drained');
    await this.#whenIdle();
    this.#dataPath.stop();
    this.#state = 'closed';
    return { reset };
  }

  /** Resets every open connection at once and stops (a second signal, tests). */
  close(): Promise<{ reset: number }> {
    return this.drain(0);
  }

  /**
   * Cuts a session short. A started one ends with its close report; for a connecting one the
   * reset ends the dial in flight and the connect loop stops (it sees abortReason).
   */
  #cut(session: Session, reason: CloseReason): void {
    session.abortReason ??= reason;
    session.client.reset();
  }
}
