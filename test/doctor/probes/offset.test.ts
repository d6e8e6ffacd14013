import { describe, expect, it } from 'vitest';
import { classifyOffset } from '../../../src/doctor/probes/offset.js';
import type { GrpcObservation } from '../../../src/doctor/probes/grpc.js';
import { dials, failed, http, members, node, ok, state, target } from '../factories.js';

const reached: GrpcObservation = {
  ports: [{ role: 'client-grpc', port: 1080, connect: ok(undefined), serverCheck: ok({ connectionId: '1_10.0.0.9_5000', supportAbilityNegotiation: true }) }],
};

describe('classifyOffset', () => {
  it('passes the member\'s own main port', () => {
    const [finding] = classifyOffset({ tcp: dials(8848), http: http() }, target());
    expect(finding).toMatchObject({ status: 'ok', evidence: 'server_port 8848' });
  });

  it('passes a VIP that translates the port and keeps the offset', () => {
    const [finding] = classifyOffset({ tcp: dials(80), http: http(), grpc: reached }, target('vip.example:80', '10.0.0.100'));
    expect(finding).toMatchObject({ status: 'ok' });
    expect(finding!.title).toContain('1080 reaches gRPC');
  });

  it('explains a VIP on port 80 whose 1080 goes nowhere, with the mapping it needs', () => {
    const observed = { tcp: dials(80, { 'client-grpc': 'refused' }), http: http(), members: members(node('10.0.0.1:8848'), node('10.0.0.2:8848')) };
    const [finding] = classifyOffset(observed, target('vip.example:80', '10.0.0.100'));
    expect(finding).toMatchObject({ status: 'fail', cause: 'OFFSET_NOT_KEPT' });
    expect(finding!.explanation).toContain('80 + 1000 = 1080');
    expect(finding!.explanation).toContain('9848');
    expect(finding!.fix).toContain('nacos-doctor nginx --listen 80 --upstream 10.0.0.1:8848 --upstream 10.0.0.2:8848');
    expect(finding!.fix).toContain('-p 80:8848 -p 1080:9848');
  });

  it('explains a VIP on port 80 in front of a server before 2.3 (no server_port): what the VIP must expose, with the default container ports', () => {
    const unknown = http({ state: { v1: ok(state({ version: '2.2.3', server_port: undefined, startup_mode: undefined, standalone_mode: 'cluster' })) } });
    const [finding] = classifyOffset({ tcp: dials(80, { 'client-grpc': 'refused' }), http: unknown }, target('10.0.0.100:80'));
    expect(finding).toMatchObject({ status: 'fail', cause: 'OFFSET_NOT_KEPT' });
    expect(finding!.title).toContain('the VIP must expose 1080');
    expect(finding!.explanation).toContain('Nacos before 2.3');
    expect(finding!.explanation).toContain('80 + 1000 = 1080');
    expect(finding!.explanation).toContain('9848 by default');
    expect(finding!.fix).toContain('forward 1080');
    expect(finding!.fix).toContain('-p 80:8848 -p 1080:9848');
    expect(finding!.fix).toContain('--container-port 8848');
  });

  it('only says what clients dial when a server before 2.3 is on a port a member could use', () => {
    const unknown = http({ state: { v1: ok(state({ version: '2.2.3', server_port: undefined })) } });
    const [finding] = classifyOffset({ tcp: dials(18848, { 'client-grpc': 'refused' }), http: unknown }, target('10.0.0.100:18848'));
    expect(finding).toMatchObject({ status: 'info' });
    expect(finding!.title).toContain('dial 19848');
  });

  it('does not call the offset fine when the member\'s own port is given but P+1000 is not reachable there', () => {
    const [finding] = classifyOffset({ tcp: dials(8848, { 'client-grpc': 'refused' }), http: http() }, target());
    expect(finding).toMatchObject({ status: 'info' });
    expect(finding!.title).toContain('9848 on this address does not reach its gRPC port');
    expect(finding!.title).not.toContain("9848 is the member's");
  });

  it('says nothing without TCP observations (an address that did not resolve)', () => {
    expect(classifyOffset({ http: http({ state: { v1: failed({ code: 'ERR_CONNECT_REFUSED' }) } }) }, target())).toEqual([]);
  });
});
