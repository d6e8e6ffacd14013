import { describe, expect, it } from 'vitest';
import { classifyHttp } from '../../../src/doctor/probes/http.js';
import { dials, failed, http, ok, only, state, target } from '../factories.js';

const TIMEOUT = { code: 'ERR_HTTP_TIMEOUT', errno: 'ETIMEDOUT', phase: 'response' };

describe('classifyHttp', () => {
  it('reports a ready member, its version, mode, auth and own port, and naming UP', () => {
    const findings = classifyHttp({ http: http(), tcp: dials(8848) }, target());
    expect(findings.map((finding) => [finding.check, finding.status])).toEqual([
      ['http.readiness', 'ok'],
      ['http.state', 'ok'],
      ['http.naming', 'ok'],
    ]);
    expect(only(findings, 'http.state').title).toBe('Nacos 2.5.1, cluster mode, auth off, main port 8848');
  });

  it('recognises a 3.x server from the v3 API when v1 and v2 are gone', () => {
    const gone = failed({ code: 'ERR_NACOS_API_ABSENT', status: 410 });
    const observation = http({ readiness: { v1: gone, v2: gone, v3: ok({ ready: true, message: 'ok' }) }, state: { v1: gone, v3: ok(state({ version: '3.0.3' })) } });
    const findings = classifyHttp({ http: observation, tcp: dials(8848) }, target());
    expect(only(findings, 'http.readiness').evidence).toContain('v3');
    expect(only(findings, 'http.state').title).toContain('Nacos 3.0.3');
  });

  it('warns on Nacos 3 that v1 readiness probes (and, on 3.2+, v1 clients) fail, with the v3 replacement', () => {
    const gated = failed<never>({ code: 'ERR_NACOS_API_ABSENT', status: 410 });
    const v3Ready = ok({ ready: true, message: 'ok' });
    const on31 = classifyHttp({ http: http({ readiness: { v1: gated, v2: gated, v3: v3Ready }, state: { v1: gated, v3: ok(state({ version: '3.1.1' })) } }), tcp: dials(8848) }, target());
    const gatedFinding = only(on31, 'http.v1-api');
    expect(gatedFinding).toMatchObject({ status: 'warn', cause: 'V1_API_GONE', data: { readinessStatus: 410, v1ClientApi: true } });
    expect(gatedFinding.title).toContain('/v1/console/health/readiness probes fail');
    expect(gatedFinding.fix).toContain('/nacos/v3/admin/core/state/readiness');
    const gone = failed<never>({ code: 'ERR_NACOS_API_ABSENT', status: 404 });
    const on32 = classifyHttp(
      { http: http({ readiness: { v1: gone, v2: gone, v3: v3Ready }, state: { v1: gone, v3: ok(state({ version: '3.2.4' })) }, naming: { v1: gone, v3: ok('UP') } }), tcp: dials(8848) },
      target(),
    );
    expect(only(on32, 'http.v1-api')).toMatchObject({ data: { readinessStatus: 404, v1ClientApi: false } });
    expect(only(on32, 'http.v1-api').title).toContain('v1 clients');
    expect(only(on32, 'http.naming')).toMatchObject({ status: 'ok', evidence: '/v3/admin/ns/ops/metrics status UP' });
    expect(classifyHttp({ http: http(), tcp: dials(8848) }, target()).map((finding) => finding.check)).not.toContain('http.v1-api');
  });

  it('reads a DOWN naming module from the v3 admin API where v1 is gone (3.2+), and says when that API needs a login', () => {
    const gone = failed<never>({ code: 'ERR_NACOS_API_ABSENT', status: 404 });
    const down = only(classifyHttp({ http: http({ naming: { v1: gone, v3: ok('DOWN') } }), tcp: dials(8848) }, target()), 'http.naming');
    expect(down).toMatchObject({ status: 'fail', cause: 'NACOS_DOWN', evidence: '/v3/admin/ns/ops/metrics status DOWN' });
    const denied = failed<never>({ code: 'ERR_NACOS_AUTH', status: 403, body: 'user not found!' });
    expect(only(classifyHttp({ http: http({ naming: { v1: gone, v3: denied } }), tcp: dials(8848) }, target()), 'http.naming')).toMatchObject({ status: 'skipped' });
  });

  it('fails a member whose modules are not ready', () => {
    const observation = http({ readiness: { v1: ok({ ready: false, message: 'naming not in readiness' }), v2: ok({ ready: false, message: 'naming not in readiness' }) } });
    expect(only(classifyHttp({ http: observation, tcp: dials(8848) }, target()), 'http.readiness')).toMatchObject({ status: 'fail', cause: 'NOT_READY' });
  });

  it('turns 503 "server is DOWNnow" into the Raft advice of the FAQ', () => {
    const naming = failed<string>({ code: 'ERR_NACOS_DOWN', status: 503, serverStatus: 'DOWN', body: 'server is DOWNnow, please try again later!' });
    const finding = only(classifyHttp({ http: http({ naming: { v1: naming } }), tcp: dials(8848) }, target()), 'http.naming');
    expect(finding).toMatchObject({ status: 'fail', cause: 'NACOS_DOWN' });
    expect(finding.evidence).toContain('server is DOWNnow');
    expect(finding.fix).toContain('data/protocol');
    expect(finding.fix).toContain('nacos.server.ip');
    expect(finding.fix).toContain('cluster.conf');
    expect(finding.fix).toContain('7848');
  });

  it('names a missing Raft leader when the 503 says so', () => {
    const naming = failed<string>({ code: 'ERR_NACOS_DOWN', status: 503, serverStatus: 'DOWN', detail: 'Optional[No leader for raft group naming_persistent_service]' });
    expect(only(classifyHttp({ http: http({ naming: { v1: naming } }), tcp: dials(8848) }, target()), 'http.naming').cause).toBe('RAFT_NO_LEADER');
  });

  it('calls an open port without an HTTP answer a black hole, once', () => {
    const none = failed<never>(TIMEOUT);
    const findings = classifyHttp({ http: http({ readiness: { v1: none, v2: none, v3: none }, state: { v1: none, v3: none }, naming: { v1: none, v3: none } }), tcp: dials(8848) }, target());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: 'fail', cause: 'HTTP_NO_ANSWER' });
  });

  it('leaves a closed main port to the TCP finding', () => {
    const refused = failed<never>({ code: 'ERR_CONNECT_REFUSED', errno: 'ECONNREFUSED', phase: 'connect' });
    const findings = classifyHttp({ http: http({ readiness: { v1: refused, v2: refused, v3: refused }, state: { v1: refused, v3: refused }, naming: { v1: refused, v3: refused } }), tcp: dials(8848, { main: 'refused' }) }, target());
    expect(findings).toEqual([expect.objectContaining({ check: 'http.readiness', status: 'skipped' })]);
  });

  it('tells a wrong context path from a dead server, and a gRPC port given as the address', () => {
    const absent = failed<never>({ code: 'ERR_NACOS_API_ABSENT', status: 404 });
    const wrongPath = classifyHttp({ http: http({ readiness: { v1: absent, v2: absent, v3: absent } }), tcp: dials(8848) }, target());
    expect(wrongPath[0]).toMatchObject({ cause: 'NOT_NACOS_HTTP' });
    expect(wrongPath[0]!.fix).toContain('--context-path');
    const inUrl = classifyHttp({ http: http({ readiness: { v1: absent, v2: absent, v3: absent } }), tcp: dials(8848) }, target('http://10.0.0.1:8848/wrong'));
    expect(inUrl[0]!.fix).toContain('the address itself carries the context path "/wrong", which wins over --context-path');
    expect(inUrl[0]!.fix).toContain('http://10.0.0.1:8848/nacos');
    expect(inUrl[0]!.fix).not.toContain('pass the context path');
    const binary = failed<never>({ code: 'ERR_CONNECT', errno: 'HPE_INVALID_CONSTANT', phase: 'response' });
    const grpcPort = classifyHttp({ http: http({ readiness: { v1: binary, v2: binary, v3: binary } }), tcp: dials(9848) }, target('10.0.0.1:9848'));
    expect(grpcPort[0]).toMatchObject({ cause: 'NOT_HTTP' });
    expect(grpcPort[0]!.fix).toContain('8848');
  });

  it('tells a TLS failure of an https:// address and a reset without answer apart', () => {
    // What node:https reports for https:// to a plain HTTP port that drops the ClientHello.
    const tls = failed<never>({
      code: 'ERR_CONNECT_RESET',
      errno: 'ECONNRESET',
      phase: 'tls',
      message: 'GET https://10.0.0.1:8848/nacos/v1/console/health/readiness failed during the TLS handshake: ECONNRESET (Client network socket disconnected before secure TLS connection was established)',
    });
    const https = classifyHttp({ http: http({ readiness: { v1: tls, v2: tls, v3: tls } }), tcp: dials(8848) }, target('https://10.0.0.1:8848'));
    expect(https).toEqual([expect.objectContaining({ status: 'fail', cause: 'HTTPS_FAILED', title: 'HTTPS to port 8848 fails' })]);
    expect(https[0]!.explanation).toContain('does not speak TLS');
    expect(https[0]!.fix).toContain('use http://10.0.0.1:8848/nacos');
    const certificate = failed<never>({ code: 'ERR_CONNECT', errno: 'DEPTH_ZERO_SELF_SIGNED_CERT', phase: 'tls' });
    const untrusted = classifyHttp({ http: http({ readiness: { v1: certificate, v2: certificate, v3: certificate } }), tcp: dials(8848) }, target('https://10.0.0.1:8848'));
    expect(untrusted[0]).toMatchObject({ cause: 'HTTPS_FAILED' });
    expect(untrusted[0]!.fix).toContain('NODE_EXTRA_CA_CERTS');
    const reset = failed<never>({ code: 'ERR_CONNECT_RESET', errno: 'ECONNRESET', phase: 'response' });
    const cut = classifyHttp({ http: http({ readiness: { v1: reset, v2: reset, v3: reset } }), tcp: dials(8848) }, target());
    expect(cut).toEqual([expect.objectContaining({ status: 'fail', cause: 'PORT_RESET' })]);
    expect(cut[0]!.fix).toContain('port 8848');
  });
});
