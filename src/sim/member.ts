/**
 * One simulated Nacos member: HTTP on its main port P, SDK gRPC on P+1000 and cluster gRPC on
 * P+1001, all backed by the cluster's shared stores. A test can switch its faults, version and
 * upgrade state at any time, kill it (every connection dropped, as a crashed JVM) and start it
 * again on the same ports.
 *
 * Each port has its own net.Server that hands accepted sockets to the protocol server; that is
 * where the black hole lives (accepted, never answered) and how kill() finds every socket.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { formatHostPort } from '../address.js';
import { ListenError, NacosToolError, errnoCode } from '../errors.js';
import type { Logger } from '../log.js';
import { rolePort } from '../ports.js';
import { SIM_ROLES, type SimRole } from './layout.js';
import type { TokenIssuer } from './auth-tokens.js';
import { watchClientActivity } from './client-detection.js';
import { setSocketReading } from './socket-freeze.js';
import { configHandlers, notifyConfigChange } from './config-requests.js';
import type { ConfigKey } from './config-store.js';
import type { SimConnection } from './connection.js';
import { internalHandlers, type GrpcRequestHandler } from './grpc-dispatch.js';
import { SimGrpcServer } from './grpc-server.js';
import { LongPolls, configRoutes } from './http-config-routes.js';
import { namingRoutes } from './http-naming-routes.js';
import { opsRoutes } from './http-ops-routes.js';
import { SimHttpServer } from './http-server.js';
import { upgradeRoutes } from './http-upgrade-routes.js';
import { applySettings, type MemberSettings, type MemberSettingsInput } from './member-state.js';
import { connectionOwner, namingHandlers, notifySubscribers } from './naming-requests.js';
import type { ServiceKey } from './naming-store.js';
import type { ClusterMemberView, MemberNodeState, SimContext, SimStores, SimTiming } from './sim-context.js';


const GRPC_HANDLERS: ReadonlyMap<string, GrpcRequestHandler> = new Map([...internalHandlers, ...configHandlers, ...namingHandlers]);

export interface MemberAddresses {
  readonly index: number;
  /** The advertised address: what the member list names and clients should dial. */
  readonly host: string;
  /** The address it listens on (a wildcard such as 0.0.0.0, or the same as host). */
  readonly listenHost: string;
  /** HTTP API (P). */
  readonly main: number;
  /** SDK gRPC (P+1000). */
  readonly clientGrpc: number;
  /** Cluster gRPC (P+1001). */
  readonly clusterGrpc: number;
  /** `host:P`, what a client's serverAddr names. */
  readonly serverAddr: string;
}

export interface SimMemberOptions {
  readonly index: number;
  /** Listen address. */
  readonly host: string;
  /** Address reported to others (member list, serverAddr). */
  readonly advertise: string;
  readonly mainPort: number;
  readonly stores: SimStores;
  readonly tokens: TokenIssuer;
  readonly timing: SimTiming;
  readonly log: Logger;
  readonly settings: MemberSettings;
  /** The cluster's view of all members. */
  readonly members: () => readonly ClusterMemberView[];
}

export class SimMember {
  readonly index: number;
  /** Listen address. */
  readonly host: string;
  /** Address reported to others; the member's id is `advertise:mainPort`, as Nacos names members. */
  readonly advertise: string;
  readonly mainPort: number;
  readonly #context: SimContext;
  readonly #log: Logger;
  #settings: MemberSettings;
  readonly #connections = new Map<string, SimConnection>();
  readonly #watchers = new Map<SimConnection, () => void>();
  readonly #sockets = new Set<Socket>();
  /** Sockets accepted while black-holed, not yet handed to their protocol server. */
  readonly #held = new Map<Socket, SimRole>();
  readonly #listeners = new Map<SimRole, Server>();
  readonly #longPolls = new LongPolls();
  readonly #http: SimHttpServer;
  readonly #grpc: Readonly<Record<'client-grpc' | 'cluster-grpc', SimGrpcServer>>;
  #closed = false;

  constructor(options: SimMemberOptions) {
    this.index = options.index;
    this.host = options.host;
    this.advertise = options.advertise;
    this.mainPort = options.mainPort;
    this.#settings = options.settings;
    const id = formatHostPort(options.advertise, options.mainPort);
    this.#log = options.log.child({ member: id });
    const member = this;
    this.#context = {
      id,
      index: options.index,
      host: options.advertise,
      mainPort: options.mainPort,
      get settings() {
        return member.#settings;
      },
      stores: options.stores,
      tokens: options.tokens,
      timing: options.timing,
      log: this.#log,
      members: options.members,
      connections: () => this.#connections.values(),
    };
    this.#http = new SimHttpServer(this.#context, [...opsRoutes, ...upgradeRoutes, ...configRoutes(this.#longPolls), ...namingRoutes]);
    const hooks = {
      connections: this.#connections,
      onRegistered: (connection: SimConnection) => this.#onRegistered(connection),
      onClosed: (connection: SimConnection) => this.#onClosed(connection),
    };
    this.#grpc = {
      'client-grpc': new SimGrpcServer(this.#context, 'sdk', GRPC_HANDLERS, hooks),
      'cluster-grpc': new SimGrpcServer(this.#context, 'cluster', GRPC_HANDLERS, hooks),
    };
  }

  get id(): string {
    return this.#context.id;
  }

  get settings(): MemberSettings {
    return this.#settings;
  }

  /** A config changed somewhere in the cluster: wake this member's long polls and push to its listeners. */
  configChanged(key: ConfigKey): void {
    if (this.#settings.faults.blackHole) return;
    this.#longPolls.notify(key);
    notifyConfigChange(key, this.#connections.values(), this.#context);
  }

  /** A service changed somewhere in the cluster: push it to this member's subscribers. */
  serviceChanged(key: ServiceKey): void {
    if (!this.#settings.faults.blackHole) notifySubscribers(key, this.#connections.values(), this.#context);
  }

  /** Changes faults, version, upgrade state or auth; takes effect for the next request. */
  configure(change: MemberSettingsInput): void {
    const wasBlackHole = this.#settings.faults.blackHole;
    this.#settings = applySettings(this.#settings, change);
    this.#log.info({ settings: change }, 'member settings changed');
    if (this.#settings.faults.blackHole !== wasBlackHole) this.#setFrozen(this.#settings.faults.blackHole);
  }

  /**
   * A black hole stops reading every open connection (no answer, not even to HTTP/2 PINGs);
   * when it ends, they are read again and the connections accepted meanwhile are served, as by
   * a process that thaws.
   */
  #setFrozen(frozen: boolean): void {
    const held = frozen ? [] : [...this.#held];
    this.#held.clear();
    for (const [socket, role] of held) this.#serve(role, socket);
    for (const socket of this.#sockets) if (!socket.destroyed) setSocketReading(socket, !frozen);
  }

  get running(): boolean {
    return this.#listeners.size > 0;
  }

  get addresses(): MemberAddresses {
    return {
      index: this.index,
      host: this.advertise,
      listenHost: this.host,
      main: this.mainPort,
      clientGrpc: rolePort(this.mainPort, 'client-grpc'),
      clusterGrpc: rolePort(this.mainPort, 'cluster-grpc'),
      serverAddr: formatHostPort(this.advertise, this.mainPort),
    };
  }

  /** How the cluster sees this member in `/v1/core/cluster/nodes`. */
  get nodeState(): MemberNodeState {
    if (!this.running) return 'DOWN';
    if (this.#settings.faults.blackHole) return 'SUSPICIOUS';
    if (this.#settings.faults.starting) return 'STARTING';
    return 'UP';
  }

  /** Live gRPC connections (both ports), registered or not. */
  connections(): SimConnection[] {
    return [...this.#connections.values()];
  }

  /** Long polls currently held on the HTTP port. */
  get heldLongPolls(): number {
    return this.#longPolls.size;
  }

  /** Listens on P, P+1000 and P+1001; fails with ListenError (and nothing left open) if one is taken. */
  async start(): Promise<void> {
    if (this.#closed) {
      throw new NacosToolError('ERR_SIM_CLOSED', `member ${this.index} (${this.id}) was closed and cannot start again: start a new SimCluster (kill() and start() restart a member)`);
    }
    if (this.running) return;
    try {
      for (const role of SIM_ROLES) this.#listeners.set(role, await this.#listen(role));
    } catch (error) {
      await this.#closeListeners();
      throw error;
    }
    this.#log.info({ ports: this.addresses }, 'member started');
  }

  async #listen(role: SimRole): Promise<Server> {
    const port = rolePort(this.mainPort, role);
    const server = createServer({ noDelay: true }, (socket) => this.#onSocket(role, socket));
    server.listen({ host: this.host, port, exclusive: true });
    try {
      await once(server, 'listening');
    } catch (error) {
      throw new ListenError(`cannot listen on ${formatHostPort(this.host, port)} (${role} of member ${this.index}): ${errnoCode(error) ?? (error as Error).message}`, {
        cause: error,
      });
    }
    return server;
  }

  #onSocket(role: SimRole, socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.#held.delete(socket);
    });
    socket.on('error', () => {});
    if (this.#settings.faults.blackHole) {
      this.#log.debug({ role, remotePort: socket.remotePort }, 'black hole: connection accepted and left unanswered');
      setSocketReading(socket, false);
      this.#held.set(socket, role);
      return;
    }
    this.#serve(role, socket);
  }

  #serve(role: SimRole, socket: Socket): void {
    if (role === 'main') this.#http.accept(socket);
    else this.#grpc[role].accept(socket);
  }

  #onRegistered(connection: SimConnection): void {
    this.#watchers.get(connection)?.();
    this.#watchers.set(
      connection,
      watchClientActivity(connection, this.#context, (dead) => dead.close()),
    );
  }

  #onClosed(connection: SimConnection): void {
    this.#watchers.get(connection)?.();
    this.#watchers.delete(connection);
    const removed = this.#context.stores.naming.removeOwner(connectionOwner(this.#context, connection));
    if (removed > 0) this.#log.info({ connectionId: connection.id, instances: removed }, 'connection closed: its ephemeral instances were removed');
  }

  async #closeListeners(): Promise<void> {
    const servers = [...this.#listeners.values()];
    this.#listeners.clear();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  /**
   * Stops the member as a crash would: listeners closed, every TCP connection destroyed. Resolves
   * once the connections are gone (and their ephemeral instances with them).
   */
  async kill(what = 'member killed'): Promise<void> {
    const wasRunning = this.running;
    const closing = this.#closeListeners();
    // A connection leaves the map on its session's 'close', so every one still here has that event ahead.
    const sessionsClosed = [...this.#connections.values()].map((connection) => once(connection.session, 'close').then(() => undefined));
    this.#longPolls.releaseAll();
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    this.#held.clear();
    await Promise.all([closing, ...sessionsClosed]);
    if (wasRunning) this.#log.info(what);
  }

  /** Kill, then start again on the same ports with the same data. */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** Kills the member for good: start() refuses to run it again (use kill() and start() for a restart). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.kill('member stopped');
  }
}
