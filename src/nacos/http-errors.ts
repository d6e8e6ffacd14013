/**
 * Errors of the Nacos HTTP client, each with a stable `code`, so callers tell apart what the
 * server said (NACOS-FACTS.md §1.5, §3, §4 rows 23-28):
 *
 * - ERR_NACOS_AUTH (401/403): `user not found!` (no token sent), `unknown user!` (bad login),
 *   `token expired!`, `token invalid!`, `Invalid signature`; `reason` says which.
 * - ERR_NACOS_DOWN (503 `server is DOWN now, please try again later!` / `server is DOWNnow,
 *   detailed error message: …`): the naming module is not UP, in the field a Raft group without
 *   a leader; `serverStatus` and `detail` are parsed from the body.
 * - ERR_NACOS_API_ABSENT (404, 405, 410, 501): this version has no such endpoint (or the context
 *   path is wrong); 3.x answers 410 for gated v1/v2 APIs and 404 once they are removed.
 * - ERR_NACOS_HTTP: any other non-2xx status.
 * - ERR_CONNECT_* / ERR_HTTP_TIMEOUT (NacosNetworkError): no HTTP answer at all.
 * - ERR_NACOS_BAD_RESPONSE: an answer that is not what the endpoint returns (bad JSON, too large).
 *
 * Every HTTP error keeps `status`, `body`, `method` and `url` (without the access token).
 */
import { NacosToolError } from '../errors.js';
import type { ConnectFailure } from '../net/dial.js';

/** Longest body kept on an error (the message quotes less). */
export const MAX_ERROR_BODY_CHARS = 64 * 1024;

export class NacosHttpError extends NacosToolError {
  override name = 'NacosHttpError';
  readonly status: number;
  readonly body: string;
  readonly method: string;
  readonly url: string;

  constructor(code: string, init: { status: number; body: string; method: string; url: string; message?: string }) {
    const quoted = init.body.trim().replace(/\s+/g, ' ').slice(0, 200);
    super(code, init.message ?? `${init.method} ${init.url} answered HTTP ${init.status}${quoted === '' ? '' : `: ${quoted}`}`);
    this.status = init.status;
    this.body = init.body.length > MAX_ERROR_BODY_CHARS ? init.body.slice(0, MAX_ERROR_BODY_CHARS) : init.body;
    this.method = init.method;
    this.url = init.url;
  }
}

export type AuthFailure = 'no-token' | 'bad-credentials' | 'token-expired' | 'token-invalid' | 'forbidden';

export class NacosAuthError extends NacosHttpError {
  override name = 'NacosAuthError';
  readonly reason: AuthFailure;

  constructor(init: { status: number; body: string; method: string; url: string }, reason: AuthFailure) {
    super('ERR_NACOS_AUTH', init);
    this.reason = reason;
  }
}

export class NacosDownError extends NacosHttpError {
  override name = 'NacosDownError';
  /** DOWN, STARTING, PAUSED, WRITE_ONLY or READ_ONLY. */
  readonly serverStatus: string;
  /** The reason Nacos gave, e.g. `Optional[No leader for raft group naming_persistent_service, …]`. */
  readonly detail: string | undefined;

  constructor(init: { status: number; body: string; method: string; url: string }, serverStatus: string, detail: string | undefined) {
    super('ERR_NACOS_DOWN', init);
    this.serverStatus = serverStatus;
    this.detail = detail;
  }
}

export class NacosApiAbsentError extends NacosHttpError {
  override name = 'NacosApiAbsentError';
  constructor(init: { status: number; body: string; method: string; url: string }) {
    super('ERR_NACOS_API_ABSENT', {
      ...init,
      message: `${init.method} ${init.url} answered HTTP ${init.status}: this Nacos version has no such API (or the context path is wrong)`,
    });
  }
}

export type NetworkFailure = ConnectFailure | 'ERR_HTTP_TIMEOUT';

export type NetworkPhase = 'connect' | 'tls' | 'response';

export class NacosNetworkError extends NacosToolError {
  override name = 'NacosNetworkError';
  /** The OS errno (ECONNREFUSED ...), or ETIMEDOUT for our own deadline. */
  readonly errno: string;
  /**
   * How far it got: `connect` (no TCP connection), `tls` (TCP up, the TLS handshake of an
   * https:// address did not finish), `response` (waiting for or reading the answer).
   */
  readonly phase: NetworkPhase;
  readonly url: string;
  /** Hex of the first bytes the server sent, when they could not be parsed as HTTP (HPE_*). */
  readonly received: string | undefined;

  constructor(code: NetworkFailure, init: { errno: string; phase: NetworkPhase; url: string; message: string; cause?: unknown; received?: string }) {
    super(code, init.message, { cause: init.cause });
    this.errno = init.errno;
    this.phase = init.phase;
    this.url = init.url;
    this.received = init.received;
  }
}

export class NacosResponseError extends NacosToolError {
  override name = 'NacosResponseError';
  readonly url: string;
  constructor(url: string, message: string, options: { cause?: unknown } = {}) {
    super('ERR_NACOS_BAD_RESPONSE', `${url}: ${message}`, options);
    this.url = url;
  }
}

/** JSON.parse for an answer, failing with ERR_NACOS_BAD_RESPONSE that quotes its start. */
export function parseJsonBody(text: string, url: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new NacosResponseError(url, `expected JSON, got ${JSON.stringify(text.slice(0, 80))}`, { cause: error });
  }
}

const AUTH_REASONS: readonly [RegExp, AuthFailure][] = [
  [/user not found/i, 'no-token'],
  [/unknown user|login failed|username or password/i, 'bad-credentials'],
  [/token expired/i, 'token-expired'],
  [/token invalid|invalid signature|token is invalid/i, 'token-invalid'],
];

const DOWN_BODY = /server is (DOWN|STARTING|PAUSED|WRITE_ONLY|READ_ONLY) ?now(?:, detailed error message: (.*))?/s;

const ABSENT_STATUSES = new Set([404, 405, 410, 501]);

/** The error for a non-2xx answer. Pure. */
export function classifyHttpFailure(init: { status: number; body: string; method: string; url: string }): NacosHttpError {
  if (init.status === 401 || init.status === 403) {
    const reason = AUTH_REASONS.find(([pattern]) => pattern.test(init.body))?.[1] ?? 'forbidden';
    return new NacosAuthError(init, reason);
  }
  if (init.status === 503) {
    const down = DOWN_BODY.exec(init.body);
    if (down) return new NacosDownError(init, down[1]!, down[2]?.trim());
  }
  if (ABSENT_STATUSES.has(init.status)) return new NacosApiAbsentError(init);
  return new NacosHttpError('ERR_NACOS_HTTP', init);
}
