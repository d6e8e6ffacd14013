/**
 * The JavaScript data path, always available: net.Server listeners (ListenerGroup), a paused
 * net.Socket per upstream (connector's socketDialer), and a Forwarder piping the two.
 */
import type { Socket } from 'node:net';
import type { ListenAddress } from '../address.js';
import { formatHostPort, normalizeIp } from '../address.js';
import { errnoCode } from '../errors.js';
import { ConnectError, dial } from '../net/dial.js';
import type { Role } from '../ports.js';
import type { CloseReason } from './close-reasons.js';
import { TCP_KEEPALIVE_MS } from './connector.js';
import type { AcceptedClient, ClientClose, DataPath, Listeners, LiveBytes } from './data-path.js';
import { Forwarder } from './forwarder.js';
import { ListenerGroup } from './listener-group.js';

function resetSocket(socket: Socket | undefined): void {
  if (socket !== undefined && !socket.destroyed) socket.resetAndDestroy();
}

function ignoreError(): void {}

class JsClient implements AcceptedClient {
  readonly ip: string;
  readonly port: number;
  #client: Socket | undefined;
  #upstream: Socket | undefined;
  #forwarder: Forwarder | undefined;
  #onEarlyError: ((error: Error) => void) | undefined;
  #resetRequested = false;
  /** Ends the dial in flight when the client is reset. */
  #dialing: AbortController | undefined;

  constructor(client: Socket, ip: string) {
    this.#client = client;
    this.ip = ip;
    this.port = client.remotePort ?? 0;
  }

  refuse(): void {
    resetSocket(this.#client);
    this.#client = undefined;
  }

  watchEarlyErrors(onError: (reason: CloseReason) => void): void {
    this.#onEarlyError = (error) => onError(errnoCode(error) === 'ECONNRESET' ? 'client-reset' : 'client-error');
    this.#client?.on('error', this.#onEarlyError);
  }

  async connect(host: string, port: number, timeoutMs: number): Promise<void> {
    if (this.#resetRequested) throw new ConnectError('ERR_CONNECT', 'ECONNABORTED', formatHostPort(host, port), 'the client connection was reset');
    this.#dialing = new AbortController();
    try {
      this.#upstream = await dial({ host, port, timeoutMs, signal: this.#dialing.signal, noDelay: true, keepAliveMs: TCP_KEEPALIVE_MS, allowHalfOpen: true, paused: true });
    } finally {
      this.#dialing = undefined;
    }
  }

  start(idleTimeout: number, onClose: (close: ClientClose) => void): void {
    const client = this.#client!;
    const upstream = this.#upstream!;
    if (this.#onEarlyError) client.off('error', this.#onEarlyError);
    this.#client = undefined;
    this.#upstream = undefined;
    upstream.resume();
    this.#forwarder = new Forwarder(client, upstream, {
      idleTimeout,
      onClose: (forwarder, reason) =>
        onClose({ reason: this.#resetRequested ? 'requested' : reason, bytesFromClient: forwarder.bytesFromClient, bytesFromUpstream: forwarder.bytesFromUpstream }),
    });
  }

  reset(): void {
    this.#resetRequested = true;
    if (this.#forwarder) {
      this.#forwarder.reset('drained');
      return;
    }
    this.#dialing?.abort();
    resetSocket(this.#client);
    resetSocket(this.#upstream);
    this.#client = undefined;
    this.#upstream = undefined;
  }

  liveBytes(): LiveBytes | undefined {
    const forwarder = this.#forwarder;
    if (forwarder === undefined) return undefined;
    return { bytesFromClient: forwarder.bytesFromClient, bytesFromUpstream: forwarder.bytesFromUpstream, buffered: forwarder.bufferedBytes() };
  }
}

export class JsDataPath implements DataPath {
  readonly name = 'js';

  async listen(listen: ListenAddress, roles: readonly Role[], onClient: (role: Role, client: AcceptedClient) => void): Promise<Listeners> {
    return ListenerGroup.open(listen, roles, (role, socket) => {
      socket.on('error', ignoreError);
      const remoteAddress = socket.remoteAddress;
      // The client left between accept and this callback; there is nobody to answer.
      if (remoteAddress === undefined) socket.destroy();
      else onClient(role, new JsClient(socket, normalizeIp(remoteAddress)));
    });
  }

  /** JavaScript has no way to poll without blocking its own event loop: nothing to set. */
  setBusyPoll(): void {}

  busyPollWindow(): undefined {
    return undefined;
  }

  snapshot(): undefined {
    return undefined;
  }

  stop(): void {}
}
