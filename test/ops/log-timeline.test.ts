import { describe, expect, it } from 'vitest';
import { LogScanAccumulator, MAX_KEYS_PER_SIGNATURE, MAX_TIMELINE, type LogScanResult } from '../../src/ops/log-timeline.js';

function scan(files: Record<string, string>): LogScanResult {
  const accumulator = new LogScanAccumulator();
  for (const [name, text] of Object.entries(files)) {
    accumulator.startFile(name);
    text.split('\n').forEach((line, index) => accumulator.observe(index + 1, line));
  }
  return accumulator.result();
}

const at = (second: number): string => `2024-03-01 10:00:${String(second).padStart(2, '0')},000`;

describe('LogScanAccumulator', () => {
  it('collapses a repeated milestone into one timeline entry with a count, across rotated files', () => {
    const result = scan({
      'naming-server.log.1': [1, 6, 11].map((s) => `${at(s)} INFO upgrade check result false`).join('\n'),
      'naming-server.log': [`${at(16)} INFO upgrade check result false`, `${at(21)} INFO upgrade check result true`, `${at(21)} INFO Upgrade to 2.0.X`].join('\n'),
    });
    expect(result.timeline.map((entry) => [entry.summary, entry.count])).toEqual([
      ['upgrade check result false', 4],
      ['upgrade check result true', 1],
      ['upgraded to the 2.x protocol (Upgrade to 2.0.X)', 1],
    ]);
    expect(result.timeline[0]!.first).toEqual({ file: 'naming-server.log.1', line: 1, time: '2024-03-01 10:00:01.000' });
    expect(result.timeline[0]!.last).toEqual({ file: 'naming-server.log', line: 1, time: '2024-03-01 10:00:16.000' });
  });

  it('orders the timeline by time across files and lets stack frames inherit the last timestamp', () => {
    const result = scan({
      'a.log': `${at(30)} INFO Upgrade to 2.0.X`,
      'b.log': [`${at(10)} ERROR boom`, 'com.x.NoLeaderException: The Raft Group [g] did not find the Leader node'].join('\n'),
    });
    expect(result.timeline.map((entry) => entry.id)).toEqual(['raft.no-leader', 'upgrade.done']);
    expect(result.timeline[0]!.first).toEqual({ file: 'b.log', line: 2, time: '2024-03-01 10:00:10.000' });
  });

  it('puts a problem on the timeline once, with its final count', () => {
    const line = (s: number): string => `${at(s)} WARN [grpc] Invalid connection Id ,connection [c${s}] is un registered ,`;
    const result = scan({ 'remote-digest.log': [1, 2, 3].map(line).join('\n') });
    expect(result.timeline).toHaveLength(1);
    expect(result.timeline[0]!.count).toBe(3);
    expect(result.aggregates.find((entry) => entry.id === 'grpc.unregistered')?.last.line).toBe(3);
  });

  it('folds a bind failure and its cause chain into one, taking the role from a stack frame', () => {
    const result = scan({
      'start.out': [
        `${at(1)} ERROR Nacos failed to start`,
        'Caused by: java.io.IOException: Failed to bind',
        '\tat io.grpc.netty.shaded.io.grpc.netty.NettyServer.start(NettyServer.java:246)',
        '\tat com.alipay.sofa.jraft.rpc.impl.GrpcServer.init(GrpcServer.java:108)',
        'Caused by: io.grpc.netty.shaded.io.netty.channel.unix.Errors$NativeIoException: bind(..) failed: Address already in use',
        `${at(9)} ERROR again`,
        'java.io.IOException: Failed to bind to address 0.0.0.0/0.0.0.0:9849',
        'Caused by: java.net.BindException: Address already in use',
      ].join('\n'),
    });
    const binds = result.aggregates.filter((entry) => entry.id === 'bind.failed');
    expect(binds.map((entry) => [entry.fields, entry.count, entry.first.line])).toEqual([
      [{ role: 'raft' }, 1, 2],
      [{ port: '9849' }, 1, 7],
    ]);
  });

  it('does not attach a stack frame far below a bind failure', () => {
    const filler = Array.from({ length: 70 }, () => '\tat x.Y.z(Y.java:1)');
    const result = scan({ 'start.out': ['Caused by: java.io.IOException: Failed to bind', ...filler, '\tat com.alibaba.nacos.core.distributed.raft.JRaftServer.start(JRaftServer.java:213)'].join('\n') });
    expect(result.aggregates.find((entry) => entry.id === 'bind.failed')?.fields).toEqual({});
  });

  it('learns the main port from Tomcat or from the gRPC server port minus its offset', () => {
    expect(scan({ 'nacos.log': `${at(1)} INFO Tomcat initialized with port(s): 18848 (http)` }).mainPort?.port).toBe(18848);
    expect(scan({ 'remote.log': `${at(1)} INFO Nacos GrpcClusterServer Rpc server starting at port 9849` }).mainPort?.port).toBe(8848);
    expect(scan({ 'remote.log': `${at(1)} INFO Nacos GrpcSdkServer Rpc server started at port 19848` }).mainPort?.port).toBe(18848);
    expect(scan({ 'x.log': 'nothing' }).mainPort).toBeUndefined();
  });

  it('stays bounded: distinct values fold into one aggregate, the timeline stops growing', () => {
    const requests = Array.from({ length: MAX_KEYS_PER_SIGNATURE + 50 }, (_, i) => `Unexpected HTTP/1.x request: GET /probe${i} `);
    const milestones = Array.from({ length: MAX_TIMELINE + 10 }, (_, i) => `upgrade check result ${i % 2 === 0 ? 'true' : 'false'}`);
    const result = scan({ 'nacos.log': requests.join('\n'), 'naming-server.log': milestones.join('\n') });
    const http = result.aggregates.filter((entry) => entry.id === 'grpc.http1-request');
    expect(http).toHaveLength(MAX_KEYS_PER_SIGNATURE + 1);
    expect(http.reduce((sum, entry) => sum + entry.count, 0)).toBe(MAX_KEYS_PER_SIGNATURE + 50);
    expect(result.timeline.length).toBeLessThanOrEqual(MAX_TIMELINE);
    expect(result.timelineDropped).toBeGreaterThan(0);
    expect(result.linesSeen).toBe(requests.length + milestones.length);
  });
});
