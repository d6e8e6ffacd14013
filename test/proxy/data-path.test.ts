/**
 * The data path against real loopback sockets: offsets, byte-exact delivery, half-close,
 * reset propagation, bounded buffering under a slow reader, many connections. Every test runs
 * on each data path: the JavaScript Forwarder and the native splice engine.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { systemResolver } from '../../src/net/resolve.js';
import { TCP_KEEPALIVE_MS } from '../../src/proxy/connector.js';
import { ROLES } from '../../src/ports.js';
import { closeOutcome, dialTcp, listenTcp, readAll, readLine, sha256, startFakeMember, type TcpServer } from '../helpers/net.js';
import { DATA_PATHS, startProxy, type ProxyHarness } from '../helpers/proxy.js';
import { tcpOptionsOf } from '../helpers/socket-options.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function server(onSocket: (socket: Socket) => void): Promise<TcpServer> {
  const s = await listenTcp(onSocket);
  cleanups.push(() => s.close());
  return s;
}

describe.each(DATA_PATHS)('data path %s', (dataPath) => {
  async function proxyTo(backend: TcpServer, overrides: Parameters<typeof startProxy>[1] = {}): Promise<ProxyHarness> {
    // A single-role member whose main port is the test server.
    const harness = await startProxy([{ host: '127.0.0.1', base: backend.port }], { roles: ['main'], dataPath, ...overrides });
    cleanups.push(() => harness.close());
    expect(harness.proxy.dataPath).toBe(dataPath);
    return harness;
  }

  it('forwards every role to the same role of the member, keeping the offsets', async () => {
    const member = await startFakeMember('m1', ROLES);
    cleanups.push(() => member.close());
    const harness = await startProxy([member], { roles: [...ROLES], dataPath });
    cleanups.push(() => harness.close());
    for (const role of ROLES) {
      const socket = await harness.dial(role);
      expect(await readLine(socket)).toBe(`m1 ${role}`);
      socket.destroy();
    }
    expect(Object.fromEntries(harness.proxy.addresses())).toMatchObject({
      main: { port: harness.base },
      'client-grpc': { port: harness.base + 1000 },
      'cluster-grpc': { port: harness.base + 1001 },
      raft: { port: harness.base - 1000 },
    });
  });

  it('listens on a host name (--listen localhost:P) on the first address it resolves to, as Node does', async () => {
    const member = await startFakeMember('m1', ['main']);
    cleanups.push(() => member.close());
    const harness = await startProxy([member], { roles: ['main'], dataPath }, 'localhost');
    cleanups.push(() => harness.close());
    const [first] = await systemResolver('localhost');
    expect(harness.proxy.addresses().get('main')).toMatchObject({ address: first, port: harness.base });
    const socket = await harness.dial('main');
    expect(await readLine(socket)).toBe('m1 main');
    socket.destroy();
  });

  it('connects to a member host name on the address its health check found, trying each address in turn', async () => {
    const member = await startFakeMember('m1', ['main']);
    cleanups.push(() => member.close());
    // The first address refuses (nothing listens on 127.0.0.2), the second is the member.
    const resolver = async (host: string): Promise<string[]> => (host === 'nacos-0.test' ? ['127.0.0.2', '127.0.0.1'] : []);
    const harness = await startProxy(
      [{ host: 'nacos-0.test', base: member.base }],
      { roles: ['main'], dataPath, healthInterval: 60_000, healthTimeout: 2000 },
      '127.0.0.1',
      { resolver },
    );
    cleanups.push(() => harness.close());
    expect(harness.proxy.pool.candidates('main', Date.now())).toHaveLength(1);
    for (let i = 0; i < 2; i += 1) {
      const socket = await harness.dial('main');
      expect(await readLine(socket)).toBe('m1 main');
      socket.destroy();
    }
    expect(harness.log.lines.filter((line) => line.msg === 'member down')).toEqual([]);
  });

  it('sets no-delay and keepalive (30 s idle) on both of its sockets', async () => {
    const member = await startFakeMember('m1', ['main']);
    cleanups.push(() => member.close());
    const harness = await startProxy([member], { roles: ['main'], dataPath });
    cleanups.push(() => harness.close());
    const client = await harness.dial('main');
    expect(await readLine(client)).toBe('m1 main');
    const [atMember] = member.servers.get('main')!.sockets;
    const expected = { noDelay: true, keepAlive: true, keepAliveIdleSeconds: TCP_KEEPALIVE_MS / 1000 };
    // The proxy's end of the client connection, and its connection to the member.
    expect(await tcpOptionsOf(harness.port('main'), client.localPort!)).toEqual(expected);
    expect(await tcpOptionsOf(atMember!.remotePort!, member.base)).toEqual(expected);
    // The test's own client socket sets neither: the reading tells them apart.
    expect(await tcpOptionsOf(client.localPort!, harness.port('main'))).toMatchObject({ noDelay: false, keepAlive: false });
    client.destroy();
  });

  it('delivers bytes unchanged in both directions', async () => {
    const upload = randomBytes(4 * 1024 * 1024 + 17);
    const download = randomBytes(3 * 1024 * 1024 + 5);
    let received: Promise<Buffer> | undefined;
    const backend = await server((socket) => {
      received = readAll(socket);
      socket.end(download);
    });
    const harness = await proxyTo(backend);
    const client = await harness.dial('main');
    const fromServer = readAll(client);
    client.end(upload);
    expect(sha256(await fromServer)).toBe(sha256(download));
    expect(sha256(await received!)).toBe(sha256(upload));
  });

  it('keeps half-close: the client FIN reaches the member and the member can still answer', async () => {
    const backend = await server((socket) => {
      void readAll(socket).then((request) => {
        // The member sees the end of the request, then answers on the still-open direction.
        socket.write('got:');
        socket.end(request);
      });
    });
    const harness = await proxyTo(backend);
    const client = await harness.dial('main');
    const reply = readAll(client);
    client.end('question');
    expect((await reply).toString()).toBe('got:question');
  });

  it('keeps half-close the other way: the member FIN reaches the client, which can still send', async () => {
    let upstreamReceived: Promise<Buffer> | undefined;
    const backend = await server((socket) => {
      upstreamReceived = readAll(socket);
      socket.end('bye');
    });
    const harness = await proxyTo(backend);
    const client = await harness.dial('main');
    expect((await readAll(client)).toString()).toBe('bye');
    client.end('still talking after your FIN');
    expect((await upstreamReceived!).toString()).toBe('still talking after your FIN');
    const closed = await harness.log.waitFor((line) => line.msg === 'connection closed');
    expect(closed.reason).toBe('upstream-end');
  });

  it('resets the client when the member resets', async () => {
    const backend = await server((socket) => {
      socket.once('data', () => socket.resetAndDestroy());
    });
    const harness = await proxyTo(backend);
    const client = await harness.dial('main');
    const outcome = closeOutcome(client);
    client.write('trigger');
    expect(await outcome).toBe('ECONNRESET');
    expect((await harness.log.waitFor((line) => line.msg === 'connection closed')).reason).toBe('upstream-reset');
  });

  it('resets the member when the client resets', async () => {
    const upstreamOutcome: Promise<string>[] = [];
    const backend = await server((socket) => {
      upstreamOutcome.push(closeOutcome(socket));
      socket.write('hello');
    });
    const harness = await proxyTo(backend);
    const client = await harness.dial('main');
    await once(client, 'data');
    client.resetAndDestroy();
    expect(await harness.log.waitFor((line) => line.msg === 'connection closed')).toMatchObject({ reason: 'client-reset' });
    expect(await upstreamOutcome[0]).toBe('ECONNRESET');
  });

  it('keeps buffered bytes bounded while 200 MB stream to a slow reader, in each direction', async () => {
    const total = 200 * 1024 * 1024;
    const chunk = randomBytes(256 * 1024);
    const pump = (socket: Socket): void => {
      let sent = 0;
      const write = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!socket.write(chunk)) {
            socket.once('drain', write);
            return;
          }
        }
        socket.end();
      };
      write();
    };
    // Reads in small bites with a pause between them: far slower than loopback can deliver.
    const slowRead = (socket: Socket): Promise<number> =>
      new Promise((resolve, reject) => {
        let received = 0;
        socket.pause();
        const step = (): void => {
          let piece: Buffer | null;
          let taken = 0;
          while (taken < 256 * 1024 && (piece = socket.read() as Buffer | null) !== null) {
            received += piece.length;
            taken += piece.length;
          }
          if (socket.readableEnded) resolve(received);
          else setTimeout(step, 1);
        };
        socket.on('end', () => resolve(received));
        socket.on('error', reject);
        step();
      });

    let uploadReceived: Promise<number> | undefined;
    const downloadHarness = await proxyTo(await server((socket) => pump(socket)));
    const uploadHarness = await proxyTo(
      await server((socket) => {
        uploadReceived = slowRead(socket);
        void uploadReceived.then(() => socket.end());
      }),
    );
    let maxBuffered = 0;
    const sampler = setInterval(() => {
      maxBuffered = Math.max(maxBuffered, downloadHarness.proxy.bufferedBytes() + uploadHarness.proxy.bufferedBytes());
    }, 5);
    try {
      const downloader = await downloadHarness.dial('main');
      expect(await slowRead(downloader)).toBe(total);

      const uploader = await uploadHarness.dial('main');
      pump(uploader);
      uploader.resume();
      await uploadHarness.log.waitFor((line) => line.msg === 'connection closed');
      expect(await uploadReceived!).toBe(total);
    } finally {
      clearInterval(sampler);
    }
    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThan(4 * 1024 * 1024);
  });

  it('carries 1,000 concurrent connections with no byte lost or reordered', async () => {
    const backend = await server((socket) => socket.pipe(socket));
    const harness = await proxyTo(backend);
    const count = 1000;
    const results = await Promise.all(
      Array.from({ length: count }, async () => {
        const payload = randomBytes(16 * 1024 + Math.floor(Math.random() * 48 * 1024));
        const client = await harness.dial('main');
        const echoed = readAll(client);
        // Write in uneven pieces so chunk boundaries differ from the reads on the far side.
        for (let offset = 0; offset < payload.length; offset += 7001) client.write(payload.subarray(offset, offset + 7001));
        client.end();
        return sha256(await echoed) === sha256(payload);
      }),
    );
    expect(results.filter(Boolean)).toHaveLength(count);
    await harness.log.waitFor(() => harness.proxy.activeConnections === 0);
    expect(harness.proxy.totals.get('main')!.closed.get('client-end')).toBe(count);
  });

  it('closes a connection idle for --idle-timeout, and only then', async () => {
    const backend = await server((socket) => socket.pipe(socket));
    const harness = await proxyTo(backend, { idleTimeout: 300 });
    const client = await harness.dial('main');
    const outcome = closeOutcome(client);
    // Traffic keeps it open past the timeout...
    for (let i = 0; i < 4; i += 1) {
      client.write('ping');
      await once(client, 'data');
      await sleep(100);
    }
    expect(client.destroyed).toBe(false);
    // ...silence closes it.
    expect(await outcome).toBe('closed');
    expect((await harness.log.waitFor((line) => line.msg === 'connection closed')).reason).toBe('idle-timeout');
  });

  it('logs one line per connection with its bytes and duration', async () => {
    const backend = await server((socket) => socket.end('0123456789'));
    const harness = await proxyTo(backend);
    const client = await harness.dial('main');
    client.end('abc');
    await readAll(client);
    const line = await harness.log.waitFor((l) => l.msg === 'connection closed');
    expect(line).toMatchObject({
      role: 'main',
      upstream: `127.0.0.1:${backend.port}`,
      bytesFromClient: 3,
      bytesFromUpstream: 10,
      level: 'info',
    });
    expect(line.client).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(typeof line.durationMs).toBe('number');
    expect(typeof line.conn).toBe('number');
  });

  it('works over IPv6 for listeners and members', async () => {
    const member = await startFakeMember('v6', ['main', 'client-grpc'], '::1');
    cleanups.push(() => member.close());
    const harness = await startProxy([member], { roles: ['main', 'client-grpc'], dataPath }, '::1');
    cleanups.push(() => harness.close());
    const socket = await dialTcp(harness.port('client-grpc'), '::1');
    expect(await readLine(socket)).toBe('v6 client-grpc');
    socket.end('over v6');
    expect((await readAll(socket)).toString()).toBe('over v6');
  });
});
