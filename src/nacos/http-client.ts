/**
 * A small client for the Nacos HTTP API (v1/v2/v3) of one member, for the doctor's commands.
 *
 * - Base URL from a parsed ServerAddress (src/address.ts) plus the context path, `/nacos` unless
 *   the address or the options give another (3.x console port: '').
 * - One deadline per request (`timeoutMs`, default 5 s) and an optional caller AbortSignal.
 * - Login with `POST {ctx}/v1/auth/login` (form username/password; open on 1.x-3.x, NACOS-FACTS §3), or
 *   `POST {ctx}/v3/auth/user/login` where v1 is gone (3.2+), when credentials are given; the token goes on every request as the `accessToken` query parameter,
 *   is renewed before its `tokenTtl` runs out, and once more when the server says it expired.
 *   A token given as `accessToken` is sent as it is and never renewed (there is nothing to log in with).
 * - Non-2xx answers and network failures become the typed errors of src/nacos/http-errors.ts.
 *
 * Built on node:http rather than fetch so that connect and response failures keep their errno
 * and phase, bodies are capped while they stream, and no connection pool outlives a command.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { formatHostPort, type ServerAddress } from '../address.js';
import { errnoCode } from '../errors.js';
import type { Logger } from '../log.js';
import { connectFailureOf } from '../net/dial.js';
import { VERSION } from '../version.js';
import { NacosNetworkError, NacosResponseError, classifyHttpFailure, parseJsonBody, type NacosAuthError, type NetworkPhase } from './http-errors.js';

export const DEFAULT_CONTEXT_PATH = '/nacos';
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Renew the token when less than this share of its lifetime is left. */
const TOKEN_RENEW_SHARE = 0.1;

export type QueryValue = string | number | boolean | undefined;

export interface NacosHttpClientOptions {
  /** The member, as parsed by parseServerAddress (scheme, host, port, context path). */
  readonly server: ServerAddress;
  /** Overrides the address's context path; default `/nacos`. `''` for none. */
  readonly contextPath?: string;
  readonly timeoutMs?: number;
  /** Credentials for `POST /v1/auth/login`; without them no token is sent. */
  readonly username?: string;
  readonly password?: string;
  /** A token the caller already has (e.g. from `nacos-doctor --access-token`); excludes username/password. */
  readonly accessToken?: string;
  /** Larger bodies fail with ERR_NACOS_BAD_RESPONSE instead of filling memory. */
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
  readonly userAgent?: string;
}

export interface NacosRequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Sent as application/x-www-form-urlencoded (how the v1 API takes parameters). */
  readonly form?: Readonly<Record<string, QueryValue>>;
  /** Sent as application/json. */
  readonly json?: unknown;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Add the access token when credentials are configured (default true). */
  readonly auth?: boolean;
}

export interface NacosResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The URL requested, without the access token. */
  readonly url: string;
  readonly elapsedMs: number;
}

/** How much of an answer that is not HTTP is kept for diagnosis. */
const MAX_RECEIVED_BYTES = 256;

const LOGIN_PATHS = { v1: '/v1/auth/login', v3: '/v3/auth/user/login' } as const;

const WAITING_FOR: Readonly<Record<NetworkPhase, string>> = { connect: 'connecting', tls: 'in the TLS handshake', response: 'waiting for the answer' };

interface Token {
  readonly value: string;
  /** Date.now() after which it is renewed. */
  readonly renewAt: number;
}

function encode(values: Readonly<Record<string, QueryValue>> | undefined): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values ?? {})) if (value !== undefined) params.append(key, String(value));
  return params;
}

function normaliseContextPath(path: string): string {
  const trimmed = path.trim().replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export class NacosHttpClient {
  /** `http://host:port/nacos`, the prefix of every request path. */
  readonly baseUrl: string;
  /** The context path in use: `/nacos`, `/custom` or `''`. */
  readonly contextPath: string;
  readonly #options: NacosHttpClientOptions;
  #token: Token | undefined;
  #login: Promise<Token> | undefined;

  constructor(options: NacosHttpClientOptions) {
    if ((options.username === undefined) !== (options.password === undefined)) {
      throw new TypeError('NacosHttpClient: give both username and password, or neither');
    }
    if (options.accessToken !== undefined && options.username !== undefined) {
      throw new TypeError('NacosHttpClient: give an accessToken or username/password, not both');
    }
    this.#options = options;
    this.contextPath = normaliseContextPath(options.contextPath ?? options.server.contextPath ?? DEFAULT_CONTEXT_PATH);
    this.baseUrl = `${options.server.scheme}://${formatHostPort(options.server.host, options.server.port)}${this.contextPath}`;
  }

  get authenticated(): boolean {
    return this.#options.username !== undefined || this.#options.accessToken !== undefined;
  }

  /** GET (or another method) and the body as text; throws the typed errors on failure. */
  async text(path: string, options: NacosRequestOptions = {}): Promise<string> {
    return (await this.request(path, options)).body;
  }

  /** Like text(), parsed as JSON; ERR_NACOS_BAD_RESPONSE when it is not JSON. */
  async json(path: string, options: NacosRequestOptions = {}): Promise<unknown> {
    const response = await this.request(path, options);
    return parseJsonBody(response.body, response.url);
  }

  /**
   * Sends one request to `{baseUrl}{path}`; resolves with a 2xx response. With credentials, logs
   * in first and retries once after a fresh login when the server says the token expired.
   */
  async request(path: string, options: NacosRequestOptions = {}): Promise<NacosResponse> {
    const useToken = options.auth !== false && this.authenticated;
    if (!useToken) return this.#send(path, options, undefined);
    if (this.#options.accessToken !== undefined) return this.#send(path, options, this.#options.accessToken);
    try {
      return await this.#send(path, options, (await this.#currentToken(options.signal)).value);
    } catch (error) {
      const reason = (error as Partial<NacosAuthError>).reason;
      const renewable = this.#options.accessToken === undefined && (reason === 'token-expired' || reason === 'token-invalid');
      if ((error as { code?: unknown }).code !== 'ERR_NACOS_AUTH' || !renewable) throw error;
      this.#token = undefined;
      return this.#send(path, options, (await this.#currentToken(options.signal)).value);
    }
  }

  /** Logs in now (normally done on demand) and returns the access token; a given token is returned as is. */
  async login(signal?: AbortSignal): Promise<string> {
    if (this.#options.accessToken !== undefined) return this.#options.accessToken;
    this.#token = undefined;
    return (await this.#currentToken(signal)).value;
  }

  #currentToken(signal: AbortSignal | undefined): Promise<Token> {
    if (this.#options.accessToken !== undefined) return Promise.resolve({ value: this.#options.accessToken, renewAt: Number.POSITIVE_INFINITY });
    if (this.#token && Date.now() < this.#token.renewAt) return Promise.resolve(this.#token);
    // Concurrent requests share one login.
    this.#login ??= this.#fetchToken(signal).finally(() => {
      this.#login = undefined;
    });
    return this.#login;
  }

  async #fetchToken(signal: AbortSignal | undefined): Promise<Token> {
    const login = (path: string): Promise<NacosResponse> =>
      this.#send(path, { method: 'POST', form: { username: this.#options.username, password: this.#options.password }, ...(signal ? { signal } : {}) }, undefined);
    let response: NacosResponse;
    try {
      response = await login(LOGIN_PATHS.v1);
    } catch (error) {
      // 3.2+ without the legacy adapter has no v1 API at all; its login is v3 (NACOS-FACTS §2.3).
      if ((error as { code?: unknown }).code !== 'ERR_NACOS_API_ABSENT') throw error;
      response = await login(LOGIN_PATHS.v3);
    }
    const { accessToken, tokenTtl } = (parseJsonBody(response.body, response.url) ?? {}) as { accessToken?: unknown; tokenTtl?: unknown };
    if (typeof accessToken !== 'string' || accessToken === '') throw new NacosResponseError(response.url, 'login answered without an accessToken');
    const ttlMs = typeof tokenTtl === 'number' && tokenTtl > 0 ? tokenTtl * 1000 : 0;
    this.#token = { value: accessToken, renewAt: Date.now() + ttlMs * (1 - TOKEN_RENEW_SHARE) };
    return this.#token;
  }

  #send(path: string, options: NacosRequestOptions, token: string | undefined): Promise<NacosResponse> {
    const method = options.method ?? 'GET';
    const query = encode(options.query);
    const shownUrl = `${this.baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`;
    if (token !== undefined) query.set('accessToken', token);
    const url = new URL(`${this.baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`);
    const body =
      options.form !== undefined ? encode(options.form).toString() : options.json !== undefined ? JSON.stringify(options.json) : undefined;
    const headers: Record<string, string> = {
      accept: 'application/json, text/plain, */*',
      'user-agent': this.#options.userAgent ?? `nacos-doctor/${VERSION}`,
    };
    if (body !== undefined) {
      headers['content-type'] = options.form !== undefined ? 'application/x-www-form-urlencoded' : 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBodyBytes = this.#options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const started = performance.now();
    return new Promise<NacosResponse>((resolve, reject) => {
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
      let phase: NetworkPhase = 'connect';
      let settled = false;
      const finish = (error: unknown, response?: NacosResponse): void => {
        if (settled) return;
        settled = true;
        if (!req.destroyed) req.destroy();
        if (error !== undefined) reject(error);
        else resolve(response!);
      };
      const networkError = (error: unknown): unknown => {
        if (options.signal?.aborted) return options.signal.reason;
        if (deadline.aborted) {
          return new NacosNetworkError('ERR_HTTP_TIMEOUT', {
            errno: 'ETIMEDOUT',
            phase,
            url: shownUrl,
            message: `${method} ${shownUrl} timed out after ${timeoutMs}ms (${WAITING_FOR[phase]})`,
            cause: error,
          });
        }
        const errno = errnoCode(error) ?? 'UNKNOWN';
        const detail = error instanceof Error ? error.message : String(error);
        const during = phase === 'tls' ? ' during the TLS handshake' : '';
        // node:http keeps the bytes it could not parse: they tell what answered instead of HTTP.
        const raw = (error as { rawPacket?: unknown }).rawPacket;
        return new NacosNetworkError(connectFailureOf(errno), {
          errno,
          phase,
          url: shownUrl,
          message: `${method} ${shownUrl} failed${during}: ${errno} (${detail})`,
          cause: error,
          ...(Buffer.isBuffer(raw) ? { received: raw.subarray(0, MAX_RECEIVED_BYTES).toString('hex') } : {}),
        });
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method, headers, agent: false, signal });
      req.once('socket', (socket) => {
        // An https:// request is only sent once the TLS handshake is done ('secureConnect').
        const secure = url.protocol === 'https:';
        const connected = (): void => {
          phase = secure ? 'tls' : 'response';
        };
        if (secure) socket.once('secureConnect', () => (phase = 'response'));
        if (!socket.connecting) connected();
        else socket.once('connect', connected);
      });
      req.once('error', (error) => finish(networkError(error)));
      req.once('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) {
            finish(new NacosResponseError(shownUrl, `answer larger than ${maxBodyBytes} bytes; not a Nacos API answer`));
            return;
          }
          chunks.push(chunk);
        });
        res.once('error', (error) => finish(networkError(error)));
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          const elapsedMs = performance.now() - started;
          this.#options.logger?.debug({ method, url: shownUrl, status, elapsedMs }, 'nacos http');
          if (status >= 200 && status < 300) finish(undefined, { status, headers: res.headers, body: text, url: shownUrl, elapsedMs });
          else finish(classifyHttpFailure({ status, body: text, method, url: shownUrl }));
        });
      });
      req.end(body);
    });
  }
}
