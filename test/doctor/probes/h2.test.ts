import { describe, expect, it } from 'vitest';
import { classifyH2, type H2PortObservation } from '../../../src/doctor/probes/h2.js';
import { classifyGrpc, type GrpcPortObservation } from '../../../src/doctor/probes/grpc.js';
import { dials, failed, http, ok, target } from '../factories.js';

const GRPC_JAVA = '00001204000000000000037fffffff000400100000000600002000000004080000000000000f0001';
const NGINX = '000012040000000000000300000080000400010000000500ffffff0000040800000000007fff0000';

function h2(fields: Partial<H2PortObservation>): { ports: H2PortObservation[] } {
  return { ports: [{ role: 'client-grpc', port: 9848, connect: ok(undefined), unsolicited: '', answer: '', end: 'enough', ...fields }] };
}

describe('classifyH2', () => {
  it('passes a grpc-java server', () => {
    expect(classifyH2({ h2: h2({ unsolicited: GRPC_JAVA }) }, target())[0]).toMatchObject({ status: 'ok', data: { verdict: 'grpc-java' } });
  });

  it('fails nginx HTTP/2 termination with the SETTINGS and the server header as evidence', () => {
    const grpc: GrpcPortObservation = { role: 'client-grpc', port: 9848, connect: ok(undefined), serverCheck: ok({ connectionId: '1_a_1', supportAbilityNegotiation: true, server: 'nginx/1.22.1' }) };
    const [finding] = classifyH2({ h2: h2({ answer: NGINX }), grpc: { ports: [grpc] } }, target());
    expect(finding).toMatchObject({ status: 'fail', cause: 'H2_TERMINATING_PROXY', title: '9848 (P+1000): nginx HTTP/2 termination' });
    expect(finding!.evidence).toMatch(/max_frame_size=16777215.*server: nginx\/1\.22\.1/);
    expect(finding!.explanation).toContain('Connection is unregistered.');
  });

  it('fails an HTTP/1 proxy, and only warns about TLS', () => {
    const answer = Buffer.from('HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n', 'latin1').toString('hex');
    expect(classifyH2({ h2: h2({ answer, end: 'closed' }) }, target())[0]).toMatchObject({ status: 'fail', cause: 'HTTP1_PROXY' });
    expect(classifyH2({ h2: h2({ end: 'closed', tls: { ok: true, protocol: 'TLSv1.3' } }) }, target())[0]).toMatchObject({ status: 'warn', cause: 'TLS_ON_GRPC_PORT' });
  });

  it('names a gRPC port that forwards to a member\'s main port when it answers the Nacos HTTP API (catalogue case 6)', () => {
    const forwarded = h2({ end: 'closed', mainApi: ok({ version: '2.5.1', serverPort: 8848 }) });
    const [finding] = classifyH2({ h2: forwarded, http: http() }, target());
    expect(finding).toMatchObject({ status: 'fail', cause: 'GRPC_TO_MAIN_PORT', data: { answersHttpApi: true } });
    expect(finding!.title).toBe("9848 (P+1000) answers as the Nacos HTTP API, not gRPC: it forwards to a member's main port");
    expect(finding!.evidence).toContain('answers Nacos 2.5.1 (server_port 8848), the same server as P');
    expect(finding!.explanation).toContain('proxy_pass <member>:8848');
    expect(finding!.fix).toContain("the members' gRPC port 9848");
    const grpc = classifyGrpc({ h2: forwarded, grpc: { ports: [{ role: 'client-grpc', port: 9848, connect: failed({ code: 'ERR_GRPC_CLOSED', phase: 'h2-settings' }) }] }, tcp: dials(8848) }, target());
    expect(grpc[0]).toMatchObject({ status: 'fail', cause: 'GRPC_TO_MAIN_PORT' });
    const notNacos = h2({ end: 'closed', mainApi: failed({ code: 'ERR_NACOS_API_ABSENT', status: 404 }) });
    expect(classifyH2({ h2: notNacos }, target())[0]).toMatchObject({ cause: 'CLOSED_ON_PREFACE' });
  });

  it('fails a black hole', () => {
    expect(classifyH2({ h2: h2({ end: 'timeout' }) }, target())[0]).toMatchObject({ status: 'fail', cause: 'BLACK_HOLE' });
  });

  it('skips a port it could not connect to', () => {
    const observed = { h2: h2({ connect: failed({ code: 'ERR_CONNECT_REFUSED' }) }), tcp: dials(8848, { 'client-grpc': 'refused' }) };
    expect(classifyH2(observed, target())[0]).toMatchObject({ status: 'skipped' });
  });
});
