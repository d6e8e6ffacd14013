/**
 * Every bin keeps working and stops on a signal after whoever read its stderr has gone
 * (`nacos-proxy … 2>&1 | head -1`, a log fifo whose reader died): logging gives up instead of
 * retrying a broken pipe, and exit is never held up by it.
 */
import { afterEach, expect, it } from 'vitest';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { dialTcp, readLine, startFakeMember } from '../helpers/net.js';
import { startBin, type RunningBin } from '../helpers/spawn.js';

const running: RunningBin[] = [];
afterEach(async () => {
  for (const bin of running.splice(0)) {
    if (bin.child.exitCode === null && bin.child.signalCode === null) bin.child.kill('SIGKILL');
    await bin.exited;
  }
});

function start(...args: Parameters<typeof startBin>): RunningBin {
  const bin = startBin(...args);
  running.push(bin);
  return bin;
}

/** Closes our end of the bin's stderr pipe: its next write fails with EPIPE. */
function readerGone(bin: RunningBin): void {
  bin.child.stderr!.destroy();
}

it('nacos-proxy stops on SIGTERM after its stderr reader has gone', async () => {
  const base = await findFreeBasePort({ roles: ['main', 'client-grpc', 'cluster-grpc'] });
  const proxy = start('nacos-proxy', ['--listen', `127.0.0.1:${base}`, '--upstream', '127.0.0.1:1', '--health-interval', '0']);
  await proxy.waitForLog((line) => line.msg === 'listening' && line.role === 'cluster-grpc');
  readerGone(proxy);
  proxy.child.kill('SIGTERM');
  expect((await proxy.exited).code).toBe(0);
});

it('nacos-proxy exits on a second SIGTERM after its stderr reader has gone', async () => {
  const member = await startFakeMember('m1', ['main']);
  try {
    const base = await findFreeBasePort({ roles: ['main'] });
    const proxy = start('nacos-proxy', ['--listen', `127.0.0.1:${base}`, '--upstream', `127.0.0.1:${member.base}`, '--roles', 'main', '--drain-timeout', '60s']);
    await proxy.waitForLog((line) => line.msg === 'listening');
    const held = await dialTcp(base);
    expect(await readLine(held)).toBe('m1 main');
    held.on('error', () => {});
    proxy.child.kill('SIGTERM');
    // The held connection keeps the drain waiting; then the reader goes, and a second signal comes.
    await proxy.waitForLog((line) => line.msg === 'stopping: no new connections');
    readerGone(proxy);
    const echoed = readLine(held);
    held.resume();
    held.write('still here\n');
    expect(await echoed).toBe('still here');
    proxy.child.kill('SIGTERM');
    expect((await proxy.exited).code).toBe(1);
    held.destroy();
  } finally {
    await member.close();
  }
});

it('nacos-sim keeps answering and stops on SIGTERM after its stderr reader has gone', async () => {
  const base = await findFreeBasePort({ roles: ['main', 'client-grpc', 'cluster-grpc'] });
  const sim = start('nacos-sim', ['--port', String(base)]);
  await sim.waitForLog((line) => line.msg === 'nacos-sim ready');
  readerGone(sim);
  const answer = await fetch(`http://127.0.0.1:${base}/nacos/v1/ns/operator/metrics`);
  expect(await answer.text()).toBe('{"status":"UP"}');
  // Stopping logs; those lines are the first writes that meet the broken pipe.
  sim.child.kill('SIGTERM');
  expect((await sim.exited).code).toBe(0);
});
