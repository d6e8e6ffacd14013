import { once } from 'node:events';
import http2, { type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { describe, expect, test } from 'vitest';
import { NacosGrpcClient } from '../../src/nacos/grpc-client.js';
import { GrpcMessageReader, frameGrpcMessage } from '../../src/nacos/grpc-wire.js';
import { nacosRequest, nacosResponse } from '../../src/nacos/messages.js';
import { decodePayload, encodePayload } from '../../src/nacos/payload.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { answer, readRequest, startH2Server, type H2Server } from '../helpers/h2-server.js';
import { listenTcp, type TcpServer } from '../helpers/net.js';

const defer = cleanupAfterEach();

async function server(onStream: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void): Promise<H2Server> {
  const started = await startH2Server(onStream);
  defer(() => started.close());
  return started;
}

async function connect(port: number, timeout = 2000): Promise<NacosGrpcClient> {
  const client = await NacosGrpcClient.connect({ host: '127.0.0.1', port, timeout });
  defer(() => client.destroy());
  return client;
}

describe('unary calls', () => {
  test('send a gRPC POST to /Request/request and return the decoded answer with its headers', async () => {
    const seen: { headers?: IncomingHttpHeaders; type?: string } = {};
    const h2 = await server((stream, headers) => {
      seen.headers = headers;
      void readRequest(stream).then(([request]) => {
        seen.type = request!.type;
        answer(stream, nacosResponse('ServerCheckResponse', { connectionId: `1_127.0.0.1_${stream.session!.socket.remotePort}` }));
      });
    });
    const client = await connect(h2.port);
    const response = await client.unary(nacosRequest('ServerCheckRequest'));
    expect(response.payload.body.connectionId).toBe(`1_127.0.0.1_${client.localPort}`);
    expect(response.headers['content-type']).toBe('application/grpc');
    expect(response.trailers['grpc-status']).toBe('0');
    expect(seen.type).toBe('ServerCheckRequest');
    expect(seen.headers).toMatchObject({ ':method': 'POST', ':path': '/Request/request', 'content-type': 'application/grpc', te: 'trailers' });
  });

  test('exposes the server SETTINGS of the session', async () => {
    const h2 = await server(() => {});
    h2.server.updateSettings({ maxConcurrentStreams: 77 });
    const client = await connect(h2.port);
    expect(client.remoteSettings.maxConcurrentStreams).toBe(77);
  });

  test('a trailers-only error becomes ERR_GRPC_STATUS with the decoded grpc-message', async () => {
    const h2 = await server((stream) =>
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'Method not found: Request/x%C3%A9' }, { endStream: true }),
    );
    const client = await connect(h2.port);
    await expect(client.unary(nacosRequest('ServerCheckRequest'))).rejects.toMatchObject({
      code: 'ERR_GRPC_STATUS',
      facts: { grpcStatus: 12, grpcMessage: 'Method not found: Request/xé', httpStatus: 200 },
    });
  });

  test("a proxy's HTML error page becomes ERR_GRPC_HTTP naming status, content-type and server", async () => {
    const h2 = await server((stream) => {
      stream.respond({ ':status': 502, 'content-type': 'text/html', server: 'nginx' });
      stream.end('<html>502 Bad Gateway</html>');
    });
    const client = await connect(h2.port);
    await expect(client.unary(nacosRequest('ServerCheckRequest'))).rejects.toMatchObject({
      code: 'ERR_GRPC_HTTP',
      facts: { httpStatus: 502, contentType: 'text/html', server: 'nginx' },
    });
  });

  test('no answer in time is ERR_GRPC_TIMEOUT, and the stream is cancelled on the wire', async () => {
    const cancelled = new Promise<number>((resolve) => {
      void server((stream) => stream.on('close', () => resolve(stream.rstCode))).then(async (h2) => {
        const client = await connect(h2.port);
        await expect(client.unary(nacosRequest('HealthCheckRequest'), { timeout: 100 })).rejects.toMatchObject({
          code: 'ERR_GRPC_TIMEOUT',
          facts: { phase: 'response', timeoutMs: 100 },
        });
      });
    });
    expect(await cancelled).toBe(http2.constants.NGHTTP2_CANCEL);
  });

  test('an aborted signal is ERR_GRPC_ABORTED', async () => {
    const h2 = await server(() => {});
    const client = await connect(h2.port);
    const controller = new AbortController();
    const call = client.unary(nacosRequest('HealthCheckRequest'), { signal: controller.signal, timeout: 10_000 });
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'ERR_GRPC_ABORTED' });
  });

  test('a response without a message is ERR_GRPC_STREAM', async () => {
    const h2 = await server((stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end();
    });
    const client = await connect(h2.port);
    await expect(client.unary(nacosRequest('HealthCheckRequest'))).rejects.toMatchObject({ code: 'ERR_GRPC_STREAM', message: expect.stringContaining('got 0') });
  });

  test('a server that resets the stream is ERR_GRPC_STREAM with the HTTP/2 code', async () => {
    const h2 = await server((stream) => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM));
    const client = await connect(h2.port);
    await expect(client.unary(nacosRequest('HealthCheckRequest'))).rejects.toMatchObject({
      code: 'ERR_GRPC_STREAM',
      facts: { http2Code: http2.constants.NGHTTP2_REFUSED_STREAM },
    });
  });
});

describe('connecting', () => {
  test('a refused port is a ConnectError with ERR_CONNECT_REFUSED', async () => {
    const tcp = await listenTcp(() => {});
    await tcp.close();
    await expect(NacosGrpcClient.connect({ host: '127.0.0.1', port: tcp.port, timeout: 2000 })).rejects.toMatchObject({ code: 'ERR_CONNECT_REFUSED' });
  });

  test('a server that accepts TCP but never sends SETTINGS times out in phase h2-settings', async () => {
    const silent: TcpServer = await listenTcp(() => {});
    defer(() => silent.close());
    await expect(NacosGrpcClient.connect({ host: '127.0.0.1', port: silent.port, timeout: 200 })).rejects.toMatchObject({
      code: 'ERR_GRPC_TIMEOUT',
      facts: { phase: 'h2-settings' },
    });
  });

  test('an HTTP/1 server answering the preface is ERR_GRPC_CONNECT', async () => {
    const http1 = await listenTcp((socket) => socket.end('HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n'));
    defer(() => http1.close());
    await expect(NacosGrpcClient.connect({ host: '127.0.0.1', port: http1.port, timeout: 2000 })).rejects.toMatchObject({
      code: 'ERR_GRPC_CONNECT',
      facts: { phase: 'h2-settings' },
    });
  });
});

describe('the bi-stream', () => {
  test('queues pushes, answers registered requests, and reports how it ended', async () => {
    const received: string[] = [];
    const h2 = await server((stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.write(frameGrpcMessage(encodePayload(nacosRequest('SetupAckRequest', { abilityTable: { lock: true } }))));
      stream.write(frameGrpcMessage(encodePayload(nacosRequest('ClientDetectionRequest', {}, { requestId: '42' }))));
      const reader = new GrpcMessageReader();
      stream.on('data', (chunk: Buffer) => {
        for (const message of reader.push(chunk).map((bytes) => decodePayload(bytes))) {
          received.push(`${message.type}:${String(message.body.requestId ?? '')}`);
          if (message.type === 'ClientDetectionResponse') stream.end();
        }
      });
    });
    const client = await connect(h2.port);
    const bi = client.openBiStream();
    bi.respondTo('ClientDetectionRequest', (request) => nacosResponse('ClientDetectionResponse', {}, { requestId: String(request.body.requestId) }));
    bi.send(nacosRequest('ConnectionSetupRequest', { labels: { source: 'sdk' } }));
    const ack = await bi.next({ type: 'SetupAckRequest' });
    expect(ack.body.abilityTable).toEqual({ lock: true });
    expect(await bi.ended).toEqual({ grpcStatus: 0 });
    expect(received).toEqual(['ConnectionSetupRequest:', 'ClientDetectionResponse:42']);
    await expect(bi.next({ timeout: 1000 })).rejects.toMatchObject({ code: 'ERR_GRPC_STREAM', message: expect.stringContaining('ended with grpc-status 0') });
  });

  test('next() times out without taking later messages', async () => {
    let push: (() => void) | undefined;
    const h2 = await server((stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      push = () => stream.write(frameGrpcMessage(encodePayload(nacosRequest('ConfigChangeNotifyRequest', { dataId: 'd' }, { requestId: '1' }))));
    });
    const client = await connect(h2.port);
    const bi = client.openBiStream();
    bi.send(nacosRequest('ConnectionSetupRequest'));
    await expect(bi.next({ timeout: 50 })).rejects.toMatchObject({ code: 'ERR_GRPC_TIMEOUT' });
    const arrived = once(bi, 'message');
    push!();
    await arrived;
    expect((await bi.next()).type).toBe('ConfigChangeNotifyRequest');
  });
});
