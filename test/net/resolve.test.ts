/** Host names to connections: every address, in order, within one timeout; real loopback sockets. */
import { describe, expect, it } from 'vitest';
import { dial, ConnectError } from '../../src/net/dial.js';
import { connectInOrder, resolveHost } from '../../src/net/resolve.js';
import { listenTcp } from '../helpers/net.js';

describe('resolveHost', () => {
  it('returns an IP as it is, without asking the resolver', async () => {
    const asked: string[] = [];
    expect(await resolveHost('::1', 8848, { timeoutMs: 1000, resolver: async (host) => (asked.push(host), []) })).toEqual(['::1']);
    expect(asked).toEqual([]);
  });

  it('a name that does not resolve is an ERR_CONNECT_DNS ConnectError naming it', async () => {
    const error = await resolveHost('nacos.invalid', 8848, { timeoutMs: 1000, resolver: async () => [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: 'ERR_CONNECT_DNS', errno: 'ENODATA', address: 'nacos.invalid:8848' });
  });
});

describe('connectInOrder', () => {
  it('tries each address in the resolver order until one accepts', async () => {
    const server = await listenTcp(() => {});
    try {
      const tried: string[] = [];
      const socket = await connectInOrder(
        'nacos-0.test',
        server.port,
        2000,
        (ip, port, timeoutMs) => {
          tried.push(ip);
          return dial({ host: ip, port, timeoutMs });
        },
        { resolver: async () => ['127.0.0.2', '127.0.0.1'] },
      );
      socket.destroy();
      expect(tried).toEqual(['127.0.0.2', '127.0.0.1']);
    } finally {
      await server.close();
    }
  });

  it('when every address fails, says so for each, with the code of the first', async () => {
    const server = await listenTcp(() => {});
    const port = server.port;
    await server.close();
    const error = await connectInOrder('nacos-0.test', port, 2000, (ip, p, timeoutMs) => dial({ host: ip, port: p, timeoutMs }), { resolver: async () => ['127.0.0.2', '127.0.0.3'] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'ERR_CONNECT_REFUSED', address: `nacos-0.test:${port}` });
    expect((error as Error).message).toMatch(new RegExp(`failed on every address: connect to 127.0.0.2:${port} failed: ECONNREFUSED.*; connect to 127.0.0.3:${port} failed: ECONNREFUSED`));
  });

  it('gives a single address the whole timeout, and shares it among several', async () => {
    const budgets: number[] = [];
    const refuse = async (ip: string, port: number, timeoutMs: number): Promise<never> => {
      budgets.push(timeoutMs);
      throw new ConnectError('ERR_CONNECT_REFUSED', 'ECONNREFUSED', `${ip}:${port}`, 'refused');
    };
    await connectInOrder('127.0.0.1', 1, 3000, refuse).catch(() => {});
    expect(budgets).toEqual([3000]);
    budgets.length = 0;
    await connectInOrder('three.test', 1, 3000, refuse, { resolver: async () => ['127.0.0.2', '127.0.0.3', '127.0.0.4'] }).catch(() => {});
    // Each gets an equal share of what is left of the 3 s: at most 1/3, then 1/2, then all of it.
    expect(budgets).toHaveLength(3);
    expect(budgets[0]).toBeLessThanOrEqual(1000);
    expect(budgets[1]).toBeLessThanOrEqual(1500);
    expect(budgets[2]).toBeLessThanOrEqual(3000);
  });

  it('counts the lookup inside the timeout: a resolver that never answers ends as a DNS failure, no connect tried', async () => {
    const tried: string[] = [];
    const error = await connectInOrder('slow.test', 8848, 50, async (ip) => tried.push(ip), { resolver: () => new Promise(() => {}) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_CONNECT_DNS', errno: 'ETIMEOUT', address: 'slow.test:8848' });
    expect(tried).toEqual([]);
  });

  it('stops a lookup in flight when its signal aborts (a health checker being stopped)', async () => {
    const stop = new AbortController();
    const pending = connectInOrder('slow.test', 8848, 60_000, async () => 'connected', { resolver: () => new Promise(() => {}), signal: stop.signal });
    stop.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CONNECT_DNS', errno: 'ABORT_ERR' });
  });
});
