import { describe, expect, it } from 'vitest';
import { LOG_SIGNATURES, matchLogLine, parseLogTimestamp, type SignatureId } from '../../src/ops/log-signatures.js';

/** Lines as Nacos (1.4 to 3.x) and its libraries write them, each with what it must yield. */
const SAMPLES: readonly (readonly [line: string, id: SignatureId, fields: Record<string, string>])[] = [
  ['2024-03-01 09:59:41,902 INFO Nacos started successfully in cluster mode. use embedded storage', 'start.ok', { mode: 'cluster', storage: 'embedded' }],
  ['2025-05-01 10:00:00,100 INFO Nacos started successfully in standalone mode with external storage in 5123 ms', 'start.ok', { mode: 'standalone', storage: 'external' }],
  ['2021-03-03 15:33:21,240 INFO Nacos is starting...', 'start.waiting', {}],
  ['2024-03-01 10:00:02,130 INFO upgrade check result false', 'upgrade.check', { result: 'false' }],
  ['2024-03-01 10:02:02,150 INFO upgrade check result true', 'upgrade.check', { result: 'true' }],
  ['2024-03-01 10:02:02,151 INFO Upgrade to 2.0.X', 'upgrade.done', {}],
  ['2024-03-01 09:59:42,101 INFO Check whether close double write', 'upgrade.double-write-check', {}],
  ['2024-03-05 14:31:07,880 INFO Disable Double write, stop and clean v1.x cache and features', 'upgrade.double-write-off', {}],
  ['2024-03-02 07:40:12,010 INFO Downgrade to 1.X', 'upgrade.downgrade', {}],
  [
    '2024-04-10 08:15:15,201 INFO Upgrade from 1X feature has closed, If you want open this feature, please set `nacos.core.support.upgrade.from.1x=true` in application.properties',
    'upgrade.from1x-closed',
    {},
  ],
  [
    'com.alibaba.nacos.core.distributed.raft.exception.NoLeaderException: The Raft Group [naming_persistent_service_v2] did not find the Leader node',
    'raft.no-leader',
    { group: 'naming_persistent_service_v2' },
  ],
  [
    'caused: server is DOWNnow, detailed error message: Optional[No leader for raft group naming_persistent_service, please see logs `alipay-jraft.log` or `naming-raft.log` to see details.];',
    'raft.no-leader',
    { group: 'naming_persistent_service' },
  ],
  ['server is DOWNnow, detailed error message: Optional[No leader for raft, please see logs `alipay-jraft.log` or `naming-raft.log` to see details.]', 'raft.no-leader', {}],
  [
    '2020-11-12 10:37:54,852 ERROR Fail to refresh route configuration for group : naming_persistent_service, status is : Status[UNKNOWN<-1>: Fail to get leader of group naming_instance_metadata, Unknown leader]',
    'raft.no-leader',
    { group: 'naming_instance_metadata' },
  ],
  ['2024-03-02 08:00:09,001 ERROR Unknown leader', 'raft.no-leader', {}],
  [
    "2021-04-06 17:46:56,330 INFO This Raft event changes : RaftEvent{groupId='naming_persistent_service_v2', leader='nacos-2.nacos-headless.nacos.svc.cluster.local:7848', term=3, raftClusterInfo=[]}",
    'raft.leader-event',
    { group: 'naming_persistent_service_v2', leader: 'nacos-2.nacos-headless.nacos.svc.cluster.local:7848' },
  ],
  [
    "2021-04-06 17:46:56,345 INFO This Raft event changes : RaftEvent{groupId='naming_instance_metadata', leader='null', term=null, raftClusterInfo=[]}",
    'raft.leader-event',
    { group: 'naming_instance_metadata' },
  ],
  ['caused: code:503,msg:server is DOWN now, please try again later!', 'naming.down', { status: 'DOWN' }],
  ['server is STARTINGnow, please try again later!', 'naming.down', { status: 'STARTING' }],
  ['Web server failed to start. Port 8848 was already in use.', 'bind.failed', { port: '8848', role: 'main' }],
  ['java.io.IOException: Failed to bind to address 0.0.0.0/0.0.0.0:9849', 'bind.failed', { port: '9849' }],
  ['java.io.IOException: Failed to bind to address /[0:0:0:0:0:0:0:0]:9848', 'bind.failed', { port: '9848' }],
  [
    'nested exception is com.alibaba.nacos.core.distributed.raft.exception.JRaftException: java.io.IOException: Failed to bind',
    'bind.failed',
    { role: 'raft' },
  ],
  ['Caused by: java.io.IOException: Failed to bind', 'bind.failed', {}],
  ['Caused by: java.net.BindException: Address already in use', 'bind.failed', {}],
  ['Caused by: io.grpc.netty.shaded.io.netty.channel.unix.Errors$NativeIoException: bind(..) failed: 地址已在使用', 'bind.failed', {}],
  ['\tat com.alibaba.nacos.core.distributed.raft.JRaftServer.start(JRaftServer.java:213)', 'bind.hint', { role: 'raft' }],
  ['\tat com.alipay.sofa.jraft.rpc.impl.GrpcServer.init(GrpcServer.java:108)', 'bind.hint', { role: 'raft' }],
  ['\tat com.alibaba.nacos.core.remote.grpc.GrpcSdkServer.startServer(GrpcSdkServer.java:40)', 'bind.hint', { role: 'client-grpc' }],
  ['\tat com.alibaba.nacos.core.remote.grpc.GrpcClusterServer.startServer(GrpcClusterServer.java:36)', 'bind.hint', { role: 'cluster-grpc' }],
  ['\tat org.springframework.boot.web.embedded.tomcat.TomcatWebServer.start(TomcatWebServer.java:229)', 'bind.hint', { role: 'main' }],
  ['2024-03-02 08:20:00,000 WARN [grpc] Invalid connection Id ,connection [1709366400000_10.0.0.9_53412] is un registered ,', 'grpc.unregistered', {
    connectionId: '1709366400000_10.0.0.9_53412',
  }],
  ['ERROR Connection is unregistered, switch server, connectionId = 1709_10.0.0.9_53412, request = InstanceRequest', 'grpc.unregistered', {}],
  [
    'io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception: Unexpected HTTP/1.x request: POST /nacos/v1/auth/users/login?username=nacos',
    'grpc.http1-request',
    { request: 'POST /nacos/v1/auth/users/login?username=nacos' },
  ],
  ['Http2Exception: Unexpected HTTP/1.x request: GET / ', 'grpc.http1-request', { request: 'GET /' }],
  ['Http2Exception: HTTP/2 client preface string missing or corrupt. Hex dump for received bytes: 1603010200', 'grpc.preface-corrupt', {}],
  [
    '2024-03-02 08:00:02,300 WARN [serverlist] self ip 172.17.0.5:8848 not in serverlist [nacos-0:8848, nacos-1:8848]',
    'cluster.self-not-member',
    { self: '172.17.0.5:8848', members: '[nacos-0:8848, nacos-1:8848]' },
  ],
  ['2024-03-01 09:59:36,771 INFO Tomcat initialized with port(s): 8848 (http)', 'port.main', { port: '8848' }],
  ["2024-03-01 09:59:41,850 INFO Tomcat started on port(s): 18848 (http) with context path '/nacos'", 'port.main', { port: '18848' }],
  ['2024-03-01 09:59:37,120 INFO Nacos GrpcSdkServer Rpc server starting at port 9848', 'port.grpc-server', { server: 'GrpcSdkServer', port: '9848' }],
  ['2024-03-01 09:59:37,402 INFO Nacos GrpcClusterServer Rpc server started at port 19849', 'port.grpc-server', { server: 'GrpcClusterServer', port: '19849' }],
];

const UNRELATED = [
  '',
  '2024-03-01 10:00:00,000 INFO [CLIENT-BEAT] processing beat',
  '\tat java.lang.Thread.run(Thread.java:748)',
  'upgrade check result maybe',
  'The Raft Group [x] found the Leader node',
  'server is up now',
  'Port 8848 is free',
  '\u0000\u0000\u0000\uFFFD\uFFFD binary junk \u0007',
];

describe('matchLogLine', () => {
  it.each(SAMPLES)('recognises %s', (line, id, fields) => {
    const match = matchLogLine(line);
    expect(match?.id).toBe(id);
    expect(match?.fields).toEqual(fields);
  });

  it.each(UNRELATED)('ignores %j', (line) => {
    expect(matchLogLine(line)).toBeUndefined();
  });

  it('has a sample line for every catalogue entry, matched by that entry alone', () => {
    for (const signature of LOG_SIGNATURES) {
      const matched = SAMPLES.filter(([line]) => matchLogLine(line, [signature]) !== undefined);
      expect(matched, `${signature.id} ${signature.pattern.source}`).not.toHaveLength(0);
    }
  });

  it('lets a Raft cause win over the DOWN status that quotes it', () => {
    expect(matchLogLine('server is DOWNnow, detailed error message: Optional[No leader for raft group g1, please see logs]')?.id).toBe('raft.no-leader');
  });

  it('fills the summary and leaves out parts whose field is missing', () => {
    expect(matchLogLine('The Raft Group [g1] did not find the Leader node')?.summary).toBe('Raft group g1 has no leader');
    expect(matchLogLine('Fail to get leader of group g2, Unknown leader')?.summary).toBe('Raft leader unknown for group g2');
    expect(matchLogLine('ERROR Unknown leader')?.summary).toBe('Raft leader unknown');
    expect(matchLogLine('upgrade check result true')?.summary).toBe('upgrade check result true');
  });
});

describe('parseLogTimestamp', () => {
  it('normalises logback timestamps so they sort as text', () => {
    expect(parseLogTimestamp('2024-03-01 09:59:41,902 INFO x')).toBe('2024-03-01 09:59:41.902');
    expect(parseLogTimestamp('2024-03-01T09:59:41.9 INFO x')).toBe('2024-03-01 09:59:41.900');
    expect(parseLogTimestamp('2024-03-01 09:59:41 INFO x')).toBe('2024-03-01 09:59:41.000');
  });

  it('returns undefined for lines without one (stack frames, banners)', () => {
    expect(parseLogTimestamp('\tat x.y(Z.java:1)')).toBeUndefined();
    expect(parseLogTimestamp('Caused by: 2024-03-01')).toBeUndefined();
  });
});
