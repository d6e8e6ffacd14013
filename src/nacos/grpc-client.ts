/**
 * A minimal gRPC client for the Nacos service over node:http2: ONE HTTP/2 session on one TCP
 * connection (as the Nacos client opens it), unary `/Request/request` calls and the
 * `/BiRequestStream/requestBiStream` bi-stream on that same session.
 *
 * The session and socket stay reachable (`session`, `remoteSettings`, `localPort`, ...) because
 * what Nacos does depends on the connection itself: the server's connectionId names the TCP
 * peer it sees, and a proxy that spreads streams over several upstream connections is exactly
 * what breaks Nacos (NACOS-FACTS.md §1.4). See grpc-wire.ts for why this is not @grpc/grpc-js.
 */
import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type Settings } from 'node:http2';
import type { Duplex } from 'node:stream';
import { formatHostPort } from '../address.js';
import { dial } from '../net/dial.js';
import { VERSION } from '../version.js';
import { BiStream } from './bi-stream.js';
import { GrpcCallError } from './errors.js';
import { NGHTTP2_CANCEL, facts, httpError, statusError, streamError, withDeadline } from './grpc-call.js';
import { BI_STREAM_PATH, DEFAULT_MAX_MESSAGE_SIZE, GRPC_CONTENT_TYPE, GrpcMessageReader, REQUEST_PATH, frameGrpcMessage } from './grpc-wire.js';
import { decodePayload, encodePayload, type DecodedPayload, type NacosPayload } from './payload.js';

/** The Nacos client's own defaults: server check and request timeouts are both 3000 ms (§1.6). */
export const DEFAULT_CONNECT_TIMEOUT = 3000;
export const DEFAULT_REQUEST_TIMEOUT = 3000;

export interface GrpcClientOptions {
  readonly host: string;
  readonly port: number;
  /** Deadline for TCP connect plus the server's first SETTINGS frame. Default 3000 ms. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
  /**
   * An already connected transport to run HTTP/2 over instead of dialling host:port, for
   * callers that watch or shape the raw bytes. `host`/`port` then only name the authority.
   */
  readonly socket?: Duplex;
  /** Local SETTINGS sent to the server. */
  readonly settings?: Settings;
  /** Largest gRPC message accepted from the server. Default 10 MiB, as Nacos. */
  readonly maxMessageSize?: number;
  readonly userAgent?: string;
}

export interface CallOptions {
  /** Time allowed for the whole call. Default 3000 ms. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

export interface UnaryResponse {
  readonly payload: DecodedPayload;
  /** Response headers: a `server` header here means an HTTP proxy answered, not grpc-java. */
  readonly headers: IncomingHttpHeaders;
  readonly trailers: IncomingHttpHeaders;
}

export class NacosGrpcClient {
  /** The HTTP/2 session: remoteSettings, ping(), goaway events, the socket. */
  readonly session: ClientHttp2Session;
  readonly authority: string;
  readonly #maxMessageSize: number;
  readonly #userAgent: string;

  private constructor(session: ClientHttp2Session, authority: string, options: GrpcClientOptions) {
    this.session = session;
    this.authority = authority;
    this.#maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.#userAgent = options.userAgent ?? `nacos-proxy-grpc/${VERSION}`;
    // Errors surface on the calls in flight; an unhandled 'error' would crash the process.
    session.on('error', () => {});
  }

  /**
   * Opens the session: TCP connect (ConnectError on failure, with its ERR_CONNECT_* code), the
   * client preface, and the server's SETTINGS (ERR_GRPC_CONNECT if they do not come in time).
   */
  static async connect(options: GrpcClientOptions): Promise<NacosGrpcClient> {
    const timeout = options.timeout ?? DEFAULT_CONNECT_TIMEOUT;
    const started = Date.now();
    const authority = formatHostPort(options.host, options.port);
    const socket = options.socket ?? (await dial({ host: options.host, port: options.port, timeoutMs: timeout, noDelay: true, ...(options.signal ? { signal: options.signal } : {}) }));
    const session = http2.connect(`http://${authority}`, {
      createConnection: () => socket,
      ...(options.settings ? { settings: options.settings } : {}),
      maxSessionMemory: 64,
    });
    const what = `HTTP/2 handshake with ${authority}`;
    try {
      await withDeadline<void>(what, Math.max(1, timeout - (Date.now() - started)), options.signal, 'h2-settings', ({ resolve, reject }) => {
        const onSettings = (): void => resolve();
        const onError = (error: Error): void =>
          reject(new GrpcCallError('ERR_GRPC_CONNECT', `${what} failed: ${error.message}`, { phase: 'h2-settings' }, { cause: error }));
        const onClose = (): void =>
          reject(new GrpcCallError('ERR_GRPC_CONNECT', `${what} failed: the connection closed before the server sent its SETTINGS`, { phase: 'h2-settings' }));
        session.once('remoteSettings', onSettings);
        session.once('error', onError);
        session.once('close', onClose);
        return () => {
          session.off('remoteSettings', onSettings);
          session.off('error', onError);
          session.off('close', onClose);
        };
      });
    } catch (error) {
      session.destroy();
      throw error;
    }
    return new NacosGrpcClient(session, authority, options);
  }

  get remoteSettings(): Settings {
    return this.session.remoteSettings;
  }

  get localAddress(): string | undefined {
    return this.session.socket?.localAddress;
  }

  get localPort(): number | undefined {
    return this.session.socket?.localPort;
  }

  get remoteAddress(): string | undefined {
    return this.session.socket?.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.session.socket?.remotePort;
  }

  get closed(): boolean {
    return this.session.closed || this.session.destroyed;
  }

  #open(path: string, endStream = false): ClientHttp2Stream {
    return this.session.request(
      { ':method': 'POST', ':path': path, ':scheme': 'http', ':authority': this.authority, 'content-type': GRPC_CONTENT_TYPE, te: 'trailers', 'user-agent': this.#userAgent },
      { endStream },
    );
  }

  /** One unary `/Request/request` call; gRPC- and HTTP-level failures throw GrpcCallError. */
  unary(payload: NacosPayload<object>, options: CallOptions = {}): Promise<UnaryResponse> {
    return this.unaryOnPath(REQUEST_PATH, payload, options);
  }

  /** The response payload of a unary call (a Nacos ErrorResponse is returned, not thrown). */
  async request(payload: NacosPayload<object>, options: CallOptions = {}): Promise<DecodedPayload> {
    return (await this.unary(payload, options)).payload;
  }

  /** A unary call on any path, for probing how a server treats unknown methods. */
  unaryOnPath(path: string, payload: NacosPayload<object>, options: CallOptions = {}): Promise<UnaryResponse> {
    const what = `${payload.type} on ${path}`;
    return withDeadline<UnaryResponse>(what, options.timeout ?? DEFAULT_REQUEST_TIMEOUT, options.signal, 'response', ({ resolve, reject }) => {
      let stream: ClientHttp2Stream;
      try {
        stream = this.#open(path);
      } catch (error) {
        reject(new GrpcCallError('ERR_GRPC_STREAM', `${what}: cannot open a stream: ${(error as Error).message}`, { phase: 'request' }, { cause: error }));
        return () => {};
      }
      const reader = new GrpcMessageReader(this.#maxMessageSize);
      const messages: Buffer[] = [];
      let headers: IncomingHttpHeaders | undefined;
      let trailers: IncomingHttpHeaders | undefined;
      let failure: unknown;
      stream.on('response', (received) => {
        headers = received;
        failure ??= httpError(what, received);
      });
      stream.on('trailers', (received) => (trailers = received));
      stream.on('data', (chunk: Buffer) => {
        try {
          messages.push(...reader.push(chunk));
        } catch (error) {
          failure ??= error;
          stream.close(NGHTTP2_CANCEL);
        }
      });
      stream.on('error', (error) => (failure ??= streamError(what, stream, error, headers)));
      stream.on('close', () => {
        if (failure !== undefined) return reject(failure);
        if (headers === undefined) return reject(streamError(what, stream, undefined, headers));
        const bad = statusError(what, headers, trailers);
        if (bad) return reject(bad);
        if (messages.length !== 1) {
          return reject(new GrpcCallError('ERR_GRPC_STREAM', `${what}: expected one response message, got ${messages.length}`, facts(headers, trailers, { phase: 'message' })));
        }
        try {
          resolve({ payload: decodePayload(messages[0]!), headers, trailers: trailers ?? {} });
        } catch (error) {
          reject(error);
        }
      });
      stream.end(frameGrpcMessage(encodePayload(payload)));
      return (failed) => {
        if (failed && !stream.closed) stream.close(NGHTTP2_CANCEL);
      };
    });
  }

  /** Opens the bi-stream on this session. Nothing is sent until you `send()`. */
  openBiStream(): BiStream {
    return new BiStream(this.#open(BI_STREAM_PATH), this.#maxMessageSize);
  }

  /** Sends GOAWAY and waits for open streams to finish (bounded by the caller closing them). */
  close(): Promise<void> {
    if (this.session.closed || this.session.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.session.close(() => resolve()));
  }

  /** Drops the connection at once, as a crashed client would. */
  destroy(): void {
    this.session.destroy();
  }
}
