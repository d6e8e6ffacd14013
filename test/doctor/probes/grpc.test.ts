import { describe, expect, it } from 'vitest';
import { classifyGrpc, parseConnectionId, type GrpcPortObservation } from '../../../src/doctor/probes/grpc.js';
import type { H2PortObservation } from '../../../src/doctor/probes/h2.js';
import { dials, failed, ok, only, target } from '../factories.js';

const LOCAL = { address: '10.0.0.5', port: 51234 };

function port(fields: Partial<GrpcPortObservation> = {}): GrpcPortObservation {
  return {
    role: 'client-grpc',
    port: 9848,
    connect: ok(undefined),
    local: LOCAL,
    serverCheck: ok({ connectionId: '1700000000000_10.0.0.5_51234', supportAbilityNegotiation: true }),
    setup: ok({ connectionId: '1700000000001_10.0.0.5_51234', setupAck: 'received' }),
    healthCheck: ok({ errorCode: 0, message: '' }),
    ...fields,
  };
}

function h2(fields: Partial<H2PortObservation>): { ports: H2PortObservation[] } {
  return { ports: [{ role: 'client-grpc', port: 9848, connect: ok(undefined), unsolicited: '', answer: '', end: 'enough', ...fields }] };
}

describe('classifyGrpc', () => {
  it('passes a handshake that keeps one connection, and sees no NAT when the server names our socket', () => {
    const findings = classifyGrpc({ grpc: { ports: [port({ setup: ok({ connectionId: '1700000000000_10.0.0.5_51234', setupAck: 'received' }) })] } }, target());
    expect(only(findings, 'grpc.client-grpc')).toMatchObject({ status: 'ok' });
    expect(only(findings, 'grpc.client-grpc.path')).toMatchObject({ status: 'ok' });
  });

  it('proves a connection-splitting proxy by a new connectionId on the same HTTP/2 connection', () => {
    const finding = only(classifyGrpc({ grpc: { ports: [port({ setup: ok({ connectionId: '1700000000001_10.0.0.9_40000', setupAck: 'received' }) })] } }, target()), 'grpc.client-grpc');
    expect(finding).toMatchObject({ status: 'fail', cause: 'CONNECTION_SPLIT' });
    expect(finding.evidence).toContain('different connectionIds');
    expect(finding.fix).toContain('plain TCP');
  });

  it('proves it by errorCode 301 on the HealthCheck, quoting the server header', () => {
    const observation = port({
      serverCheck: ok({ connectionId: '1_10.0.0.9_40000', supportAbilityNegotiation: true, server: 'nginx/1.22.1' }),
      setup: ok({ connectionId: '1_10.0.0.9_40000', setupAck: 'received' }),
      healthCheck: ok({ errorCode: 301, message: 'Connection is unregistered.' }),
    });
    const findings = classifyGrpc({ grpc: { ports: [observation] } }, target());
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence).toContain('errorCode 301 "Connection is unregistered."');
    expect(findings[0]!.evidence).toContain('server: nginx/1.22.1');
  });

  it('reports an L4 proxy or NAT as information when the server names another peer', () => {
    const findings = classifyGrpc({ grpc: { ports: [port({ serverCheck: ok({ connectionId: '1_10.0.0.9_40000', supportAbilityNegotiation: true }), setup: ok({ connectionId: '1_10.0.0.9_40000', setupAck: 'received' }) })] } }, target());
    expect(only(findings, 'grpc.client-grpc.path')).toMatchObject({ status: 'info', data: { local: '10.0.0.5:51234', seenByServer: '10.0.0.9:40000' } });
  });

  it('names a starting server, a proxy error page and a black hole', () => {
    const starting = classifyGrpc({ grpc: { ports: [port({ serverCheck: failed({ code: 'ERR_NACOS_RESPONSE', errorCode: 300 }) })] } }, target());
    expect(starting[0]!.cause).toBe('SERVER_STARTING');
    const badGateway = classifyGrpc({ grpc: { ports: [port({ serverCheck: failed({ code: 'ERR_GRPC_HTTP', status: 502, server: 'nginx' }) })] } }, target());
    expect(badGateway[0]!.cause).toBe('PROXY_BAD_GATEWAY');
    const silent = { grpc: { ports: [port({ connect: failed({ code: 'ERR_GRPC_TIMEOUT', phase: 'h2-settings' }) })] }, h2: h2({ end: 'timeout' }), tcp: dials(8848) };
    expect(classifyGrpc(silent, target())[0]).toMatchObject({ status: 'fail', cause: 'BLACK_HOLE' });
  });

  it('gives each Nacos errorCode of §1.5 its own cause instead of a generic gRPC failure', () => {
    const causes = [403, 503, 302, 502].map((errorCode) => {
      const refused = port({ healthCheck: ok({ errorCode, message: `code ${errorCode}` }), setup: ok({ connectionId: '1700000000000_10.0.0.5_51234', setupAck: 'received' }) });
      return only(classifyGrpc({ grpc: { ports: [refused] } }, target()), 'grpc.client-grpc').cause;
    });
    expect(causes).toEqual(['GRPC_NO_RIGHT', 'GRPC_OVER_THRESHOLD', 'GRPC_NO_HANDLER', 'GRPC_BAD_REQUEST']);
    const onServerCheck = classifyGrpc({ grpc: { ports: [port({ serverCheck: failed({ code: 'ERR_NACOS_RESPONSE', errorCode: 403, message: 'user not found!' }) })] } }, target());
    expect(onServerCheck[0]).toMatchObject({ cause: 'GRPC_NO_RIGHT' });
    expect(onServerCheck[0]!.fix).toContain('--username/--password');
  });

  it('skips a port that does not accept connections (the TCP finding says so)', () => {
    const refused = { grpc: { ports: [port({ connect: failed({ code: 'ERR_CONNECT_REFUSED', phase: 'connect' }) })] }, tcp: dials(8848, { 'client-grpc': 'refused' }) };
    expect(classifyGrpc(refused, target())[0]).toMatchObject({ status: 'skipped' });
  });

  it('says when a server before 2.3 sends no SetupAck', () => {
    const old = port({ serverCheck: ok({ connectionId: '1_10.0.0.5_51234', supportAbilityNegotiation: false }), setup: ok({ connectionId: '1_10.0.0.5_51234', setupAck: 'not-supported' }) });
    expect(only(classifyGrpc({ grpc: { ports: [old] } }, target()), 'grpc.client-grpc').title).toContain('no SetupAck (server before 2.3)');
  });
});

describe('parseConnectionId', () => {
  it('reads the peer the server sees, IPv6 and mapped IPv4 included', () => {
    expect(parseConnectionId('1693900000000_10.0.0.7_53412')).toEqual({ ip: '10.0.0.7', port: 53412 });
    expect(parseConnectionId('1693900000000_::1_53412')).toEqual({ ip: '::1', port: 53412 });
    expect(parseConnectionId('1693900000000_::ffff:10.0.0.7_1')).toEqual({ ip: '10.0.0.7', port: 1 });
    expect(parseConnectionId('garbage')).toBeUndefined();
  });
});
