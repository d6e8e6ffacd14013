import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServerAddress } from '../../src/address.js';
import { NacosHttpClient, type NacosHttpClientOptions } from '../../src/nacos/http-client.js';
import { NacosApiAbsentError, NacosAuthError, NacosDownError, NacosNetworkError } from '../../src/nacos/http-errors.js';
import { startBlackHole, type BlackHole } from '../helpers/black-hole.js';
import { listenHttp, reply, type HttpHandler, type HttpServer } from '../helpers/http.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(handler: HttpHandler): Promise<HttpServer> {
  const started = await listenHttp(handler);
  cleanups.push(() => started.close());
  return started;
}

/** A TCP server that does what `onSocket` says with each connection; its port. Closed after the test. */
async function rawServer(onSocket: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const raw = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        raw.close(() => resolve());
      }),
  );
  return (raw.address() as AddressInfo).port;
}

function client(port: number, options: Partial<NacosHttpClientOptions> & { address?: string } = {}): NacosHttpClient {
  return new NacosHttpClient({ server: parseServerAddress(options.address ?? `127.0.0.1:${port}`, 8848), ...options });
}

describe('NacosHttpClient requests', () => {
  it('builds the base URL from the address and the /nacos default context path', () => {
    expect(client(8848).baseUrl).toBe('http://127.0.0.1:8848/nacos');
    expect(client(0, { address: 'https://[::1]:9443/ctx/' }).baseUrl).toBe('https://[::1]:9443/ctx');
    expect(client(8080, { contextPath: '' }).baseUrl).toBe('http://127.0.0.1:8080');
    expect(client(8848, { contextPath: 'custom' }).baseUrl).toBe('http://127.0.0.1:8848/custom');
  });

  it('sends GET with an encoded query and reads text and JSON', async () => {
    const http = await server((request, res) => (request.url.startsWith('/nacos/v1/ns/operator/metrics') ? reply(res, 200, { status: 'UP' }) : reply(res, 200, 'OK')));
    const nacos = client(http.port);
    expect(await nacos.json('/v1/ns/operator/metrics', { query: { onlyStatus: false, skip: undefined } })).toEqual({ status: 'UP' });
    expect(await nacos.text('/v1/console/health/readiness')).toBe('OK');
    expect(http.requests[0]).toMatchObject({ method: 'GET', url: '/nacos/v1/ns/operator/metrics?onlyStatus=false' });
    expect(http.requests[0]!.headers['user-agent']).toMatch(/^nacos-doctor\//);
  });

  it('sends form and JSON bodies with their content types', async () => {
    const http = await server((_, res) => reply(res, 200, 'ok'));
    const nacos = client(http.port);
    await nacos.request('/v1/ns/instance', { method: 'POST', form: { serviceName: 'a b', port: 8080 } });
    await nacos.request('/v3/x', { method: 'PUT', json: { a: [1] } });
    expect(http.requests.map((request) => [request.method, request.headers['content-type'], request.body])).toEqual([
      ['POST', 'application/x-www-form-urlencoded', 'serviceName=a+b&port=8080'],
      ['PUT', 'application/json', '{"a":[1]}'],
    ]);
  });

  it('reports a response as JSON error when it is not JSON', async () => {
    const http = await server((_, res) => reply(res, 200, '<html>'));
    await expect(client(http.port).json('/v1/x')).rejects.toMatchObject({ code: 'ERR_NACOS_BAD_RESPONSE', message: expect.stringContaining('expected JSON') });
  });

  it('refuses a body larger than the cap without reading it all', async () => {
    const http = await server((_, res) => reply(res, 200, 'x'.repeat(100_000)));
    await expect(client(http.port, { maxBodyBytes: 1024 }).text('/v1/x')).rejects.toMatchObject({ code: 'ERR_NACOS_BAD_RESPONSE', message: expect.stringContaining('larger than 1024 bytes') });
  });

  it('turns Nacos answers into typed errors that keep status and body', async () => {
    const bodies: Record<string, [number, string]> = {
      '/nacos/v1/auth': [403, 'user not found!'],
      '/nacos/v1/down': [503, 'server is DOWNnow, detailed error message: Optional[No leader for raft group naming_persistent_service]'],
      '/nacos/v1/ns/upgrade/ops/metrics': [404, '{"timestamp":"2024-01-01","status":404,"error":"Not Found"}'],
      '/nacos/v1/gated': [410, '{"code":40000,"message":"Current API will be deprecated"}'],
      '/nacos/v1/boom': [500, 'caused: NullPointerException'],
    };
    const http = await server((request, res) => reply(res, ...bodies[request.url]!));
    const nacos = client(http.port);
    const auth = await nacos.text('/v1/auth').catch((error: unknown) => error);
    expect(auth).toBeInstanceOf(NacosAuthError);
    expect(auth).toMatchObject({ status: 403, body: 'user not found!', reason: 'no-token', url: `http://127.0.0.1:${http.port}/nacos/v1/auth` });
    const down = await nacos.text('/v1/down').catch((error: unknown) => error);
    expect(down).toBeInstanceOf(NacosDownError);
    expect(down).toMatchObject({ status: 503, serverStatus: 'DOWN', detail: 'Optional[No leader for raft group naming_persistent_service]' });
    await expect(nacos.text('/v1/ns/upgrade/ops/metrics')).rejects.toBeInstanceOf(NacosApiAbsentError);
    await expect(nacos.text('/v1/gated')).rejects.toMatchObject({ code: 'ERR_NACOS_API_ABSENT', status: 410, body: expect.stringContaining('deprecated') });
    await expect(nacos.text('/v1/boom')).rejects.toMatchObject({ code: 'ERR_NACOS_HTTP', status: 500 });
  });
});

describe('NacosHttpClient login', () => {
  function authServer(options: { ttl?: number; expireFirst?: boolean } = {}): Promise<HttpServer> {
    let issued = 0;
    let expired = false;
    return server((request, res) => {
      if (request.url === '/nacos/v1/auth/login') {
        const form = new URLSearchParams(request.body);
        if (form.get('username') !== 'nacos' || form.get('password') !== 's3cret') return reply(res, 403, 'unknown user!');
        issued += 1;
        return reply(res, 200, { accessToken: `token-${issued}`, tokenTtl: options.ttl ?? 18000, globalAdmin: true, username: 'nacos' });
      }
      const token = new URL(request.url, 'http://x').searchParams.get('accessToken');
      if (token === null) return reply(res, 403, 'user not found!');
      if (options.expireFirst && !expired) {
        expired = true;
        return reply(res, 403, 'token expired!');
      }
      return reply(res, 200, { token });
    });
  }

  it('logs in once for concurrent requests and sends the token as accessToken', async () => {
    const http = await authServer();
    const nacos = client(http.port, { username: 'nacos', password: 's3cret' });
    const answers = await Promise.all([nacos.json('/v1/core/cluster/nodes'), nacos.json('/v1/core/cluster/nodes', { query: { keyword: 'a' } })]);
    expect(answers).toEqual([{ token: 'token-1' }, { token: 'token-1' }]);
    const logins = http.requests.filter((request) => request.url === '/nacos/v1/auth/login');
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ method: 'POST', body: 'username=nacos&password=s3cret' });
    expect(http.requests.map((request) => request.url)).toContain('/nacos/v1/core/cluster/nodes?keyword=a&accessToken=token-1');
  });

  it('keeps the token out of error URLs', async () => {
    const http = await server((request, res) => (request.url.includes('login') ? reply(res, 200, { accessToken: 'secret-token', tokenTtl: 18000 }) : reply(res, 500, 'x')));
    const error = await client(http.port, { username: 'u', password: 'p' }).text('/v1/x').catch((caught: unknown) => caught);
    expect((error as Error).message).not.toContain('secret-token');
    expect(error).toMatchObject({ url: `http://127.0.0.1:${http.port}/nacos/v1/x` });
  });

  it('logs in again and retries once when the token expired', async () => {
    const http = await authServer({ expireFirst: true });
    const nacos = client(http.port, { username: 'nacos', password: 's3cret' });
    expect(await nacos.json('/v1/x')).toEqual({ token: 'token-2' });
    expect(http.requests.filter((request) => request.url === '/nacos/v1/auth/login')).toHaveLength(2);
  });

  it('renews a token whose lifetime is over before using it', async () => {
    const http = await authServer({ ttl: 0 });
    const nacos = client(http.port, { username: 'nacos', password: 's3cret' });
    await nacos.json('/v1/x');
    expect(await nacos.json('/v1/x')).toEqual({ token: 'token-2' });
  });

  it('logs in on the v3 API where the v1 API is gone (3.2+)', async () => {
    const http = await server((request, res) => {
      if (request.url === '/nacos/v3/auth/user/login') return reply(res, 200, { accessToken: 'v3-token', tokenTtl: 18000 });
      if (request.url.startsWith('/nacos/v3/admin/core/state')) return reply(res, 200, { token: new URL(request.url, 'http://x').searchParams.get('accessToken') });
      return reply(res, 404, { status: 404, error: 'Not Found' });
    });
    const nacos = client(http.port, { username: 'nacos', password: 's3cret' });
    expect(await nacos.json('/v3/admin/core/state')).toEqual({ token: 'v3-token' });
    expect(http.requests.map((request) => request.url)).toEqual(['/nacos/v1/auth/login', '/nacos/v3/auth/user/login', '/nacos/v3/admin/core/state?accessToken=v3-token']);
  });

  it('reports bad credentials as an auth error', async () => {
    const http = await authServer();
    const error = await client(http.port, { username: 'nacos', password: 'wrong' }).json('/v1/x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NacosAuthError);
    expect(error).toMatchObject({ reason: 'bad-credentials', status: 403, url: `http://127.0.0.1:${http.port}/nacos/v1/auth/login` });
  });

  it('sends no token and no login without credentials', async () => {
    const http = await authServer();
    await expect(client(http.port).json('/v1/x')).rejects.toMatchObject({ reason: 'no-token' });
    expect(http.requests.map((request) => request.url)).toEqual(['/nacos/v1/x']);
  });

  it('refuses a username without a password', () => {
    expect(() => client(1, { username: 'nacos' })).toThrow(TypeError);
  });

  it('sends a given access token as it is, without logging in', async () => {
    const http = await authServer();
    const nacos = client(http.port, { accessToken: 'given-token' });
    expect(await nacos.json('/v1/x')).toEqual({ token: 'given-token' });
    expect(await nacos.login()).toBe('given-token');
    expect(http.requests.map((request) => request.url)).toEqual(['/nacos/v1/x?accessToken=given-token']);
  });

  it('refuses an access token together with username/password', () => {
    expect(() => client(1, { accessToken: 't', username: 'nacos', password: 'p' })).toThrow(/not both/);
  });
});

describe('NacosHttpClient network failures', () => {
  it('classifies a refused connection', async () => {
    const http = await listenHttp(() => {});
    const { port } = http;
    await http.close();
    const error = await client(port).text('/v1/x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NacosNetworkError);
    expect(error).toMatchObject({ code: 'ERR_CONNECT_REFUSED', errno: 'ECONNREFUSED', phase: 'connect' });
  });

  it('times out waiting for an answer that never comes', async () => {
    const http = await server(() => {});
    const error = await client(http.port, { timeoutMs: 200 }).text('/v1/x').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_HTTP_TIMEOUT', phase: 'response', message: expect.stringContaining('timed out after 200ms (waiting for the answer)') });
  });

  it('tells a failed TLS handshake of an https:// address from a connect or answer failure', async () => {
    const plain = await server((_, res) => reply(res, 200, 'OK'));
    const answered = await client(0, { address: `https://127.0.0.1:${plain.port}` }).text('/v1/x').catch((caught: unknown) => caught);
    expect(answered).toMatchObject({ phase: 'tls', message: expect.stringContaining('failed during the TLS handshake') });
    // A server that drops the connection on the ClientHello, as nacos-sim and many proxies do.
    const port = await rawServer((socket) => socket.once('data', () => socket.destroy()));
    const dropped = await client(0, { address: `https://127.0.0.1:${port}` }).text('/v1/x').catch((caught: unknown) => caught);
    expect(dropped).toMatchObject({ code: 'ERR_CONNECT_RESET', errno: 'ECONNRESET', phase: 'tls', message: expect.stringContaining('before secure TLS connection was established') });
  });

  it('keeps the first bytes of an answer that is not HTTP (an HTTP/2 server speaks first)', async () => {
    const port = await rawServer((socket) => socket.write(Buffer.from('000000040000000000', 'hex')));
    const error = await client(port).text('/v1/x').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ errno: 'HPE_INVALID_CONSTANT', received: '000000040000000000' });
  });

  it('times out connecting to a host that drops the SYN', async () => {
    const hole: BlackHole = await startBlackHole();
    cleanups.push(() => hole.close());
    const error = await client(hole.port, { timeoutMs: 200 }).text('/v1/x').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_HTTP_TIMEOUT', phase: 'connect' });
  });

  it('reports a connection reset in the middle of the answer', async () => {
    const http = await server((_, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial', () => res.socket?.resetAndDestroy());
    });
    const error = await client(http.port).text('/v1/x').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_CONNECT_RESET', phase: 'response' });
  });

  it('rejects with the caller\'s reason when the caller aborts', async () => {
    const http = await server(() => {});
    const controller = new AbortController();
    const pending = client(http.port).text('/v1/x', { signal: controller.signal });
    await new Promise<void>((resolve) => http.server.once('request', () => resolve()));
    controller.abort(new Error('operator pressed ctrl-c'));
    await expect(pending).rejects.toThrow('operator pressed ctrl-c');
  });
});

describe('NacosHttpClient cleanup', () => {
  it('leaves no listener on the caller\'s signal after its requests', async () => {
    const http = await server((_, res) => reply(res, 200, 'ok'));
    const controller = new AbortController();
    const nacos = client(http.port);
    for (let i = 0; i < 5; i += 1) await nacos.text('/v1/x', { signal: controller.signal });
    await nacos.text('/v1/missing', { signal: controller.signal, query: { i: 1 } });
    expect(EventEmitter.getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
