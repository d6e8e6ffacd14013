/**
 * The Nacos gRPC handshake on P+1000 (and P+1001 with --cluster), as a real client does it, on
 * ONE HTTP/2 connection (NACOS-FACTS §1.3, §1.4):
 *
 *   ServerCheck -> connectionId; then NacosConnection.handshake: ServerCheck again, the bi-stream,
 *   ConnectionSetup, SetupAck (2.3+); then a HealthCheck.
 *
 * Nacos ties a connection to its TCP socket, so on a direct or L4 path both ServerChecks return
 * the same connectionId and the HealthCheck succeeds. A proxy that spreads one client connection
 * over several upstream connections (nginx grpc_pass, Envoy/Istio HTTP) shows itself by a new
 * connectionId or by errorCode 301 `Connection is unregistered.` on the HealthCheck: the exact
 * failure of real clients. The connectionId also names the peer the server sees; if that is not
 * our own socket, a NAT or proxy sits in between.
 */
import { formatHostPort, normalizeIp } from '../../address.js';
import { NacosGrpcClient } from '../../nacos/grpc-client.js';
import { headerText } from '../../nacos/grpc-call.js';
import { NacosConnection } from '../../nacos/connection.js';
import type { ServerCheckResponseBody } from '../../nacos/message-bodies.js';
import { NacosErrorCode, expectSuccess, nacosRequest, responseFailure } from '../../nacos/messages.js';
import { safeRolePort } from '../../ops/upgrade-guide.js';
import { formatOffset } from '../../ports.js';
import { VERSION } from '../../version.js';
import { advice, type CheckCause } from '../advice.js';
import { attempt, formatMs, type Failure, type Outcome } from '../failure.js';
import { observedDial } from '../observed.js';
import type { ObservingProbe, Observations, ProbeContext, Target } from '../probe.js';
import type { Finding } from '../report.js';
import { grpcRoles, h2VerdictOf, mainApiOnGrpcPort, type GrpcRole } from './h2.js';

export interface ServerCheckResult {
  readonly connectionId: string;
  readonly supportAbilityNegotiation: boolean;
  /** The `server` response header; grpc-java sends none, proxies do. */
  readonly server?: string;
}

export interface SetupResult {
  /** The connectionId of the second ServerCheck, made by the handshake on the same connection. */
  readonly connectionId: string;
  /** `received` (2.3+), or `not-supported` when the server did not announce ability negotiation. */
  readonly setupAck: 'received' | 'not-supported';
}

export interface HealthCheckResult {
  /** 0 on success; 301 when the connection is not registered where the call landed. */
  readonly errorCode: number;
  readonly message: string;
}

export interface GrpcPortObservation {
  readonly role: GrpcRole;
  readonly port: number | undefined;
  readonly connect: Outcome<void>;
  /** Our end of the TCP connection, to compare with the peer the server names. */
  readonly local?: { readonly address: string; readonly port: number };
  readonly serverCheck?: Outcome<ServerCheckResult>;
  readonly setup?: Outcome<SetupResult>;
  readonly healthCheck?: Outcome<HealthCheckResult>;
}

export interface GrpcObservation {
  readonly ports: readonly GrpcPortObservation[];
}

/** Labels a connection presents: an SDK config client on the client port, a member on the cluster port. */
const LABELS: Readonly<Record<GrpcRole, Readonly<Record<string, string>>>> = {
  'client-grpc': { source: 'sdk', module: 'config', AppName: 'nacos-doctor' },
  'cluster-grpc': { source: 'cluster' },
};

async function handshakePort(target: Target & { ip: string }, role: GrpcRole, context: ProbeContext): Promise<GrpcPortObservation> {
  const port = safeRolePort(target.port, role);
  if (port === undefined) return { role, port, connect: { ok: true, value: undefined, elapsedMs: 0 } };
  const { signal } = context;
  let client: NacosGrpcClient | undefined;
  const connect = await attempt(async () => {
    client = await NacosGrpcClient.connect({ host: target.ip, port, timeout: context.remaining(), signal, userAgent: `nacos-doctor/${VERSION}` });
  });
  if (!connect.ok || client === undefined) return { role, port, connect };
  const session = client;
  try {
    const local = session.localAddress !== undefined && session.localPort !== undefined ? { address: session.localAddress, port: session.localPort } : undefined;
    const serverCheck = await attempt(async (): Promise<ServerCheckResult> => {
      const response = await session.unary(nacosRequest('ServerCheckRequest'), { timeout: context.remaining(), signal });
      expectSuccess(response.payload, 'ServerCheckRequest');
      const body = response.payload.body as ServerCheckResponseBody;
      const server = headerText(response.headers, 'server');
      return { connectionId: body.connectionId ?? '', supportAbilityNegotiation: body.supportAbilityNegotiation === true, ...(server ? { server } : {}) };
    });
    const base = { role, port, connect, ...(local ? { local } : {}), serverCheck };
    if (!serverCheck.ok) return base;
    let connection: NacosConnection | undefined;
    const setup = await attempt(async (): Promise<SetupResult> => {
      connection = await NacosConnection.handshake(session, {
        host: target.ip,
        port,
        labels: LABELS[role],
        clientVersion: `Nacos-Doctor:v${VERSION}`,
        serverCheckTimeout: context.remaining(),
        setupAckTimeout: context.remaining(),
        signal,
      });
      return { connectionId: connection.connectionId, setupAck: connection.serverAbilities === undefined ? 'not-supported' : 'received' };
    });
    if (!setup.ok || connection === undefined) return { ...base, setup };
    const registered = connection;
    const healthCheck = await attempt(async (): Promise<HealthCheckResult> => {
      const response = await registered.request('HealthCheckRequest', {}, { timeout: context.remaining(), signal });
      const failure = responseFailure(response);
      return { errorCode: failure?.errorCode ?? 0, message: failure?.message ?? '' };
    });
    context.logger.debug(
      { target: target.label, role, connectionIds: [serverCheck.value.connectionId, setup.value.connectionId], healthCheck: healthCheck.ok ? healthCheck.value : healthCheck.failure },
      'grpc handshake',
    );
    return { ...base, setup, healthCheck };
  } finally {
    // Drop the connection at once: a polite GOAWAY would wait for the bi-stream.
    session.destroy();
  }
}

// ---- classification ------------------------------------------------------------------------

/** `<ms>_<ip>_<port>`: the peer the server sees for this connection (§1.4). IPv6 has no `_`. */
export function parseConnectionId(connectionId: string): { ip: string; port: number } | undefined {
  const match = /^\d+_(.+)_(\d+)$/.exec(connectionId);
  return match ? { ip: normalizeIp(match[1]!), port: Number(match[2]) } : undefined;
}

/** The causes of the Nacos errorCodes a handshake step can get (NACOS-FACTS §1.5). */
const ERROR_CODE_CAUSES: Readonly<Record<number, CheckCause>> = {
  [NacosErrorCode.INVALID_SERVER_STATUS]: 'SERVER_STARTING',
  [NacosErrorCode.UN_REGISTER]: 'CONNECTION_SPLIT',
  [NacosErrorCode.NO_HANDLER]: 'GRPC_NO_HANDLER',
  [NacosErrorCode.NO_RIGHT]: 'GRPC_NO_RIGHT',
  [NacosErrorCode.BAD_GATEWAY]: 'GRPC_BAD_REQUEST',
  [NacosErrorCode.OVER_THRESHOLD]: 'GRPC_OVER_THRESHOLD',
};

/** Why a step failed, as a cause, using what the fingerprint saw on the same port. */
function causeOf(failure: Failure, observed: Observations, role: GrpcRole): CheckCause {
  const byCode = failure.errorCode === undefined ? undefined : ERROR_CODE_CAUSES[failure.errorCode];
  if (byCode) return byCode;
  if (mainApiOnGrpcPort(observed, role)) return 'GRPC_TO_MAIN_PORT';
  if (failure.code === 'ERR_GRPC_HTTP') return failure.status === 502 || failure.status === 503 || failure.status === 504 ? 'PROXY_BAD_GATEWAY' : 'H2_TERMINATING_PROXY';
  const verdict = h2VerdictOf(observed, role);
  if (verdict === 'http1') return 'HTTP1_PROXY';
  if (verdict === 'tls') return 'TLS_ON_GRPC_PORT';
  if (verdict === 'black-hole') return 'BLACK_HOLE';
  if (verdict === 'closed') return 'CLOSED_ON_PREFACE';
  if (failure.code === 'ERR_GRPC_STATUS' || verdict === 'unknown' || verdict === 'h2-other') return 'NOT_NACOS_GRPC';
  return 'GRPC_FAILED';
}

function failureFinding(check: string, title: string, failure: Failure, observed: Observations, target: Target, observation: GrpcPortObservation): Finding {
  const cause = causeOf(failure, observed, observation.role);
  const { explanation, fix } = advice(cause, { target, observed, role: observation.role, ...(observation.port === undefined ? {} : { port: observation.port }), detail: failure.message });
  return { check, status: 'fail', title, evidence: failure.message, cause, explanation, fix, data: { port: observation.port ?? null, code: failure.code, errorCode: failure.errorCode ?? null } };
}

/** Where the server's view of our socket differs from ours; said only while the path looks like plain TCP. */
function pathFinding(observation: GrpcPortObservation, connectionId: string, observed: Observations): Finding | undefined {
  const seen = parseConnectionId(connectionId);
  const local = observation.local;
  if (seen === undefined || local === undefined) return undefined;
  const verdict = h2VerdictOf(observed, observation.role);
  if (verdict !== undefined && verdict !== 'grpc-java') return undefined;
  const ours = formatHostPort(normalizeIp(local.address), local.port);
  const theirs = formatHostPort(seen.ip, seen.port);
  const check = `grpc.${observation.role}.path`;
  const data = { local: ours, seenByServer: theirs };
  if (ours === theirs) return { check, status: 'ok', title: 'the server sees our own socket: no NAT or proxy in between', evidence: `connectionId ${connectionId}`, data };
  return {
    check,
    status: 'info',
    title: `the server sees ${theirs}, we are ${ours}: a NAT or an L4 proxy is in the path (fine for Nacos while it forwards TCP as is)`,
    evidence: `connectionId ${connectionId}`,
    data,
  };
}

function classifyPort(observation: GrpcPortObservation, observed: Observations, target: Target): Finding[] {
  const check = `grpc.${observation.role}`;
  const where = `${observation.port} (${formatOffset(observation.role)})`;
  if (observation.port === undefined) return [];
  if (!observation.connect.ok) {
    if (observedDial(observed, observation.role)?.outcome !== 'open' && observation.connect.failure.phase === 'connect') {
      return [{ check, status: 'skipped', title: `Nacos gRPC handshake on ${where} not tried: port not reachable` }];
    }
    return [failureFinding(check, `no HTTP/2 session on ${where}`, observation.connect.failure, observed, target, observation)];
  }
  const serverCheck = observation.serverCheck;
  if (serverCheck === undefined) return [];
  if (!serverCheck.ok) return [failureFinding(check, `ServerCheck on ${where} failed`, serverCheck.failure, observed, target, observation)];
  const first = serverCheck.value;
  const path = pathFinding(observation, first.connectionId, observed);
  const withPath = (finding: Finding): Finding[] => (path && finding.cause === undefined ? [finding, path] : [finding]);
  const setup = observation.setup;
  if (setup === undefined) return withPath({ check, status: 'skipped', title: `ServerCheck on ${where} ok; ConnectionSetup not tried` });
  if (!setup.ok) return withPath(failureFinding(check, `ConnectionSetup on ${where} failed after ServerCheck`, setup.failure, observed, target, observation));
  const splitEvidence: string[] = [];
  if (setup.value.connectionId !== first.connectionId) {
    splitEvidence.push(`two ServerChecks on one HTTP/2 connection got different connectionIds: ${first.connectionId} then ${setup.value.connectionId}`);
  }
  const health = observation.healthCheck;
  if (health?.ok && health.value.errorCode === NacosErrorCode.UN_REGISTER) {
    splitEvidence.push(`HealthCheck after ConnectionSetup: errorCode 301 "${health.value.message}"`);
  }
  const server = first.server ? `, server: ${first.server}` : '';
  const data = {
    port: observation.port,
    connectionId: first.connectionId,
    setupAck: setup.value.setupAck,
    healthCheckErrorCode: health?.ok ? health.value.errorCode : null,
    server: first.server ?? null,
  };
  if (splitEvidence.length > 0) {
    const detail = splitEvidence.join('; ');
    const { explanation, fix } = advice('CONNECTION_SPLIT', { target, observed, role: observation.role, port: observation.port, detail });
    return withPath({
      check,
      status: 'fail',
      title: `${where}: the path splits one client connection over several server connections (clients get "Connection is unregistered.")`,
      evidence: `${detail}${server}`,
      cause: 'CONNECTION_SPLIT',
      explanation,
      fix,
      data,
    });
  }
  if (health === undefined) return withPath({ check, status: 'skipped', title: `handshake on ${where} ok; HealthCheck not tried`, data });
  if (!health.ok) return withPath(failureFinding(check, `HealthCheck on ${where} failed after a good handshake`, health.failure, observed, target, observation));
  if (health.value.errorCode !== 0) {
    return withPath(failureFinding(check, `HealthCheck on ${where} refused`, { code: 'ERR_NACOS_RESPONSE', message: `errorCode ${health.value.errorCode} "${health.value.message}"`, errorCode: health.value.errorCode }, observed, target, observation));
  }
  const ack = setup.value.setupAck === 'received' ? 'SetupAck' : 'no SetupAck (server before 2.3)';
  return withPath({
    check,
    status: 'ok',
    title: `Nacos gRPC on ${where}: ServerCheck, ConnectionSetup, ${ack}, HealthCheck all on one connection`,
    evidence: `connectionId ${first.connectionId}, handshake in ${formatMs(observation.connect.elapsedMs + serverCheck.elapsedMs + setup.elapsedMs + health.elapsedMs)}${server}`,
    data,
  });
}

export function classifyGrpc(observed: Observations, target: Target): Finding[] {
  return (observed.grpc?.ports ?? []).flatMap((observation) => classifyPort(observation, observed, target));
}

export const grpcProbe: ObservingProbe<'grpc'> = {
  name: 'grpc',
  async observe(target, context) {
    return { ports: await Promise.all(grpcRoles(context.options.cluster).map((role) => handshakePort(target, role, context))) };
  },
  classify: classifyGrpc,
};
