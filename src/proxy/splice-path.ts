/**
 * The optional native data path (native/splice_engine.c). The engine connects to the member
 * itself, then moves the bytes between client and member inside the kernel with splice(2),
 * on Node's own event loop, and reports once per connection when it ends. It keeps the
 * Forwarder's contract (unchanged bytes, backpressure, half-close, reset propagation); the
 * same tests run on both paths.
 *
 * Available when built (scripts/build-native.mjs, Linux with a C compiler and Node's
 * headers); otherwise nacos-proxy uses the JavaScript Forwarder, which is always available.
 */
import { isIP, type Socket } from 'node:net';
import { lookup } from 'node:dns/promises';
import { createRequire } from 'node:module';
import { formatHostPort } from '../address.js';
import { ConnectError, connectFailureOf } from '../net/dial.js';
import type { CloseReason } from './close-reasons.js';

interface NativeEngineModule {
  createEngine(
    onConnect: (slot: number, error: string | null) => void,
    onClose: (slot: number, id: number, reason: string, fromClient: number, fromUpstream: number) => void,
  ): object;
  connect(engine: object, slot: number, ip: string, port: number, timeoutMs: number): string | undefined;
  adopt(engine: object, slot: number, id: number, clientFd: number, idleMs: number): void;
  abandon(engine: object, slot: number): void;
  reset(engine: object, slot: number): void;
  close(engine: object, slot: number): void;
  stats(engine: object): Float64Array;
  stop(engine: object): void;
}

/** "requested" means JavaScript asked for the end (drain, shutdown); the caller knows why. */
export type SpliceCloseReason = CloseReason | 'requested';

export interface SpliceClose {
  readonly reason: SpliceCloseReason;
  readonly bytesFromClient: number;
  readonly bytesFromUpstream: number;
}

export interface LiveBytes {
  readonly bytesFromClient: number;
  readonly bytesFromUpstream: number;
  readonly buffered: number;
}

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

/** The OS file descriptor behind a net.Socket; Node exposes it only on the internal handle. */
function fdOf(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

interface PendingConnect {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly address: string;
  readonly timeoutMs: number;
}

type SlotState = PendingConnect | ((close: SpliceClose) => void) | 'connected';

export class SplicePath {
  readonly #native: NativeEngineModule;
  readonly #engine: object;
  /** What each slot in use is waiting for; a slot is reused only after its final report. */
  readonly #slots: (SlotState | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  #stopped = false;

  constructor(native: NativeEngineModule) {
    this.#native = native;
    this.#engine = native.createEngine(
      (slot, error) => this.#onConnect(slot, error),
      (slot, _id, reason, fromClient, fromUpstream) => {
        const onClose = this.#slots[slot];
        this.#release(slot);
        if (typeof onClose === 'function') onClose({ reason: reason as SpliceCloseReason, bytesFromClient: fromClient, bytesFromUpstream: fromUpstream });
      },
    );
  }

  #take(state: SlotState): number {
    const slot = this.#freeSlots.pop() ?? this.#slots.length;
    this.#slots[slot] = state;
    return slot;
  }

  #release(slot: number): void {
    this.#slots[slot] = undefined;
    this.#freeSlots.push(slot);
  }

  #onConnect(slot: number, error: string | null): void {
    const pending = this.#slots[slot] as PendingConnect;
    if (error === null) {
      this.#slots[slot] = 'connected';
      pending.resolve();
      return;
    }
    this.#release(slot);
    pending.reject(connectError(error, pending.address, pending.timeoutMs));
  }

  /**
   * Connects to host:port (resolving a name first) with a deadline. Resolves with the slot of
   * the connected upstream, to be passed to adopt() or abandon().
   */
  async connect(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<number> {
    const address = formatHostPort(host, port);
    signal.throwIfAborted();
    let ip = host;
    if (isIP(host) === 0) {
      try {
        ip = (await lookup(host)).address;
      } catch (error) {
        throw connectError((error as NodeJS.ErrnoException).code ?? 'ENOTFOUND', address, timeoutMs, error);
      }
      signal.throwIfAborted();
    }
    if (this.#stopped) throw connectError('ECONNABORTED', address, timeoutMs);
    let slot = -1;
    const connected = new Promise<void>((resolve, reject) => {
      slot = this.#take({ resolve, reject, address, timeoutMs });
      const failure = this.#native.connect(this.#engine, slot, ip, port, timeoutMs);
      if (failure !== undefined) {
        this.#release(slot);
        reject(connectError(failure, address, timeoutMs));
      }
    });
    const onAbort = (): void => {
      const state = this.#slots[slot];
      if (state === undefined || typeof state === 'function') return;
      this.#native.abandon(this.#engine, slot);
      this.#release(slot);
      if (state !== 'connected') state.reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await connected;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return slot;
  }

  /**
   * Pairs the connected upstream in `slot` with the client and starts moving bytes; destroys
   * the client's JavaScript socket (the engine holds a duplicate of its descriptor). Returns
   * false, after dropping the upstream, when the client cannot be handed over.
   */
  adopt(slot: number, id: number, client: Socket, idleTimeout: number, onClose: (close: SpliceClose) => void): boolean {
    const clientFd = fdOf(client);
    // Bytes already read into JavaScript would be lost by the handover (pauseOnConnect keeps
    // this from happening; the check makes sure).
    if (this.#stopped || clientFd === undefined || client.readableLength + client.writableLength > 0) {
      this.abandon(slot);
      return false;
    }
    try {
      this.#native.adopt(this.#engine, slot, id, clientFd, idleTimeout);
    } catch {
      this.abandon(slot);
      return false;
    }
    this.#slots[slot] = onClose;
    client.destroy();
    return true;
  }

  /** Drops a connected upstream that will not be adopted. */
  abandon(slot: number): void {
    if (this.#slots[slot] !== 'connected') return;
    if (!this.#stopped) this.#native.abandon(this.#engine, slot);
    this.#release(slot);
  }

  /** RST to both sides; the close report (reason "requested") is delivered before this returns. */
  reset(slot: number): void {
    if (!this.#stopped && typeof this.#slots[slot] === 'function') this.#native.reset(this.#engine, slot);
  }

  /** Live byte counters and buffered bytes of every adopted connection, by session id. */
  snapshot(): Map<number, LiveBytes> {
    const result = new Map<number, LiveBytes>();
    if (this.#stopped) return result;
    const stats = this.#native.stats(this.#engine);
    for (let i = 0; i + 3 < stats.length; i += 4) {
      result.set(stats[i]!, { bytesFromClient: stats[i + 1]!, bytesFromUpstream: stats[i + 2]!, buffered: stats[i + 3]! });
    }
    return result;
  }

  /** Resets whatever is still open (each reported as "requested"), fails pending connects, and ends the engine. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#native.stop(this.#engine);
  }
}

function connectError(errno: string, address: string, timeoutMs: number, cause?: unknown): ConnectError {
  if (errno === 'ETIMEDOUT') return new ConnectError('ERR_CONNECT_TIMEOUT', errno, address, `connect to ${address} timed out after ${timeoutMs}ms`);
  return new ConnectError(connectFailureOf(errno), errno, address, `connect to ${address} failed: ${errno}`, cause);
}
