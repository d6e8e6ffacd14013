/** The real nacos-sim bin: help, bad input, a running cluster that real requests reach, signals. */
import { networkInterfaces } from 'node:os';
import { expect, test } from 'vitest';
import { advertisedHost } from '../../src/net/advertised-host.js';
import { findFreeBasePort } from '../../src/net/free-port.js';
import type { Finding } from '../../src/doctor/report.js';
import { listenTcp } from '../helpers/net.js';
import { runBin, startBin, type RunningBin } from '../helpers/spawn.js';

const SIM_ROLES = ['main', 'client-grpc', 'cluster-grpc'] as const;

/** A free main port for `nodes` members 10 apart on `host`. */
function freeBase(nodes: number, host = '127.0.0.1'): Promise<number> {
  const extraOffsets = Array.from({ length: nodes - 1 }, (_, i) => (i + 1) * 10).flatMap((offset) => [offset, offset + 1000, offset + 1001]);
  return findFreeBasePort({ host, roles: SIM_ROLES, extraOffsets });
}

/** Whether stdout holds the whole description of the cluster: its JSON, or the text up to the serverAddr line. */
function describedCluster(stdout: string): boolean {
  if (/serverAddr=[^\n]*\n$/.test(stdout)) return true;
  try {
    JSON.parse(stdout);
    return true;
  } catch {
    return false;
  }
}

/** Starts the nacos-sim bin and waits until it is ready and has described the cluster; it is killed when `use` is done. */
async function withSim(args: readonly string[], use: (sim: RunningBin) => Promise<void>): Promise<void> {
  const sim = startBin('nacos-sim', args);
  try {
    // stdout and stderr are separate pipes: the ready log line says nothing about stdout.
    await sim.waitForLog((line) => line.msg === 'nacos-sim ready');
    await sim.waitForStdout(describedCluster);
    await use(sim);
  } finally {
    sim.child.kill('SIGKILL');
    await sim.exited;
  }
}

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

test('a member that failed to start is not logged as stopped; the ones that started are', async () => {
  const base = await findFreeBasePort({ roles: ['main', 'client-grpc', 'cluster-grpc'], extraOffsets: [10, 1010, 1011] });
  const squatter = await listenTcp(() => {}, { port: base + 1010 });
  try {
    const sim = startBin('nacos-sim', ['--nodes', '2', '--port', String(base)]);
    const result = await sim.exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${base + 1010} (client-grpc of member 1): EADDRINUSE`);
    expect(sim.logs.filter((line) => line.msg === 'member started').map((line) => line.member)).toEqual([`127.0.0.1:${base}`]);
    expect(sim.logs.filter((line) => line.msg === 'member stopped').map((line) => line.member)).toEqual([`127.0.0.1:${base}`]);
  } finally {
    await squatter.close();
  }
});

test('12 members start without Node warnings (one store listener per cluster, not per member)', async () => {
  const base = await freeBase(12);
  const sim = startBin('nacos-sim', ['--nodes', '12', '--port', String(base)]);
  try {
    await sim.waitForLog((line) => line.msg === 'nacos-sim ready');
    sim.child.kill('SIGTERM');
    const result = await sim.exited;
    expect(result.code).toBe(0);
    expect(sim.logs.filter((line) => line.msg === 'member stopped')).toHaveLength(12);
    expect(result.stderr).not.toMatch(/Warning/);
  } finally {
    sim.child.kill('SIGKILL');
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

test('--host 0.0.0.0 advertises a dialable address, or the --advertise one, in the member list and serverAddr', async () => {
  const base = await freeBase(2, '0.0.0.0');
  await withSim(['--nodes', '2', '--port', String(base), '--host', '0.0.0.0', '--advertise', '127.0.0.1', '--json'], async (sim) => {
    const printed = JSON.parse(sim.stdout()) as { serverAddr: string; members: { host: string; listenHost: string }[] };
    expect(printed.serverAddr).toBe(`127.0.0.1:${base},127.0.0.1:${base + 10}`);
    expect(printed.members.map((member) => [member.host, member.listenHost])).toEqual([
      ['127.0.0.1', '0.0.0.0'],
      ['127.0.0.1', '0.0.0.0'],
    ]);
    const nodes = (await (await fetch(`http://127.0.0.1:${base + 10}/nacos/v1/core/cluster/nodes`)).json()) as { data: { ip: string; address: string }[] };
    expect(nodes.data.map((node) => [node.ip, node.address])).toEqual([
      ['127.0.0.1', `127.0.0.1:${base}`],
      ['127.0.0.1', `127.0.0.1:${base + 10}`],
    ]);
  });
  const expected = advertisedHost('0.0.0.0', networkInterfaces());
  await withSim(['--port', String(base), '--host', '0.0.0.0'], async (sim) => {
    expect(expected).not.toBe('0.0.0.0');
    expect(sim.stdout()).toContain(`, listening on 0.0.0.0\n  member 0  http ${expected}:${base}  grpc ${base + 1000}`);
    expect(sim.stdout()).toContain(`serverAddr=${expected}:${base}\n`);
    const nodes = (await (await fetch(`http://127.0.0.1:${base}/nacos/v1/core/cluster/nodes`)).json()) as { data: { ip: string }[] };
    expect(nodes.data.map((node) => node.ip)).toEqual([expected]);
  });
});

test('--upgrade puts members in upgrade states that nacos-doctor upgrade reads', async () => {
  const stage = (stdout: string): Finding => (JSON.parse(stdout) as { summary: Finding[] }).summary.find((finding) => finding.check === 'upgrade.stage')!;
  const base = await freeBase(3);
  const addresses = [0, 10, 20].map((offset) => `127.0.0.1:${base + offset}`);
  const args = ['--nodes', '3', '--port', String(base), '--nacos-version', '2.1.2', '--nacos-version', '2=1.4.1', '--upgrade', '0=not-ready', '--upgrade', '1=ready'];
  await withSim(args, async (sim) => {
    expect(sim.stdout()).toContain(`playing Nacos 2.1.2, 1.4.1`);
    expect(sim.stdout()).toContain(`grpc ${base + 1000}  cluster-grpc ${base + 1001}  Nacos 2.1.2  upgrade: not-ready\n`);
    expect(sim.stdout()).toContain(`cluster-grpc ${base + 1021}  Nacos 1.4.1\n`);
    const metrics = await (await fetch(`http://${addresses[0]}/nacos/v1/ns/upgrade/ops/metrics`)).text();
    expect(metrics).toContain(`${'doubleWriteDelayTaskCount'.padEnd(30)} =    12\n`);
    const result = await runBin('nacos-doctor', ['upgrade', ...addresses, '--json']);
    expect(result.stderr).toBe('');
    expect(stage(result.stdout)).toMatchObject({ cause: 'UPGRADE_NOT_READY', evidence: `still on 1.x: ${addresses[2]}; not readyToUpgrade: ${addresses[0]}` });
  });
  await withSim(['--nodes', '2', '--port', String(base), '--nacos-version', '2.0.4', '--upgrade', '0=double-write', '--upgrade', '1=double-write'], async () => {
    const result = await runBin('nacos-doctor', ['upgrade', addresses[0]!, addresses[1]!, '--json']);
    expect(stage(result.stdout)).toMatchObject({ cause: 'UPGRADE_DOUBLE_WRITE_ON', fix: expect.stringContaining(`curl -X PUT 'http://${addresses[0]}/nacos/v1/ns/operator/switches?entry=doubleWriteEnabled&value=false'`) });
  });
});
