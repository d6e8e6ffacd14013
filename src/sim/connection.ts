/**
 * One client connection of a simulated member: one TCP connection carrying one HTTP/2
 * session. Its id is made once when the transport is ready, `<ms>_<remoteIp>_<remotePort>`,
 * exactly like AddressTransportFilter (NACOS-FACTS.md §1.4); it becomes valid for business
 * requests only when ConnectionSetupRequest arrives on its bi-stream, and it is dropped when
 * the TCP connection closes.
 */
import http2, { type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import { normalizeIp } from '../address.js';
import { GrpcCallError } from '../nacos/errors.js';
import { GRPC_CONTENT_TYPE, frameGrpcMessage } from '../nacos/grpc-wire.js';
import { nacosRequest } from '../nacos/messages.js';
import { encodePayload, type DecodedPayload } from '../nacos/payload.js';

export type PortSource = 'sdk' | 'cluster';

export interface ConnectionSetup {
  readonly clientVersion: string;
  readonly tenant: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly abilityTable: Readonly<Record<string, boolean>> | undefined;
}

interface PendingPush {
  readonly resolve: (response: DecodedPayload) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Server-push request ids; Nacos numbers them from one counter per server. */
let pushIds = 0;

export class SimConnection {
  readonly id: string;
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly localPort: number;
  /** Which port accepted it: client gRPC (sdk) or cluster gRPC. */
  readonly source: PortSource;
  readonly session: ServerHttp2Session;
  readonly createdAt: number;
  setup: ConnectionSetup | undefined;
  lastActive: number;
  /** Config keys this connection listens to (ConfigBatchListenRequest), as key text. */
  readonly listening = new Set<string>();
  /** Services this connection subscribed to (SubscribeServiceRequest), as key text. */
  readonly subscriptions = new Set<string>();
  #biStream: ServerHttp2Stream | undefined;
  #biHeadersSent = false;
  readonly #pending = new Map<string, PendingPush>();

  constructor(session: ServerHttp2Session, source: PortSource, now = Date.now()) {
    const socket = session.socket;
    this.session = session;
    this.source = source;
    this.remoteIp = normalizeIp(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    this.localPort = socket.localPort ?? 0;
    this.createdAt = now;
    this.lastActive = now;
    this.id = `${now}_${this.remoteIp}_${this.remotePort}`;
  }

  get registered(): boolean {
    return this.setup !== undefined;
  }

  /** SDK connections carry `source=sdk` in their setup labels. */
  get isSdk(): boolean {
    return this.setup?.labels.source === 'sdk';
  }

  touch(now = Date.now()): void {
    this.lastActive = now;
  }

  attachBiStream(stream: ServerHttp2Stream): void {
    this.#biStream = stream;
    this.#biHeadersSent = false;
    stream.on('close', () => {
      if (this.#biStream === stream) this.#biStream = undefined;
    });
  }

  get hasBiStream(): boolean {
    return this.#biStream !== undefined && !this.#biStream.closed;
  }

  /** Writes a payload on the bi-stream; response headers go out with the first message, as grpc-java does. */
  #write(bytes: Buffer): boolean {
    const stream = this.#biStream;
    if (!stream || stream.closed || stream.writableEnded) return false;
    if (!this.#biHeadersSent) {
      this.#biHeadersSent = true;
      stream.respond({ ':status': 200, 'content-type': GRPC_CONTENT_TYPE }, { waitForTrailers: true, sendDate: false } as http2.ServerStreamResponseOptions);
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    }
    stream.write(frameGrpcMessage(bytes));
    return true;
  }

  /** A server request without acknowledgement (SetupAckRequest). */
  pushNoAck(type: string, fields: object): boolean {
    return this.#write(encodePayload(nacosRequest(type, fields)));
  }

  /** A server request the client must answer on the stream within `timeoutMs`. */
  push(type: string, fields: object, timeoutMs: number): Promise<DecodedPayload> {
    const requestId = String((pushIds += 1));
    return new Promise((resolve, reject) => {
      if (!this.#write(encodePayload(nacosRequest(type, fields, { requestId })))) {
        reject(new GrpcCallError('ERR_GRPC_STREAM', `cannot push ${type} to ${this.id}: no open bi-stream`, { phase: 'push' }));
        return;
      }
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new GrpcCallError('ERR_GRPC_TIMEOUT', `${type} push to ${this.id} was not answered within ${timeoutMs}ms`, { phase: 'push', timeoutMs }));
      }, timeoutMs);
      this.#pending.set(requestId, { resolve, reject, timer });
    });
  }

  /** Matches a response the client sent on the bi-stream with its push; false if nothing waited for it. */
  acknowledge(response: DecodedPayload): boolean {
    const requestId = typeof response.body.requestId === 'string' ? response.body.requestId : undefined;
    const pending = requestId === undefined ? undefined : this.#pending.get(requestId);
    if (!pending) return false;
    this.#pending.delete(requestId!);
    clearTimeout(pending.timer);
    pending.resolve(response);
    return true;
  }

  /**
   * Closes like GrpcConnection.close(): completes the bi-stream, then closes the channel
   * (GOAWAY, then the socket once open streams are done, at most `graceMs` later).
   */
  close(graceMs = 1000): void {
    this.#failPending('connection closed');
    const stream = this.#biStream;
    if (stream && !stream.closed) {
      if (!this.#biHeadersSent) {
        this.#biHeadersSent = true;
        stream.respond({ ':status': 200, 'content-type': GRPC_CONTENT_TYPE, 'grpc-status': '0' }, { endStream: true, sendDate: false } as http2.ServerStreamResponseOptions);
      } else if (!stream.writableEnded) {
        stream.end();
      }
    }
    if (this.session.closed || this.session.destroyed) return;
    this.session.close();
    setTimeout(() => this.session.destroy(), graceMs).unref();
  }

  /** Drops the TCP connection at once (a killed server). */
  destroy(): void {
    this.#failPending('connection destroyed');
    this.session.destroy();
  }

  #failPending(reason: string): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new GrpcCallError('ERR_GRPC_STREAM', `push ${id} to ${this.id} failed: ${reason}`, { phase: 'push' }));
    }
    this.#pending.clear();
  }
}
