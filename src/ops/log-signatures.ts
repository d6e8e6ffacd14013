/**
 * The log lines nacos-doctor recognises in a Nacos `logs/` directory, as data, and the pure
 * matcher that finds them. Each entry quotes the text Nacos (or a library it embeds) writes;
 * the source of each is named next to it (NACOS-FACTS.md §3, §4, and `alibaba/nacos` at the
 * tags named). What a match means and what to do about it lives in log-verdict.ts.
 */

export type SignatureKind =
  /** A step of the server's life or of the 1.x -> 2.x upgrade; goes on the timeline. */
  | 'milestone'
  /** Something is wrong; goes on the timeline (first time) and into the verdict. */
  | 'problem'
  /** Context for an earlier line (a stack frame naming the server that failed to bind). */
  | 'hint'
  /** A fact the verdict uses (the main port), not shown on its own. */
  | 'fact';

export type SignatureId =
  | 'start.ok'
  | 'start.waiting'
  | 'upgrade.check'
  | 'upgrade.done'
  | 'upgrade.double-write-check'
  | 'upgrade.double-write-off'
  | 'upgrade.downgrade'
  | 'upgrade.from1x-closed'
  | 'raft.leader-event'
  | 'raft.no-leader'
  | 'naming.down'
  | 'bind.failed'
  | 'bind.hint'
  | 'grpc.unregistered'
  | 'grpc.http1-request'
  | 'grpc.preface-corrupt'
  | 'cluster.self-not-member'
  | 'port.main'
  | 'port.grpc-server';

export interface LogSignature {
  readonly id: SignatureId;
  readonly kind: SignatureKind;
  /** Literal substrings; the regex runs only on lines containing one of them (most lines contain none). */
  readonly needles: readonly string[];
  /** Named groups become the match's fields. */
  readonly pattern: RegExp;
  /** Fields every match of this entry carries, e.g. the port role a stack frame names. */
  readonly fixed?: Readonly<Record<string, string>>;
  /**
   * One line for the timeline; `{name}` is replaced by the field of that name, and a `[…]` part
   * is left out when a field inside it is missing.
   */
  readonly summary: string;
}

/**
 * Order matters: the first entry that matches a line wins, so the more specific texts come first
 * (a 503 body quoting "No leader for raft group" is a Raft problem before it is a DOWN status).
 */
export const LOG_SIGNATURES: readonly LogSignature[] = [
  // StartingApplicationListener (1.x-2.x): "Nacos started successfully in {} mode. use {} storage";
  // NacosCoreStartUp (3.x): "Nacos started successfully in {} mode with {} storage in {} ms".
  {
    id: 'start.ok',
    kind: 'milestone',
    needles: ['Nacos started successfully in'],
    pattern: /Nacos started successfully in (?<mode>\S+) mode(?:\. use| with) (?<storage>\S+) storage/,
    summary: 'Nacos started in {mode} mode with {storage} storage',
  },
  // Printed every second while the server has not finished starting (StartingApplicationListener).
  {
    id: 'start.waiting',
    kind: 'milestone',
    needles: ['Nacos is starting...'],
    pattern: /Nacos is starting\.\.\./,
    summary: 'Nacos is starting...',
  },
  // UpgradeJudgement (2.0.x-2.1.x), every 5 s until all members are readyToUpgrade.
  {
    id: 'upgrade.check',
    kind: 'milestone',
    needles: ['upgrade check result'],
    pattern: /upgrade check result (?<result>true|false)/,
    summary: 'upgrade check result {result}',
  },
  {
    id: 'upgrade.done',
    kind: 'milestone',
    needles: ['Upgrade to 2.0.X'],
    pattern: /Upgrade to 2\.0\.X/,
    summary: 'upgraded to the 2.x protocol (Upgrade to 2.0.X)',
  },
  // DoubleWriteEventListener: the checker that waits for doubleWriteEnabled=false.
  {
    id: 'upgrade.double-write-check',
    kind: 'milestone',
    needles: ['Check whether close double write'],
    pattern: /Check whether close double write/,
    summary: 'double write on, waiting for it to be switched off (Check whether close double write)',
  },
  {
    id: 'upgrade.double-write-off',
    kind: 'milestone',
    needles: ['Disable Double write'],
    pattern: /Disable Double write, stop and clean v1\.x cache and features/,
    summary: 'double write switched off, v1.x data cleaned (upgrade finished)',
  },
  {
    id: 'upgrade.downgrade',
    kind: 'milestone',
    needles: ['Downgrade to 1.X'],
    pattern: /Downgrade to 1\.X/,
    summary: 'downgraded to the 1.x protocol (a 1.x member joined)',
  },
  // RaftCore (2.1.x) when nacos.core.support.upgrade.from.1x is not true.
  {
    id: 'upgrade.from1x-closed',
    kind: 'milestone',
    needles: ['Upgrade from 1X feature has closed'],
    pattern: /Upgrade from 1X feature has closed/,
    summary: '1.x upgrade support is off (nacos.core.support.upgrade.from.1x is not true)',
  },
  // NoLeaderException: "The Raft Group [<group>] did not find the Leader node" (#11950, #10514).
  {
    id: 'raft.no-leader',
    kind: 'problem',
    needles: ['did not find the Leader node'],
    pattern: /The Raft Group \[(?<group>[^\]]*)\] did not find the Leader node/,
    summary: 'Raft group {group} has no leader',
  },
  // 503 body since 2.0.3: "server is DOWNnow, detailed error message: Optional[No leader for raft
  // group <group>, please see logs …]" (#12504); 2.4.2+: "No leader for raft, please see logs …".
  {
    id: 'raft.no-leader',
    kind: 'problem',
    needles: ['No leader for raft'],
    pattern: /No leader for raft(?: group (?<group>[\w.-]+))?/,
    summary: 'no Raft leader[ for group {group}]',
  },
  // JRaft route table refresh (protocol-raft.log): "Fail to get leader of group <g>, Unknown leader" (#10104).
  {
    id: 'raft.no-leader',
    kind: 'problem',
    needles: ['Unknown leader'],
    pattern: /(?:leader of group (?<group>[\w.-]+)\W+)?Unknown leader/,
    summary: 'Raft leader unknown[ for group {group}]',
  },
  // JRaftServer / protocol-raft.log: "This Raft event changes : RaftEvent{groupId='g', leader='h:7848', …}".
  {
    id: 'raft.leader-event',
    kind: 'milestone',
    needles: ["leader='null'"],
    pattern: /RaftEvent\{groupId='(?<group>[^']*)', leader='null'/,
    summary: 'Raft group {group}: no leader yet',
  },
  {
    id: 'raft.leader-event',
    kind: 'milestone',
    needles: ['RaftEvent{'],
    pattern: /RaftEvent\{groupId='(?<group>[^']*)', leader='(?<leader>[^']+)'/,
    summary: 'Raft group {group}: leader {leader}',
  },
  // TrafficReviseFilter 503 body: "server is DOWN now, please try again later!" (1.4.0/1.4.1, 2.0.0)
  // and "server is DOWNnow, …" (1.4.2+, 2.0.3+) (#4210, #12504).
  {
    id: 'naming.down',
    kind: 'problem',
    needles: ['server is '],
    pattern: /server is (?<status>DOWN|STARTING|PAUSED|WRITE_ONLY|READ_ONLY) ?now/,
    summary: 'naming module reported {status}',
  },
  // Port bind failures. Spring Boot: "Port 8848 was already in use."; grpc-java NettyServer:
  // "Failed to bind to address 0.0.0.0/0.0.0.0:9848" (older: "Failed to bind"); the JRaft
  // variant is wrapped in JRaftException (#8790, #9624, #10519); the OS text may be localised.
  {
    id: 'bind.failed',
    kind: 'problem',
    needles: ['was already in use'],
    pattern: /Port (?<port>\d{1,5}) was already in use/,
    fixed: { role: 'main' },
    summary: 'port {port} already in use',
  },
  {
    id: 'bind.failed',
    kind: 'problem',
    needles: ['Failed to bind to address'],
    pattern: /Failed to bind to address \S*:(?<port>\d{1,5})(?!\S)/,
    summary: 'failed to bind port {port}',
  },
  {
    id: 'bind.failed',
    kind: 'problem',
    needles: ['JRaftException'],
    pattern: /JRaftException: java\.io\.IOException: Failed to bind/,
    fixed: { role: 'raft' },
    summary: 'JRaft failed to bind its port',
  },
  {
    id: 'bind.failed',
    kind: 'problem',
    needles: ['Failed to bind', 'Address already in use', '地址已在使用'],
    pattern: /Failed to bind\b|BindException: Address already in use|bind\(\.\.\) failed: (?:Address already in use|地址已在使用)/,
    summary: 'failed to bind a port',
  },
  // Stack frames under a bind failure that say which server it was.
  {
    id: 'bind.hint',
    kind: 'hint',
    needles: ['JRaftServer.start', 'jraft.rpc.impl.GrpcServer.init'],
    pattern: /\bat com\.alibaba\.nacos\.core\.distributed\.raft\.JRaftServer\.start\b|\bat com\.alipay\.sofa\.jraft\.rpc\.impl\.GrpcServer\.init\b/,
    fixed: { role: 'raft' },
    summary: 'JRaft server',
  },
  {
    id: 'bind.hint',
    kind: 'hint',
    needles: ['GrpcSdkServer'],
    pattern: /\bat com\.alibaba\.nacos\.core\.remote\.grpc\.GrpcSdkServer\b/,
    fixed: { role: 'client-grpc' },
    summary: 'SDK gRPC server',
  },
  {
    id: 'bind.hint',
    kind: 'hint',
    needles: ['GrpcClusterServer'],
    pattern: /\bat com\.alibaba\.nacos\.core\.remote\.grpc\.GrpcClusterServer\b/,
    fixed: { role: 'cluster-grpc' },
    summary: 'cluster gRPC server',
  },
  {
    id: 'bind.hint',
    kind: 'hint',
    needles: ['TomcatWebServer'],
    pattern: /\bTomcatWebServer\b/,
    fixed: { role: 'main' },
    summary: 'HTTP server (Tomcat)',
  },
  // GrpcRequestAcceptor answers "Connection is unregistered." (errorCode 301) and logs
  // "[grpc] Invalid connection Id ,connection [<id>] is un registered ,"; clients log
  // "Connection is unregistered, switch server, …" (RpcClient). NACOS-FACTS §1.4, §4 row 9.
  {
    id: 'grpc.unregistered',
    kind: 'problem',
    needles: ['is unregistered', 'is un registered'],
    pattern: /Connection is unregistered|connection \[(?<connectionId>[^\]]*)\] is un registered/,
    summary: 'gRPC request on an unregistered connection',
  },
  // Netty Http2ConnectionHandler on a gRPC port receiving HTTP/1.x (§5.4, §4 row 17, #6373, #5570).
  {
    id: 'grpc.http1-request',
    kind: 'problem',
    needles: ['Unexpected HTTP/1.x request'],
    pattern: /Unexpected HTTP\/1\.x request: (?<request>\S+ \S+)/,
    summary: 'HTTP/1.x request on a gRPC port: {request}',
  },
  {
    id: 'grpc.preface-corrupt',
    kind: 'problem',
    needles: ['client preface string missing or corrupt'],
    pattern: /HTTP\/2 client preface string missing or corrupt/,
    summary: 'non-HTTP/2 bytes on a gRPC port',
  },
  // ServerMemberManager: "[serverlist] self ip {} not in serverlist {}" (cluster.log).
  {
    id: 'cluster.self-not-member',
    kind: 'problem',
    needles: ['not in serverlist'],
    pattern: /self ip (?<self>\S+) not in serverlist (?<members>.*)$/,
    summary: 'this member ({self}) is not in its own member list',
  },
  // Spring Boot: "Tomcat initialized with port(s): 8848 (http)" / "Tomcat started on port(s): 8848".
  {
    id: 'port.main',
    kind: 'fact',
    needles: ['Tomcat '],
    pattern: /Tomcat (?:initialized with|started on) port\(s\): (?<port>\d{1,5})/,
    summary: 'HTTP port {port}',
  },
  // BaseRpcServer: "Nacos GrpcSdkServer Rpc server starting at port 9848".
  {
    id: 'port.grpc-server',
    kind: 'fact',
    needles: ['Rpc server start'],
    pattern: /Nacos (?<server>GrpcSdkServer|GrpcClusterServer) Rpc server start(?:ing|ed) at port (?<port>\d{1,5})/,
    summary: '{server} port {port}',
  },
];

export interface LogMatch {
  readonly id: SignatureId;
  readonly kind: SignatureKind;
  readonly fields: Readonly<Record<string, string>>;
  /** The signature's summary with its fields filled in. */
  readonly summary: string;
}

function fillTemplate(template: string, fields: Readonly<Record<string, string>>): string {
  const fill = (text: string): string => text.replace(/\{(\w+)\}/g, (_, name: string) => fields[name] ?? '?');
  return fill(template.replace(/\[([^\]]*)\]/g, (_, part: string) => ([...part.matchAll(/\{(\w+)\}/g)].every((m) => m[1]! in fields) ? part : '')));
}

/** The first signature that matches `line`, or undefined (the common case). */
export function matchLogLine(line: string, catalogue: readonly LogSignature[] = LOG_SIGNATURES): LogMatch | undefined {
  for (const signature of catalogue) {
    if (!signature.needles.some((needle) => line.includes(needle))) continue;
    const match = signature.pattern.exec(line);
    if (!match) continue;
    const fields: Record<string, string> = { ...signature.fixed };
    for (const [name, value] of Object.entries(match.groups ?? {})) if (value !== undefined) fields[name] = value;
    return { id: signature.id, kind: signature.kind, fields, summary: fillTemplate(signature.summary, fields) };
  }
  return undefined;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,3}))?/;

/**
 * The timestamp logback writes at the start of a Nacos log line (`2024-03-01 10:00:00,123`),
 * normalised to `2024-03-01 10:00:00.123` so that timestamps sort as text. Local time, as logged.
 */
export function parseLogTimestamp(line: string): string | undefined {
  const match = TIMESTAMP.exec(line);
  if (!match) return undefined;
  return `${match[1]} ${match[2]}.${(match[3] ?? '000').padEnd(3, '0')}`;
}
