/**
 * The gRPC side of a simulated member, served directly on node:http2 rather than through a
 * gRPC library: Nacos state is keyed by the TCP connection (connectionId per transport,
 * created when it is ready and dropped when it closes, like AddressTransportFilter), so the
 * server must see each HTTP/2 session and its socket, which @grpc/grpc-js does not expose.
 *
 * On the wire it matches a plaintext grpc-java (Netty) server as far as Node allows
 * (NACOS-FACTS.md §5.3), checked byte for byte in test/sim/grpc-settings.test.ts:
 * - SETTINGS right after accept, before the client preface: MAX_CONCURRENT_STREAMS=2147483647,
 *   INITIAL_WINDOW_SIZE=1048576, MAX_HEADER_LIST_SIZE=8192, then a connection WINDOW_UPDATE
 *   of 983041 (to a 1 MiB connection window). Node emits exactly grpc-java's 40 bytes.
 * - Responses carry `content-type: application/grpc` and neither `server` nor `date`.
 * Differences Node does not let us remove: no BDP PING (payload 1234) and no keepalive PING;
 * an HTTP/1.x request gets GOAWAY PROTOCOL_ERROR without grpc-java's debug text
 * `Unexpected HTTP/1.x request: ...`; other framing errors get nghttp2's codes.
 */
import http2, { type Http2Server, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { ConnectionSetupRequestBody } from '../nacos/message-bodies.js';
import { NacosErrorCode, failedResponse } from '../nacos/messages.js';
import { GrpcMessageTooLargeError } from '../nacos/errors.js';
import {
  BI_STREAM_PATH,
  DEFAULT_MAX_MESSAGE_SIZE,
  GRPC_CONTENT_TYPE,
  GrpcMessageReader,
  GrpcStatus,
  REQUEST_PATH,
  encodeGrpcMessage,
  frameGrpcMessage,
} from '../nacos/grpc-wire.js';
import { decodePayload, encodePayload, withoutNulls, type DecodedPayload, type NacosPayload } from '../nacos/payload.js';
import { SimConnection, type PortSource } from './connection.js';
import { dispatchUnary, type GrpcHandlerTable } from './grpc-dispatch.js';
import { isAtLeast, negotiatesAbilities } from './nacos-version.js';
import type { SimContext } from './sim-context.js';

/** grpc-java NettyServerBuilder defaults as sent in its first SETTINGS frame. */
export const GRPC_JAVA_SETTINGS: http2.Settings = Object.freeze({
  maxConcurrentStreams: 2_147_483_647,
  initialWindowSize: 1_048_576,
  maxHeaderListSize: 8192,
});

/** grpc-java's connection flow-control window (DEFAULT_FLOW_CONTROL_WINDOW). */
export const GRPC_JAVA_CONNECTION_WINDOW = 1_048_576;

// Node adds a `date` header unless told not to; grpc-java sends none.
const RESPOND_OPTIONS = { sendDate: false } as http2.ServerStreamResponseOptions;

/** The ability table a member announces in SetupAckRequest (ServerAbilities per version). */
export function serverAbilities(version: string): Record<string, boolean> {
  const abilities: Record<string, boolean> = { supportPersistentInstanceByGrpc: true };
  if (isAtLeast(version, '3.0.0')) Object.assign(abilities, { fuzzyWatch: true, lock: true, mcp: true });
  return abilities;
}

export interface GrpcServerHooks {
  /** Every live connection of the member, both ports, by id. */
  readonly connections: Map<string, SimConnection>;
  /** A connection sent ConnectionSetupRequest and was registered. */
  onRegistered(connection: SimConnection): void;
  /** The TCP connection closed; the connection is already out of `connections`. */
  onClosed(connection: SimConnection): void;
}

function sendTrailersOnly(stream: ServerHttp2Stream, status: number, message: string): void {
  if (stream.headersSent || stream.closed) return;
  stream.respond(
    { ':status': 200, 'content-type': GRPC_CONTENT_TYPE, 'grpc-status': String(status), 'grpc-message': encodeGrpcMessage(message) },
    { ...RESPOND_OPTIONS, endStream: true },
  );
}

function sendUnaryResponse(stream: ServerHttp2Stream, payload: NacosPayload<object>): void {
  if (stream.headersSent || stream.closed) return;
  stream.respond({ ':status': 200, 'content-type': GRPC_CONTENT_TYPE }, { ...RESPOND_OPTIONS, waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GrpcStatus.OK) }));
  stream.end(frameGrpcMessage(encodePayload(payload)));
}

export class SimGrpcServer {
  readonly server: Http2Server;
  readonly #context: SimContext;
  readonly #source: PortSource;
  readonly #handlers: GrpcHandlerTable;
  readonly #hooks: GrpcServerHooks;
  readonly #sessions = new Map<ServerHttp2Session, SimConnection>();

  constructor(context: SimContext, source: PortSource, handlers: GrpcHandlerTable, hooks: GrpcServerHooks) {
    this.#context = context;
    this.#source = source;
    this.#handlers = handlers;
    this.#hooks = hooks;
    this.server = http2.createServer({ settings: GRPC_JAVA_SETTINGS });
    this.server.on('session', (session) => this.#onSession(session));
    this.server.on('stream', (stream, headers) => this.#onStream(stream, headers));
  }

  /** Hands an accepted TCP connection to HTTP/2; the session (and its SETTINGS) starts now. */
  accept(socket: Socket): void {
    this.server.emit('connection', socket);
  }

  #onSession(session: ServerHttp2Session): void {
    session.setLocalWindowSize(GRPC_JAVA_CONNECTION_WINDOW);
    const connection = new SimConnection(session, this.#source);
    this.#sessions.set(session, connection);
    this.#hooks.connections.set(connection.id, connection);
    this.#context.log.debug({ connectionId: connection.id, source: this.#source }, 'transport ready');
    session.on('error', (error) => this.#context.log.debug({ connectionId: connection.id, err: error }, 'http2 session error'));
    session.once('close', () => {
      this.#sessions.delete(session);
      if (this.#hooks.connections.get(connection.id) === connection) this.#hooks.connections.delete(connection.id);
      this.#context.log.debug({ connectionId: connection.id }, 'transport terminated');
      this.#hooks.onClosed(connection);
    });
  }

  #onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => {});
    const connection = this.#sessions.get(stream.session as ServerHttp2Session);
    if (!connection) {
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    const contentType = String(headers['content-type'] ?? '');
    if (headers[':method'] !== 'POST' || !contentType.startsWith(GRPC_CONTENT_TYPE)) {
      stream.respond({ ':status': 415, 'content-type': 'text/plain' }, RESPOND_OPTIONS);
      stream.end(`Content-Type is missing or not ${GRPC_CONTENT_TYPE}`);
      return;
    }
    const path = String(headers[':path'] ?? '');
    if (path === REQUEST_PATH) this.#onUnary(stream, connection);
    else if (path === BI_STREAM_PATH) this.#onBiStream(stream, connection);
    else sendTrailersOnly(stream, GrpcStatus.UNIMPLEMENTED, `Method not found: ${path.replace(/^\//, '')}`);
  }

  #onUnary(stream: ServerHttp2Stream, connection: SimConnection): void {
    const reader = new GrpcMessageReader(DEFAULT_MAX_MESSAGE_SIZE);
    const messages: Buffer[] = [];
    let failed = false;
    stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        messages.push(...reader.push(chunk));
      } catch (error) {
        failed = true;
        const status = error instanceof GrpcMessageTooLargeError ? GrpcStatus.RESOURCE_EXHAUSTED : GrpcStatus.INTERNAL;
        sendTrailersOnly(stream, status, (error as Error).message);
      }
    });
    stream.on('end', () => {
      if (failed) return;
      if (messages.length !== 1) {
        sendTrailersOnly(stream, GrpcStatus.INTERNAL, messages.length === 0 ? 'Half-closed without a request' : 'Too many requests');
        return;
      }
      // A black-holed member reads the request and never answers it.
      if (this.#context.settings.faults.blackHole) return;
      let request: DecodedPayload;
      try {
        const decoded = decodePayload(messages[0]!);
        request = { ...decoded, body: withoutNulls(decoded.body) };
      } catch (error) {
        sendUnaryResponse(stream, failedResponse(NacosErrorCode.BAD_GATEWAY, (error as Error).message));
        return;
      }
      this.#context.log.debug({ connectionId: connection.id, type: request.type, headers: request.headers, body: request.rawBody }, 'grpc request');
      const response = dispatchUnary(request, connection, this.#context, this.#handlers);
      this.#context.log.debug({ connectionId: connection.id, type: response.type, body: response.body }, 'grpc response');
      sendUnaryResponse(stream, response);
    });
  }

  #onBiStream(stream: ServerHttp2Stream, connection: SimConnection): void {
    connection.attachBiStream(stream);
    const reader = new GrpcMessageReader(DEFAULT_MAX_MESSAGE_SIZE);
    stream.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = reader.push(chunk);
      } catch (error) {
        this.#context.log.warn({ connectionId: connection.id, err: error }, 'bad gRPC framing on the bi-stream');
        stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
        return;
      }
      if (this.#context.settings.faults.blackHole) return;
      for (const bytes of messages) {
        let payload: DecodedPayload;
        try {
          const decoded = decodePayload(bytes);
          payload = { ...decoded, body: withoutNulls(decoded.body) };
        } catch (error) {
          this.#context.log.warn({ connectionId: connection.id, err: error }, 'bi-stream payload parse error');
          continue;
        }
        this.#onBiMessage(payload, connection);
      }
    });
  }

  #onBiMessage(payload: DecodedPayload, connection: SimConnection): void {
    const log = this.#context.log;
    log.debug({ connectionId: connection.id, type: payload.type, body: payload.rawBody }, 'bi-stream message');
    if (payload.type === 'ConnectionSetupRequest') {
      const body = payload.body as ConnectionSetupRequestBody;
      const labels = { ...(body.labels ?? {}) };
      if (labels.source === 'sdk' && this.#context.settings.faults.starting) {
        log.info({ connectionId: connection.id }, 'connection register refused: server is not started');
        connection.close();
        return;
      }
      connection.setup = {
        clientVersion: body.clientVersion ?? '',
        tenant: body.tenant ?? '',
        labels,
        abilityTable: body.abilityTable ?? undefined,
      };
      connection.touch();
      log.info({ connectionId: connection.id, clientVersion: connection.setup.clientVersion, labels, clientIp: payload.clientIp }, 'connection registered');
      if (body.abilityTable !== undefined && body.abilityTable !== null && negotiatesAbilities(this.#context.settings.version)) {
        connection.pushNoAck('SetupAckRequest', { abilityTable: serverAbilities(this.#context.settings.version) });
      }
      this.#hooks.onRegistered(connection);
      return;
    }
    if (payload.type.endsWith('Response')) {
      if (connection.acknowledge(payload)) connection.touch();
      else log.debug({ connectionId: connection.id, type: payload.type }, 'response to an unknown or expired push');
      return;
    }
    log.warn({ connectionId: connection.id, type: payload.type }, 'unexpected request on the bi-stream');
  }

}
