/**
 * The optional native data path: connected socket pairs are handed to the splice engine
 * (native/splice_engine.c), which moves their bytes inside the kernel with splice(2) on its own
 * thread and reports once per connection when it ends. It keeps the Forwarder's contract
 * (unchanged bytes, backpressure, half-close, reset propagation); the same tests run on both.
 *
 * Loaded when built (scripts/build-native.mjs, Linux with a C compiler); otherwise
 * nacos-proxy uses the JavaScript Forwarder, which is always available.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { CloseReason } from './close-reasons.js';

interface NativeEngineModule {
  createEngine(onClose: (slot: number, id: number, reason: string, fromClient: number, fromUpstream: number) => void): object;
  adopt(engine: object, slot: number, id: number, clientFd: number, upstreamFd: number, idleMs: number): void;
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

export class SplicePath {
  readonly #native: NativeEngineModule;
  readonly #engine: object;
  readonly #onClose: ((close: SpliceClose) => void)[] = [];
  readonly #freeSlots: number[] = [];
  #stopped = false;

  constructor(native: NativeEngineModule) {
    this.#native = native;
    this.#engine = native.createEngine((slot, _id, reason, fromClient, fromUpstream) => {
      const onClose = this.#onClose[slot];
      this.#onClose[slot] = undefined as never;
      this.#freeSlots.push(slot);
      onClose?.({ reason: reason as SpliceCloseReason, bytesFromClient: fromClient, bytesFromUpstream: fromUpstream });
    });
  }

  /**
   * Hands a connected pair to the engine and destroys the JavaScript sockets (the engine holds
   * duplicates of their descriptors). Returns the slot, or undefined when this pair cannot be
   * adopted (no descriptor, bytes already buffered in JavaScript, engine out of descriptors):
   * the caller then forwards it in JavaScript.
   */
  adopt(id: number, client: Socket, upstream: Socket, idleTimeout: number, onClose: (close: SpliceClose) => void): number | undefined {
    if (this.#stopped) return undefined;
    const clientFd = fdOf(client);
    const upstreamFd = fdOf(upstream);
    if (clientFd === undefined || upstreamFd === undefined) return undefined;
    // Bytes already read into (or queued in) JavaScript would be lost by a handover.
    if (client.readableLength + upstream.readableLength + client.writableLength + upstream.writableLength > 0) return undefined;
    const slot = this.#freeSlots.pop() ?? this.#onClose.length;
    try {
      this.#native.adopt(this.#engine, slot, id, clientFd, upstreamFd, idleTimeout);
    } catch {
      if (slot < this.#onClose.length) this.#freeSlots.push(slot);
      return undefined;
    }
    this.#onClose[slot] = onClose;
    client.destroy();
    upstream.destroy();
    return slot;
  }

  /** RST to both sides; the close report follows with reason "requested". */
  reset(slot: number): void {
    if (!this.#stopped) this.#native.reset(this.#engine, slot);
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

  /** Resets whatever is still open (each reported as "requested") and ends the engine thread. */
  stop(): void {
    if (this.#stopped) return;
    this.#native.stop(this.#engine);
    this.#stopped = true;
  }
}
