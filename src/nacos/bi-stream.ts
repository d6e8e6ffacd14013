/**
 * The Nacos bi-stream (`/BiRequestStream/requestBiStream`) seen from the client: it sends
 * ConnectionSetupRequest and answers server pushes; the server pushes SetupAck,
 * ClientDetection, config and naming notifications.
 */
import { EventEmitter } from 'node:events';
import type { ClientHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import { GrpcCallError } from './errors.js';
import { NGHTTP2_CANCEL, facts, withDeadline } from './grpc-call.js';
import { GrpcMessageReader, frameGrpcMessage } from './grpc-wire.js';
import { decodePayload, encodePayload, type DecodedPayload, type NacosPayload } from './payload.js';

/** Default wait of next(): the Nacos client's request timeout. */
export const DEFAULT_NEXT_TIMEOUT = 3000;

export interface NextOptions {
  /** Default 3000 ms. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
  /** Only a message of this type (others stay queued for later calls). */
  readonly type?: string;
}

/** How a bi-stream ended. */
export interface BiStreamEnd {
  readonly grpcStatus?: number;
  readonly grpcMessage?: string;
  readonly http2Code?: number;
  readonly error?: Error;
}

/** Answers a server request arriving on the stream; return undefined to leave it queued. */
export type BiResponder = (request: DecodedPayload) => NacosPayload<object> | undefined;

/** Incoming messages are queued until `next()` takes them, unless a responder answers them. */
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
    return withDeadline<DecodedPayload>(what, options.timeout ?? DEFAULT_NEXT_TIMEOUT, options.signal, 'message', ({ resolve, reject }) => {
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
