import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../../src/doctor/probes/address.js';
import { classifyHttp } from '../../../src/doctor/probes/http.js';
import { classifyOffset } from '../../../src/doctor/probes/offset.js';
import { classifyTcp } from '../../../src/doctor/probes/tcp.js';
import { dials, failed, http, only, options, target } from '../factories.js';

/** What node:http reports when a grpc-java server answers its request: the server's SETTINGS first. */
const SETTINGS = '00001204000000000000037fffffff000400100000000600002000000004080000000000000f0001';

function observedAt(port: number, received: string | undefined): Parameters<typeof classifyAddress>[0] {
  const binary = failed<never>({ code: 'ERR_CONNECT', errno: 'HPE_INVALID_CONSTANT', phase: 'response', ...(received ? { received } : {}) });
  return { http: http({ readiness: { v1: binary, v2: binary, v3: binary } }), tcp: dials(port, { 'client-grpc': 'refused', 'cluster-grpc': 'refused' }) };
}

describe('classifyAddress', () => {
  it('leads with "the address is a gRPC port" when P answers HTTP/1.1 with HTTP/2 SETTINGS (catalogue case 17)', () => {
    const observed = observedAt(9848, SETTINGS);
    const [finding] = classifyAddress(observed, target('10.0.0.1:9848'));
    expect(finding).toMatchObject({ check: 'address', status: 'fail', cause: 'ADDRESS_IS_GRPC_PORT', data: { port: 9848, mainPort: 8848 } });
    expect(finding!.evidence).toContain('HTTP/2 SETTINGS frame max_concurrent_streams=2147483647');
    expect(finding!.fix).toContain('point serverAddr at the main port 8848 (= 9848 - 1000): 10.0.0.1:8848');
    expect(finding!.explanation).toContain('Unexpected HTTP/1.x request');
  });

  it('keeps the other findings from burying it: no port-opening fix for P+1000, no HTTP or offset failure', () => {
    const observed = observedAt(9848, SETTINGS);
    const tcp = classifyTcp(observed, target('10.0.0.1:9848'), options());
    expect(only(tcp, 'tcp.client-grpc')).toMatchObject({ status: 'info' });
    expect(only(tcp, 'tcp.client-grpc').fix).toBeUndefined();
    expect(classifyHttp(observed, target('10.0.0.1:9848'))).toEqual([expect.objectContaining({ check: 'http.readiness', status: 'skipped' })]);
    expect(classifyOffset(observed, target('10.0.0.1:9848'))).toEqual([]);
  });

  it('says nothing without the HTTP/2 proof', () => {
    expect(classifyAddress(observedAt(9848, undefined), target('10.0.0.1:9848'))).toEqual([]);
    expect(classifyAddress(observedAt(9848, Buffer.from('SSH-2.0-OpenSSH_9.2\r\n').toString('hex')), target('10.0.0.1:9848'))).toEqual([]);
    expect(classifyAddress({ http: http(), tcp: dials(8848) }, target())).toEqual([]);
  });
});
