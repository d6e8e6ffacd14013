import { describe, expect, it } from 'vitest';
import { CHECK_CAUSES, advice } from '../../src/doctor/advice.js';
import { dials, http, members, node, ok, state, target } from './factories.js';

describe('advice', () => {
  it('gives every cause an explanation and a fix', () => {
    for (const cause of CHECK_CAUSES) {
      const { explanation, fix } = advice(cause, { target: target(), observed: { tcp: dials(8848), http: http() }, role: 'client-grpc', port: 9848 });
      expect(explanation.length, cause).toBeGreaterThan(20);
      expect(fix.length, cause).toBeGreaterThan(10);
    }
  });

  it('quotes ready generator commands with the members it saw and the docker -p flags', () => {
    const observed = { tcp: dials(18848), http: http({ state: { v1: ok(state({ server_port: 8848 })) } }), members: members(node('10.0.0.11:8848'), node('10.0.0.12:8848')) };
    const { fix } = advice('GRPC_PORT_CLOSED', { target: target('10.0.0.100:18848'), observed });
    expect(fix).toContain('nacos-doctor nginx --listen 18848 --upstream 10.0.0.11:8848 --upstream 10.0.0.12:8848');
    expect(fix).toContain('nacos-proxy --listen 10.0.0.100:18848 --upstream 10.0.0.11:8848,10.0.0.12:8848');
    expect(fix).toContain('-p 18848:8848 -p 19848:9848');
    expect(fix).toContain('nacos-doctor docker --host-port 18848 --container-port 8848 --k8s');
  });

  it('uses placeholders where the members are unknown, and never quotes a command the generator would refuse', () => {
    const { fix } = advice('H2_TERMINATING_PROXY', { target: target('10.0.0.100:8848') });
    expect(fix).toContain('--upstream <member>:8848');
    expect(fix).not.toContain('docker');
  });

  it('tells a 1.x server apart: it has no gRPC port at all', () => {
    const { explanation, fix } = advice('GRPC_PORT_CLOSED', { target: target(), observed: { http: http({ state: { v1: ok(state({ version: '1.4.1', server_port: undefined })) } }) } });
    expect(explanation).toContain('Nacos 1.x');
    expect(fix).toContain('upgrade');
  });

  it('gives the FAQ fixes for a DOWN naming module', () => {
    const { explanation, fix } = advice('NACOS_DOWN', { target: target() });
    expect(explanation).toContain('Raft');
    expect(fix).toMatch(/delete its data\/protocol/);
    expect(fix).toMatch(/hostnames in cluster\.conf/);
    expect(fix).toMatch(/nacos\.server\.ip/);
  });
});
