/**
 * NacosProxy: the listeners of every role, the member pool with its health checks, the
 * balancer and access control, and the open client connections. Each accepted connection is
 * admitted (ACL, limits), connected to a member of its role (with retries), then handed to a
 * Forwarder; its end is logged once with its close reason and counted.
 */
import type { AddressInfo, Socket } from 'node:net';
import { formatHostPort, normalizeIp } from '../address.js';
import { UsageError, describeError, errnoCode, type NacosToolError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { Role } from '../ports.js';
import { AccessControl } from './access-control.js';
import { Balancer } from './balancer.js';
import { REFUSAL_REASONS, type CloseReason } from './close-reasons.js';
import { connectUpstream, socketDialer, type MemberDialer } from './connector.js';
import { Forwarder } from './forwarder.js';
import { HealthChecker } from './health-checker.js';
import { ListenerGroup } from './listener-group.js';
import { unreloadableChanges, type ProxyOptions } from './options.js';
import { SplicePath, loadSpliceModule, type LiveBytes, type SpliceClose } from './splice-path.js';
import { UpstreamPool, type HealthChange, type HealthPolicy, type Member } from './upstream-pool.js';

export type ProxyState = 'created' | 'starting' | 'running' | 'draining' | 'closed';

interface Session {
  readonly id: number;
  readonly role: Role;
  /** The accepted socket; dropped once a data path owns the connection, so it can be collected. */
  client: Socket | undefined;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly startedAt: number;
  /** Cancels the connect phase; dropped once connected. */
  abort: AbortController | undefined;
  /** Why the connection was cut short by the proxy or the client (drain, client gone), if it was. */
  abortReason: CloseReason | undefined;
  member: Member | undefined;
  /** Set when bytes move through JavaScript. */
  forwarder: Forwarder | undefined;
  /** Set when bytes move through the splice engine. */
  spliceSlot: number | undefined;
  /** Byte counts of a spliced connection, from its close report. */
  finalBytes: Omit<LiveBytes, 'buffered'> | undefined;
}

export type DataPath = 'splice' | 'js';

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
}

function policyOf(options: ProxyOptions): HealthPolicy {
  return {
    activeChecks: options.healthInterval > 0,
    rise: options.healthRise,
    fall: options.healthFall,
    failTimeout: options.failTimeout,
  };
}

function resetSocket(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}

function ignoreError(): void {}

export class NacosProxy {
  #options: ProxyOptions;
  #state: ProxyState = 'created';
  #balancer: Balancer;
  #access: AccessControl;
  #listeners: ListenerGroup | undefined;
  #nextId = 1;
  #idleWaiters: (() => void)[] = [];
  readonly #splice: SplicePath | undefined;
  readonly #dialSocket: MemberDialer<Socket> = socketDialer(() => this.#options);
  readonly #dialSplice: MemberDialer<number> = (member, role, signal) =>
    this.#splice!.connect(member.host, member.portOf(role), this.#options.connectTimeout, signal);
  readonly #pool: UpstreamPool;
  readonly #checker: HealthChecker;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #sessions = new Set<Session>();
  readonly #perIp = new Map<string, number>();
  readonly #totals = new Map<Role, RoleTotals>();
  readonly startedAt: number;

  constructor(options: ProxyOptions, deps: ProxyDeps = {}) {
    this.#options = options;
    this.#log = deps.logger ?? silentLogger();
    this.#now = deps.now ?? Date.now;
    this.startedAt = this.#now();
    this.#pool = new UpstreamPool({
      roles: options.roles,
      members: options.upstream,
      policy: policyOf(options),
      now: this.#now(),
      onChange: (change) => this.#onHealthChange(change),
    });
    this.#checker = new HealthChecker(this.#pool, { interval: options.healthInterval, timeout: options.healthTimeout }, this.#now);
    this.#balancer = new Balancer(options.balance);
    this.#access = new AccessControl(options);
    this.#splice = this.#chooseDataPath(options);
    for (const role of options.roles) {
      this.#totals.set(role, { accepted: 0, closed: new Map(), bytesFromClient: 0, bytesFromUpstream: 0 });
    }
  }

  get options(): ProxyOptions {
    return this.#options;
  }

  /** Where bytes of new connections move: through the splice engine or through JavaScript. */
  get dataPath(): DataPath {
    return this.#splice ? 'splice' : 'js';
  }

  #chooseDataPath(options: ProxyOptions): SplicePath | undefined {
    if (options.dataPath === 'js') return undefined;
    const native = loadSpliceModule();
    if (native instanceof Error) {
      if (options.dataPath === 'splice') {
        throw new UsageError(`--data-path splice: ${native.message}; build it with "npm run build" on Linux with a C compiler, or use --data-path js`, {
          code: 'ERR_DATA_PATH',
        });
      }
      this.#log.info({ reason: native.message }, 'using the JavaScript data path');
      return undefined;
    }
    return new SplicePath(native);
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
   * Checks every member once (an unreachable one is logged and kept out of service, not
   * fatal), then opens one listener per role. Rejects with a ListenError naming the role and
   * port when a listener cannot be opened.
   */
  async start(): Promise<void> {
    if (this.#state !== 'created') throw new Error(`NacosProxy.start() called in state ${this.#state}`);
    this.#state = 'starting';
    try {
      if (this.#pool.policy.activeChecks) await this.#checker.checkMembers(this.#pool.members);
      this.#listeners = await ListenerGroup.open(this.#options.listen, this.#options.roles, (role, socket) => this.#onConnection(role, socket));
    } catch (error) {
      this.#checker.stop();
      this.#splice?.stop();
      this.#state = 'closed';
      throw error;
    }
    this.#checker.start();
    this.#state = 'running';
    this.#log.info({ dataPath: this.dataPath }, 'data path');
    for (const [role, address] of this.addresses()) {
      const up = this.#pool.candidates(role, this.#now()).length;
      this.#log.info({ role, listen: formatHostPort(address.address, address.port), healthyMembers: up, members: this.#pool.members.length }, 'listening');
    }
  }

  addresses(): Map<Role, AddressInfo> {
    return this.#listeners?.addresses() ?? new Map();
  }

  /** Client connections open now (connecting or forwarding). */
  get activeConnections(): number {
    return this.#sessions.size;
  }

  /** Bytes held in user space over all connections; bounded by backpressure. */
  bufferedBytes(): number {
    let total = 0;
    for (const session of this.#sessions) total += session.forwarder?.bufferedBytes() ?? 0;
    for (const live of this.#splice?.snapshot().values() ?? []) total += live.buffered;
    return total;
  }

  /** Per role: open connections and bytes moved so far by open connections. */
  liveByRole(): Map<Role, { active: number; bytesFromClient: number; bytesFromUpstream: number }> {
    const live = new Map(this.#options.roles.map((role) => [role, { active: 0, bytesFromClient: 0, bytesFromUpstream: 0 }]));
    const spliced = this.#splice?.snapshot();
    for (const session of this.#sessions) {
      const entry = live.get(session.role)!;
      entry.active += 1;
      const bytes = session.forwarder ?? spliced?.get(session.id);
      entry.bytesFromClient += bytes?.bytesFromClient ?? 0;
      entry.bytesFromUpstream += bytes?.bytesFromUpstream ?? 0;
    }
    return live;
  }

  #onHealthChange(change: HealthChange): void {
    const fields = { member: change.member.key, role: change.role, address: change.member.addressOf(change.role), cause: change.cause };
    if (change.healthy) this.#log.info(fields, 'member up');
    else this.#log.warn({ ...fields, error: change.error }, 'member down');
  }

  #onConnection(role: Role, client: Socket): void {
    client.on('error', ignoreError);
    const remoteAddress = client.remoteAddress;
    if (remoteAddress === undefined) {
      // The client left between accept and this callback; there is nobody to answer.
      client.destroy();
      return;
    }
    const totals = this.#totals.get(role)!;
    totals.accepted += 1;
    const clientIp = normalizeIp(remoteAddress);
    const fromIp = this.#perIp.get(clientIp) ?? 0;
    // Between closing the listeners and this callback a drain may have begun: refuse as drained.
    const admission = this.#state === 'running' ? this.#access.admit(clientIp, this.#sessions.size, fromIp) : 'drained';
    const session: Session = {
      id: this.#nextId++,
      role,
      client,
      clientIp,
      clientPort: client.remotePort ?? 0,
      startedAt: this.#now(),
      abort: undefined,
      abortReason: undefined,
      member: undefined,
      forwarder: undefined,
      spliceSlot: undefined,
      finalBytes: undefined,
    };
    if (admission !== 'ok') {
      resetSocket(client);
      this.#record(session, admission, undefined);
      return;
    }
    this.#sessions.add(session);
    this.#perIp.set(clientIp, fromIp + 1);
    const abort = new AbortController();
    session.abort = abort;
    const onClientError = (error: Error): void => {
      session.abortReason ??= errnoCode(error) === 'ECONNRESET' ? 'client-reset' : 'client-error';
      abort.abort();
    };
    client.on('error', onClientError);
    const request = { role, clientIp, signal: abort.signal };
    const context = { pool: this.#pool, balancer: this.#balancer, settings: this.#options, now: this.#now };
    const connected = this.#splice
      ? connectUpstream(request, { ...context, dial: this.#dialSplice }).then(({ upstream, member }) => {
          client.off('error', onClientError);
          this.#startSpliced(session, member, upstream);
        })
      : connectUpstream(request, { ...context, dial: this.#dialSocket }).then(({ upstream, member }) => {
          client.off('error', onClientError);
          this.#startForwarding(session, member, upstream);
        });
    connected.catch((error: unknown) => {
      client.off('error', onClientError);
      resetSocket(client);
      const code = (error as NacosToolError).code;
      const reason: CloseReason = session.abortReason ?? (code === 'ERR_NO_HEALTHY_UPSTREAM' ? 'no-healthy-upstream' : 'connect-failed');
      this.#finish(session, reason, describeError(error));
    });
  }

  /** Counts the connection on its member; false when the client left while connecting. */
  #attach(session: Session, member: Member): boolean {
    if (session.abort!.signal.aborted || session.client!.destroyed) return false;
    session.abort = undefined;
    session.member = member;
    const state = member.state(session.role);
    state.active += 1;
    state.total += 1;
    return true;
  }

  #startForwarding(session: Session, member: Member, upstream: Socket): void {
    if (!this.#attach(session, member)) {
      upstream.destroy();
      this.#abandon(session);
      return;
    }
    upstream.resume();
    const client = session.client!;
    session.client = undefined;
    session.forwarder = new Forwarder(client, upstream, {
      idleTimeout: this.#options.idleTimeout,
      onClose: (_forwarder, reason) => this.#finish(session, reason, undefined),
    });
  }

  #startSpliced(session: Session, member: Member, slot: number): void {
    if (!this.#attach(session, member)) {
      this.#splice!.abandon(slot);
      this.#abandon(session);
      return;
    }
    session.spliceSlot = slot;
    const client = session.client!;
    session.client = undefined;
    if (!this.#splice!.adopt(slot, session.id, client, this.#options.idleTimeout, (close) => this.#finishSpliced(session, close))) {
      session.spliceSlot = undefined;
      resetSocket(client);
      this.#finish(session, 'upstream-error', 'the client connection could not be handed to the splice engine');
    }
  }

  /** The client went away (or a drain cut it) while its member was being connected. */
  #abandon(session: Session): void {
    resetSocket(session.client!);
    this.#finish(session, session.abortReason ?? 'client-error', undefined);
  }

  #finishSpliced(session: Session, close: SpliceClose): void {
    session.finalBytes = close;
    this.#finish(session, close.reason === 'requested' ? (session.abortReason ?? 'drained') : close.reason, undefined);
  }

  #finish(session: Session, reason: CloseReason, error: string | undefined): void {
    this.#sessions.delete(session);
    const fromIp = (this.#perIp.get(session.clientIp) ?? 1) - 1;
    if (fromIp === 0) this.#perIp.delete(session.clientIp);
    else this.#perIp.set(session.clientIp, fromIp);
    if (session.member) session.member.state(session.role).active -= 1;
    this.#record(session, reason, error);
    if (this.#sessions.size === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  #record(session: Session, reason: CloseReason, error: string | undefined): void {
    const totals = this.#totals.get(session.role)!;
    totals.closed.set(reason, (totals.closed.get(reason) ?? 0) + 1);
    const bytes = session.forwarder ?? session.finalBytes;
    const bytesFromClient = bytes?.bytesFromClient ?? 0;
    const bytesFromUpstream = bytes?.bytesFromUpstream ?? 0;
    totals.bytesFromClient += bytesFromClient;
    totals.bytesFromUpstream += bytesFromUpstream;
    const line = {
      conn: session.id,
      role: session.role,
      client: formatHostPort(session.clientIp, session.clientPort),
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
    let timer: NodeJS.Timeout | undefined;
    if (this.#sessions.size > 0 && timeoutMs > 0) {
      this.#log.info({ open: this.#sessions.size, drainTimeoutMs: timeoutMs }, 'draining open connections');
      await Promise.race([this.#whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    }
    const reset = this.#sessions.size;
    for (const session of [...this.#sessions]) this.#cut(session, 'drained');
    await this.#whenIdle();
    this.#splice?.stop();
    this.#state = 'closed';
    return { reset };
  }

  /** Resets every open connection at once and stops (a second signal, tests). */
  close(): Promise<{ reset: number }> {
    return this.drain(0);
  }

  #cut(session: Session, reason: CloseReason): void {
    if (session.forwarder) {
      session.forwarder.reset(reason);
      return;
    }
    session.abortReason = reason;
    if (session.spliceSlot !== undefined) this.#splice!.reset(session.spliceSlot);
    else session.abort?.abort();
  }
}
