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
import { EventEmitter } from 'node:events';
import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type Settings } from 'node:http2';
import type { Duplex } from 'node:stream';
import { formatHostPort } from '../address.js';
import { dial } from '../net/dial.js';
import { VERSION } from '../version.js';
import { GrpcCallError, type GrpcCallFacts } from './errors.js';
import {
  BI_STREAM_PATH,
  DEFAULT_MAX_MESSAGE_SIZE,
  GRPC_CONTENT_TYPE,
  GrpcMessageReader,
  REQUEST_PATH,
  decodeGrpcMessage,
  frameGrpcMessage,
  grpcStatusName,
} from './grpc-wire.js';
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

const NGHTTP2_CANCEL = http2.constants.NGHTTP2_CANCEL;

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Status, message and proxy facts of a finished or failed stream. */
function facts(headers: IncomingHttpHeaders | undefined, trailers: IncomingHttpHeaders | undefined, extra: GrpcCallFacts = {}): GrpcCallFacts {
  const status = headers?.[':status'] === undefined ? undefined : Number(headers[':status']);
  const grpcStatus = trailers?.['grpc-status'] ?? headers?.['grpc-status'];
  const grpcMessage = trailers?.['grpc-message'] ?? headers?.['grpc-message'];
  return {
    ...(status === undefined ? {} : { httpStatus: status }),
    ...(headers?.['content-type'] === undefined ? {} : { contentType: headerText(headers, 'content-type')! }),
    ...(headers?.server === undefined ? {} : { server: headerText(headers, 'server')! }),
    ...(grpcStatus === undefined ? {} : { grpcStatus: Number(grpcStatus) }),
    ...(grpcMessage === undefined ? {} : { grpcMessage: decodeGrpcMessage(String(grpcMessage)) }),
    ...extra,
  };
}

/** The error for an HTTP response that is not a gRPC response at all (a proxy's error page). */
function httpError(what: string, headers: IncomingHttpHeaders): GrpcCallError | undefined {
  const status = Number(headers[':status']);
  const contentType = headerText(headers, 'content-type') ?? '';
  if (status === 200 && contentType.startsWith(GRPC_CONTENT_TYPE)) return undefined;
  const server = headerText(headers, 'server');
  return new GrpcCallError(
    'ERR_GRPC_HTTP',
    `${what}: HTTP status ${String(status)} with content-type "${contentType}"${server ? ` from server "${server}"` : ''}: not a gRPC response`,
    facts(headers, undefined, { phase: 'response' }),
  );
}

function statusError(what: string, headers: IncomingHttpHeaders, trailers: IncomingHttpHeaders | undefined): GrpcCallError | undefined {
  const found = facts(headers, trailers, { phase: 'response' });
  if (found.grpcStatus === 0) return undefined;
  if (found.grpcStatus === undefined) {
    return new GrpcCallError('ERR_GRPC_STREAM', `${what}: the stream ended without a grpc-status`, found);
  }
  return new GrpcCallError(
    'ERR_GRPC_STATUS',
    `${what}: ${grpcStatusName(found.grpcStatus)} (grpc-status ${found.grpcStatus})${found.grpcMessage ? `: ${found.grpcMessage}` : ''}`,
    found,
  );
}

function streamError(what: string, stream: ClientHttp2Stream, cause: unknown, headers: IncomingHttpHeaders | undefined): GrpcCallError {
  const detail = cause instanceof Error ? cause.message : `RST_STREAM error code ${stream.rstCode}`;
  return new GrpcCallError('ERR_GRPC_STREAM', `${what}: stream failed: ${detail}`, facts(headers, undefined, { phase: 'response', http2Code: stream.rstCode }), {
    cause,
  });
}

/**
 * Runs `body` with a timer and an optional AbortSignal. `body` returns its cleanup, which is
 * called once when the promise settles, with `failed` true when in-flight work must be cancelled.
 */
function withDeadline<T>(
  what: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  phase: string,
  body: (settle: { resolve: (value: T) => void; reject: (error: unknown) => void }) => (failed: boolean) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new GrpcCallError('ERR_GRPC_ABORTED', `${what}: aborted`, { phase }, { cause: signal.reason }));
      return;
    }
    let done = false;
    let cleanup: ((failed: boolean) => void) | undefined;
    const finish = (failed: boolean): void => {
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // body may settle synchronously, before it has returned its cleanup.
      if (cleanup) cleanup(failed);
      else queueMicrotask(() => cleanup?.(failed));
    };
    const settle = {
      resolve: (value: T) => {
        if (done) return;
        finish(false);
        resolve(value);
      },
      reject: (error: unknown) => {
        if (done) return;
        finish(true);
        reject(error);
      },
    };
    const onAbort = (): void => settle.reject(new GrpcCallError('ERR_GRPC_ABORTED', `${what}: aborted`, { phase }, { cause: signal!.reason }));
    // A failure event landing in the same turn as the deadline wins, so it is reported as what it is.
    const timer = setTimeout(
      () => setImmediate(() => settle.reject(new GrpcCallError('ERR_GRPC_TIMEOUT', `${what}: no answer within ${timeoutMs}ms`, { phase, timeoutMs }))),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = body(settle);
  });
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

/** How a bi-stream ended. */
export interface BiStreamEnd {
  readonly grpcStatus?: number;
  readonly grpcMessage?: string;
  readonly http2Code?: number;
  readonly error?: Error;
}

export interface NextOptions extends CallOptions {
  /** Only a message of this type (others stay queued for later calls). */
  readonly type?: string;
}

/** Answers a server request arriving on the stream; return undefined to leave it queued. */
export type BiResponder = (request: DecodedPayload) => NacosPayload<object> | undefined;

/**
 * The Nacos bi-stream: the client sends ConnectionSetupRequest and answers server pushes on
 * it; the server pushes SetupAck, ClientDetection, config and naming notifications.
 * Incoming messages are queued until `next()` takes them, unless a responder answers them.
 */
export class BiStream extends EventEmitter<{ message: [DecodedPayload]; end: [BiStreamEnd] }> {
  readonly stream: ClientHttp2Stream;
  readonly #reader: GrpcMessageReader;
  readonly #queue: DecodedPayload[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #responders = new Map<string, BiResponder>();
  #headers: IncomingHttpHeaders | undefined;
  #end: BiStreamEnd | undefined;
  /** Resolves when the stream has closed, with how it ended. */
  readonly ended: Promise<BiStreamEnd>;

  constructor(stream: ClientHttp2Stream, maxMessageSize: number) {
    super();
    this.stream = stream;
    this.#reader = new GrpcMessageReader(maxMessageSize);
    let trailers: IncomingHttpHeaders | undefined;
    let error: Error | undefined;
    stream.on('response', (headers) => (this.#headers = headers));
    stream.on('trailers', (received) => (trailers = received));
    // The server finishing its side ends the call (gRPC); ending ours lets the stream close.
    stream.on('end', () => this.end());
    stream.on('data', (chunk: Buffer) => {
      try {
        for (const bytes of this.#reader.push(chunk)) this.#receive(decodePayload(bytes));
      } catch (failure) {
        error ??= failure as Error;
        stream.close(NGHTTP2_CANCEL);
      }
    });
    stream.on('error', (failure: Error) => (error ??= failure));
    this.ended = new Promise((resolve) => {
      stream.on('close', () => {
        const found = facts(this.#headers, trailers);
        this.#end = {
          ...(found.grpcStatus === undefined ? {} : { grpcStatus: found.grpcStatus }),
          ...(found.grpcMessage === undefined ? {} : { grpcMessage: found.grpcMessage }),
          ...(stream.rstCode === undefined || stream.rstCode === 0 ? {} : { http2Code: stream.rstCode }),
          ...(error ? { error } : {}),
        };
        for (const wake of [...this.#waiters]) wake();
        this.emit('end', this.#end);
        resolve(this.#end);
      });
    });
  }

  /** Response headers, once the server sent them (grpc-java sends them with its first message). */
  get headers(): IncomingHttpHeaders | undefined {
    return this.#headers;
  }

  get isOpen(): boolean {
    return this.#end === undefined;
  }

  #receive(payload: DecodedPayload): void {
    this.emit('message', payload);
    const responder = this.#responders.get(payload.type);
    const answer = responder?.(payload);
    if (answer) {
      this.send(answer);
      return;
    }
    this.#queue.push(payload);
    for (const wake of [...this.#waiters]) wake();
  }

  /** Writes one payload; false means the stream is closed (or buffering: HTTP/2 flow control). */
  send(payload: NacosPayload<object>): boolean {
    if (this.stream.closed || this.stream.writableEnded) return false;
    return this.stream.write(frameGrpcMessage(encodePayload(payload)));
  }

  /** Answers every future (and already queued) server request of `type` with `responder`. */
  respondTo(type: string, responder: BiResponder): void {
    this.#responders.set(type, responder);
    for (const queued of this.#queue.filter((payload) => payload.type === type)) {
      const answer = responder(queued);
      if (answer) {
        this.#queue.splice(this.#queue.indexOf(queued), 1);
        this.send(answer);
      }
    }
  }

  /** The next incoming message (of `type`, if given); rejects when the stream ends first. */
  next(options: NextOptions = {}): Promise<DecodedPayload> {
    const what = `waiting for ${options.type ?? 'a message'} on the bi-stream`;
    return withDeadline<DecodedPayload>(what, options.timeout ?? DEFAULT_REQUEST_TIMEOUT, options.signal, 'message', ({ resolve, reject }) => {
      const check = (): void => {
        const index = this.#queue.findIndex((payload) => options.type === undefined || payload.type === options.type);
        if (index >= 0) {
          resolve(this.#queue.splice(index, 1)[0]!);
        } else if (this.#end) {
          const end = this.#end;
          reject(
            new GrpcCallError(
              'ERR_GRPC_STREAM',
              `${what}: the bi-stream ended${end.grpcStatus === undefined ? '' : ` with grpc-status ${end.grpcStatus}`}${end.error ? ` (${end.error.message})` : ''}`,
              { phase: 'message', ...end },
              { cause: end.error },
            ),
          );
        }
      };
      this.#waiters.add(check);
      check();
      return () => this.#waiters.delete(check);
    });
  }

  /** Half-closes our side (the server may still push). */
  end(): void {
    if (!this.stream.writableEnded) this.stream.end();
  }

  /** Cancels the stream (RST_STREAM CANCEL). */
  cancel(): void {
    if (!this.stream.closed) this.stream.close(NGHTTP2_CANCEL);
  }
}
