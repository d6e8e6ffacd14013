/**
 * What each cause `nacos-doctor check` can diagnose means, in the words of the failure a user
 * sees, and the fix with ready commands: the generators' own command lines and docker `-p` flags
 * (rendered by src/generate, so ports are never derived twice). Drawn from the failure catalogue
 * of NACOS-FACTS §4 and the nginx facts of §5. Pure.
 */
import { formatHostPort, isLoopbackHost, normalizeIp } from '../address.js';
import { renderRunFlags } from '../generate/docker.js';
import { resolveDockerOptions } from '../generate/docker-options.js';
import { resolveNginxOptions } from '../generate/nginx-options.js';
import { RAFT_NO_LEADER_EXPLANATION, raftNoLeaderFix, safeRolePort } from '../ops/upgrade-guide.js';
import { DEFAULT_MAIN_PORT, formatOffset, isValidPort, mainPortOf, type Role } from '../ports.js';
import type { CheckOptions } from './check-options.js';
import { observedMajorVersion, observedMembers, observedServerPort } from './observed.js';
import type { Observations, Target } from './probe.js';

export const CHECK_CAUSES = [
  'DNS_FAILED',
  'MAIN_PORT_CLOSED',
  'GRPC_PORT_CLOSED',
  'SERVER_PORT_CLOSED',
  'PORT_FILTERED',
  'PORT_RESET',
  'HOST_UNREACHABLE',
  'NO_SUCH_PORT',
  'OFFSET_NOT_KEPT',
  'HTTP_NO_ANSWER',
  'NOT_HTTP',
  'ADDRESS_IS_GRPC_PORT',
  'HTTPS_FAILED',
  'NOT_NACOS_HTTP',
  'NOT_READY',
  'SERVER_STARTING',
  'NACOS_DOWN',
  'RAFT_NO_LEADER',
  'RAFT_LEADER_DISAGREEMENT',
  'MEMBER_NOT_UP',
  'V1_API_GONE',
  'AUTH_REQUIRED',
  'AUTH_BAD_CREDENTIALS',
  'AUTH_TOKEN_REJECTED',
  'H2_TERMINATING_PROXY',
  'CONNECTION_SPLIT',
  'HTTP1_PROXY',
  'TLS_ON_GRPC_PORT',
  'BLACK_HOLE',
  'CLOSED_ON_PREFACE',
  'NOT_NACOS_GRPC',
  'GRPC_TO_MAIN_PORT',
  'PROXY_BAD_GATEWAY',
  'GRPC_NO_RIGHT',
  'GRPC_OVER_THRESHOLD',
  'GRPC_NO_HANDLER',
  'GRPC_BAD_REQUEST',
  'GRPC_FAILED',
  'CONNECTION_CUT',
  'HEARTBEAT_FAILED',
  'PROBE_UNFINISHED',
] as const;
export type CheckCause = (typeof CHECK_CAUSES)[number];

/** Errors of a TLS handshake that got as far as the server's certificate. */
const CERTIFICATE_ERRNO = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ERR_TLS_/;

export interface AdviceFacts {
  readonly target: Target;
  readonly observed?: Observations;
  readonly options?: CheckOptions;
  /** The port role the finding is about. */
  readonly role?: Role;
  readonly port?: number;
  /** A measured fact the explanation quotes (a status line, a cut time, a server header). */
  readonly detail?: string;
  /** What the finding says about the checked member itself (e.g. its own state in its member list). */
  readonly self?: string;
}

export interface Advice {
  readonly explanation: string;
  readonly fix: string;
}

function hostOf(facts: AdviceFacts): string {
  return facts.target.ip ?? facts.target.address.host;
}

/**
 * The members' main port where the server said it: its `server_port` (2.3+), the dialled port
 * when the member list names the dialled address, or the one port all members share.
 */
function knownMainPort(facts: AdviceFacts): number | undefined {
  if (facts.observed === undefined) return undefined;
  const own = observedServerPort(facts.observed);
  if (own !== undefined) return own;
  const members = observedMembers(facts.observed) ?? [];
  if (members.some((member) => normalizeIp(member.ip) === facts.target.ip && member.port === facts.target.port)) return facts.target.port;
  const ports = new Set(members.map((member) => member.port));
  return ports.size === 1 ? [...ports][0] : undefined;
}

/** The checked member's own main port, for advice about that member: what it said, else the dialled port. */
function memberMainPort(facts: AdviceFacts): number {
  return knownMainPort(facts) ?? facts.target.port;
}

/**
 * The main port inside the members' containers or behind the VIP: what the server said, else
 * the image's and Nacos' default 8848 (a `-p 60001:8848` mapping keeps 8848 inside, §4 case 2).
 */
function backendMainPort(facts: AdviceFacts): number {
  return knownMainPort(facts) ?? DEFAULT_MAIN_PORT;
}

/** Members as `host:port` for generator flags: from the member list, else a placeholder. */
function upstreams(facts: AdviceFacts): { list: string[]; known: boolean } {
  const members = facts.observed && observedMembers(facts.observed);
  if (members && members.length > 0) return { list: members.map((member) => formatHostPort(member.ip, member.port)), known: true };
  return { list: [`<member>:${backendMainPort(facts)}`], known: false };
}

/** `nacos-doctor nginx ...`, checked by the generator's own option resolution when the members are known. */
function nginxCommand(facts: AdviceFacts): string | undefined {
  const { list, known } = upstreams(facts);
  const listen = String(facts.target.port);
  if (known) {
    try {
      resolveNginxOptions({ listen, upstream: list });
    } catch {
      return undefined;
    }
  }
  return `nacos-doctor nginx --listen ${listen} ${list.map((upstream) => `--upstream ${upstream}`).join(' ')}`;
}

function proxyCommand(facts: AdviceFacts): string {
  return `nacos-proxy --listen ${formatHostPort(hostOf(facts), facts.target.port)} --upstream ${upstreams(facts).list.join(',')}`;
}

/** `-p P:S -p P+1000:S+1000`, from the docker generator. */
function dockerFlags(facts: AdviceFacts): string | undefined {
  try {
    const options = resolveDockerOptions({ 'host-port': String(facts.target.port), 'container-port': String(backendMainPort(facts)) });
    return renderRunFlags(options).trim().split('\n').at(-1);
  } catch {
    return undefined;
  }
}

/**
 * The ways to serve P and P+1000 as plain TCP with the offsets kept: a proxy in front, and
 * (`mappings`) the port publishing of Docker and Kubernetes.
 */
function forwardAsTcp(facts: AdviceFacts, intro: string, mappings: boolean): string {
  const lines = [intro];
  const nginx = nginxCommand(facts);
  if (nginx) lines.push(`  nginx (stream {}, plain TCP):  ${nginx}`);
  lines.push(`  or nacos-proxy:               ${proxyCommand(facts)}`);
  if (mappings) {
    const docker = dockerFlags(facts);
    if (docker) lines.push(`  docker run port flags:        ${docker}`);
    lines.push(`  Kubernetes Service:           nacos-doctor docker --host-port ${facts.target.port} --container-port ${backendMainPort(facts)} --k8s`);
    if (knownMainPort(facts) === undefined) lines.push(`  (container port ${DEFAULT_MAIN_PORT} is the Nacos default: the server did not say its own; use yours if NACOS_APPLICATION_PORT changes it)`);
  }
  return lines.join('\n');
}

function clientGrpcPort(facts: AdviceFacts): string {
  return String(safeRolePort(facts.target.port, 'client-grpc') ?? formatOffset('client-grpc'));
}

/**
 * `the members' gRPC port 9848`; `each member's gRPC port (its main port + 1000, e.g. 9848)` when
 * their main ports differ; `(their main port + 1000: 9848 by default)` when nothing said it.
 */
function memberGrpcPort(facts: AdviceFacts): string {
  const port = String(safeRolePort(backendMainPort(facts), 'client-grpc') ?? formatOffset('client-grpc'));
  const members = facts.observed && observedMembers(facts.observed);
  if (members && new Set(members.map((member) => member.port)).size > 1) return `each member's gRPC port (its main port + 1000, e.g. ${port})`;
  if (knownMainPort(facts) === undefined) return `the members' gRPC port (their main port + 1000: ${port} by default)`;
  return `the members' gRPC port ${port}`;
}

const PROXY_SPLITS =
  'Nacos binds a client\'s registration to its TCP connection (connectionId = the client\'s IP and port), but an HTTP/2-terminating proxy ' +
  '(nginx http2 + grpc_pass, Envoy/Istio HTTP routing, an L7 load balancer or Ingress) opens its own upstream connections, so ServerCheck, the ' +
  'bi-stream and later requests reach the server on different connections: Nacos answers "Connection is unregistered." (errorCode 301) and ' +
  'clients keep reconnecting and re-registering.';

function tcpInsteadOfHttp(facts: AdviceFacts): string {
  return forwardAsTcp(
    facts,
    `forward ${clientGrpcPort(facts)} as plain TCP (layer 4) to ${memberGrpcPort(facts)}, never as HTTP/2 or gRPC; ` +
      'in Istio declare the port as TCP (name it tcp-…, appProtocol: tcp):',
    false,
  );
}

const ADVICE: Readonly<Record<CheckCause, (facts: AdviceFacts) => Advice>> = {
  DNS_FAILED: (facts) => ({
    explanation: 'clients resolve the same name with the same resolver; where it does not resolve they cannot connect at all',
    fix: `check the record (getent ahosts ${facts.target.address.host}); fix the DNS entry or /etc/hosts, or give the clients an IP address`,
  }),
  MAIN_PORT_CLOSED: (facts) => ({
    explanation:
      `nothing accepts connections on the main port ${facts.target.port}: Nacos is not running on this address, listens on another port ` +
      '(server.port, 3.x nacos.server.main.port) or interface, or the port is not published or forwarded. Clients log in and call the HTTP API ' +
      'here, and derive the gRPC port from it',
    fix: [
      `on the server: ss -ltnp 'sport = :${facts.target.port}'   (is Nacos listening, and on which address?); logs/start.out says why it did not start`,
      `Docker: publish the port together with the gRPC port: ${dockerFlags(facts) ?? '-p P:8848 -p P+1000:9848'}`,
    ].join('\n'),
  }),
  GRPC_PORT_CLOSED: (facts) => {
    const oneX = facts.observed !== undefined && observedMajorVersion(facts.observed) === 1;
    if (oneX) {
      return {
        explanation: 'the server is Nacos 1.x, which has no gRPC port; Nacos 2.x/3.x clients dial the given port + 1000 for gRPC and fail with "Client not connected, current status:STARTING"',
        fix: 'use a 1.x client with this server, or upgrade the server to 2.x/3.x',
      };
    }
    return {
      explanation:
        `Nacos 2.x/3.x clients connect to gRPC on the port they were given + 1000, here ${clientGrpcPort(facts)}; nothing accepts there, so clients log ` +
        `"Client not connected, current status:STARTING" (Java also "Server check fail, please check server ${hostOf(facts)}, port ${clientGrpcPort(facts)} is available")`,
      fix: forwardAsTcp(
        facts,
        [
          `open port ${clientGrpcPort(facts)} of ${hostOf(facts)} to the clients, as plain TCP to ${memberGrpcPort(facts)}:`,
          `  on a member:                  ss -ltnp 'sport = :${safeRolePort(backendMainPort(facts), 'client-grpc') ?? ''}'   (Nacos 2.x/3.x listens on its main port + 1000; else see logs/start.out)`,
        ].join('\n'),
        true,
      ),
    };
  },
  SERVER_PORT_CLOSED: (facts) => ({
    explanation: facts.options?.cluster
      ? `members reach each other on ${formatOffset('cluster-grpc')} (gRPC between members) and ${formatOffset('raft')} (Raft), and --cluster checks them ` +
        'as a member would: where a member cannot reach another on these ports, data stops syncing, the member is marked SUSPICIOUS or DOWN, and a Raft ' +
        'group without a majority has no leader ("server is DOWN now")'
      : `members reach each other on ${formatOffset('cluster-grpc')} (gRPC between members) and ${formatOffset('raft')} (Raft). Clients never use these ` +
        'ports and the Nacos docs advise not to expose them to clients, so from a client network this is expected',
    fix: facts.options?.cluster
      ? `open TCP ${facts.port ?? formatOffset(facts.role ?? 'cluster-grpc')} between the members (firewall, security group, the headless Service: nacos-doctor docker --host-port ${facts.target.port} --k8s --headless)`
      : 'nothing to do for clients; run with --cluster from another member to require these ports',
  }),
  PORT_FILTERED: (facts) => ({
    explanation:
      'the connect got no answer within the timeout: a firewall or security group drops the packets, the VIP has no listener for this port, ' +
      'or the host is down (a refused connect would have meant the host answered)',
    fix: `allow TCP ${facts.port ?? ''} from the clients' network to ${hostOf(facts)} (firewall, security group, VIP listener); on the server itself: nc -vz 127.0.0.1 ${facts.port ?? ''}`,
  }),
  PORT_RESET: (facts) => ({
    explanation: 'the connection was accepted and then reset: typically a proxy or load balancer that accepted the client but could not reach any backend for this port',
    fix: `check the backends of port ${facts.port ?? ''} on the proxy: each must be a member's port ${facts.role ? formatOffset(facts.role) : ''} and up`,
  }),
  HOST_UNREACHABLE: (facts) => ({
    explanation: `no route to ${hostOf(facts)}: the network, a VPN or a routing rule does not reach the host`,
    fix: `check the route from here: ip route get ${hostOf(facts)}`,
  }),
  NO_SUCH_PORT: (facts) => ({
    explanation: `${facts.role ? formatOffset(facts.role) : 'the derived port'} of ${facts.target.port} is outside 1-65535, so clients cannot reach it and Nacos refuses such a main port`,
    fix: 'use a main port from 1001 to 64534',
  }),
  OFFSET_NOT_KEPT: (facts) => {
    const serverPort = knownMainPort(facts);
    const translated =
      serverPort === undefined
        ? `you gave port ${facts.target.port}, where no member runs (the server does not report its own port: Nacos before 2.3), so a VIP, NAT, load balancer or port mapping translates it`
        : `you gave port ${facts.target.port}, but the server reports its own main port ${serverPort} (server_port): a VIP, NAT, load balancer or port mapping translates the port`;
    return {
      explanation:
        `${translated}. Clients compute the gRPC port on their side of the mapping: ${facts.target.port} + 1000 = ${clientGrpcPort(facts)}, ` +
        `and that must reach ${memberGrpcPort(facts)}` +
        (facts.target.port < 1024 ? ` (a VIP on port ${facts.target.port} makes clients dial ${clientGrpcPort(facts)})` : ''),
      fix: forwardAsTcp(
        facts,
        `make the VIP or mapping forward ${clientGrpcPort(facts)} to ${memberGrpcPort(facts)} as plain TCP, next to ${facts.target.port} -> ${serverPort ?? `the members' main port (${DEFAULT_MAIN_PORT} by default)`}:`,
        true,
      ),
    };
  },
  HTTP_NO_ANSWER: () => ({
    explanation:
      'the port accepts connections but sends no HTTP answer: a frozen JVM (long GC pause, out of memory), or a middlebox (VIP, proxy) that accepts and swallows traffic',
    fix: 'on the member: is the JVM alive (jstack, logs/nacos_gc.log, logs/start.out)? on a VIP or proxy: are its backends for this port up?',
  }),
  NOT_HTTP: (facts) => ({
    explanation:
      `the port answered with something that is not HTTP/1.1${facts.detail ? ` (${facts.detail})` : ''}. If it is a gRPC port (a server's main port + 1000), ` +
      'the address names the wrong port: clients add 1000 themselves, and the server logs "Unexpected HTTP/1.x request"',
    fix: `give the clients the main port (${isValidPort(mainPortOf(facts.target.port, 'client-grpc')) ? mainPortOf(facts.target.port, 'client-grpc') : 'P'} if this is P+1000), not the gRPC port`,
  }),
  ADDRESS_IS_GRPC_PORT: (facts) => {
    const main = mainPortOf(facts.target.port, 'client-grpc');
    const mainText = isValidPort(main) ? String(main) : 'P';
    return {
      explanation:
        `${facts.target.port} is a Nacos gRPC port (a member's main port + 1000): it speaks HTTP/2 only. Clients given it call the HTTP API on it ` +
        '(login, config) and the server logs "Unexpected HTTP/1.x request: POST /nacos/v1/auth/users/login"; they also add 1000 themselves and dial ' +
        `${safeRolePort(facts.target.port, 'client-grpc') ?? 'P+1000'} for gRPC, where nothing Nacos listens`,
      fix:
        `point serverAddr at the main port ${mainText} (= ${facts.target.port} - 1000): ${formatHostPort(facts.target.address.host, isValidPort(main) ? main : facts.target.port)}; ` +
        'clients add 1000 themselves (if this is the cluster port P+1001, the main port is 1001 lower)',
    };
  },
  HTTPS_FAILED: (facts) =>
    CERTIFICATE_ERRNO.test(facts.detail ?? '')
      ? {
          explanation:
            `the TLS handshake with the main port failed on its certificate (${facts.detail}): it is not trusted here (self-signed, another CA, another name). ` +
            'Clients given the same https:// address fail the same way',
          fix: 'give this machine and the clients the CA that signed the certificate (for nacos-doctor: NODE_EXTRA_CA_CERTS=ca.pem), or a certificate for the name they use',
        }
      : {
          explanation:
            `the TLS handshake with the main port failed${facts.detail ? ` (${facts.detail})` : ''} before any certificate was seen: the port does not speak TLS. ` +
            'A plain HTTP port (Nacos serves HTTP unless server.ssl is configured) drops or answers in clear text the TLS ClientHello of an https:// address',
          fix: `use http://${formatHostPort(facts.target.address.host, facts.target.port)}${facts.target.contextPath} in the clients' serverAddr, or enable TLS on the main port (server.ssl.* in application.properties)`,
        },
  NOT_NACOS_HTTP: (facts) => ({
    explanation:
      `the port answers HTTP, but no Nacos API exists under "${facts.target.contextPath || '/'}": the server uses another context path ` +
      '(nacos.server.contextPath / server.servlet.contextPath), or this is not the Nacos main port (another service, or the 3.x console port 8080)',
    fix:
      facts.target.address.contextPath === undefined
        ? `pass the context path the server uses (--context-path /nacos, or / for none), or give the main port (default ${DEFAULT_MAIN_PORT})`
        : `the address itself carries the context path "${facts.target.address.contextPath}", which wins over --context-path: write the path the server uses into the address ` +
          `(e.g. ${facts.target.address.scheme}://${formatHostPort(facts.target.address.host, facts.target.port)}/nacos), or give the main port (default ${DEFAULT_MAIN_PORT})`,
  }),
  NOT_READY: () => ({
    explanation: 'the member answers, but its modules report they are not ready: it is still starting, or naming/config cannot work (most often no Raft leader)',
    fix: 'see the naming and Raft findings below; logs/nacos.log and logs/alipay-jraft.log say why (nacos-doctor logs <nacos>/logs reads them)',
  }),
  SERVER_STARTING: () => ({
    explanation:
      'the server has not finished starting: it answers gRPC with errorCode 300 "Server is starting,please try later." and refuses SDK connections, so clients stay in STARTING',
    fix: 'wait for "Nacos started successfully" in logs/start.out; if it never comes, logs/nacos.log says what blocks it (nacos-doctor logs <nacos>/logs)',
  }),
  NACOS_DOWN: (facts) => ({
    explanation:
      'the naming module is DOWN: Nacos answers HTTP 503 "server is DOWN now" ("DOWNnow" from 1.4.2/2.0.3) and registrations fail. In the field this is ' +
      `the Raft leader election: ${RAFT_NO_LEADER_EXPLANATION}`,
    fix: raftNoLeaderFix(memberMainPort(facts)),
  }),
  RAFT_NO_LEADER: (facts) => ({ explanation: RAFT_NO_LEADER_EXPLANATION, fix: raftNoLeaderFix(memberMainPort(facts)) }),
  RAFT_LEADER_DISAGREEMENT: () => ({
    explanation:
      'members name different leaders for the same Raft group (each group has one leader at a time): during an election this lasts seconds; if it ' +
      'persists on a re-run the members do not form one Raft group: a member cannot reach the others on P-1000, or the members\' cluster.conf lists ' +
      'differ so separate groups formed. Writes of persistent data then fail or diverge on the members that follow the wrong leader',
    fix: [
      'run the check again; if the disagreement stays:',
      '  compare conf/cluster.conf on every member (the same list of the same addresses)',
      `  check the members' Raft and cluster ports from each member: nacos-doctor check <member>:<port> --cluster`,
      '  restart the member(s) that name the odd leader; logs/alipay-jraft.log shows their elections',
    ].join('\n'),
  }),
  MEMBER_NOT_UP: (facts) => ({
    explanation: [
      ...(facts.self
        ? [`the member checked here lists itself as not UP (${facts.self}): it is still starting, or has not joined its cluster (it cannot reach the other members on their main and cluster ports); clients sent to it fail`]
        : []),
      ...(facts.detail || !facts.self
        ? [`this member sees ${facts.self ? 'also ' : ''}${facts.detail ? `${facts.detail} as` : 'another member'} not UP: down, restarting, or unreachable from this member on its main and cluster ports; clients sent to it fail`]
        : []),
    ].join('. '),
    fix: facts.self
      ? `on ${hostOf(facts)}: logs/start.out and logs/nacos-cluster.log say why; check it as a member: nacos-doctor check ${formatHostPort(hostOf(facts), facts.target.port)} --cluster`
      : 'check that member from here and from a member: nacos-doctor check <member>:<port> --cluster',
  }),
  V1_API_GONE: (facts) => ({
    explanation:
      `Nacos 3 answers the v1 HTTP API with 410 (3.0/3.1: console APIs gated by nacos.core.api.compatibility.*) or 404 (3.2+: v1/v2 moved to the legacy adapter)${facts.detail ? `; here ${facts.detail}` : ''}. ` +
      'Health probes on /nacos/v1/console/health/readiness (the nacos-k8s manifests, many compose files) then fail, and so do clients of the v1 open API ' +
      '(Nacos 1.x SDKs, the nacos npm client) where it is gone. 2.x/3.x SDKs use gRPC and are not affected',
    fix: [
      `probes: GET ${facts.target.contextPath}/v3/admin/core/state/readiness on the main port (code 0 when ready), or /v3/console/health/readiness on the console port 8080`,
      'v1 clients: move to a 2.x/3.x SDK; meanwhile on 3.0/3.1 set nacos.core.api.compatibility.client.enabled=true (console APIs: ...console.enabled=true), on 3.2+ install the nacos-api-legacy-adapter plugin',
    ].join('\n'),
  }),
  AUTH_REQUIRED: () => ({
    explanation:
      'auth is on: every client needs a username and password (or an access token); without them the server answers 403 "user not found!". ' +
      'This is an auth setting, not a network problem',
    fix:
      'configure username and password in the clients (Java: PropertyKeyConst.USERNAME/PASSWORD; Spring: spring.cloud.nacos.*.username/password);\n' +
      'run again with --username/--password (or NACOS_USERNAME/NACOS_PASSWORD) to check that the login works',
  }),
  AUTH_BAD_CREDENTIALS: (facts) => ({
    explanation: `the server refused the login${facts.detail ? ` (${facts.detail})` : ''}: the username or password is wrong, or the user does not exist. The network path works: the server answered`,
    fix: 'correct the username/password in the clients and here; the console lists the users (Permission Control > Users)',
  }),
  AUTH_TOKEN_REJECTED: (facts) => ({
    explanation:
      `the server rejected the access token${facts.detail ? ` (${facts.detail})` : ''}: it expired, or was signed with another token.secret.key, or this member's ` +
      'clock is off (tokens are checked against the member\'s own clock and key)',
    fix: 'log in again for a fresh token; give every member the same nacos.core.auth.plugin.nacos.token.secret.key; keep the members\' clocks in sync (NTP)',
  }),
  H2_TERMINATING_PROXY: (facts) => ({
    explanation:
      `an HTTP/2-terminating proxy answers on the gRPC port${facts.detail ? ` (${facts.detail})` : ''}: it opens its own connections to the members, so one ` +
      'client\'s requests reach Nacos on different connections, which Nacos refuses with "Connection is unregistered." (errorCode 301)',
    fix: tcpInsteadOfHttp(facts),
  }),
  CONNECTION_SPLIT: (facts) => ({
    explanation: `requests sent on one HTTP/2 connection reached the server on different TCP connections${facts.detail ? ` (${facts.detail})` : ''}. ${PROXY_SPLITS}`,
    fix: tcpInsteadOfHttp(facts),
  }),
  HTTP1_PROXY: (facts) => ({
    explanation:
      `an HTTP/1 server answers the gRPC port${facts.detail ? ` (${facts.detail})` : ''}: e.g. nginx http {} with grpc_pass but without http2, or an HTTP load balancer. ` +
      'Clients fail with "INTERNAL: http2 exception ... First received frame was not SETTINGS"',
    fix: tcpInsteadOfHttp(facts),
  }),
  TLS_ON_GRPC_PORT: (facts) => ({
    explanation:
      `the port speaks TLS${facts.detail ? ` (${facts.detail})` : ''}: TLS is on for the Nacos gRPC port (nacos.remote.server.rpc.tls.enableTls with compatibility=false), ` +
      'or a TLS-terminating proxy is in the path. Plaintext clients fail with "UNAVAILABLE: Network closed for unknown reason"',
    fix: 'enable TLS in the clients (nacos.remote.client.rpc.tls.enable=true), or set nacos.remote.server.rpc.tls.compatibility=true so plaintext clients are accepted too; a proxy in front must pass TCP through',
  }),
  BLACK_HOLE: () => ({
    explanation:
      'the port accepts TCP connections but never answers: no HTTP/2 SETTINGS (a Nacos gRPC server sends them at once), no error, no close. A frozen server, or a ' +
      'VIP, firewall or proxy that accepts connections and swallows the traffic. Real clients fail with "Server check fail ... TimeoutException" or hang',
    fix: 'is the member alive (jstack, logs/start.out)? on a VIP or proxy: do its backends for this port answer (nc -vz <member> <port> from the proxy host)?',
  }),
  CLOSED_ON_PREFACE: (facts) => ({
    explanation: `the port accepts TCP but closes the connection on the HTTP/2 preface without an answer${facts.detail ? ` (${facts.detail})` : ''}: a proxy whose backend is down, a TLS-only port, or a service that is not gRPC`,
    fix: `make ${facts.port ?? 'this port'} forward to a member's gRPC port (its main port + 1000) as plain TCP, and check that the member is up`,
  }),
  NOT_NACOS_GRPC: (facts) => ({
    explanation: `the port answers, but not as a Nacos gRPC server${facts.detail ? ` (${facts.detail})` : ''}: it may forward to the member's HTTP port or to another service (a stream listen Y+1000 with proxy_pass to 8848 instead of 9848 is a known mistake)`,
    fix: `make ${facts.port ?? 'this port'} forward to ${memberGrpcPort(facts)}`,
  }),
  GRPC_TO_MAIN_PORT: (facts) => ({
    explanation:
      `${facts.port ?? 'the gRPC port'} answers like a member's main HTTP port${facts.detail ? ` (${facts.detail})` : ''}: the proxy, VIP or mapping in front sends ` +
      `P+1000 to the members' main port (8848) instead of their gRPC port (9848), e.g. nginx stream "listen Y+1000; proxy_pass <member>:8848". ` +
      'Clients fail with "Server check fail ... UNAVAILABLE: Network closed for unknown reason"',
    fix: forwardAsTcp(facts, `make ${facts.port ?? clientGrpcPort(facts)} forward to ${memberGrpcPort(facts)}, not to the main port (stream: listen ${facts.port ?? 'P+1000'}; proxy_pass <member>:<its main port + 1000>):`, true),
  }),
  PROXY_BAD_GATEWAY: (facts) => ({
    explanation: `a proxy on the gRPC port answered the call itself${facts.detail ? ` (${facts.detail})` : ''}: it terminates HTTP/2 and could not reach its upstream`,
    fix: tcpInsteadOfHttp(facts),
  }),
  GRPC_NO_RIGHT: (facts) => ({
    explanation:
      `the server refused the gRPC request for lack of rights (errorCode 403 NO_RIGHT${facts.detail ? `: ${facts.detail}` : ''}): with auth on, every request must ` +
      'carry a valid accessToken; "user not found!" means none was sent, "token expired!"/"token invalid!" a stale or foreign one. The network path works',
    fix:
      'configure username and password in the clients (they log in over HTTP on the main port, then send the token on gRPC); ' +
      'run again with --username/--password to check the login; give every member the same nacos.core.auth.plugin.nacos.token.secret.key',
  }),
  GRPC_OVER_THRESHOLD: (facts) => ({
    explanation: `the server's TPS control refused the request (errorCode 503 OVER_THRESHOLD${facts.detail ? `: ${facts.detail}` : ''}) and delayed its answer by 1 s: the request rate is over a configured limit`,
    fix: 'check the TPS control rules on the members (nacos.plugin.control.* in application.properties, the rules under ${nacos.home}/data/tps) and the clients\' request rate; logs/nacos.log names the point that is over',
  }),
  GRPC_NO_HANDLER: (facts) => ({
    explanation:
      `the server has no handler for the request type (errorCode 302 "RequestHandler Not Found"${facts.detail ? `: ${facts.detail}` : ''}): client and server versions ` +
      'do not match, e.g. a request type a newer client sends to an older server, or one Nacos 3 removed',
    fix: "use a client of the server's line (http.state shows the server version): a 2.x client with 2.x servers, a 3.x client for 3.x features; or upgrade the servers",
  }),
  GRPC_BAD_REQUEST: (facts) => ({
    explanation:
      `the server refused the request as bad (errorCode 502${facts.detail ? `: ${facts.detail}` : ''}): its body could not be parsed, or the request type is not ` +
      'allowed on this port ("invoke X from sdk is forbidden": SDK requests belong on P+1000, member requests on P+1001)',
    fix: `give SDK clients the main port P (they dial P+1000 themselves), never P+1001; ${facts.role === 'cluster-grpc' ? 'P+1001 is for member-to-member traffic only' : 'if a proxy rewrites gRPC bodies, forward TCP as is'}`,
  }),
  GRPC_FAILED: (facts) => ({
    explanation: `the Nacos gRPC handshake failed${facts.detail ? `: ${facts.detail}` : ''}`,
    fix: 'see the other findings of this port; logs/remote.log on the member shows the server side of the connection',
  }),
  CONNECTION_CUT: (facts) => ({
    explanation:
      `something in the path closed the idle registered connection${facts.detail ? ` (${facts.detail})` : ''}. A Nacos connection is quiet between heartbeats; each cut ` +
      'makes clients reconnect and re-register ("Network closed for unknown reason"). Around 60 s points at nginx grpc_read_timeout/client_body_timeout ' +
      '(nginx terminating HTTP/2); a few seconds at an idle timeout shorter than the 5 s heartbeat (nginx stream proxy_timeout 3s); 10 min at the stream default',
    fix: forwardAsTcp(facts, `forward ${clientGrpcPort(facts)} as plain TCP with an idle timeout of at least 30 s (the generated configs use 10m):`, false),
  }),
  HEARTBEAT_FAILED: (facts) => ({
    explanation:
      `heartbeats on a registered, idle connection failed${facts.detail ? ` (${facts.detail})` : ''}. A client sends a HealthCheck after 5 s idle; after 3 ` +
      'failed ones it marks the connection UNHEALTHY, reconnects and registers again, so its services flap',
    fix: `see the grpc findings of ${facts.port ?? 'this port'}; on the member, logs/remote.log shows the connection; whatever sits in between must forward TCP as is`,
  }),
  PROBE_UNFINISHED: () => ({
    explanation: 'the probe did not finish within its budget, so its result is unknown',
    fix: 'run again with a longer --timeout',
  }),
};

/** Causes where a loopback address is itself a likely mistake (§4 case 15). */
const LOOPBACK_CAUSES: ReadonlySet<CheckCause> = new Set(['MAIN_PORT_CLOSED', 'GRPC_PORT_CLOSED']);

function onLoopback(target: Target): boolean {
  return isLoopbackHost(target.address.host) || (target.ip !== undefined && isLoopbackHost(target.ip));
}

export function advice(cause: CheckCause, facts: AdviceFacts): Advice {
  const given = ADVICE[cause](facts);
  if (!LOOPBACK_CAUSES.has(cause) || !onLoopback(facts.target)) return given;
  return {
    explanation:
      `${given.explanation}. ${facts.target.address.host} is a loopback address: an app in a container that is given "localhost" or 127.0.0.1 reaches its ` +
      'own container, not the host or the Nacos container, and gets exactly this refusal ("Connection refused: /127.0.0.1:9848")',
    fix: `${given.fix}\nif the client runs in a container: give it the address of the host or of the Nacos service (the compose service name, the Kubernetes Service, host.docker.internal), not localhost`,
  };
}
