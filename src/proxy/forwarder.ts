/**
 * A Forwarder owns exactly one client socket and one upstream socket and tears both down once.
 *
 * Contract of the data path (every implementation must keep it; test/proxy/data-path.test.ts):
 * - bytes pass unchanged, with backpressure both ways: a side that cannot write pauses the
 *   side it reads from, so buffered bytes per connection stay bounded;
 * - half-close: a FIN from one side becomes a FIN to the other, the reverse direction keeps
 *   flowing (both sockets are opened with allowHalfOpen);
 * - a reset or error on one side resets the other (resetAndDestroy sends RST);
 * - `onClose` fires once, after both sockets have closed, with the reason of the first
 *   significant event (an error or reset outranks an orderly FIN).
 */
import type { Socket } from 'node:net';
import { errnoCode } from '../errors.js';
import type { CloseReason } from './close-reasons.js';

type Side = 'client' | 'upstream';

const ORDERLY: ReadonlySet<CloseReason> = new Set(['client-end', 'upstream-end']);

function resetSocket(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}

export class Forwarder {
  readonly client: Socket;
  readonly upstream: Socket;
  #reason: CloseReason | undefined;
  #openSockets = 2;
  readonly #onClose: (forwarder: Forwarder, reason: CloseReason) => void;

  constructor(client: Socket, upstream: Socket, options: { idleTimeout: number; onClose: (forwarder: Forwarder, reason: CloseReason) => void }) {
    this.client = client;
    this.upstream = upstream;
    this.#onClose = options.onClose;
    client.on('error', (error) => this.#onError('client', error));
    upstream.on('error', (error) => this.#onError('upstream', error));
    client.once('end', () => this.#note('client-end'));
    upstream.once('end', () => this.#note('upstream-end'));
    client.once('close', () => this.#onSocketClose());
    upstream.once('close', () => this.#onSocketClose());
    if (options.idleTimeout > 0) {
      // The client socket sees every byte of both directions (it reads one, writes the other),
      // so one timer on it measures idleness of the whole connection.
      client.setTimeout(options.idleTimeout, () => this.close('idle-timeout'));
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Bytes held in user space for this connection (both sockets' read and write buffers). */
  bufferedBytes(): number {
    return this.client.writableLength + this.upstream.writableLength + this.client.readableLength + this.upstream.readableLength;
  }

  /** Bytes received from the client (and forwarded upstream). */
  get bytesFromClient(): number {
    return this.client.bytesRead;
  }

  /** Bytes received from the member (and forwarded to the client). */
  get bytesFromUpstream(): number {
    return this.upstream.bytesRead;
  }

  /** Ends the connection with RST on both sides (drain timeout, forced shutdown). */
  reset(reason: CloseReason): void {
    this.#note(reason);
    resetSocket(this.client);
    resetSocket(this.upstream);
  }

  /** Ends the connection with an orderly close on both sides (idle timeout). */
  close(reason: CloseReason): void {
    this.#note(reason);
    this.client.destroy();
    this.upstream.destroy();
  }

  #onError(side: Side, error: Error): void {
    const code = errnoCode(error);
    const reset = code === 'ECONNRESET' || code === 'EPIPE';
    this.#note(`${side}-${reset ? 'reset' : 'error'}`);
    resetSocket(side === 'client' ? this.upstream : this.client);
  }

  #note(reason: CloseReason): void {
    if (this.#reason === undefined || (ORDERLY.has(this.#reason) && !ORDERLY.has(reason))) this.#reason = reason;
  }

  #onSocketClose(): void {
    this.#openSockets -= 1;
    if (this.#openSockets === 0) this.#onClose(this, this.#reason ?? 'client-end');
  }
}
