import { describe, expect, it } from 'vitest';
import { classifyTcp, checkedRoles } from '../../../src/doctor/probes/tcp.js';
import { dials, http, ok, only, options, state, target } from '../factories.js';

describe('classifyTcp', () => {
  it('passes every open port with its connect time', () => {
    const findings = classifyTcp({ tcp: dials(8848) }, target(), options());
    expect(findings.map((finding) => [finding.check, finding.status])).toEqual([
      ['tcp.main', 'ok'],
      ['tcp.client-grpc', 'ok'],
      ['tcp.cluster-grpc', 'ok'],
    ]);
    expect(only(findings, 'tcp.client-grpc').title).toContain('10.0.0.1:9848');
  });

  it('fails a refused gRPC port with the client error and a fix naming the port', () => {
    const finding = only(classifyTcp({ tcp: dials(8848, { 'client-grpc': 'refused' }) }, target(), options()), 'tcp.client-grpc');
    expect(finding).toMatchObject({ status: 'fail', cause: 'GRPC_PORT_CLOSED' });
    expect(finding.explanation).toContain('Client not connected, current status:STARTING');
    expect(finding.fix).toContain('9848');
    expect(finding.fix).toContain('-p 8848:8848 -p 9848:9848');
  });

  it('publishes the default container ports when the server does not report its own (Docker -p H:8848, catalogue case 2)', () => {
    const before23 = http({ state: { v1: ok(state({ version: '2.2.3', server_port: undefined })) } });
    const finding = only(classifyTcp({ tcp: dials(39999, { 'client-grpc': 'refused' }), http: before23 }, target('10.0.0.1:39999'), options()), 'tcp.client-grpc');
    expect(finding.fix).toContain('-p 39999:8848 -p 40999:9848');
    expect(finding.fix).not.toContain('-p 39999:39999');
    expect(finding.fix).toContain('container port 8848 is the Nacos default');
  });

  it('adds the container hint to a refused loopback address, and only there (catalogue case 15)', () => {
    for (const input of ['127.0.0.1:8848', 'localhost:8848', '[::1]:8848']) {
      const finding = only(classifyTcp({ tcp: dials(8848, { main: 'refused' }) }, target(input), options()), 'tcp.main');
      expect(finding.explanation, input).toContain('reaches its own container');
      expect(finding.fix, input).toContain('not localhost');
    }
    const remote = only(classifyTcp({ tcp: dials(8848, { main: 'refused' }) }, target(), options()), 'tcp.main');
    expect(remote.fix).not.toContain('localhost');
  });

  it('tells refused, timed out and reset apart', () => {
    const findings = classifyTcp({ tcp: dials(8848, { main: 'refused', 'client-grpc': 'timeout', 'cluster-grpc': 'reset' }) }, target(), options({ cluster: true }));
    expect(findings.map((finding) => finding.cause)).toEqual(['MAIN_PORT_CLOSED', 'PORT_FILTERED', 'PORT_RESET']);
  });

  it('only warns about the server-side ports from a client network, and fails them with --cluster', () => {
    const observed = { tcp: dials(8848, { 'cluster-grpc': 'refused', raft: 'timeout' }) };
    expect(classifyTcp(observed, target(), options()).filter((finding) => finding.status !== 'ok').map((finding) => finding.status)).toEqual(['warn', 'warn']);
    const asMember = classifyTcp(observed, target(), options({ cluster: true })).filter((finding) => finding.status !== 'ok');
    expect(asMember.map((finding) => finding.status)).toEqual(['fail', 'fail']);
    const refused = asMember.find((finding) => finding.cause === 'SERVER_PORT_CLOSED')!;
    expect(refused.explanation).not.toContain('expected');
    expect(refused.explanation).toContain('no leader');
    expect(classifyTcp(observed, target(), options())[2]!.explanation).toContain('from a client network this is expected');
  });

  it('checks P-1000 only with --cluster', () => {
    expect(checkedRoles({ cluster: false })).toEqual(['main', 'client-grpc', 'cluster-grpc']);
    expect(checkedRoles({ cluster: true })).toContain('raft');
  });

  it('reports a derived port outside 1-65535', () => {
    const finding = classifyTcp({ tcp: { dials: [{ role: 'client-grpc', port: undefined, outcome: 'no-port', elapsedMs: 0 }] } }, target('10.0.0.1:65000'), options())[0]!;
    expect(finding).toMatchObject({ status: 'fail', cause: 'NO_SUCH_PORT' });
  });
});
