/** The real nacos-sim bin: help, bad input, a running cluster that real requests reach, signals. */
import { expect, test } from 'vitest';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { listenTcp } from '../helpers/net.js';
import { runBin, startBin } from '../helpers/spawn.js';

test('--help explains the layout and says what the simulator is not', async () => {
  const result = await runBin('nacos-sim', ['--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Usage: nacos-sim [--nodes N] [--port P]');
  expect(result.stdout).toContain('not a Nacos replacement');
  expect(result.stdout).toContain('--fault');
});

test('bad input is one line on stderr and exit code 2', async () => {
  const result = await runBin('nacos-sim', ['--nodes', '2', '--fault', '5=down']);
  expect(result.code).toBe(2);
  expect(result.stderr).toBe('nacos-sim: error: --fault "5=down": there is no member 5; members are 0 to 1\n');
});

test('a port in use is a usage error naming the address and the role', async () => {
  const base = await findFreeBasePort({ roles: ['main', 'client-grpc', 'cluster-grpc'] });
  const squatter = await listenTcp(() => {}, { port: base + 1000 });
  try {
    const result = await runBin('nacos-sim', ['--port', String(base), '--log-level', 'silent']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`nacos-sim: error: cannot listen on 127.0.0.1:${base + 1000} (client-grpc of member 0): EADDRINUSE\n`);
  } finally {
    await squatter.close();
  }
});

test('serves every member until SIGTERM, then stops them and exits 0', async () => {
  const base = await findFreeBasePort({ roles: ['main', 'client-grpc', 'cluster-grpc'], extraOffsets: [10, 1010, 1011] });
  const sim = startBin('nacos-sim', ['--nodes', '2', '--port', String(base), '--fault', '1=down', '--json']);
  try {
    await sim.waitForLog((line) => line.msg === 'nacos-sim ready');
    const printed = JSON.parse(await sim.firstStdoutLine()) as { serverAddr: string; members: { main: number; clientGrpc: number }[] };
    expect(printed.serverAddr).toBe(`127.0.0.1:${base},127.0.0.1:${base + 10}`);
    expect(printed.members.map((member) => [member.main, member.clientGrpc])).toEqual([
      [base, base + 1000],
      [base + 10, base + 1010],
    ]);
    const up = await fetch(`http://127.0.0.1:${base}/nacos/v1/ns/operator/metrics`);
    expect(await up.text()).toBe('{"status":"UP"}');
    const down = await fetch(`http://127.0.0.1:${base + 10}/nacos/v1/ns/operator/metrics`);
    expect(down.status).toBe(503);
    sim.child.kill('SIGTERM');
    const result = await sim.exited;
    expect(result.code).toBe(0);
    expect(sim.logs.filter((line) => line.msg === 'member stopped')).toHaveLength(2);
  } finally {
    sim.child.kill('SIGKILL');
  }
});
