/** --busy-poll: the splice engine's adaptive polling window, seen through the proxy's status. */
import { setTimeout as delay } from 'node:timers/promises';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveProxyOptions } from '../../src/proxy/options.js';
import { proxyStatus } from '../../src/proxy/status.js';
import { readLine, startFakeMember, type FakeMember } from '../helpers/net.js';
import { startProxy, type ProxyHarness } from '../helpers/proxy.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(overrides: Parameters<typeof startProxy>[1]): Promise<{ harness: ProxyHarness; client: Socket }> {
  const member: FakeMember = await startFakeMember('m1', ['main']);
  cleanups.push(() => member.close());
  const harness = await startProxy([member], { roles: ['main'], ...overrides });
  cleanups.push(() => harness.close());
  const client = await harness.dial('main');
  cleanups.push(async () => void client.destroy());
  expect(await readLine(client)).toBe('m1 main');
  return { harness, client };
}

/** Small request/answer round trips, back to back: the traffic busy polling is for. */
async function pingPong(client: Socket, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    client.write(`ping ${i}\n`);
    const answer = readLine(client);
    client.resume();
    expect(await answer).toBe(`ping ${i}`);
  }
}

describe('busy polling on the splice path', () => {
  // A ceiling far above any loopback round trip, however loaded the machine: the window grows
  // whenever the gaps between small reads fall below it.
  const CEILING_US = 10_000;

  it('opens a window while small messages come back to back, and closes it after a longer gap', async () => {
    const { harness, client } = await setup({ dataPath: 'splice', busyPoll: CEILING_US });
    expect(harness.proxy.busyPollWindow()).toBe(0);
    await pingPong(client, 50);
    const window = harness.proxy.busyPollWindow()!;
    // Round trips through a forwarder take tens of microseconds: the window has doubled past its first step.
    expect(window).toBeGreaterThan(10);
    expect(window).toBeLessThanOrEqual(CEILING_US);
    expect(proxyStatus(harness.proxy).busyPoll).toEqual({ ceilingMicroseconds: CEILING_US, windowMicroseconds: window });
    // A gap beyond the ceiling resets the window (polling would have been wasted). The answer
    // to that ping may open it again, but only by its first step of 10 µs: whatever the
    // machine's load, the window is no longer what the back-to-back messages had grown it to.
    await delay((CEILING_US / 1000) * 5);
    await pingPong(client, 1);
    expect(harness.proxy.busyPollWindow()).toBeLessThanOrEqual(10);
  });

  it('never polls with --busy-poll 0, and a reload turns it off', async () => {
    const { harness, client } = await setup({ dataPath: 'splice', busyPoll: 0 });
    await pingPong(client, 50);
    expect(harness.proxy.busyPollWindow()).toBe(0);

    await harness.proxy.reload({ ...harness.proxy.options, busyPoll: CEILING_US });
    await pingPong(client, 50);
    expect(harness.proxy.busyPollWindow()).toBeGreaterThan(0);
    await harness.proxy.reload({ ...harness.proxy.options, busyPoll: 0 });
    expect(harness.proxy.busyPollWindow()).toBe(0);
  });

  it('does not exist on the js path: status says null', async () => {
    const { harness, client } = await setup({ dataPath: 'js', busyPoll: CEILING_US });
    await pingPong(client, 10);
    expect(harness.proxy.busyPollWindow()).toBeUndefined();
    expect(proxyStatus(harness.proxy).busyPoll).toBeNull();
  });
});

describe('--busy-poll option', () => {
  const resolve = (busyPoll: string) => resolveProxyOptions({ flags: { listen: '18848', upstream: '127.0.0.1:8848', 'busy-poll': busyPoll }, env: {} });

  it('takes microseconds, 0 to 10000, default 100', () => {
    expect(resolveProxyOptions({ flags: { listen: '18848', upstream: '127.0.0.1:8848' }, env: {} }).options.busyPoll).toBe(100);
    expect(resolve('0').options.busyPoll).toBe(0);
    expect(resolve('250').options.busyPoll).toBe(250);
    expect(() => resolve('10001')).toThrow(/--busy-poll "10001" is not an integer from 0 to 10000/);
    expect(() => resolve('50us')).toThrow(/--busy-poll "50us"/);
  });
});
