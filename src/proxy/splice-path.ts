/**
 * The native data path (native/splice_engine.c): the engine accepts on the role ports, connects
 * to the member the proxy picks, and moves the bytes inside the kernel with splice(2), all on
 * Node's event loop; JavaScript sees one callback per accept, per connect result and per close.
 * No net.Socket is built for any connection.
 *
 * Available when built (scripts/build-native.mjs: Linux with a C compiler and Node's headers);
 * otherwise nacos-proxy uses the JavaScript data path (js-path.ts), which is always available.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { formatHostPort, normalizeIp, type ListenAddress } from '../address.js';
import { ConnectError, connectFailureOf } from '../net/dial.js';
import { formatOffset, rolePort, type Role } from '../ports.js';
import type { CloseReason } from './close-reasons.js';
import type { AcceptedClient, ClientClose, DataPath, Listeners, LiveBytes } from './data-path.js';
import { listenError } from './listener-group.js';

interface NativeEngineModule {
  createEngine(
    onAccept: (listener: number, slot: number, ip: string, port: number) => void,
    onConnect: (slot: number, error: string | null) => void,
    onClose: (slot: number, reason: string, fromClient: number, fromUpstream: number) => void,
  ): object;
  listen(engine: object, ip: string, port: number, backlog: number): number;
  listenerAddress(engine: object, listener: number): [string, number, string] | undefined;
  unlisten(engine: object, listener: number): void;
  connect(engine: object, slot: number, ip: string, port: number, timeoutMs: number): string | undefined;
  start(engine: object, slot: number, idleMs: number): void;
  reset(engine: object, slot: number): void;
  drop(engine: object, slot: number): void;
  stats(engine: object): Float64Array;
  stop(engine: object): void;
  /** [TCP_NODELAY, SO_KEEPALIVE, TCP_KEEPIDLE s] of any TCP socket of this process (diagnostics, tests). */
  tcpOptions(fd: number): [number, number, number];
  setBusyPoll(engine: object, maxMicroseconds: number): void;
  pollWindow(engine: object): number;
}

/** As the JavaScript listeners: reconnect storms need a deep accept queue. */
const BACKLOG = 4096;

let loaded: NativeEngineModule | Error | undefined;

/** The native module, or the reason it is not available. Loaded once. */
export function loadSpliceModule(): NativeEngineModule | Error {
  if (loaded === undefined) {
    try {
      // One level above src/ and dist/ alike: <package>/build/splice_engine.node.
      loaded = createRequire(import.meta.url)('../../build/splice_engine.node') as NativeEngineModule;
    } catch (error) {
      loaded = new Error(`native splice data path not available: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return loaded;
}

function connectError(errno: string, address: string, timeoutMs: number): ConnectError {
  if (errno === 'ETIMEDOUT') return new ConnectError('ERR_CONNECT_TIMEOUT', errno, address, `connect to ${address} timed out after ${timeoutMs}ms`);
  return new ConnectError(connectFailureOf(errno), errno, address, `connect to ${address} failed: ${errno}`);
}

class SpliceClient implements AcceptedClient {
  readonly ip: string;
  readonly port: number;
  readonly slot: number;
  readonly #path: SpliceDataPath;
  /** Set while a connect is in flight. */
  #pending: { resolve: () => void; reject: (error: unknown) => void; address: string; timeoutMs: number } | undefined;
  #onClose: ((close: ClientClose) => void) | undefined;
  /** The engine no longer holds this connection (closed, reset or dropped): the slot may be another's. */
  #ended = false;

  constructor(path: SpliceDataPath, slot: number, ip: string, port: number) {
    this.#path = path;
    this.slot = slot;
    this.ip = ip;
    this.port = port;
  }

  refuse(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#path.release(this);
    this.#path.engine('drop', this.slot);
  }

  watchEarlyErrors(): void {
    // The engine does not read the client before start(); its errors surface after it.
  }

  /** `ip` is an address: the proxy resolves names (net/resolve.ts), the engine connects to IPs only. */
  async connect(ip: string, port: number, timeoutMs: number): Promise<void> {
    const address = formatHostPort(ip, port);
    if (this.#ended) throw connectError('ECONNABORTED', address, timeoutMs);
    return new Promise<void>((resolve, reject) => {
      this.#pending = { resolve, reject, address, timeoutMs };
      const failure = this.#path.connect(this.slot, ip, port, timeoutMs);
      if (failure !== undefined) {
        this.#pending = undefined;
        reject(connectError(failure, address, timeoutMs));
      }
    });
  }

  /** The engine's connect result for this slot. */
  connected(error: string | null): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (error === null) pending?.resolve();
    else pending?.reject(connectError(error, pending.address, pending.timeoutMs));
  }

  start(idleTimeout: number, onClose: (close: ClientClose) => void): void {
    this.#onClose = onClose;
    this.#path.engine('start', this.slot, idleTimeout);
  }

  reset(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#path.engine('reset', this.slot);
  }

  /** The engine's close report for this slot. */
  closed(reason: string, bytesFromClient: number, bytesFromUpstream: number): void {
    this.#ended = true;
    this.#pending?.reject(connectError('ECONNABORTED', this.#pending.address, this.#pending.timeoutMs));
    this.#pending = undefined;
    this.#onClose?.({ reason: reason as CloseReason | 'requested', bytesFromClient, bytesFromUpstream });
  }

  liveBytes(snapshot: unknown): LiveBytes | undefined {
    return (snapshot as Map<number, LiveBytes> | undefined)?.get(this.slot);
  }
}

export class SpliceDataPath implements DataPath {
  readonly name = 'splice';
  readonly #native: NativeEngineModule;
  readonly #engine: object;
  /** The client in each engine slot; a slot is reused only after its close report or drop. */
  readonly #clients: (SpliceClient | undefined)[] = [];
  #onClient: ((listener: number, client: SpliceClient) => void) | undefined;
  #stopped = false;

  constructor(native: NativeEngineModule) {
    this.#native = native;
    this.#engine = native.createEngine(
      (listener, slot, ip, port) => {
        const client = new SpliceClient(this, slot, normalizeIp(ip), port);
        this.#clients[slot] = client;
        this.#onClient?.(listener, client);
      },
      (slot, error) => this.#clients[slot]?.connected(error),
      (slot, reason, fromClient, fromUpstream) => {
        const client = this.#clients[slot];
        this.#clients[slot] = undefined;
        client?.closed(reason, fromClient, fromUpstream);
      },
    );
  }

  /** Calls the engine unless it was stopped (a stopped engine has already ended everything). */
  engine(call: 'start' | 'reset' | 'drop', slot: number, idleTimeout = 0): void {
    if (this.#stopped) return;
    if (call === 'start') this.#native.start(this.#engine, slot, idleTimeout);
    else this.#native[call](this.#engine, slot);
  }

  connect(slot: number, ip: string, port: number, timeoutMs: number): string | undefined {
    return this.#stopped ? 'ECONNABORTED' : this.#native.connect(this.#engine, slot, ip, port, timeoutMs);
  }

  release(client: SpliceClient): void {
    if (this.#clients[client.slot] === client) this.#clients[client.slot] = undefined;
  }

  async listen(listen: ListenAddress, roles: readonly Role[], onClient: (role: Role, client: AcceptedClient) => void): Promise<Listeners> {
    const opened = new Map<Role, number>();
    const roleOf = new Map<number, Role>();
    try {
      for (const role of roles) {
        const port = rolePort(listen.port, role);
        try {
          const id = this.#native.listen(this.#engine, listen.host ?? '', port, BACKLOG);
          opened.set(role, id);
          roleOf.set(id, role);
        } catch (error) {
          throw listenError(`${role} (${formatOffset(role)})`, listen.host, port, error);
        }
      }
    } catch (error) {
      for (const id of opened.values()) this.#native.unlisten(this.#engine, id);
      throw error;
    }
    this.#onClient = (listener, client) => {
      const role = roleOf.get(listener);
      if (role === undefined) client.refuse();
      else onClient(role, client);
    };
    return {
      addresses: () => {
        const result = new Map<Role, AddressInfo>();
        for (const [role, id] of opened) {
          const address = this.#stopped ? undefined : this.#native.listenerAddress(this.#engine, id);
          if (address) result.set(role, { address: address[0], port: address[1], family: address[2] });
        }
        return result;
      },
      close: () => {
        if (!this.#stopped) for (const id of opened.values()) this.#native.unlisten(this.#engine, id);
        opened.clear();
      },
    };
  }

  setBusyPoll(microseconds: number): void {
    if (!this.#stopped) this.#native.setBusyPoll(this.#engine, microseconds);
  }

  busyPollWindow(): number | undefined {
    return this.#stopped ? undefined : this.#native.pollWindow(this.#engine);
  }

  /** Live byte counters and buffered bytes of every started connection, by slot. */
  snapshot(): Map<number, LiveBytes> {
    const result = new Map<number, LiveBytes>();
    if (this.#stopped) return result;
    const stats = this.#native.stats(this.#engine);
    for (let i = 0; i + 3 < stats.length; i += 4) {
      result.set(stats[i]!, { bytesFromClient: stats[i + 1]!, bytesFromUpstream: stats[i + 2]!, buffered: stats[i + 3]! });
    }
    return result;
  }

  /** Closes the listeners and resets whatever is still open (each reported as "requested"). */
  stop(): void {
    if (this.#stopped) return;
    this.#native.stop(this.#engine);
    this.#stopped = true;
  }
}
