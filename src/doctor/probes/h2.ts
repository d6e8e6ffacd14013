/**
 * The HTTP/2 fingerprint of the gRPC ports from raw bytes (P+1000, and P+1001 with --cluster):
 * connect, listen a moment for a server that speaks first (grpc-java does), send the client
 * preface, and record what comes back. When the server closes on the plaintext preface, a TLS
 * handshake tells a TLS-only port. The verdict itself is pure (src/doctor/h2-fingerprint.ts).
 */
import { connect as tlsConnect } from 'node:tls';
import { isIP, type Socket } from 'node:net';
import { safeRolePort } from '../../ops/upgrade-guide.js';
import { formatOffset } from '../../ports.js';
import { dial } from '../../net/dial.js';
import { advice, type CheckCause } from '../advice.js';
import { attempt, failureOf, type Outcome } from '../failure.js';
import { CLIENT_PREFACE, VERDICT_LABELS, fingerprintH2, readServerHello, startsWithSettings, type H2Exchange, type H2Verdict } from '../h2-fingerprint.js';
import type { ObservingProbe, Observations, ProbeContext, Target } from '../probe.js';
import type { Finding, Status } from '../report.js';
import { observedDial, observedMembers, observedState } from '../observed.js';
import { NacosHttpClient } from '../../nacos/http-client.js';
import { STATE_PATHS, serverStateOf } from './http.js';

export type GrpcRole = 'client-grpc' | 'cluster-grpc';

export interface H2PortObservation {
  readonly role: GrpcRole;
  readonly port: number | undefined;
  readonly connect: Outcome<void>;
  /** Hex of the bytes the server sent before we spoke. */
  readonly unsolicited: string;
  /** Hex of the bytes the server sent after our preface. */
  readonly answer: string;
  readonly end: H2Exchange['end'];
  readonly tls?: H2Exchange['tls'];
  /**
   * When the port did not answer as an HTTP/2 server: the Nacos server state read over HTTP/1.1
   * on this port. A Nacos answer proves the port forwards to a member's main port (§4 case 6).
   */
  readonly mainApi?: Outcome<{ readonly version?: string; readonly serverPort?: number }>;
}

export interface H2Observation {
  readonly ports: readonly H2PortObservation[];
}

/** The gRPC ports a check probes: the client port, and the member port with --cluster. */
export function grpcRoles(cluster: boolean): GrpcRole[] {
  return cluster ? ['client-grpc', 'cluster-grpc'] : ['client-grpc'];
}

/** How long to wait for a server that speaks first; grpc-java's SETTINGS follow the accept at once. */
const SPEAK_FIRST_WAIT_MS = 250;
/** After a SETTINGS frame, how long to wait for the WINDOW_UPDATE that usually follows in the same write. */
const WINDOW_UPDATE_WAIT_MS = 30;
/** Enough bytes to tell any of the fingerprints apart. */
const MAX_BYTES = 4096;

/** Collects a socket's bytes until `enough` says so, the socket ends, or `timeoutMs` passes. */
function collect(socket: Socket, timeoutMs: number, enough: (bytes: Buffer) => boolean): Promise<{ bytes: Buffer; end: H2Exchange['end'] }> {
  return new Promise((resolve) => {
    let bytes: Buffer = Buffer.alloc(0);
    let grace: NodeJS.Timeout | undefined;
    const finish = (end: H2Exchange['end']): void => {
      clearTimeout(timer);
      clearTimeout(grace);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      // Keep what arrives next in the socket until the next collect() reads it.
      socket.pause();
      resolve({ bytes, end });
    };
    const onData = (chunk: Buffer): void => {
      bytes = Buffer.concat([bytes, chunk]).subarray(0, MAX_BYTES);
      if (bytes.length >= MAX_BYTES) return finish('enough');
      // A SETTINGS frame is usually followed by a WINDOW_UPDATE in the same write; wait briefly for it.
      if (enough(bytes)) {
        if (readServerHello(bytes).windowIncrement !== undefined || !startsWithSettings(bytes)) return finish('enough');
        grace ??= setTimeout(() => finish('enough'), WINDOW_UPDATE_WAIT_MS);
      }
    };
    let errored = false;
    const onError = (error: Error): void => {
      errored = failureOf(error).errno === 'ECONNRESET';
    };
    const onClose = (): void => finish(errored ? 'reset' : 'closed');
    const timer = setTimeout(() => finish(bytes.length > 0 ? 'enough' : 'timeout'), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
    socket.resume();
  });
}

function answerComplete(bytes: Buffer): boolean {
  if (startsWithSettings(bytes)) return readServerHello(bytes).settings !== undefined;
  // An HTTP/1 answer: its headers are enough; a TLS record or other bytes: the first chunk is.
  if (bytes.subarray(0, 5).toString('latin1') === 'HTTP/') return bytes.includes('\r\n\r\n');
  return bytes.length >= 9 || !/^[\x00-\x7f]*$/.test(bytes.toString('latin1'));
}

async function tryTls(host: string, servername: string, port: number, timeoutMs: number): Promise<NonNullable<H2Exchange['tls']>> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port, ALPNProtocols: ['h2'], rejectUnauthorized: false, ...(isIP(servername) === 0 ? { servername } : {}) });
    const done = (result: NonNullable<H2Exchange['tls']>): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, error: `no TLS handshake within ${timeoutMs}ms` }), timeoutMs);
    socket.once('secureConnect', () =>
      done({ ok: true, protocol: socket.getProtocol() ?? 'TLS', ...(typeof socket.alpnProtocol === 'string' ? { alpn: socket.alpnProtocol } : {}) }),
    );
    socket.once('error', (error) => done({ ok: false, error: error.message }));
  });
}

async function fingerprintPort(target: Target & { ip: string }, role: GrpcRole, context: ProbeContext): Promise<H2PortObservation> {
  const port = safeRolePort(target.port, role);
  if (port === undefined) return { role, port, connect: { ok: true, value: undefined, elapsedMs: 0 }, unsolicited: '', answer: '', end: 'closed' };
  let socket: Socket | undefined;
  const connect = await attempt(async () => {
    socket = await dial({ host: target.ip, port, timeoutMs: context.remaining(), signal: context.signal, paused: true, noDelay: true });
  });
  if (!connect.ok || socket === undefined) return { role, port, connect, unsolicited: '', answer: '', end: 'closed' };
  const open = socket;
  open.on('error', () => {});
  try {
    const first = await collect(open, Math.min(SPEAK_FIRST_WAIT_MS, context.remaining()), startsWithSettings);
    if (first.bytes.length > 0 || first.end !== 'timeout') {
      return { role, port, connect, unsolicited: first.bytes.toString('hex'), answer: '', end: first.end };
    }
    open.write(CLIENT_PREFACE);
    const second = await collect(open, context.remaining(), answerComplete);
    open.destroy();
    const tls = second.bytes.length === 0 && second.end !== 'timeout' ? await tryTls(target.ip, target.address.host, port, context.remaining()) : undefined;
    const seen = { role, port, connect, unsolicited: '', answer: second.bytes.toString('hex'), end: second.end, ...(tls ? { tls } : {}) };
    if (!MAYBE_HTTP_API.has(fingerprintH2(exchangeOf(seen, undefined)).verdict)) return seen;
    return { ...seen, mainApi: await attempt(() => mainApiOn(target, port, context)) };
  } finally {
    open.destroy();
  }
}

/** Verdicts of a port that may be a Nacos HTTP port: it closed on the preface, or answered HTTP/1 or something else. */
const MAYBE_HTTP_API: ReadonlySet<H2Verdict> = new Set(['closed', 'http1', 'unknown']);

/** The Nacos server state over HTTP/1.1 on `port` (either API generation), or why not. */
async function mainApiOn(target: Target & { ip: string }, port: number, context: ProbeContext): Promise<{ version?: string; serverPort?: number }> {
  const http = new NacosHttpClient({ server: { ...target.address, host: target.ip, port }, contextPath: target.contextPath, timeoutMs: context.remaining(), logger: context.logger });
  try {
    const state = await Promise.any((['v1', 'v3'] as const).map((api) => serverStateOf(http, api, context.remaining(), context.signal)));
    return { ...(state.version ? { version: state.version } : {}), ...(state.serverPort === undefined ? {} : { serverPort: state.serverPort }) };
  } catch (error) {
    throw error instanceof AggregateError ? error.errors[0] : error;
  }
}

// ---- classification ------------------------------------------------------------------------

const CAUSES: Readonly<Partial<Record<H2Verdict, CheckCause>>> = {
  'nginx-h2': 'H2_TERMINATING_PROXY',
  'h2-proxy': 'H2_TERMINATING_PROXY',
  http1: 'HTTP1_PROXY',
  tls: 'TLS_ON_GRPC_PORT',
  'black-hole': 'BLACK_HOLE',
  closed: 'CLOSED_ON_PREFACE',
  unknown: 'NOT_NACOS_GRPC',
  'h2-other': 'NOT_NACOS_GRPC',
};

const STATUS: Readonly<Record<H2Verdict, Status>> = {
  'grpc-java': 'ok',
  'nginx-h2': 'fail',
  'h2-proxy': 'fail',
  'h2-other': 'warn',
  http1: 'fail',
  tls: 'warn',
  'black-hole': 'fail',
  closed: 'fail',
  unknown: 'fail',
};

/** The `server` header the handshake probe got on the same port, if any. */
function serverHeaderOf(observed: Observations, role: GrpcRole): string | undefined {
  const grpc = observed.grpc?.ports.find((port) => port.role === role);
  if (grpc?.serverCheck === undefined) return undefined;
  return grpc.serverCheck.ok ? grpc.serverCheck.value.server : grpc.serverCheck.failure.server;
}

export function exchangeOf(observation: H2PortObservation, serverHeader: string | undefined): H2Exchange {
  return {
    unsolicited: Buffer.from(observation.unsolicited, 'hex'),
    answer: Buffer.from(observation.answer, 'hex'),
    end: observation.end,
    ...(observation.tls ? { tls: observation.tls } : {}),
    ...(serverHeader ? { serverHeader } : {}),
  };
}

/** The Nacos server state a gRPC port answered over HTTP/1.1, if it did: the port forwards to a main port. */
export function mainApiOnGrpcPort(observed: Observations, role: GrpcRole): { version?: string; serverPort?: number } | undefined {
  const answer = observed.h2?.ports.find((port) => port.role === role)?.mainApi;
  return answer?.ok ? answer.value : undefined;
}

/** `Nacos 2.5.1 (server_port 8848), the same server as P`: what the gRPC port answered as an HTTP API. */
function mainApiEvidence(state: { version?: string; serverPort?: number }, observed: Observations): string {
  const own = observedState(observed);
  const same = own !== undefined && own.version === state.version && own.serverPort === state.serverPort;
  const member = (observedMembers(observed) ?? []).some((node) => node.port === state.serverPort);
  const port = state.serverPort === undefined ? '' : ` (server_port ${state.serverPort})`;
  const whose = same ? ', the same server as P' : member ? ', the main port of a listed member' : '';
  return `HTTP/1.1 GET ${STATE_PATHS.v1} on it answers Nacos ${state.version ?? '?'}${port}${whose}`;
}

/** The verdict on a gRPC port, for this and other classifiers; undefined when the port was not reached. */
export function h2VerdictOf(observed: Observations, role: GrpcRole): H2Verdict | undefined {
  const observation = observed.h2?.ports.find((port) => port.role === role);
  if (observation === undefined || !observation.connect.ok) return undefined;
  return fingerprintH2(exchangeOf(observation, serverHeaderOf(observed, role))).verdict;
}

export function classifyH2(observed: Observations, target: Target): Finding[] {
  return (observed.h2?.ports ?? []).flatMap((observation): Finding[] => {
    const check = `h2.${observation.role}`;
    if (observation.port === undefined) return [];
    if (!observation.connect.ok) {
      // The TCP finding reports the port itself; say so only when it did not.
      if (observedDial(observed, observation.role)?.outcome !== 'open') return [{ check, status: 'skipped', title: `HTTP/2 fingerprint of ${observation.port} not taken: port not reachable` }];
      return [{ check, status: 'skipped', title: `HTTP/2 fingerprint of ${observation.port} not taken: ${observation.connect.failure.message}` }];
    }
    const fingerprint = fingerprintH2(exchangeOf(observation, serverHeaderOf(observed, observation.role)));
    const title = `${observation.port} (${formatOffset(observation.role)}): ${VERDICT_LABELS[fingerprint.verdict]}`;
    const data = { port: observation.port, verdict: fingerprint.verdict, server: fingerprint.server ?? null };
    const mainApi = mainApiOnGrpcPort(observed, observation.role);
    if (mainApi) {
      const evidence = `${fingerprint.evidence}; ${mainApiEvidence(mainApi, observed)}`;
      const { explanation, fix } = advice('GRPC_TO_MAIN_PORT', { target, observed, role: observation.role, port: observation.port, detail: evidence });
      return [
        {
          check,
          status: 'fail',
          title: `${observation.port} (${formatOffset(observation.role)}) answers as the Nacos HTTP API, not gRPC: it forwards to a member's main port`,
          evidence,
          cause: 'GRPC_TO_MAIN_PORT',
          explanation,
          fix,
          data: { ...data, answersHttpApi: true },
        },
      ];
    }
    const cause = CAUSES[fingerprint.verdict];
    if (cause === undefined) return [{ check, status: STATUS[fingerprint.verdict], title, evidence: fingerprint.evidence, data }];
    const { explanation, fix } = advice(cause, { target, observed, role: observation.role, port: observation.port, detail: fingerprint.evidence });
    return [{ check, status: STATUS[fingerprint.verdict], title, evidence: fingerprint.evidence, cause, explanation, fix, data }];
  });
}

export const h2Probe: ObservingProbe<'h2'> = {
  name: 'h2',
  async observe(target, context) {
    return { ports: await Promise.all(grpcRoles(context.options.cluster).map((role) => fingerprintPort(target, role, context))) };
  },
  classify: classifyH2,
};
