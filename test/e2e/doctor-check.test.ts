/**
 * nacos-doctor check against nacos-sim on loopback: a healthy cluster, nacos-proxy in front,
 * and the faults the sim can play (DOWN, no Raft leader, starting, black hole, auth), through
 * the library and through the real bin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCheckOptions, type CheckFlags } from '../../src/doctor/check-options.js';
import { runCheck } from '../../src/doctor/check.js';
import { renderJson } from '../../src/doctor/render-json.js';
import { exitCodeOf, type Finding, type Report } from '../../src/doctor/report.js';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { rolePort } from '../../src/ports.js';
import { startBlackHole } from '../helpers/black-hole.js';
import { startProxy } from '../helpers/proxy.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';
import { simsClosedAfterEach, startSim, type SimHarness } from '../helpers/sim.js';
import { runBin, startBin } from '../helpers/spawn.js';

function check(flags: CheckFlags, env: NodeJS.ProcessEnv = {}): Promise<Report> {
  return runCheck(resolveCheckOptions(flags, env));
}

function findings(report: Report): Finding[] {
  return report.sections.flatMap((section) => section.findings);
}

function finding(report: Report, check: string): Finding {
  const found = findings(report).filter((item) => item.check === check);
  expect(found, `${check} in ${JSON.stringify(findings(report).map((item) => item.check))}`).toHaveLength(1);
  return found[0]!;
}

function problems(report: Report): string[] {
  return findings(report)
    .filter((item) => item.status === 'warn' || item.status === 'fail')
    .map((item) => `${item.check} ${item.status} ${item.cause ?? ''}`);
}

function validJson(report: Report): void {
  expect(reportSchemaErrors(JSON.parse(renderJson(report, { version: '0.0.0', now: new Date() })))).toEqual([]);
}

describe('check a healthy 3-member nacos-sim cluster', () => {
  let sim: SimHarness;
  beforeAll(async () => {
    sim = await startSim({ nodes: 3 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('passes every check of a member, in the documented order, and the JSON matches the schema', async () => {
    const member = sim.cluster.member(0).addresses;
    const report = await check({ address: [member.serverAddr] });
    expect(problems(report)).toEqual([]);
    expect(exitCodeOf(report)).toBe(0);
    expect(findings(report).map((item) => item.check)).toEqual([
      'tcp.main',
      'tcp.client-grpc',
      'tcp.cluster-grpc',
      'http.readiness',
      'http.state',
      'http.naming',
      'auth',
      'cluster.members',
      'cluster.raft',
      'offset',
      'h2.client-grpc',
      'grpc.client-grpc',
      'grpc.client-grpc.path',
    ]);
    expect(finding(report, 'cluster.members').title).toBe('3 members, all UP');
    expect(finding(report, 'h2.client-grpc').data).toMatchObject({ verdict: 'grpc-java' });
    expect(finding(report, 'grpc.client-grpc').data).toMatchObject({ setupAck: 'received', healthCheckErrorCode: 0 });
    expect(finding(report, 'grpc.client-grpc.path').status).toBe('ok');
    validJson(report);
  });

  it('checks every entry of a serverAddr list and sums them up', async () => {
    const report = await check({ address: [sim.cluster.serverAddr] });
    expect(report.sections.map((section) => section.target)).toEqual(sim.cluster.members.map((member) => member.addresses.serverAddr));
    expect(report.summary).toEqual([expect.objectContaining({ status: 'ok', title: 'all 3 addresses pass' })]);
  });

  it('with --cluster also requires P-1000 and shakes hands on P+1001 (the sim has no Raft port, so that fails)', async () => {
    const report = await check({ address: [sim.cluster.member(1).addresses.serverAddr], cluster: true });
    expect(finding(report, 'grpc.cluster-grpc').status).toBe('ok');
    const raft = finding(report, 'tcp.raft');
    expect(raft).toMatchObject({ status: 'fail', cause: 'SERVER_PORT_CLOSED' });
    expect(raft.explanation).not.toContain('from a client network this is expected');
  });

  it('sees nacos-proxy in front as plain L4: every check passes, and the server names the proxy as the peer', async () => {
    const proxy = await startProxy(sim.cluster.members.map((member) => ({ host: member.host, base: member.mainPort })));
    try {
      const report = await check({ address: [`127.0.0.1:${proxy.base}`] });
      expect(problems(report)).toEqual([]);
      expect(finding(report, 'h2.client-grpc').data).toMatchObject({ verdict: 'grpc-java' });
      expect(finding(report, 'offset').status).toBe('ok');
      expect(finding(report, 'grpc.client-grpc.path').status).toBe('info');
    } finally {
      await proxy.close();
    }
  });

  it('the bin prints the report, exits 0 and writes nothing to stderr (not even a listener warning) for the whole member list; --json matches the schema', async () => {
    const address = sim.cluster.member(2).addresses.serverAddr;
    const text = await runBin('nacos-doctor', ['check', sim.cluster.serverAddr]);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain(`${address}\n  [ok  ] main port P ${address} accepts connections`);
    const json = await runBin('nacos-doctor', ['check', address, '--json']);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const document = JSON.parse(json.stdout) as { status: string; command: string };
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document).toMatchObject({ command: 'check', status: 'ok' });
  });

  it('https:// to the plain HTTP main port: a TLS handshake failure with the http:// fix, not a reset by a proxy', async () => {
    const member = sim.cluster.member(0).addresses.serverAddr;
    const report = await check({ address: [`https://${member}`] });
    const readiness = finding(report, 'http.readiness');
    expect(readiness).toMatchObject({ status: 'fail', cause: 'HTTPS_FAILED', title: `HTTPS to port ${sim.cluster.member(0).mainPort} fails` });
    expect(readiness.evidence).toContain('during the TLS handshake');
    expect(readiness.explanation).toContain('does not speak TLS');
    expect(readiness.fix).toContain(`use http://${member}/nacos`);
    expect(problems(report)).toEqual(['http.readiness fail HTTPS_FAILED']);
  });

  it('the gRPC port given as the address: that is the leading finding, with the main port as the fix, and nothing else fails', async () => {
    const member = sim.cluster.member(1);
    const grpcPort = rolePort(member.mainPort, 'client-grpc');
    const report = await check({ address: [`127.0.0.1:${grpcPort}`] });
    const [first] = report.sections[0]!.findings;
    expect(first).toMatchObject({ check: 'address', status: 'fail', cause: 'ADDRESS_IS_GRPC_PORT', data: { mainPort: member.mainPort } });
    expect(first!.fix).toContain(`point serverAddr at the main port ${member.mainPort}`);
    expect(problems(report)).toEqual(['address fail ADDRESS_IS_GRPC_PORT']);
  });

  it('bad usage exits 2 with one line and no stack trace', async () => {
    const result = await runBin('nacos-doctor', ['check', '127.0.0.1:8848', '--username', 'nacos']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^nacos-doctor: error: --username nacos needs a password: set NACOS_PASSWORD \(or --password\)\n$/);
  });

  it('a mistyped flag of check is suggested from check\'s options, with check\'s --help', async () => {
    const result = await runBin('nacos-doctor', ['check', '127.0.0.1:8848', '--timout', '3']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('nacos-doctor: error: Unknown argument: timout (did you mean --timeout?) (see nacos-doctor check --help)\n');
  });
});

describe('check a member with a fault', () => {
  const { sim } = simsClosedAfterEach();

  it('naming DOWN: 503 "server is DOWNnow" and the Raft advice', async () => {
    const { cluster } = await sim({ members: { faults: { down: true } } });
    const report = await check({ address: [cluster.serverAddr] });
    const naming = finding(report, 'http.naming');
    expect(naming).toMatchObject({ status: 'fail', cause: 'NACOS_DOWN' });
    expect(naming.evidence).toContain('server is DOWNnow');
    expect(naming.fix).toContain('delete its data/protocol directory');
    expect(finding(report, 'http.readiness')).toMatchObject({ status: 'fail', cause: 'NOT_READY' });
    expect(exitCodeOf(report)).toBe(1);
  });

  it('Nacos 3.2 with naming DOWN: seen on the v3 admin API, and v1 probes and clients named as failing', async () => {
    const { cluster } = await sim({ members: { version: '3.2.4', faults: { down: true } } });
    const report = await check({ address: [cluster.serverAddr] });
    expect(finding(report, 'http.naming')).toMatchObject({ status: 'fail', cause: 'NACOS_DOWN', evidence: '/v3/admin/ns/ops/metrics status DOWN' });
    const v1 = finding(report, 'http.v1-api');
    expect(v1).toMatchObject({ status: 'warn', cause: 'V1_API_GONE', data: { readinessStatus: 404, v1ClientApi: false } });
    expect(v1.fix).toContain('/v3/admin/core/state/readiness');
  });

  it('Nacos 3.1: the v1 console API answers 410, the v1 client API still works', async () => {
    const { cluster } = await sim({ members: { version: '3.1.1' } });
    const report = await check({ address: [cluster.serverAddr] });
    expect(finding(report, 'http.v1-api')).toMatchObject({ status: 'warn', data: { readinessStatus: 410, v1ClientApi: true } });
    expect(problems(report)).toEqual(['http.v1-api warn V1_API_GONE']);
  });

  it('no Raft leader: the groups without one, from the member list', async () => {
    const { cluster } = await sim({ nodes: 2, members: [{ faults: { noRaftLeader: true } }, {}] });
    const report = await check({ address: [cluster.member(0).addresses.serverAddr] });
    expect(finding(report, 'cluster.raft')).toMatchObject({ status: 'fail', cause: 'RAFT_NO_LEADER' });
    expect(finding(report, 'http.naming').cause).toBe('RAFT_NO_LEADER');
  });

  it('starting: gRPC answers errorCode 300', async () => {
    const { cluster } = await sim({ members: { faults: { starting: true } } });
    const report = await check({ address: [cluster.serverAddr] });
    expect(finding(report, 'grpc.client-grpc')).toMatchObject({ status: 'fail', cause: 'SERVER_STARTING' });
  });

  it('black hole: accepted, never answered; the check ends on its timeout with that verdict', { timeout: 15_000 }, async () => {
    const { cluster } = await sim({ members: { faults: { blackHole: true } } });
    const report = await check({ address: [cluster.serverAddr], timeout: '1s' });
    expect(finding(report, 'tcp.client-grpc').status).toBe('ok');
    expect(finding(report, 'http.readiness')).toMatchObject({ status: 'fail', cause: 'HTTP_NO_ANSWER' });
    expect(finding(report, 'h2.client-grpc')).toMatchObject({ status: 'fail', cause: 'BLACK_HOLE', data: { verdict: 'black-hole' } });
    expect(finding(report, 'grpc.client-grpc')).toMatchObject({ status: 'fail', cause: 'BLACK_HOLE' });
  });

  it('a loopback address that refuses: the hint that "localhost" in a container is the container itself', async () => {
    const port = await findFreeBasePort({ host: '127.0.0.1', roles: ['main', 'client-grpc', 'cluster-grpc'] });
    const report = await check({ address: [`127.0.0.1:${port}`] });
    const main = finding(report, 'tcp.main');
    expect(main).toMatchObject({ status: 'fail', cause: 'MAIN_PORT_CLOSED', data: { outcome: 'refused' } });
    expect(main.explanation).toContain('an app in a container that is given "localhost" or 127.0.0.1 reaches its own container');
    expect(main.fix).toContain('not localhost');
  });

  it('a port whose connects hang (SYN dropped) is a timeout, told apart from refused', { timeout: 15_000 }, async () => {
    const hole = await startBlackHole();
    try {
      const report = await check({ address: [`127.0.0.1:${hole.port}`], timeout: '1s' });
      expect(finding(report, 'tcp.main')).toMatchObject({ status: 'fail', cause: 'PORT_FILTERED', data: { outcome: 'timeout' } });
    } finally {
      await hole.close();
    }
  });

  it('auth on with a wrong password: an auth verdict, not a network one', async () => {
    const { cluster } = await sim({ members: { auth: { username: 'nacos', password: 'right-pw' } } });
    const report = await check({ address: [cluster.serverAddr], username: 'nacos', password: 'wrong-pw' });
    const auth = finding(report, 'auth');
    expect(auth).toMatchObject({ status: 'fail', cause: 'AUTH_BAD_CREDENTIALS', evidence: 'HTTP 403 "unknown user!"' });
    expect(findings(report).filter((item) => item.status === 'fail').map((item) => item.check)).toEqual(['auth']);
    const right = await check({ address: [cluster.serverAddr], username: 'nacos', password: 'right-pw' });
    expect(finding(right, 'auth')).toMatchObject({ status: 'ok', title: 'login as nacos works and its token is accepted' });
    const none = await check({ address: [cluster.serverAddr] });
    expect(finding(none, 'auth')).toMatchObject({ status: 'warn', cause: 'AUTH_REQUIRED', evidence: 'HTTP 403 "user not found!"' });
  });

  it('auth on a 3.2 server, where /v1/cs/configs is gone: the v3 admin API proves auth, with and without credentials', async () => {
    const { cluster } = await sim({ members: { version: '3.2.4', auth: { username: 'nacos', password: 'right-pw' } } });
    const none = await check({ address: [cluster.serverAddr] });
    expect(finding(none, 'auth')).toMatchObject({ status: 'warn', cause: 'AUTH_REQUIRED', evidence: 'HTTP 403 "user not found!"' });
    expect(finding(none, 'cluster.members').status).toBe('skipped');
    const right = await check({ address: [cluster.serverAddr], username: 'nacos', password: 'right-pw' });
    expect(finding(right, 'auth')).toMatchObject({ status: 'ok', title: 'login as nacos works and its token is accepted' });
    expect(finding(right, 'cluster.members').status).toBe('ok');
    const wrong = await check({ address: [cluster.serverAddr], username: 'nacos', password: 'wrong-pw' });
    expect(finding(wrong, 'auth')).toMatchObject({ status: 'fail', cause: 'AUTH_BAD_CREDENTIALS' });
  });

  it('a wrong context path proves nothing about auth: no "auth is off"', async () => {
    const { cluster } = await sim();
    const report = await check({ address: [`http://${cluster.serverAddr}/wrong`] });
    expect(finding(report, 'http.readiness')).toMatchObject({ status: 'fail', cause: 'NOT_NACOS_HTTP' });
    expect(finding(report, 'auth').status).toBe('skipped');
    expect(findings(report).map((item) => item.title).join('\n')).not.toContain('auth is off');
    expect(findings(report).map((item) => item.check)).not.toContain('cluster.members');
    expect(finding(report, 'http.readiness').fix).toContain('the address itself carries the context path "/wrong"');
  });

  it('writes IPv6 members and Raft leaders with brackets', async () => {
    const { cluster } = await sim({ nodes: 2, host: '::1' });
    const report = await check({ address: [cluster.member(0).addresses.serverAddr] });
    const list = finding(report, 'cluster.members');
    expect(list.evidence).toMatch(/^\[::1\]:\d+ UP, \[::1\]:\d+ UP$/);
    expect(finding(report, 'cluster.raft').evidence).toMatch(/led by \[::1\]:\d+$/);
  });

  it('never prints a password or token, not in --json and not in debug logs', async () => {
    const { cluster } = await sim({ members: { auth: { username: 'nacos', password: 'S3cret-pw' } } });
    const login = await runBin('nacos-doctor', ['check', cluster.serverAddr, '--username', 'nacos', '--password', 'S3cret-pw', '--json', '--log-level', 'debug']);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('"msg":"nacos http"');
    expect(`${login.stdout}${login.stderr}`).not.toContain('S3cret-pw');
    const { accessToken: token } = (await (
      await fetch(`http://${cluster.serverAddr}/nacos/v1/auth/login`, { method: 'POST', body: new URLSearchParams({ username: 'nacos', password: 'S3cret-pw' }) })
    ).json()) as { accessToken: string };
    const withToken = await runBin('nacos-doctor', ['check', cluster.serverAddr, '--log-level', 'debug'], { env: { NACOS_ACCESS_TOKEN: token } });
    expect(withToken.stdout).toContain('the access token is accepted');
    expect(`${withToken.stdout}${withToken.stderr}`).not.toContain(token);
  });

  it('--hold keeps a registered connection, answering the server\'s ClientDetectionRequest like a client', async () => {
    const { cluster } = await sim({ timing: { clientDetectionAfterMs: 200, clientDetectionTimeoutMs: 300 } });
    const report = await check({ address: [cluster.serverAddr], hold: '1.5s' });
    const hold = finding(report, 'hold');
    expect(hold.status).toBe('ok');
    expect(hold.evidence).toMatch(/[1-9]\d* server detections answered/);
  });

  it('--hold reports when a member drops the connection', async () => {
    const { cluster, log } = await sim({ timing: { clientDetectionAfterMs: 100 } });
    const member = cluster.member(0);
    const checking = check({ address: [cluster.serverAddr], hold: '20s' });
    // Kill the member once the hold is under way: its connection registered and answering the
    // server's detection, which the server pushes after the SetupAck on the same stream.
    const registered = await log.waitFor((line) => line.msg === 'connection registered' && (line.labels as Record<string, string>).AppName === 'nacos-doctor-hold');
    await log.waitFor((line) => line.msg === 'bi-stream message' && line.type === 'ClientDetectionResponse' && line.connectionId === registered.connectionId);
    await member.kill();
    const hold = finding(await checking, 'hold');
    expect(hold).toMatchObject({ status: 'fail', cause: 'CONNECTION_CUT' });
    expect(rolePort(member.mainPort, 'client-grpc')).toBe(hold.data?.port);
  });

  it('Ctrl-C stops the probes at once and prints no half report', async () => {
    const { cluster } = await sim();
    const running = startBin('nacos-doctor', ['check', cluster.serverAddr, '--hold', '60s', '--log-level', 'debug']);
    // Every probe but the hold has finished: the hold is under way.
    await running.waitForLog((line) => line.msg === 'probe finished' && line.probe === 'grpc');
    running.child.kill('SIGINT');
    const result = await running.exited;
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('nacos-doctor: check interrupted; no report');
  });
});
