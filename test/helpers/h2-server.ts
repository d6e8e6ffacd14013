/** A plain HTTP/2 (h2c) server on loopback whose streams a test answers by hand. */
import { once } from 'node:events';
import http2, { type Http2Server, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { GrpcMessageReader, frameGrpcMessage } from '../../src/nacos/grpc-wire.js';
import { decodePayload, encodePayload, type DecodedPayload, type NacosPayload } from '../../src/nacos/payload.js';

export interface H2Server {
  readonly server: Http2Server;
  readonly port: number;
  readonly sessions: Set<ServerHttp2Session>;
  close(): Promise<void>;
}

export async function startH2Server(onStream: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void): Promise<H2Server> {
  const server = http2.createServer();
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('error', () => {});
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    onStream(stream, headers);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    sessions,
    close: async () => {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every gRPC message of a request stream, decoded, once the client half-closes it. */
export async function readRequest(stream: ServerHttp2Stream): Promise<DecodedPayload[]> {
  const reader = new GrpcMessageReader();
  const messages: DecodedPayload[] = [];
  stream.on('data', (chunk: Buffer) => messages.push(...reader.push(chunk).map((bytes) => decodePayload(bytes))));
  await once(stream, 'end');
  return messages;
}

/** A normal unary answer: headers, one message, trailers with grpc-status 0. */
export function answer(stream: ServerHttp2Stream, payload: NacosPayload<object>): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(frameGrpcMessage(encodePayload(payload)));
}
