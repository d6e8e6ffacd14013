/**
 * `nacos-doctor upgrade` from argv to report, in process, against nacos-sim members set up in
 * each state of the 1.x -> 2.x upgrade guide. The sim's debug log records every HTTP request
 * it answered, so tests also check what the doctor did not send.
 */
import { describe, expect, test } from 'vitest';
import { runDoctorCli } from '../../src/cli/doctor.js';
import type { CliIo } from '../../src/cli/io.js';
import type { Finding } from '../../src/doctor/report.js';
import type { SimClusterOptions } from '../../src/sim/cluster.js';
import type { MemberSettingsInput } from '../../src/sim/member-state.js';
import { listenHttp } from '../helpers/http.js';
import { listenTcp } from '../helpers/net.js';
import { http, simsClosedAfterEach, type SimHarness } from '../helpers/sim.js';

const { sim } = simsClosedAfterEach();

interface JsonReport {
  readonly status: string;
  readonly exitCode: number;
  readonly sections: { target: string; title?: string; findings: Finding[] }[];
  readonly summary: Finding[];
}

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  report(): JsonReport;
}

async function doctor(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env, onSignal: () => {} };
  const code = await runDoctorCli(['upgrade', ...argv], io);
  return { code, stdout, stderr, report: () => JSON.parse(stdout) as JsonReport };
}

async function cluster(members: readonly MemberSettingsInput[], options: SimClusterOptions = {}): Promise<{ harness: SimHarness; addresses: string[] }> {
  const harness = await sim({ nodes: members.length, members, ...options });
  return { harness, addresses: harness.cluster.members.map((member) => member.addresses.serverAddr) };
}

/** Paths of the HTTP requests the sim answered (for one member, when given), as `METHOD path`. */
function requests(harness: SimHarness, member?: string): string[] {
  return harness.log.lines
    .filter((line) => line.msg === 'http request' && (member === undefined || line.member === member))
    .map((line) => `${String(line.method)} ${String(line.path)}`);
}

const stage = (report: JsonReport): Finding => report.summary.find((finding) => finding.check === 'upgrade.stage')!;

describe('nacos-doctor upgrade: where the cluster is in the upgrade guide', () => {
  test('still upgrading: names the members on 1.x and those not readyToUpgrade, from cluster nodes', async () => {
    const copying = { upgraded: false, isAll20XVersion: false, isDoubleWriteEnabled: true };
    const { harness, addresses } = await cluster([
      { version: '2.0.4', upgrade: { readyToUpgrade: false, metrics: { ...copying, doubleWriteDelayTaskCount: 12 } } },
      { version: '1.4.1', upgrade: { readyToUpgrade: false } },
      { version: '2.0.4', upgrade: { metrics: copying } },
    ]);
    const result = await doctor([...addresses, '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const report = result.report();
    expect(stage(report)).toMatchObject({ status: 'warn', cause: 'UPGRADE_NOT_READY', evidence: `still on 1.x: ${addresses[1]}; not readyToUpgrade: ${addresses[0]}, ${addresses[1]}` });
    expect(report.sections[0]!.findings[0]).toMatchObject({ status: 'warn', title: 'still on the 1.x protocol, copying 1.x data (12 tasks pending)' });
    expect(report.sections[1]).toMatchObject({ title: 'Nacos 1.4.1', findings: [{ status: 'warn', title: 'no upgrade ops API', explanation: expect.stringContaining('is a 1.x member') }] });
    // The version said there is no API on the 1.x member: it was not asked.
    expect(requests(harness, addresses[1])).toEqual(['GET /nacos/v1/console/server/state']);
  });

  test('upgraded with double write on: prints the exact switch command with the downgrade warning, and never sends it', async () => {
    const { harness, addresses } = await cluster([0, 1, 2].map(() => ({ version: '2.1.0', upgrade: { metrics: { isDoubleWriteEnabled: true } } })));
    const result = await doctor(addresses);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`curl -X PUT 'http://${addresses[0]}/nacos/v1/ns/operator/switches?entry=doubleWriteEnabled&value=false'`);
    expect(result.stdout).toContain('a downgrade to 1.x is no longer possible');
    expect(result.stdout).toContain('[WARN] upgraded, double write still on: the last step of the guide is left');
    const sent = requests(harness);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((request) => !request.startsWith('GET ') || request.includes('switches'))).toEqual([]);
  });

  test('done: every member on the 2.x protocol with double write off', async () => {
    const { addresses } = await cluster([{ version: '2.0.4' }, { version: '2.1.2' }]);
    const report = (await doctor([...addresses, '--json'])).report();
    expect(report).toMatchObject({ status: 'ok', exitCode: 0 });
    expect(stage(report)).toMatchObject({ status: 'ok', title: expect.stringContaining('upgrade done') });
    expect(report.sections.map((section) => section.findings[0]!.title)).toEqual(['on the 2.x protocol, double write off', 'on the 2.x protocol, double write off']);
  });

  test('2.2+ and 3.x members: says plainly the API does not exist there and why, without asking for it', async () => {
    const { harness, addresses } = await cluster([{ version: '2.4.1' }, { version: '3.1.0' }, { version: '3.2.0' }]);
    const result = await doctor([...addresses, '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const report = result.report();
    expect(stage(report)).toMatchObject({ status: 'info', title: 'no 1.x upgrade in progress: these members are 2.2 or later' });
    expect(report.sections.map((section) => section.title)).toEqual(['Nacos 2.4.1', 'Nacos 3.1.0', 'Nacos 3.2.0']);
    for (const section of report.sections) expect(section.findings[0]).toMatchObject({ status: 'info', explanation: expect.stringContaining('2.2.0 removed double write and the ops API') });
    expect(requests(harness).filter((request) => request.includes('/upgrade/ops/'))).toEqual([]);
  });

  test('a 2.0.0/2.0.1 member predates the API: the logs are the way to see its state', async () => {
    const { addresses } = await cluster([{ version: '2.0.1' }]);
    const report = (await doctor([...addresses, '--json'])).report();
    expect(report.sections[0]!.findings[0]).toMatchObject({ status: 'warn', explanation: expect.stringContaining('added in 2.0.2') });
    expect(stage(report)).toMatchObject({ fix: expect.stringContaining('nacos-doctor logs') });
  });

  test('a member answering "server is DOWN" gets the Raft advice, and the leaderless groups are named', async () => {
    const { addresses } = await cluster([{ version: '2.0.4' }, { version: '2.0.4', faults: { noRaftLeader: true } }, { version: '2.0.4' }]);
    const result = await doctor([...addresses, '--json']);
    expect(result.code).toBe(1);
    const report = result.report();
    expect(report.sections[1]!.findings[0]).toMatchObject({
      status: 'fail',
      cause: 'NAMING_DOWN',
      title: 'answers 503: server is DOWN',
      evidence: expect.stringContaining('No leader for raft group'),
      fix: expect.stringContaining('delete its data/protocol directory'),
    });
    expect(report.summary.find((finding) => finding.check === 'upgrade.raft')).toMatchObject({ status: 'fail', cause: 'RAFT_NO_LEADER', evidence: expect.stringContaining(`seen by ${addresses[1]}`) });
  });

  test('an unreachable member and a silent one fail with "no answer"; the others are still read', async () => {
    const { harness, addresses } = await cluster([{ version: '2.0.4' }, { version: '2.0.4', faults: { blackHole: true } }]);
    const closed = await listenTcp(() => {});
    await closed.close();
    const refused = `127.0.0.1:${closed.port}`;
    const result = await doctor([...addresses, refused, '--timeout', '300ms', '--json']);
    expect(result.code).toBe(1);
    const [ok, silent, gone] = result.report().sections;
    expect(ok!.findings[0]).toMatchObject({ status: 'ok' });
    expect(silent!.findings[0]).toMatchObject({ status: 'fail', cause: 'UNREACHABLE', evidence: expect.stringContaining('timed out after 300ms') });
    expect(gone).toMatchObject({ target: refused, findings: [{ status: 'fail', title: 'no answer', cause: 'UNREACHABLE', evidence: expect.stringContaining('ECONNREFUSED'), fix: expect.stringContaining('raise --timeout') }] });
    expect(requests(harness, addresses[0])).toContain('GET /nacos/v1/ns/upgrade/ops/metrics');
  });

  test('a wrong context path: nothing Nacos answers there, exit 1 with the hint', async () => {
    const { addresses } = await cluster([{ version: '2.0.4' }]);
    const result = await doctor([addresses[0]!, '--context-path', '/other', '--json']);
    expect(result.code).toBe(1);
    expect(result.report().sections[0]!.findings[0]).toMatchObject({ status: 'fail', cause: 'NOT_NACOS', fix: expect.stringContaining('--context-path') });
  });

  test('never "done" while a listed member is DOWN, leaderless, refusing or silent: the stage says who', async () => {
    const closed = await listenTcp(() => {});
    await closed.close();
    const refused = `127.0.0.1:${closed.port}`;
    for (const faults of [{ down: true }, { noRaftLeader: true }, { blackHole: true }, undefined]) {
      const { addresses } = await cluster([{ version: '2.1.0' }, { version: '2.1.0', ...(faults ? { faults } : {}) }, { version: '2.1.0' }]);
      const given = faults === undefined ? [...addresses, refused] : addresses;
      const result = await doctor([...given, '--timeout', '300ms', '--json']);
      const label = JSON.stringify(faults ?? 'refused');
      expect(result.code, label).toBe(1);
      expect(result.stdout, label).not.toContain('upgrade done');
      expect(stage(result.report()), label).toMatchObject({ status: 'warn', cause: 'UPGRADE_UNCONFIRMED', evidence: expect.stringContaining(`no usable answer from ${faults === undefined ? refused : addresses[1]}`) });
    }
  });

  test('prints cluster totals next to the members: counts that agree once, the 1.x/2.x lists merged', async () => {
    const only1x = (name: string) => ({ metrics: { isDoubleWriteEnabled: true }, servicesV1: [`public##DEFAULT_GROUP@@${name}`] });
    const { addresses } = await cluster([{ version: '2.1.0', upgrade: only1x('a') }, { version: '2.1.0', upgrade: only1x('b') }]);
    const result = await doctor(addresses);
    expect(result.stdout).toMatch(/cluster \(2 of 2 members answered\): services v1\/v2 \d+\/\d+, instances v1\/v2 \d+\/\d+ on every member; 2 services only in 1\.x data, 0 only in 2\.x data/);
    expect(result.stdout).toContain('only in 1.x: public##DEFAULT_GROUP@@a, public##DEFAULT_GROUP@@b');
  });

  test('a server without the Nacos APIs, and a member\'s gRPC port, fail with what they are', async () => {
    const plain = await listenHttp((_request, response) => response.writeHead(404).end('Not Found'));
    const { harness } = await cluster([{ version: '2.1.0' }]);
    const grpcPort = harness.cluster.member(0).addresses.clientGrpc;
    try {
      const result = await doctor([`127.0.0.1:${plain.port}`, `127.0.0.1:${grpcPort}`, '--json']);
      expect(result.code).toBe(1);
      const [notNacos, grpc] = result.report().sections;
      expect(notNacos!.findings[0]).toMatchObject({ status: 'fail', cause: 'NOT_NACOS', title: 'not a Nacos server: neither the server state nor the upgrade ops API answered' });
      expect(grpc!.findings[0]).toMatchObject({ status: 'fail', cause: 'GRPC_PORT_GIVEN', fix: `give the main port: ${grpcPort - 1000} (${grpcPort} - 1000)` });
    } finally {
      await plain.close();
    }
  });
});

describe('nacos-doctor upgrade --diff', () => {
  const v1State = {
    metrics: { isDoubleWriteEnabled: true },
    servicesV1: ['public##DEFAULT_GROUP@@leftover'],
    instancesV1: { 'public##DEFAULT_GROUP@@orders': [{ ip: '10.0.0.1', port: 80 }, { ip: '10.0.0.3', port: 80 }], 'dev##G@@pay': [{ ip: '10.0.0.9', port: 90 }] },
  };

  test('lists the services only in 1.x or 2.x data and, per service, the instances that differ', async () => {
    const { harness, addresses } = await cluster([{ version: '2.1.0', upgrade: v1State }]);
    const member = harness.cluster.member(0);
    await http(member, 'POST', '/nacos/v1/ns/instance', { params: { serviceName: 'orders', ip: '10.0.0.1', port: '80', healthy: 'false' } });
    await http(member, 'POST', '/nacos/v1/ns/instance', { params: { serviceName: 'fresh', ip: '10.0.0.7', port: '70' } });
    const result = await doctor([addresses[0]!, '--diff', '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const findings = result.report().sections[0]!.findings;
    expect(findings.map((finding) => [finding.title, finding.evidence])).toEqual([
      ['on the 2.x protocol, double write on', expect.stringContaining('service.V1.not.in.V2 2, service.V2.not.in.V1 1')],
      ['1.x and 2.x data differ: 2 only in 1.x, 1 only in 2.x, 1 with other instances', '4 services compared in public/DEFAULT_GROUP, dev/G'],
      ['public##DEFAULT_GROUP@@fresh: only in 2.x data', '2.x instances: 10.0.0.7:70'],
      ['public##DEFAULT_GROUP@@leftover: only in 1.x data', 'no instances'],
      ['dev##G@@pay: only in 1.x data', '1.x instances: 10.0.0.9:90'],
      ['public##DEFAULT_GROUP@@orders: instances differ between 1.x and 2.x data', 'only in 1.x: 10.0.0.3:80; changed: 10.0.0.1:80 healthy 1.x=true 2.x=false'],
    ]);
  });

  test('reports agreement, and skips members whose double write is off', async () => {
    const agreeing = { metrics: { isDoubleWriteEnabled: true }, instancesV1: { 'public##DEFAULT_GROUP@@orders': [{ ip: '10.0.0.1', port: 80 }] } };
    const { harness, addresses } = await cluster([{ version: '2.1.0', upgrade: agreeing }, { version: '2.1.0' }]);
    await http(harness.cluster.member(0), 'POST', '/nacos/v1/ns/instance', { params: { serviceName: 'orders', ip: '10.0.0.1', port: '80' } });
    const [on, off] = (await doctor([...addresses, '--diff', '--json'])).report().sections;
    expect(on!.findings[1]).toEqual({ check: 'upgrade.diff', status: 'ok', title: '1.x and 2.x data hold the same services and instances', evidence: '1 services compared in public/DEFAULT_GROUP' });
    expect(off!.findings[1]).toMatchObject({ status: 'skipped', explanation: expect.stringContaining('double write is off') });
    expect(requests(harness, addresses[1]).filter((request) => request.includes('/service/list'))).toEqual([]);
  });
});

describe('nacos-doctor upgrade with auth on', () => {
  const user = { username: 'nacos', password: 'pa55-w0rd' };
  const secured = (): Promise<{ harness: SimHarness; addresses: string[] }> => cluster([{ version: '2.1.0', auth: user, upgrade: { metrics: { isDoubleWriteEnabled: true } } }]);

  test('the metrics are open, the 1.x/2.x lists are not: --diff without a user says what to give', async () => {
    const { addresses } = await secured();
    const result = await doctor([addresses[0]!, '--diff', '--json']);
    expect(result.code).toBe(1);
    expect(result.report().sections[0]!.findings).toEqual([
      expect.objectContaining({ status: 'ok' }),
      expect.objectContaining({ check: 'upgrade.diff', status: 'fail', cause: 'AUTH', evidence: expect.stringContaining('user not found!') }),
    ]);
  });

  test('logs in with NACOS_USERNAME/NACOS_PASSWORD and never prints the password', async () => {
    const { harness, addresses } = await secured();
    const result = await doctor([addresses[0]!, '--diff'], { NACOS_USERNAME: user.username, NACOS_PASSWORD: user.password });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('1.x and 2.x data hold the same services and instances');
    expect(result.stdout).not.toContain(user.password);
    expect(requests(harness)).toContain('POST /nacos/v1/auth/login');
  });

  test('sends a given --access-token without logging in', async () => {
    const { harness, addresses } = await secured();
    const token = (await http(harness.cluster.member(0), 'POST', '/nacos/v1/auth/login', { params: user })).json<{ accessToken: string }>().accessToken;
    const since = harness.log.lines.length;
    const result = await doctor([addresses[0]!, '--diff', '--access-token', token]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).not.toContain(token);
    const sent = harness.log.lines.slice(since).filter((line) => line.msg === 'http request');
    expect(sent.map((line) => line.path)).not.toContain('/nacos/v1/auth/login');
    expect(sent.every((line) => (line.params as Record<string, string>).accessToken === token)).toBe(true);
  });

  test('a wrong password fails the member with the auth advice', async () => {
    const { addresses } = await secured();
    const result = await doctor([addresses[0]!, '--username', 'nacos', '--password', 'Wr0ng-Pa55', '--json']);
    expect(result.code).toBe(1);
    expect(result.report().sections[0]!.findings[0]).toMatchObject({ status: 'fail', cause: 'AUTH', evidence: expect.stringContaining('unknown user!'), fix: expect.stringContaining('--access-token') });
    expect(result.stdout).not.toContain('Wr0ng-Pa55');
  });
});

describe('nacos-doctor upgrade usage errors', () => {
  test.each([
    [['10.0.0.1:99999'], /server address "10\.0\.0\.1:99999"/],
    [['10.0.0.1', '--timeout', '0'], /--timeout must be above 0/],
    [['10.0.0.1', '--timeout', 'soon'], /--timeout "soon" is not a duration/],
    [['10.0.0.1', '--context-path', 'a b'], /--context-path "a b" is not a URL path/],
    [['10.0.0.1', '--access-token', 't', '--username', 'u', '--password', 'p'], /not both/],
    [[], /Not enough non-option arguments/],
  ])('%j exits 2 with one line on stderr', async (argv, message) => {
    const result = await doctor(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
