import { describe, expect, it } from 'vitest';
import { allFindings, exitCodeOf, type Finding, type Report } from '../../src/doctor/report.js';
import { lintConfig, type LintInput } from '../../src/ops/config-lint.js';

function lint(properties: string | undefined, cluster?: string, options: Partial<LintInput> = {}): Report {
  return lintConfig({
    ...(properties === undefined ? {} : { properties: { path: 'application.properties', text: properties } }),
    ...(cluster === undefined ? {} : { clusterConf: { path: 'cluster.conf', text: cluster } }),
    ...options,
  });
}

function findings(report: Report, check: string): Finding[] {
  return allFindings(report).filter((finding) => finding.check === check);
}

const THREE = '10.0.0.1:8848\n10.0.0.2:8848\n10.0.0.3:8848\n';

describe('lint: application.properties', () => {
  it('passes a clean 2.x config', () => {
    const report = lint('server.port=8848\nnacos.naming.clean.empty-service.interval=30000\n', THREE);
    expect(allFindings(report).filter((finding) => finding.status === 'warn' || finding.status === 'fail')).toEqual([]);
    expect(exitCodeOf(report)).toBe(0);
    expect(findings(report, 'lint.port.main')[0]!.title).toBe('main port 8848: 8848 main, 9848 client-grpc, 9849 cluster-grpc, 7848 raft');
  });

  it('names the replacement of a deprecated key, carrying the value over, and lists the 2.0 cleaning defaults once', () => {
    const report = lint('nacos.naming.empty-service.clean.period-time-ms=30000\nnacos.naming.empty-service.auto-clean=true\n');
    const [period, auto] = findings(report, 'lint.properties.deprecated');
    expect(period).toMatchObject({
      status: 'warn',
      title: 'nacos.naming.empty-service.clean.period-time-ms is deprecated: use nacos.naming.clean.empty-service.interval',
      location: { file: 'application.properties', line: 1 },
    });
    expect(period!.fix).toContain('replace it with nacos.naming.clean.empty-service.interval=30000');
    for (const line of [
      'nacos.naming.clean.empty-service.interval=60000',
      'nacos.naming.clean.empty-service.expired-time=60000',
      'nacos.naming.clean.expired-metadata.interval=5000',
      'nacos.naming.clean.expired-metadata.expired-time=60000',
    ]) {
      expect(period!.fix).toContain(line);
    }
    expect(auto!.fix).toBe('remove it; to keep empty services longer, raise nacos.naming.clean.empty-service.expired-time');
    expect(exitCodeOf(report)).toBe(0);
  });

  it('says when the replacement is already set', () => {
    const report = lint('nacos.naming.empty-service.clean.period-time-ms=30000\nnacos.naming.clean.empty-service.interval=30000\n');
    expect(findings(report, 'lint.properties.deprecated')[0]!.fix).toMatch(/^remove it; nacos.naming.clean.empty-service.interval is already set \(line 2\)/);
  });

  it('fails a cleaning value that is not milliseconds, and a bad escape', () => {
    const report = lint('nacos.naming.clean.expired-metadata.interval=5s\nx=\\uZZZZ\n');
    expect(findings(report, 'lint.properties.value')).toMatchObject([{ status: 'fail', location: { line: 1 } }]);
    expect(findings(report, 'lint.properties.syntax')).toMatchObject([{ status: 'fail', location: { line: 2 } }]);
    expect(exitCodeOf(report)).toBe(1);
  });

  it('warns about keys set twice', () => {
    expect(findings(lint('a=1\nb=2\na=3\n'), 'lint.properties.duplicate')).toMatchObject([{ title: 'a is set 2 times (lines 1, 3); the last one wins', location: { line: 1 } }]);
  });

  it('derives the ports of the main port, from a placeholder default too', () => {
    expect(findings(lint('server.port=${NACOS_APPLICATION_PORT:18848}\n'), 'lint.port.main')[0]!.title).toBe(
      'main port 18848 (default of ${NACOS_APPLICATION_PORT}): 18848 main, 19848 client-grpc, 19849 cluster-grpc, 17848 raft',
    );
    expect(findings(lint('server.port=${PORT}\n'), 'lint.port.main')[0]).toMatchObject({ status: 'info' });
    expect(findings(lint(''), 'lint.port.main')[0]!.title).toContain('main port not set: 8848');
  });

  it('fails a main port whose role ports do not exist', () => {
    const [finding] = findings(lint('server.port=65000\n'), 'lint.port.main');
    expect(finding).toMatchObject({ status: 'fail', cause: 'BAD_MAIN_PORT' });
    expect(finding!.explanation).toContain('client-grpc port (P+1000) would be 66000');
    expect(findings(lint('server.port=http\n'), 'lint.port.main')[0]).toMatchObject({ status: 'fail', explanation: '"http" is not a port number' });
  });

  it('uses nacos.server.main.port in 3.x configs and flags keys that disagree', () => {
    expect(findings(lint('nacos.server.main.port=18848\n'), 'lint.port.main')[0]!.title).toMatch(/^main port 18848/);
    expect(findings(lint('server.port=8848\nnacos.server.main.port=18848\n'), 'lint.port.keys')[0]!.title).toBe('server.port=8848 and nacos.server.main.port=18848 disagree');
    const v3 = findings(lint('server.port=8848\nnacos.console.port=8080\n'), 'lint.port.keys')[0]!;
    expect(v3.fix).toBe('nacos.server.main.port=8848');
  });

  it('requires nacos.core.support.upgrade.from.1x when upgrading from 1.x', () => {
    expect(findings(lint('server.port=8848\n', undefined, { upgradeFrom1x: true }), 'lint.upgrade.from-1x')).toMatchObject([{ status: 'fail', cause: 'UPGRADE_FROM_1X_OFF' }]);
    expect(findings(lint('nacos.core.support.upgrade.from.1x=on\n', undefined, { upgradeFrom1x: true }), 'lint.upgrade.from-1x')).toMatchObject([{ status: 'ok' }]);
    expect(findings(lint('server.port=8848\n'), 'lint.upgrade.from-1x')).toEqual([]);
    expect(findings(lint('nacos.naming.empty-service.auto-clean=true\n'), 'lint.upgrade.from-1x')[0]!.title).toContain('--upgrade-from-1x');
    expect(findings(lint(undefined, THREE, { upgradeFrom1x: true }), 'lint.upgrade.from-1x')).toMatchObject([{ status: 'fail' }]);
  });
});

describe('lint: cluster.conf', () => {
  it('names the colliding port and members and proposes working main ports', () => {
    const report = lint('server.port=8848\n', '10.0.0.1:8848\n10.0.0.1:8849\n10.0.0.2:8849\n');
    const [collision, ...rest] = findings(report, 'lint.cluster.port-collision');
    expect(rest).toEqual([]);
    expect(collision).toMatchObject({
      status: 'fail',
      title: '10.0.0.1:8848 and 10.0.0.1:8849 both need port 9849',
      evidence: '9849 = 8848 +1001 (cluster-grpc) = 8849 +1000 (client-grpc)',
      location: { file: 'cluster.conf', line: 2 },
    });
    expect(collision!.fix).toContain('10.0.0.1:8848\n10.0.0.1:8850   # was 8849');
    expect(exitCodeOf(report)).toBe(1);
  });

  it('fills in the port of port-less members from server.port before comparing', () => {
    const report = lint('server.port=9848\n', '10.0.0.1\n10.0.0.1:8848\n10.0.0.2\n');
    expect(findings(report, 'lint.cluster.port-collision')[0]!.title).toBe('10.0.0.1 and 10.0.0.1:8848 both need port 8848');
    expect(report.sections[1]!.title).toBe('members without a port use 9848 (server.port (line 1))');
  });

  it('sees members on one host however the host is written: IPv6 forms, and localhost as 127.0.0.1/::1', () => {
    const v6 = findings(lint(undefined, '[::1]:8848\n[0:0:0:0:0:0:0:1]:8849\n10.0.0.9:8848\n'), 'lint.cluster.port-collision');
    expect(v6.map((finding) => finding.title)).toEqual(['[::1]:8848 and [0:0:0:0:0:0:0:1]:8849 both need port 9849']);
    const local = findings(lint(undefined, '127.0.0.1:8848\nlocalhost:8849\n10.0.0.9:8848\n'), 'lint.cluster.port-collision');
    expect(local).toMatchObject([{ title: '127.0.0.1:8848 and localhost:8849 both need port 9849', explanation: expect.stringContaining('127.0.0.1, localhost all name this machine (localhost is taken as 127.0.0.1/::1') }]);
    expect(local[0]!.fix).toContain('main ports that work on this machine (127.0.0.1, localhost)');
    const same = lint(undefined, 'localhost:8848\n127.0.0.1:8848\n[::1]:8848\n');
    expect(findings(same, 'lint.cluster.duplicate').map((finding) => finding.title)).toEqual([
      '127.0.0.1:8848 is the same member as localhost:8848 (lines 1 and 2)',
      '[::1]:8848 is the same member as localhost:8848 (lines 1 and 3)',
    ]);
    expect(findings(same, 'lint.cluster.duplicate')[0]!.explanation).toContain('localhost and 127.0.0.1 are both this machine');
  });

  it('proposes the working main ports once per host, however many pairs collide', () => {
    const five = ['8848', '8849', '8850', '8851', '8852'].map((port) => `10.0.0.1:${port}`).join('\n');
    const collisions = findings(lint(undefined, five), 'lint.cluster.port-collision');
    expect(collisions.length).toBeGreaterThan(2);
    expect(collisions.filter((finding) => finding.fix?.includes('main ports that work on 10.0.0.1'))).toHaveLength(1);
    expect(collisions.slice(1).map((finding) => finding.fix)).toEqual(collisions.slice(1).map(() => `use the main ports proposed for 10.0.0.1 at line ${collisions[0]!.location!.line}`));
  });

  it('reports a binary file once, instead of linting its bytes', () => {
    const junk = `\u0000\u001b[2J${'\u0007\u0001garbage=\u0002'.repeat(50)}`;
    const report = lint(junk, junk);
    expect(allFindings(report)).toMatchObject([
      { check: 'lint.file', status: 'fail', cause: 'BINARY_FILE', title: 'not a text file (it contains NUL bytes), so not read as application.properties' },
      { check: 'lint.file', status: 'fail', cause: 'BINARY_FILE', title: 'not a text file (it contains NUL bytes), so not read as cluster.conf' },
    ]);
  });

  it('cites public issues, not internal documents, in what it prints', () => {
    const report = lint('server.port=8848\n', '172.17.0.2:8848\n172.17.0.3:8848\n172.17.0.4:8848\n');
    expect(JSON.stringify(report)).not.toContain('NACOS-FACTS');
    expect(findings(report, 'lint.address.changing-ips')[0]!.explanation).toContain('(alibaba/nacos#4210, #11950, #12504)');
  });

  it('reports malformed lines, duplicates and thin clusters', () => {
    const report = lint(undefined, '10.0.0.1:8848\nnot a member\n10.0.0.1:8848\n');
    expect(findings(report, 'lint.cluster.syntax')).toMatchObject([{ status: 'fail', location: { line: 2 } }]);
    expect(findings(report, 'lint.cluster.duplicate')).toMatchObject([{ status: 'warn', title: '10.0.0.1:8848 is listed twice (lines 1 and 3)' }]);
    expect(findings(report, 'lint.cluster.members')).toMatchObject([{ status: 'warn', cause: 'NO_RAFT_MAJORITY_MARGIN' }]);
    expect(findings(lint(undefined, '# nobody\n'), 'lint.cluster.members')).toMatchObject([{ status: 'fail', title: 'no members listed' }]);
  });
});

describe('lint: member addresses', () => {
  it('says nacos.server.ip is ignored in application.properties', () => {
    const [finding] = findings(lint('nacos.server.ip=10.0.0.1\n', THREE), 'lint.address.server-ip');
    expect(finding).toMatchObject({ status: 'warn', fix: expect.stringMatching(/^nacos.inetutils.ip-address=10.0.0.1/) });
  });

  it('fails a pinned address that is not a member', () => {
    expect(findings(lint('nacos.inetutils.ip-address=10.0.0.9\n', THREE), 'lint.address.self')).toMatchObject([{ status: 'fail', cause: 'SELF_NOT_MEMBER' }]);
    expect(findings(lint('nacos.inetutils.ip-address=10.0.0.2\n', THREE), 'lint.address.self')).toEqual([]);
  });

  it('asks for prefer-hostname-over-ip when members are named by hostname', () => {
    const names = 'nacos-0.nacos:8848\nnacos-1.nacos:8848\nnacos-2.nacos:8848\n';
    expect(findings(lint('server.port=8848\n', names), 'lint.address.hostnames')).toMatchObject([{ status: 'warn', fix: expect.stringContaining('prefer-hostname-over-ip=true') }]);
    expect(findings(lint('nacos.inetutils.prefer-hostname-over-ip=true\n', names), 'lint.address.hostnames')).toEqual([]);
  });

  it('advises stable addresses when members use container or pod IPs', () => {
    const [finding] = findings(lint('server.port=8848\n', '172.17.0.5:8848\n172.17.0.6:8848\n10.244.1.7:8848\n'), 'lint.address.changing-ips');
    expect(finding).toMatchObject({ status: 'warn', cause: 'CHANGING_MEMBER_IPS' });
    expect(finding!.evidence).toBe(
      '172.17.0.5 in 172.17.0.0/16, the default Docker bridge; 172.17.0.6 in 172.17.0.0/16, the default Docker bridge; 10.244.1.7 in 10.244.0.0/16, a Kubernetes pod network (kubeadm/flannel default)',
    );
    expect(finding!.fix).toContain('nacos.inetutils.ip-address');
    expect(findings(lint('server.port=8848\n', THREE), 'lint.address.changing-ips')).toEqual([]);
  });
});
