import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { allFindings } from '../../src/doctor/report.js';
import { parseClusterNodes, type ClusterNode } from '../../src/nacos/cluster-nodes.js';
import { NacosNetworkError, classifyHttpFailure } from '../../src/nacos/http-errors.js';
import { parseServerState } from '../../src/nacos/server-state.js';
import { parseUpgradeMetrics, type UpgradeMetrics } from '../../src/ops/upgrade-metrics.js';
import { decideUpgradeStage, memberStatus, upgradeReport, type MemberObservation } from '../../src/ops/upgrade-stage.js';
import { ROOT } from '../helpers/spawn.js';

const fixture = (name: string): Promise<string> => readFile(`${ROOT}test/fixtures/nacos-http/${name}`, 'utf8');
const metrics = async (name: string): Promise<UpgradeMetrics> => parseUpgradeMetrics(await fixture(name));
const nodes = async (name: string): Promise<ClusterNode[]> => parseClusterNodes(await fixture(name));

function member(host: string, extra: Partial<MemberObservation> = {}): MemberObservation {
  return { address: `${host}:8848`, member: { host, port: 8848 }, ...extra };
}

const httpError = (status: number, body: string) => classifyHttpFailure({ status, body, method: 'GET', url: 'http://h:8848/nacos/v1/ns/upgrade/ops/metrics' });
const state = (version: string) => parseServerState({ version, standalone_mode: 'cluster', function_mode: null });

describe('decideUpgradeStage', () => {
  it('upgrading: names the members not readyToUpgrade and those still on 1.x', async () => {
    const decision = decideUpgradeStage({
      members: [member('10.0.0.11', { metrics: await metrics('upgrade-metrics-upgrading.json') }), member('10.0.0.13', { metricsError: httpError(404, 'Not Found'), state: state('1.4.1') })],
      nodes: await nodes('cluster-nodes-upgrading.json'),
    });
    expect(decision).toEqual({
      stage: 'upgrading',
      notReady: ['10.0.0.12:8848', '10.0.0.13:8848'],
      still1x: ['10.0.0.13:8848'],
      command: undefined,
      silent: [],
      leaderless: ['naming_persistent_service_v2'],
    });
  });

  it('double write on: the exact switch command for the first member with double write on', async () => {
    const decision = decideUpgradeStage({
      members: [member('10.0.0.11', { metrics: await metrics('upgrade-metrics-done.txt') }), member('10.0.0.12', { metrics: await metrics('upgrade-metrics-double-write.txt') })],
      nodes: await nodes('cluster-nodes-2.0.0.json'),
    });
    expect(decision.stage).toBe('double-write-on');
    expect(decision.command).toBe("curl -X PUT 'http://10.0.0.12:8848/nacos/v1/ns/operator/switches?entry=doubleWriteEnabled&value=false'");
  });

  it('neither done nor ready to end double write while a member gives no answer or is DOWN: no switch command then', async () => {
    const refused = new NacosNetworkError('ERR_CONNECT_REFUSED', { errno: 'ECONNREFUSED', phase: 'connect', url: 'u', message: 'refused' });
    for (const [silent, done] of [
      [member('10.0.0.11', { metricsError: refused }), 'upgrade-metrics-double-write.txt'],
      [member('10.0.0.11', { metricsError: httpError(503, 'server is DOWN now, please try again later!') }), 'upgrade-metrics-done.txt'],
      [member('10.0.0.11', { metricsError: httpError(403, 'user not found!') }), 'upgrade-metrics-done.txt'],
    ] as const) {
      const decision = decideUpgradeStage({ members: [silent, member('10.0.0.12', { metrics: await metrics(done) })] });
      expect(decision, done).toMatchObject({ stage: 'incomplete', silent: ['10.0.0.11:8848'], command: undefined });
    }
  });

  it('not done while a Raft group has no leader', async () => {
    const leaderless = await nodes('cluster-nodes-upgrading.json');
    const decision = decideUpgradeStage({ members: [member('a', { metrics: await metrics('upgrade-metrics-done.txt') })], nodes: leaderless.map((node) => ({ ...node, version: '2.1.0', readyToUpgrade: true })) });
    expect(decision).toMatchObject({ stage: 'incomplete', silent: [], leaderless: ['naming_persistent_service_v2'] });
  });

  it('uses the scheme, IPv6 brackets and context path of the member in the command', async () => {
    const decision = decideUpgradeStage({
      members: [{ address: 'https://[fd00::1]:8443/ctx', member: { scheme: 'https', host: 'fd00::1', port: 8443 }, metrics: await metrics('upgrade-metrics-double-write.txt') }],
      contextPath: '/ctx',
    });
    expect(decision.command).toBe("curl -X PUT 'https://[fd00::1]:8443/ctx/v1/ns/operator/switches?entry=doubleWriteEnabled&value=false'");
  });

  it('done when every member is upgraded with double write off', async () => {
    expect(decideUpgradeStage({ members: [member('a', { metrics: await metrics('upgrade-metrics-done.txt') }), member('b', { metrics: await metrics('upgrade-metrics-done.txt') })] }).stage).toBe('done');
  });

  it('a member that has not switched keeps the cluster upgrading even if another has', async () => {
    const decision = decideUpgradeStage({ members: [member('a', { metrics: await metrics('upgrade-metrics-double-write.txt') }), member('b', { metrics: await metrics('upgrade-metrics-upgrading.json') })] });
    expect(decision.stage).toBe('upgrading');
  });

  it('api absent on 2.2+, with why', () => {
    const decision = decideUpgradeStage({ members: [member('a', { metricsError: httpError(404, ''), state: state('2.2.3') })] });
    expect(decision.stage).toBe('api-absent');
    expect(memberStatus(member('a', { metricsError: httpError(404, ''), state: state('2.2.3') }))).toMatchObject({ kind: 'absent', after: true, why: expect.stringContaining('2.2.0 removed double write') });
    expect(memberStatus(member('a', { metricsError: httpError(410, '{"code":40000}'), state: state('3.0.3') }))).toMatchObject({ kind: 'absent', after: true });
    expect(memberStatus(member('a', { metricsError: httpError(404, ''), state: state('2.0.1') }))).toMatchObject({ kind: 'absent', before: true, why: expect.stringContaining('added in 2.0.2') });
    expect(memberStatus(member('a', { metricsError: httpError(404, '') }))).toMatchObject({ kind: 'not-nacos', grpcPort: false });
    expect(memberStatus(member('a', { state: state('2.4.1') }))).toMatchObject({ kind: 'absent', after: true });
  });

  it('unknown when nobody answered', () => {
    expect(decideUpgradeStage({ members: [member('a', { metricsError: httpError(403, 'user not found!') })] }).stage).toBe('unknown');
  });
});

describe('upgradeReport', () => {
  it('prints the command with the downgrade warning, and the services only in 1.x', async () => {
    const report = upgradeReport({ members: [member('10.0.0.11', { metrics: await metrics('upgrade-metrics-two-missing.txt'), state: state('2.0.3') })], nodes: await nodes('cluster-nodes-2.0.0.json') });
    const [stage, totals, ...rest] = report.summary!;
    expect(rest).toEqual([]);
    expect(totals).toMatchObject({ check: 'upgrade.cluster', status: 'info' });
    expect(stage).toMatchObject({ check: 'upgrade.stage', status: 'warn', cause: 'UPGRADE_DOUBLE_WRITE_ON' });
    expect(stage!.fix).toContain("curl -X PUT 'http://10.0.0.11:8848/nacos/v1/ns/operator/switches?entry=doubleWriteEnabled&value=false'");
    expect(stage!.fix).toContain('a downgrade to 1.x is no longer possible');
    expect(stage!.fix).toContain('nacos-doctor never sends it');
    expect(stage!.fix).toContain('the 2 services that are in 1.x data but not in 2.x');
    expect(report.sections[0]).toMatchObject({ target: '10.0.0.11:8848', title: 'Nacos 2.0.3' });
    expect(report.sections[0]!.findings[0]!.evidence).toBe(
      'upgraded=true, isAll20XVersion=true, isDoubleWriteEnabled=true, doubleWriteDelayTaskCount=0, services v1/v2 12/11, instances v1/v2 30/29, service.V1.not.in.V2 2, service.V2.not.in.V1 1',
    );
  });

  it('gives the Raft advice to members answering server is DOWN, and flags leaderless groups', async () => {
    const report = upgradeReport({
      members: [member('10.0.0.12', { metricsError: httpError(503, 'server is DOWNnow, detailed error message: Optional[No leader for raft group naming_persistent_service_v2]') })],
      nodes: await nodes('cluster-nodes-upgrading.json'),
    });
    expect(report.sections[0]!.findings[0]).toMatchObject({ status: 'fail', cause: 'NAMING_DOWN', title: 'answers 503: server is DOWN', evidence: expect.stringContaining('No leader for raft group') });
    expect(report.sections[0]!.findings[0]!.fix).toContain('data/protocol');
    const raft = allFindings(report).find((finding) => finding.check === 'upgrade.raft');
    expect(raft).toMatchObject({ status: 'fail', title: 'Raft groups without a leader: naming_persistent_service_v2', evidence: 'naming_persistent_service_v2 (seen by 10.0.0.12:8848)' });
  });

  it('says which members are not ready while upgrading', async () => {
    const report = upgradeReport({ members: [member('10.0.0.11', { metrics: await metrics('upgrade-metrics-upgrading.json') })], nodes: await nodes('cluster-nodes-upgrading.json') });
    expect(report.summary![0]).toMatchObject({ status: 'warn', evidence: 'still on 1.x: 10.0.0.13:8848; not readyToUpgrade: 10.0.0.12:8848, 10.0.0.13:8848' });
    expect(report.sections[0]!.findings[0]!.title).toBe('still on the 1.x protocol, copying 1.x data (37 tasks pending)');
  });

  it('says why the member list is missing, as a warning while upgrading', async () => {
    const report = upgradeReport({ members: [member('10.0.0.11', { metrics: await metrics('upgrade-metrics-upgrading.json') })], nodesError: httpError(403, 'user not found!') });
    expect(report.summary).toContainEqual(expect.objectContaining({ check: 'upgrade.nodes', status: 'warn', cause: 'AUTH', evidence: expect.stringContaining('user not found!') }));
    const done = upgradeReport({ members: [member('a', { metrics: await metrics('upgrade-metrics-done.txt') })], nodesError: httpError(500, 'boom') });
    expect(done.summary).toContainEqual(expect.objectContaining({ check: 'upgrade.nodes', status: 'info' }));
  });

  it('adds cluster totals: one count when the members agree, the range and who has what when not, and the service lists merged', async () => {
    const both = await metrics('upgrade-metrics-two-missing.txt');
    const other = { ...both, counts: { ...both.counts, serviceCountV1: 13 }, serviceV1NotInV2: ['public##DEFAULT_GROUP@@pay-service', 'public##DEFAULT_GROUP@@zz'] };
    const agreeing = upgradeReport({ members: [member('10.0.0.11', { metrics: both }), member('10.0.0.12', { metrics: both })] });
    expect(agreeing.summary!.find((finding) => finding.check === 'upgrade.cluster')).toEqual({
      check: 'upgrade.cluster',
      status: 'info',
      title: 'cluster (2 of 2 members answered): services v1/v2 12/11, instances v1/v2 30/29 on every member; 2 services only in 1.x data, 1 only in 2.x data; 0 double-write tasks pending',
      evidence: 'only in 1.x: public##DEFAULT_GROUP@@order-service, public##DEFAULT_GROUP@@pay-service; only in 2.x: dev##G@@new-service',
      data: { membersAnswered: 2, members: 2, serviceCountV1: 12, serviceCountV2: 11, instanceCountV1: 30, instanceCountV2: 29, servicesOnlyInV1: 2, servicesOnlyInV2: 1, doubleWriteDelayTaskCount: 0 },
    });
    const differing = upgradeReport({ members: [member('10.0.0.11', { metrics: both }), member('10.0.0.12', { metrics: other }), member('10.0.0.13', { metricsError: httpError(503, 'server is DOWN now') })] });
    const totals = differing.summary!.find((finding) => finding.check === 'upgrade.cluster')!;
    expect(totals.title).toBe(
      'cluster (2 of 3 members answered): services v1/v2 12-13 (10.0.0.11:8848 12, 10.0.0.12:8848 13)/11, instances v1/v2 30/29; 3 services only in 1.x data, 1 only in 2.x data; 0 double-write tasks pending',
    );
    expect(totals.data).toMatchObject({ serviceCountV1: null, servicesOnlyInV1: 3 });
    expect(differing.sections[0]!.findings[0]!.data).toMatchObject({ upgraded: true, serviceCountV1: 12, servicesOnlyInV1: 2 });
  });

  it('says when it has listed the differing services already (--diff), and where to list them otherwise', async () => {
    const input = { members: [member('10.0.0.11', { metrics: await metrics('upgrade-metrics-two-missing.txt') })] };
    expect(upgradeReport(input).summary![0]!.fix).toContain('(nacos-doctor upgrade --diff lists them)');
    expect(upgradeReport({ ...input, diff: true }).summary![0]!.fix).toContain('2 services that are in 1.x data but not in 2.x (listed above)');
  });

  it('names the members port in curl hints only when the members share it', async () => {
    const upgrading = await metrics('upgrade-metrics-upgrading.json');
    const same = upgradeReport({ members: [member('10.0.0.11', { metrics: upgrading }), member('10.0.0.12', { metrics: upgrading })] });
    expect(same.summary![0]!.fix).toContain("curl 'http://<member>:8848/nacos/v1/core/cluster/nodes'");
    const mixed = upgradeReport({ members: [member('10.0.0.11', { metrics: upgrading }), { address: '10.0.0.12:18848', member: { host: '10.0.0.12', port: 18848 }, metrics: upgrading }] });
    expect(mixed.summary![0]!.fix).toContain("curl 'http://<member>:<main port>/nacos/v1/core/cluster/nodes'");
  });

  it('tells a gRPC port and a server without Nacos APIs from a member, and fails them', () => {
    const notHttp = (received: string): NacosNetworkError =>
      new NacosNetworkError('ERR_CONNECT', { errno: 'HPE_INVALID_CONSTANT', phase: 'response', url: 'u', message: 'GET http://h:9848/nacos/v1/console/server/state failed: HPE_INVALID_CONSTANT (Parse Error: Expected HTTP/)', received });
    // grpc-java's first bytes: its SETTINGS frame (NACOS-FACTS §5.3).
    const settings = '00001204000000000000037fffffff000400100000000600002000';
    const grpc = upgradeReport({ members: [{ address: 'h:9848', member: { host: 'h', port: 9848 }, metricsError: notHttp(settings) }] });
    expect(grpc.sections[0]!.findings[0]).toMatchObject({ status: 'fail', cause: 'GRPC_PORT_GIVEN', title: 'not a Nacos main port: 9848 answered in HTTP/2, not HTTP/1.1', fix: 'give the main port: 8848 (9848 - 1000)' });
    // Something else that is not HTTP (an SSH banner) is not called a gRPC port.
    const ssh = upgradeReport({ members: [{ address: 'h:9848', member: { host: 'h', port: 9848 }, metricsError: notHttp(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n').toString('hex')) }] });
    expect(ssh.sections[0]!.findings[0]).toMatchObject({ status: 'fail', cause: 'NOT_NACOS' });
    const plain = upgradeReport({ members: [member('h', { metricsError: httpError(404, 'Not Found') })] });
    expect(plain.sections[0]!.findings[0]).toMatchObject({ status: 'fail', cause: 'NOT_NACOS', fix: expect.stringContaining('--context-path') });
    expect(plain.summary![0]).toMatchObject({ check: 'upgrade.stage', status: 'warn', title: expect.stringContaining('upgrade state unknown') });
  });

  it('reports the end of the upgrade and an auth failure', async () => {
    expect(upgradeReport({ members: [member('a', { metrics: await metrics('upgrade-metrics-done.txt') })] }).summary![0]).toMatchObject({ status: 'ok', check: 'upgrade.stage' });
    const auth = upgradeReport({ members: [member('a', { metricsError: httpError(403, 'user not found!') })] });
    expect(auth.sections[0]!.findings[0]).toMatchObject({ status: 'fail', cause: 'AUTH', fix: expect.stringContaining('--username') });
  });
});
