import { describe, expect, it } from 'vitest';
import { classifyH2, type H2PortObservation } from '../../../src/doctor/probes/h2.js';
import type { GrpcPortObservation } from '../../../src/doctor/probes/grpc.js';
import { dials, failed, ok, target } from '../factories.js';

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

  it('fails a black hole', () => {
    expect(classifyH2({ h2: h2({ end: 'timeout' }) }, target())[0]).toMatchObject({ status: 'fail', cause: 'BLACK_HOLE' });
  });

  it('skips a port it could not connect to', () => {
    const observed = { h2: h2({ connect: failed({ code: 'ERR_CONNECT_REFUSED' }) }), tcp: dials(8848, { 'client-grpc': 'refused' }) };
    expect(classifyH2(observed, target())[0]).toMatchObject({ status: 'skipped' });
  });
});
