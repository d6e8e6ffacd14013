import { describe, expect, it } from 'vitest';
import { analyzeGroup, memberMainPort, type Layer, type MappingGroup, type PortMapping } from '../../src/lint-ports/mapping.js';

function mapping(front: number, back: number, layer: Layer = 'tcp', line = front): PortMapping {
  return { front, back, layer, line, text: `${front}:${back}` };
}

function group(mappings: PortMapping[], extra: Partial<MappingGroup> = {}): MappingGroup {
  return {
    file: 'f',
    subject: 'service s',
    frontName: 'host port',
    mappings,
    line: 1,
    fix: { add: (front, back) => `add ${front}:${back}`, change: (m, front, back) => `${m.text} -> ${front}:${back}` },
    ...extra,
  };
}

function summary(mappings: PortMapping[], extra: Partial<MappingGroup> = {}): string[] {
  return analyzeGroup(group(mappings, extra)).map((item) => `${item.status} ${item.cause ?? ''} ${item.location?.line ?? ''} ${item.fix ?? ''}`.trim());
}

describe('memberMainPort', () => {
  it('finds the main port that explains the most back ports, preferring 8848', () => {
    expect(memberMainPort([8848, 9848])).toBe(8848);
    expect(memberMainPort([9848])).toBe(8848);
    expect(memberMainPort([18848, 19848, 19849])).toBe(18848);
    expect(memberMainPort([7001], 7001)).toBe(7001);
  });

  it('does not call a lone non-Nacos port Nacos', () => {
    expect(memberMainPort([80])).toBeUndefined();
    expect(memberMainPort([18848])).toBeUndefined();
    expect(memberMainPort([])).toBeUndefined();
  });
});

describe('analyzeGroup', () => {
  it('passes mappings that keep every offset, listing them', () => {
    const findings = analyzeGroup(group([mapping(18848, 8848), mapping(19848, 9848), mapping(19849, 9849), mapping(17848, 7848)]));
    expect(findings).toEqual([
      {
        check: 'ports.offsets',
        status: 'ok',
        title: 'service s: offsets kept',
        evidence: '18848->8848 main, 19848->9848 client-grpc, 19849->9849 cluster-grpc, 17848->7848 raft',
        location: { file: 'f', line: 1 },
      },
    ]);
  });

  it('flags a missing P+1000 with the mapping to add (NACOS-FACTS §4 cases 1, 2)', () => {
    expect(summary([mapping(60001, 8848)])).toEqual(['fail GRPC_PORT_NOT_EXPOSED 60001 add 61001:9848']);
  });

  it('flags a broken offset with the port it should be on (case 3), once', () => {
    expect(summary([mapping(8082, 8848), mapping(8083, 9848)])).toEqual(['fail OFFSET_BROKEN 8083 8083:9848 -> 9082:9848']);
    expect(summary([mapping(18848, 8848), mapping(19848, 9848), mapping(9849, 9849)])).toEqual(['fail OFFSET_BROKEN 9849 9849:9849 -> 19849:9849']);
  });

  it('flags the gRPC listen port forwarded to the main port (case 6)', () => {
    expect(summary([mapping(8085, 8848), mapping(9085, 8848)])).toEqual(['fail GRPC_TO_MAIN_PORT 9085 9085:8848 -> 9085:9848']);
  });

  it('flags gRPC through HTTP-level proxies (cases 7, 8, 9) but not HTTP on the main port', () => {
    expect(summary([mapping(8848, 8848, 'http'), mapping(9848, 9848, 'http2')])).toEqual(['fail GRPC_VIA_HTTP2_PROXY 9848 9848:9848 -> 9848:9848']);
    expect(summary([mapping(8848, 8848, 'http'), mapping(9848, 9848, 'http')])).toEqual(['fail GRPC_VIA_HTTP1_PROXY 9848 9848:9848 -> 9848:9848']);
  });

  it('warns, not fails, for an extra main port without gRPC when another has it', () => {
    expect(summary([mapping(8848, 8848), mapping(9848, 9848), mapping(80, 8848)])).toEqual(['warn GRPC_PORT_NOT_EXPOSED 80 add 1080:9848']);
  });

  it('warns when only gRPC is forwarded', () => {
    expect(summary([mapping(19848, 9848)])).toEqual(['warn MAIN_PORT_NOT_EXPOSED 19848 add 18848:8848']);
  });

  it('uses the declared main port (NACOS_APPLICATION_PORT)', () => {
    expect(summary([mapping(7001, 7001)], { mainPort: 7001 })).toEqual(['fail GRPC_PORT_NOT_EXPOSED 7001 add 8001:8001']);
  });

  it('does not report a gRPC port the caller already reported as published on a random port', () => {
    expect(summary([mapping(7001, 7001)], { mainPort: 7001, randomBacks: [8001] })).toEqual([]);
  });

  it('ignores groups that are not Nacos', () => {
    expect(analyzeGroup(group([mapping(80, 80), mapping(443, 443)]))).toEqual([]);
  });
});
