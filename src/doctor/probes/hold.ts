/**
 * `--hold N`: open a registered connection on P+1000 and keep it for N seconds the way a real
 * client keeps one between requests: the bi-stream stays idle, a HealthCheck goes out every 5 s
 * (the client's connectionKeepAlive) and the server's ClientDetectionRequest is answered. If
 * something in the path cuts it, report when and how: around 60 s points at nginx
 * grpc_read_timeout / client_body_timeout when nginx terminates HTTP/2 (NACOS-FACTS §5.2).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BiStreamEnd } from '../../nacos/bi-stream.js';
import { NacosConnection } from '../../nacos/connection.js';
import { NacosErrorCode, responseFailure } from '../../nacos/messages.js';
import { safeRolePort } from '../../ops/upgrade-guide.js';
import { VERSION } from '../../version.js';
import { plural } from '../../text.js';
import { advice, type CheckCause } from '../advice.js';
import { attempt, formatMs, type Outcome } from '../failure.js';
import type { ObservingProbe, Observations, Target } from '../probe.js';
import type { DataMap, Finding } from '../report.js';
import type { CheckOptions } from '../check-options.js';
import { h2VerdictOf } from './h2.js';

/** The Java client sends a HealthCheck after this much idle time (connectionKeepAlive, §1.6). */
export const HEARTBEAT_INTERVAL_MS = 5000;
/** The client's health check timeout. */
const HEARTBEAT_TIMEOUT_MS = 3000;

export interface HoldCut {
  /** RST_STREAM, grpc-status, GOAWAY or a closed connection, in words. */
  readonly how: string;
}

export interface HoldHeartbeats {
  readonly sent: number;
  /** Heartbeats without an answer, or answered with another error than 301. */
  readonly failed: number;
  /** Heartbeats answered with errorCode 301 `Connection is unregistered.` */
  readonly unregistered: number;
  /** What the first failed heartbeat got, in words. */
  readonly firstFailure?: string;
}

export interface HoldObservation {
  readonly port: number | undefined;
  readonly requestedMs: number;
  readonly open: Outcome<{ readonly connectionId: string }>;
  /** How long the connection stayed up: the whole hold, or until the cut. */
  readonly heldMs: number;
  readonly cut?: HoldCut;
  readonly heartbeats: HoldHeartbeats;
  /** ClientDetectionRequests the server pushed (and we answered). */
  readonly clientDetections: number;
}

export function describeEnd(end: BiStreamEnd, goaway: number | undefined): string {
  const parts = [
    ...(goaway === undefined ? [] : [`GOAWAY code ${goaway}`]),
    ...(end.http2Code === undefined ? [] : [`RST_STREAM code ${end.http2Code}`]),
    ...(end.grpcStatus === undefined ? [] : [`grpc-status ${end.grpcStatus}${end.grpcMessage ? ` "${end.grpcMessage}"` : ''}`]),
    ...(end.error ? [end.error.message] : []),
  ];
  return `bi-stream ended${parts.length > 0 ? `: ${parts.join(', ')}` : ' by the peer'}`;
}

// ---- classification ------------------------------------------------------------------------

/** nginx's grpc_read_timeout and client_body_timeout default (§5.2). */
const NGINX_HTTP_TIMEOUT_MS = 60_000;

function cutDetail(hold: HoldObservation, observed: Observations): string {
  const after = `after ${formatMs(hold.heldMs)}`;
  const verdict = h2VerdictOf(observed, 'client-grpc');
  if (verdict === 'nginx-h2' || verdict === 'h2-proxy') {
    const proxy = verdict === 'nginx-h2' ? 'nginx' : 'the HTTP/2 proxy';
    const timeouts = 'nginx grpc_read_timeout/client_body_timeout';
    return Math.abs(hold.heldMs - NGINX_HTTP_TIMEOUT_MS) <= 5000
      ? `${after}: ${proxy} ended the idle bi-stream at the 60 s default of ${timeouts}, because it terminates HTTP/2`
      : `${after}: ${proxy} ended the idle bi-stream because it terminates HTTP/2 (${timeouts} end idle gRPC streams, 60 s by default)`;
  }
  if (hold.heldMs < HEARTBEAT_INTERVAL_MS + 1000) return `${after}, shorter than the 5 s client heartbeat: an idle timeout in the path is too short`;
  return after;
}

function heartbeatSummary(hold: HoldObservation): string {
  const { sent, failed, unregistered } = hold.heartbeats;
  return `${plural(sent, 'heartbeat')} (${failed} failed, ${unregistered} with errorCode 301), ${plural(hold.clientDetections, 'server detection')} answered`;
}

/** Heartbeats refused as unregistered, or failing, on a connection that registered: clients reconnect. */
function heartbeatFinding(hold: HoldObservation, observed: Observations, target: Target, data: DataMap): Finding {
  const { sent, failed, unregistered, firstFailure } = hold.heartbeats;
  const port = hold.port!;
  const cut = hold.cut ? `; then cut after ${formatMs(hold.heldMs)}: ${hold.cut.how}` : '';
  const evidence = `${heartbeatSummary(hold)}${firstFailure ? `; first failure: ${firstFailure}` : ''}${cut}`;
  const verdict = h2VerdictOf(observed, 'client-grpc');
  // A 301 proves the split; a failure without one only where a proxy is seen terminating HTTP/2.
  const split = unregistered > 0 || verdict === 'nginx-h2' || verdict === 'h2-proxy';
  const cause: CheckCause = split ? 'CONNECTION_SPLIT' : 'HEARTBEAT_FAILED';
  const detail =
    unregistered > 0
      ? `${unregistered} of ${plural(sent, 'heartbeat')} on the registered connection answered errorCode 301 "Connection is unregistered."`
      : `${failed} of ${plural(sent, 'heartbeat')} on the registered connection failed${firstFailure ? ` (${firstFailure})` : ''}`;
  const { explanation, fix } = advice(cause, { target, observed, role: 'client-grpc', port, detail });
  const what = unregistered > 0 ? 'refused as unregistered (errorCode 301)' : 'failed';
  return {
    check: 'hold',
    status: 'fail',
    title: `${unregistered > 0 ? unregistered : failed} of ${plural(sent, 'heartbeat')} on the registered connection on ${port} ${what}: clients would reconnect and re-register`,
    evidence,
    cause,
    explanation,
    fix,
    elapsedMs: hold.heldMs,
    data,
  };
}

export function classifyHold(observed: Observations, target: Target): Finding[] {
  const hold = observed.hold;
  if (hold === undefined || hold.port === undefined) return [];
  const requested = formatMs(hold.requestedMs);
  if (!hold.open.ok) return [{ check: 'hold', status: 'skipped', title: `hold test not run: no registered connection on ${hold.port} (see grpc)` }];
  const { failed, unregistered } = hold.heartbeats;
  const data = { port: hold.port, requestedMs: hold.requestedMs, heldMs: Math.round(hold.heldMs), cut: hold.cut !== undefined, heartbeats: hold.heartbeats.sent, failedHeartbeats: failed, unregisteredHeartbeats: unregistered };
  if (unregistered > 0 || (failed > 0 && hold.cut === undefined)) return [heartbeatFinding(hold, observed, target, data)];
  if (hold.cut === undefined) {
    return [{ check: 'hold', status: 'ok', title: `a registered connection on ${hold.port} stayed open for the whole ${requested} hold${hold.heartbeats.sent > 0 ? ', every heartbeat answered' : ''}`, evidence: heartbeatSummary(hold), data }];
  }
  const detail = cutDetail(hold, observed);
  const { explanation, fix } = advice('CONNECTION_CUT', { target, observed, role: 'client-grpc', port: hold.port, detail });
  return [
    {
      check: 'hold',
      status: 'fail',
      title: `the registered connection on ${hold.port} was cut after ${formatMs(hold.heldMs)} of a ${requested} hold`,
      evidence: `${hold.cut.how}; ${heartbeatSummary(hold)}`,
      cause: 'CONNECTION_CUT',
      explanation,
      fix,
      elapsedMs: hold.heldMs,
      data,
    },
  ];
}

export const holdProbe: ObservingProbe<'hold'> = {
  name: 'hold',
  enabled: (options: CheckOptions) => options.holdMs > 0,
  extraBudgetMs: (options: CheckOptions) => options.holdMs,
  async observe(target, context) {
    const port = safeRolePort(target.port, 'client-grpc');
    const requestedMs = context.options.holdMs;
    const heartbeats: { sent: number; failed: number; unregistered: number; firstFailure?: string } = { sent: 0, failed: 0, unregistered: 0 };
    const none = { port, requestedMs, heldMs: 0, heartbeats, clientDetections: 0 };
    if (port === undefined) return { ...none, open: { ok: true, value: { connectionId: '' }, elapsedMs: 0 } };
    let connection: NacosConnection | undefined;
    const open = await attempt(async () => {
      connection = await NacosConnection.open({
        host: target.ip,
        port,
        timeout: context.remaining(),
        serverCheckTimeout: context.remaining(),
        setupAckTimeout: context.remaining(),
        labels: { source: 'sdk', module: 'config', AppName: 'nacos-doctor-hold' },
        clientVersion: `Nacos-Doctor:v${VERSION}`,
        signal: context.signal,
      });
      return { connectionId: connection.connectionId };
    });
    if (!open.ok || connection === undefined) return { ...none, open };
    const held = connection;
    const session = held.client.session;
    let clientDetections = 0;
    let goaway: number | undefined;
    held.biStream.on('message', (message) => {
      if (message.type === 'ClientDetectionRequest') clientDetections += 1;
    });
    session.on('goaway', (code: number) => (goaway = code));
    const cut = new Promise<HoldCut>((resolve) => {
      void held.biStream.ended.then((end) => resolve({ how: describeEnd(end, goaway) }));
      session.once('close', () => resolve({ how: `connection closed${goaway === undefined ? '' : ` after GOAWAY code ${goaway}`}` }));
    });
    const stop = new AbortController();
    const wait = AbortSignal.any([context.signal, stop.signal]);
    const started = performance.now();
    let ended: HoldCut | undefined;
    try {
      while (!context.signal.aborted) {
        const left = requestedMs - (performance.now() - started);
        if (left <= 0) break;
        // The last pause ends the hold; timers may fire a little early, so the clock cannot tell.
        const last = left <= HEARTBEAT_INTERVAL_MS;
        const pause = sleep(Math.min(HEARTBEAT_INTERVAL_MS, left), undefined, { signal: wait }).then(
          () => undefined,
          () => undefined,
        );
        ended = await Promise.race([pause, cut]);
        if (ended !== undefined || last) break;
        heartbeats.sent += 1;
        const beat = await attempt(() => held.request('HealthCheckRequest', {}, { timeout: HEARTBEAT_TIMEOUT_MS, signal: wait }));
        const refused = beat.ok ? responseFailure(beat.value) : undefined;
        if (refused?.errorCode === NacosErrorCode.UN_REGISTER) heartbeats.unregistered += 1;
        else if (!beat.ok || refused !== undefined) {
          heartbeats.failed += 1;
          heartbeats.firstFailure ??= beat.ok ? `errorCode ${refused!.errorCode} "${refused!.message}"` : beat.failure.message;
        }
      }
      const heldMs = performance.now() - started;
      context.logger.debug({ target: target.label, heldMs: Math.round(heldMs), cut: ended?.how, heartbeats, clientDetections }, 'hold ended');
      return { port, requestedMs, open, heldMs, ...(ended ? { cut: ended } : {}), heartbeats, clientDetections };
    } finally {
      stop.abort();
      held.client.destroy();
    }
  },
  classify: classifyHold,
};
