/**
 * The shape of one HTTP endpoint of a simulated member and which Nacos versions serve it.
 * Availability follows NACOS-FACTS.md §2.3: 3.0/3.1 keep client and open APIs, answer
 * console APIs with 410 (`nacos.core.api.compatibility.console.enabled` defaults to false),
 * and 3.2+ drops the v1/v2 APIs (404) unless the legacy adapter is installed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError } from './invalid-request.js';
import { isAtLeast } from './nacos-version.js';
import type { SimContext } from './sim-context.js';

export type ApiClass =
  /** Served by every version (auth login). */
  | 'always'
  /** Open or client APIs: kept in 3.0/3.1, removed in 3.2. */
  | 'open'
  /** Console APIs: 410 in 3.0/3.1, removed in 3.2. */
  | 'console'
  /** 3.x APIs, absent before 3.0. */
  | 'v3';

export interface SimHttpRequest {
  readonly method: string;
  /** Path below the context path, e.g. `/v1/cs/configs`. */
  readonly path: string;
  /** Query and form parameters, merged (form values win), as Spring's getParameter sees them. */
  readonly params: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Aborted when the client goes away (long polls stop waiting). */
  readonly signal: AbortSignal;
}

export interface SimHttpResponse {
  readonly status: number;
  /** Objects are written as JSON. */
  readonly body: string | object;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly api: ApiClass;
  /** Extra version rule (e.g. the upgrade ops API exists in 2.0.2-2.1.x only). */
  readonly availableIn?: (version: string) => boolean;
  /** Needs an access token when auth is on. */
  readonly secured?: boolean;
  /** `METHOD /path` of the API that replaces this one, named in the 410 message of 3.0/3.1. */
  readonly replacement?: string;
  handle(request: SimHttpRequest, context: SimContext): SimHttpResponse | Promise<SimHttpResponse>;
}

export type Availability = 'served' | 'deprecated' | 'missing';

export function availability(route: HttpRoute, version: string): Availability {
  if (route.availableIn && !route.availableIn(version)) return 'missing';
  if (route.api === 'v3') return isAtLeast(version, '3.0.0') ? 'served' : 'missing';
  if (route.api === 'always' || !isAtLeast(version, '3.0.0')) return 'served';
  if (isAtLeast(version, '3.2.0')) return 'missing';
  return route.api === 'console' ? 'deprecated' : 'served';
}

export function json(body: object, status = 200): SimHttpResponse {
  return { status, body, contentType: 'application/json;charset=UTF-8' };
}

export function text(body: string, status = 200): SimHttpResponse {
  return { status, body, contentType: 'text/plain;charset=UTF-8' };
}

/** Nacos' v2/v3 `Result`: `{"code":0,"message":"success","data":...}`. */
export function result(data: unknown): SimHttpResponse {
  return json({ code: 0, message: 'success', data });
}

/** `Result.failure(message)`: code 30000 (SERVER_ERROR), still HTTP 200. */
export function resultFailure(message: string): SimHttpResponse {
  return json({ code: 30_000, message, data: null });
}

/** Spring Boot's default 404 body. */
export function notFound(path: string): SimHttpResponse {
  return json({ timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path }, 404);
}

export function badRequest(message: string): SimHttpResponse {
  return text(message, 400);
}

/** A required parameter, or a 400 naming it as Spring does. */
export function requiredParam(request: SimHttpRequest, name: string): string {
  const value = request.params.get(name);
  if (value === null || value === '') throw new InvalidRequestError(`Required request parameter '${name}' for method parameter type String is not present`);
  return value;
}
