/**
 * HTTP on the main port P (NACOS-FACTS §3): readiness in all three API generations (v1 for
 * 1.x-3.1, v2 for 2.3-3.1, v3 for 3.x) so any 1.x-3.x server is recognised, the server state
 * (version, mode, auth, its own main port) and the naming module status of
 * `/v1/ns/operator/metrics` (`/v3/admin/ns/ops/metrics` on 3.x), whose 503 `server is DOWN now`
 * is the Raft leader problem of the FAQ; on Nacos 3, whether the v1 API is still there.
 */
import { NacosHttpError } from '../../nacos/http-errors.js';
import type { NacosHttpClient } from '../../nacos/http-client.js';
import { parseServerState, unwrapResult, type ServerState } from '../../nacos/server-state.js';
import { advice, type CheckCause } from '../advice.js';
import { attempt, formatMs, isNetworkFailure, type Failure, type Outcome } from '../failure.js';
import { observedDial, observedGrpcOnMainPort, observedMajorVersion, observedState } from '../observed.js';
import type { ObservingProbe, Observations, Target } from '../probe.js';
import type { Finding } from '../report.js';

export type ReadinessApi = 'v1' | 'v2' | 'v3';

export interface Readiness {
  readonly ready: boolean;
  /** What the server said: `OK`, `naming not in readiness`, ... */
  readonly message: string;
}

export interface HttpObservation {
  readonly readiness: Readonly<Record<ReadinessApi, Outcome<Readiness>>>;
  readonly state: { readonly v1: Outcome<ServerState>; readonly v3: Outcome<ServerState> };
  /** The naming module status (UP, DOWN, STARTING, ...) from the v1 open API (1.x-3.1) and the v3 admin API (3.x). */
  readonly naming: { readonly v1: Outcome<string>; readonly v3: Outcome<string> };
}

export const READINESS_PATHS: Readonly<Record<ReadinessApi, string>> = {
  v1: '/v1/console/health/readiness',
  v2: '/v2/console/health/readiness',
  v3: '/v3/admin/core/state/readiness',
};

export const STATE_PATHS = { v1: '/v1/console/server/state', v3: '/v3/admin/core/state' } as const;
const NAMING_METRICS_PATHS = { v1: '/v1/ns/operator/metrics', v3: '/v3/admin/ns/ops/metrics' } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Result `{code, message, data}`: code 0 is ready; anything else carries the reason. */
function resultReadiness(body: string): Readiness {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ready: body.trim().toUpperCase() === 'OK', message: body.trim() };
  }
  if (isRecord(parsed) && 'code' in parsed) {
    const ready = parsed.code === 0 || parsed.code === 200;
    return { ready, message: String(ready ? (parsed.data ?? parsed.message ?? 'ok') : (parsed.message ?? parsed.data ?? parsed.code)) };
  }
  return { ready: true, message: body.trim() };
}

/** Readiness from the answer: 2xx bodies, and the 500 that 1.x/2.x send when a module is not ready. */
async function readiness(http: NacosHttpClient, api: ReadinessApi, timeoutMs: number, signal: AbortSignal): Promise<Readiness> {
  try {
    const body = await http.text(READINESS_PATHS[api], { timeoutMs, signal, auth: false });
    return api === 'v1' ? { ready: true, message: body.trim() } : resultReadiness(body);
  } catch (error) {
    if (error instanceof NacosHttpError && error.code === 'ERR_NACOS_HTTP' && error.status === 500) {
      return api === 'v1' ? { ready: false, message: error.body.trim() } : resultReadiness(error.body);
    }
    throw error;
  }
}

/** The server state from one API generation; open on every version that has it (no token). */
export async function serverStateOf(http: NacosHttpClient, api: keyof typeof STATE_PATHS, timeoutMs: number, signal: AbortSignal): Promise<ServerState> {
  return parseServerState(await http.json(STATE_PATHS[api], { timeoutMs, signal, auth: false }), STATE_PATHS[api]);
}

function namingStatus(body: unknown, path: string): string {
  const data = unwrapResult(body, path);
  return isRecord(data) && typeof data.status === 'string' ? data.status : 'unknown';
}

// ---- classification ------------------------------------------------------------------------

/**
 * Why no readiness API answered, when none did: the finding reports the network or protocol
 * cause once, and the other HTTP findings point to it. A failure in the TLS handshake of an
 * https:// address (certificate, or a plain HTTP port that resets or answers in clear text) is
 * told by where it happened, whatever the errno: a reset there is not a proxy without backend.
 */
function silence(failures: readonly Failure[], observed: Observations): { cause: CheckCause | undefined; failure: Failure } {
  const first = failures[0]!;
  const mainOpen = observedDial(observed, 'main')?.outcome === 'open';
  const parse = failures.find((failure) => failure.errno?.startsWith('HPE_'));
  if (parse) return { cause: 'NOT_HTTP', failure: parse };
  const tls = failures.find((failure) => failure.phase === 'tls');
  if (tls) return { cause: 'HTTPS_FAILED', failure: tls };
  if (failures.every((failure) => failure.code === 'ERR_NACOS_API_ABSENT')) return { cause: 'NOT_NACOS_HTTP', failure: first };
  if (failures.every(isNetworkFailure)) {
    // A closed or filtered port is the TCP finding's to report; an open one that gives no answer is this one's.
    if (!mainOpen) return { cause: undefined, failure: first };
    const reset = failures.find((failure) => failure.code === 'ERR_CONNECT_RESET');
    return reset ? { cause: 'PORT_RESET', failure: reset } : { cause: 'HTTP_NO_ANSWER', failure: failures.find((failure) => failure.code === 'ERR_HTTP_TIMEOUT') ?? first };
  }
  return { cause: undefined, failure: failures.find((failure) => !isNetworkFailure(failure) && failure.code !== 'ERR_NACOS_API_ABSENT') ?? first };
}

const SILENCE_TITLES: Readonly<Partial<Record<CheckCause, (port: number) => string>>> = {
  HTTP_NO_ANSWER: (port) => `port ${port} accepts connections but sends no HTTP answer`,
  PORT_RESET: (port) => `port ${port} accepts connections, then resets them without an HTTP answer`,
  NOT_HTTP: (port) => `port ${port} does not answer HTTP/1.1`,
  HTTPS_FAILED: (port) => `HTTPS to port ${port} fails`,
};

function readinessFinding(http: HttpObservation, observed: Observations, target: Target): Finding {
  const answers = (Object.keys(READINESS_PATHS) as ReadinessApi[]).flatMap((api) => {
    const outcome = http.readiness[api];
    return outcome.ok ? [{ api, ...outcome.value, elapsedMs: outcome.elapsedMs }] : [];
  });
  const ready = answers.find((answer) => answer.ready);
  if (ready) {
    return {
      check: 'http.readiness',
      status: 'ok',
      title: `HTTP API on ${target.port} answers and the member is ready`,
      evidence: `${ready.api} readiness "${ready.message}" in ${formatMs(ready.elapsedMs)}`,
      elapsedMs: ready.elapsedMs,
      data: { api: ready.api },
    };
  }
  const notReady = answers[0];
  if (notReady) {
    const { explanation, fix } = advice('NOT_READY', { target, observed });
    return {
      check: 'http.readiness',
      status: 'fail',
      title: `the member is not ready: ${notReady.message}`,
      evidence: `${notReady.api} ${READINESS_PATHS[notReady.api]}`,
      cause: 'NOT_READY',
      explanation,
      fix,
      data: { api: notReady.api },
    };
  }
  const failures = (Object.values(http.readiness) as Outcome<Readiness>[]).flatMap((outcome) => (outcome.ok ? [] : [outcome.failure]));
  const { cause, failure } = silence(failures, observed);
  if (cause === undefined && failures.every(isNetworkFailure)) {
    return { check: 'http.readiness', status: 'skipped', title: `HTTP API not reachable: ${failure.message}`, data: { code: failure.code } };
  }
  const detail = failure.errno;
  const { explanation, fix } = advice(cause ?? 'NOT_NACOS_HTTP', { target, observed, role: 'main', port: target.port, ...(detail ? { detail } : {}) });
  return {
    check: 'http.readiness',
    status: 'fail',
    title: SILENCE_TITLES[cause ?? 'NOT_NACOS_HTTP']?.(target.port) ?? `no Nacos readiness API answers on ${target.port}`,
    evidence: failure.message,
    cause: cause ?? 'NOT_NACOS_HTTP',
    explanation,
    fix,
    data: { code: failure.code },
  };
}

function stateFinding(http: HttpObservation, observed: Observations): Finding {
  const state = observedState(observed);
  if (state === undefined) {
    const failure = http.state.v1.ok ? undefined : http.state.v1.failure;
    return { check: 'http.state', status: 'skipped', title: 'server state not available', ...(failure ? { evidence: failure.message } : {}) };
  }
  const api = http.state.v3.ok ? 'v3' : 'v1';
  const parts = [
    `Nacos ${state.version ?? '(version not reported)'}`,
    ...(state.mode ? [`${state.mode} mode`] : []),
    ...(state.authEnabled === undefined ? [] : [`auth ${state.authEnabled ? 'on' : 'off'}`]),
    ...(state.serverPort === undefined ? [] : [`main port ${state.serverPort}`]),
  ];
  return {
    check: 'http.state',
    status: 'ok',
    title: parts.join(', '),
    evidence: `${api} ${STATE_PATHS[api]}`,
    data: {
      version: state.version ?? null,
      mode: state.mode ?? null,
      authEnabled: state.authEnabled ?? null,
      serverPort: state.serverPort ?? null,
    },
  };
}

/** The naming status as one outcome: the first answer, else a 503 DOWN, else the v1 failure (the v3 one when v1 is gone). */
function namingOutcome(naming: HttpObservation['naming']): { api: 'v1' | 'v3'; outcome: Outcome<string> } {
  for (const api of ['v1', 'v3'] as const) if (naming[api].ok) return { api, outcome: naming[api] };
  for (const api of ['v1', 'v3'] as const) if (!naming[api].ok && naming[api].failure.code === 'ERR_NACOS_DOWN') return { api, outcome: naming[api] };
  const v1Absent = !naming.v1.ok && naming.v1.failure.code === 'ERR_NACOS_API_ABSENT';
  return v1Absent ? { api: 'v3', outcome: naming.v3 } : { api: 'v1', outcome: naming.v1 };
}

function namingFinding(http: HttpObservation, observed: Observations, target: Target): Finding | undefined {
  const { api, outcome: naming } = namingOutcome(http.naming);
  const path = NAMING_METRICS_PATHS[api];
  if (naming.ok) {
    if (naming.value === 'UP') return { check: 'http.naming', status: 'ok', title: 'naming module is UP', evidence: `${path} status UP`, data: { status: 'UP' } };
    const cause: CheckCause = naming.value === 'STARTING' ? 'SERVER_STARTING' : 'NACOS_DOWN';
    const { explanation, fix } = advice(cause, { target, observed });
    return {
      check: 'http.naming',
      status: 'fail',
      title: `naming module is ${naming.value}`,
      evidence: `${path} status ${naming.value}`,
      cause,
      explanation,
      fix,
      data: { status: naming.value },
    };
  }
  const failure = naming.failure;
  if (failure.code === 'ERR_NACOS_DOWN') {
    const raft = /leader|raft/i.test(failure.detail ?? '');
    const cause: CheckCause = failure.serverStatus === 'STARTING' ? 'SERVER_STARTING' : raft ? 'RAFT_NO_LEADER' : 'NACOS_DOWN';
    const { explanation, fix } = advice(cause, { target, observed });
    return {
      check: 'http.naming',
      status: 'fail',
      title: `naming module is ${failure.serverStatus ?? 'DOWN'}: the server answers 503`,
      evidence: `HTTP ${failure.status ?? 503} "${(failure.body ?? '').slice(0, 160)}"`,
      cause,
      explanation,
      fix,
      data: { status: failure.serverStatus ?? null },
    };
  }
  if (failure.code === 'ERR_NACOS_AUTH') {
    return { check: 'http.naming', status: 'skipped', title: `naming status not read: ${path} needs an admin login (HTTP ${failure.status ?? 403} "${failure.body ?? ''}"; see auth)` };
  }
  if (failure.code === 'ERR_NACOS_API_ABSENT') {
    return { check: 'http.naming', status: 'skipped', title: `naming status not available (${path} answers HTTP ${failure.status ?? '?'})` };
  }
  // Network and protocol failures are reported once, by the readiness finding.
  return undefined;
}

/**
 * Nacos 3 gates the v1 console API (410 on 3.0/3.1) and drops every v1/v2 API on 3.2+ (404)
 * unless the legacy adapter is installed (NACOS-FACTS §2.3, §4 case 28): readiness probes on
 * /v1/console/health/readiness (nacos-k8s manifests, compose files) and v1 HTTP clients fail.
 */
function v1ApiFinding(http: HttpObservation, observed: Observations, target: Target): Finding | undefined {
  const v1 = http.readiness.v1;
  if (v1.ok || v1.failure.code !== 'ERR_NACOS_API_ABSENT') return undefined;
  const v3 = http.readiness.v3.ok || (observedMajorVersion(observed) ?? 0) >= 3;
  if (!v3) return undefined;
  const clientsToo = !http.naming.v1.ok && http.naming.v1.failure.code === 'ERR_NACOS_API_ABSENT';
  const status = v1.failure.status ?? 404;
  const detail = `${READINESS_PATHS.v1} answers HTTP ${status}${clientsToo ? `, and so does the v1 open API (${NAMING_METRICS_PATHS.v1})` : ''}`;
  const { explanation, fix } = advice('V1_API_GONE', { target, observed, detail });
  return {
    check: 'http.v1-api',
    status: 'warn',
    title: clientsToo
      ? 'the v1 HTTP API is gone on this Nacos 3: v1 clients and /v1/console/health/readiness probes fail'
      : 'the v1 console API is closed on this Nacos 3: /v1/console/health/readiness probes fail',
    evidence: detail,
    cause: 'V1_API_GONE',
    explanation,
    fix,
    data: { readinessStatus: status, v1ClientApi: !clientsToo },
  };
}

export function classifyHttp(observed: Observations, target: Target): Finding[] {
  const http = observed.http;
  if (http === undefined) return [];
  if (observedGrpcOnMainPort(observed) !== undefined) {
    return [{ check: 'http.readiness', status: 'skipped', title: `no HTTP API on ${target.port}: it is a gRPC port (see address)` }];
  }
  const readinessResult = readinessFinding(http, observed, target);
  const findings = [readinessResult];
  if (readinessResult.status === 'skipped' || (readinessResult.cause !== undefined && readinessResult.cause in SILENCE_TITLES)) return findings;
  findings.push(stateFinding(http, observed));
  const naming = namingFinding(http, observed, target);
  if (naming) findings.push(naming);
  const v1 = v1ApiFinding(http, observed, target);
  if (v1) findings.push(v1);
  return findings;
}

export const httpProbe: ObservingProbe<'http'> = {
  name: 'http',
  async observe(_target, context) {
    const { http, signal } = context;
    const get = <T>(run: (timeoutMs: number) => Promise<T>): Promise<Outcome<T>> => attempt(() => run(context.remaining()));
    const [v1, v2, v3, stateV1, stateV3, namingV1, namingV3] = await Promise.all([
      get((timeoutMs) => readiness(http, 'v1', timeoutMs, signal)),
      get((timeoutMs) => readiness(http, 'v2', timeoutMs, signal)),
      get((timeoutMs) => readiness(http, 'v3', timeoutMs, signal)),
      get((timeoutMs) => serverStateOf(http, 'v1', timeoutMs, signal)),
      get((timeoutMs) => serverStateOf(http, 'v3', timeoutMs, signal)),
      get(async (timeoutMs) => namingStatus(await http.json(NAMING_METRICS_PATHS.v1, { timeoutMs, signal, auth: false }), NAMING_METRICS_PATHS.v1)),
      // An admin API: it takes the login's token.
      get(async (timeoutMs) => namingStatus(await http.json(NAMING_METRICS_PATHS.v3, { timeoutMs, signal }), NAMING_METRICS_PATHS.v3)),
    ]);
    return { readiness: { v1, v2, v3 }, state: { v1: stateV1, v3: stateV3 }, naming: { v1: namingV1!, v3: namingV3! } };
  },
  classify: classifyHttp,
};
