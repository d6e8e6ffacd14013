/**
 * What went wrong in a probe, as plain data: the stable `code` of our typed errors plus the facts
 * the classifiers reason on (errno, HTTP status, auth reason, gRPC facts). Observations hold
 * these instead of Error objects so the classifiers stay pure and testable with factories.
 */
import { NacosToolError, describeError, errnoCode } from '../errors.js';
import { ConnectError } from '../net/dial.js';
import { GrpcCallError, NacosResponseError as NacosGrpcResponseError } from '../nacos/errors.js';
import { NacosAuthError, NacosDownError, NacosHttpError, NacosNetworkError } from '../nacos/http-errors.js';

export interface Failure {
  /** ERR_CONNECT_REFUSED, ERR_HTTP_TIMEOUT, ERR_NACOS_AUTH, ERR_GRPC_TIMEOUT, ERR_NACOS_RESPONSE, ... */
  readonly code: string;
  readonly message: string;
  /** OS error code (ECONNREFUSED, HPE_INVALID_CONSTANT, ...). */
  readonly errno?: string;
  /** Where it failed: connect, response, h2-settings, message, ... */
  readonly phase?: string;
  /** HTTP status of an HTTP answer (or of a proxy's answer to a gRPC call). */
  readonly status?: number;
  /** The start of the answer's body. */
  readonly body?: string;
  /** ERR_NACOS_AUTH: no-token, bad-credentials, token-expired, token-invalid, forbidden. */
  readonly reason?: string;
  /** ERR_NACOS_DOWN: DOWN, STARTING, ...; and the reason Nacos gave. */
  readonly serverStatus?: string;
  readonly detail?: string;
  /** The `server` header of a gRPC answer (only proxies send one). */
  readonly server?: string;
  readonly contentType?: string;
  readonly grpcStatus?: number;
  readonly http2Code?: number;
  /** A Nacos response's errorCode (300, 301, 403, ...). */
  readonly errorCode?: number;
  /** Hex of the first bytes of an answer that was not HTTP. */
  readonly received?: string;
}

/** Longest body quoted in a failure. */
const BODY_CHARS = 300;

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

export function failureOf(error: unknown): Failure {
  const message = describeError(error);
  if (error instanceof ConnectError) return defined({ code: error.code, message, errno: error.errno, phase: 'connect' });
  if (error instanceof NacosNetworkError) return defined({ code: error.code, message, errno: error.errno, phase: error.phase, received: error.received });
  if (error instanceof NacosHttpError) {
    return defined({
      code: error.code,
      message,
      status: error.status,
      body: error.body.trim().slice(0, BODY_CHARS),
      reason: error instanceof NacosAuthError ? error.reason : undefined,
      serverStatus: error instanceof NacosDownError ? error.serverStatus : undefined,
      detail: error instanceof NacosDownError ? error.detail : undefined,
    });
  }
  if (error instanceof GrpcCallError) {
    const { facts } = error;
    return defined({
      code: error.code,
      message,
      phase: facts.phase,
      status: facts.httpStatus,
      server: facts.server,
      contentType: facts.contentType,
      grpcStatus: facts.grpcStatus,
      http2Code: facts.http2Code,
      errno: errnoCode(error.cause),
    });
  }
  if (error instanceof NacosGrpcResponseError) {
    return { code: error.code, message, errorCode: error.errorCode, body: error.serverMessage };
  }
  if (error instanceof NacosToolError) return { code: error.code, message };
  return defined({ code: 'ERR_UNEXPECTED', message, errno: errnoCode(error) });
}

const NETWORK_CODES = new Set(['ERR_CONNECT_REFUSED', 'ERR_CONNECT_TIMEOUT', 'ERR_CONNECT_UNREACHABLE', 'ERR_CONNECT_RESET', 'ERR_CONNECT_DNS', 'ERR_CONNECT', 'ERR_HTTP_TIMEOUT']);

/** No answer at all (refused, timed out, reset, ...): the TCP findings' business, not a server's answer. */
export function isNetworkFailure(failure: Failure): boolean {
  return NETWORK_CODES.has(failure.code);
}

/** The result of one measured step: its value, or the failure, and how long it took. */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T; readonly elapsedMs: number }
  | { readonly ok: false; readonly failure: Failure; readonly elapsedMs: number };

export async function attempt<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  const started = performance.now();
  try {
    const value = await run();
    return { ok: true, value, elapsedMs: performance.now() - started };
  } catch (error) {
    return { ok: false, failure: failureOf(error), elapsedMs: performance.now() - started };
  }
}

/** `0.4 ms`, `12 ms`, `3.0 s`: how measured times appear in evidence. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
