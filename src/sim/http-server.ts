/**
 * The main (HTTP) port of a simulated member on node:http: routing under the `/nacos`
 * context path, version availability (410/404 in 3.x), the naming traffic filter
 * (503 `server is DOWN...` for `/v1/ns/*` while naming is not UP), auth, and black hole.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { namingStatus } from './member-state.js';
import { namingUnavailableText } from './nacos-version.js';
import { InvalidRequestError } from './invalid-request.js';
import {
  availability,
  badRequest,
  json,
  notFound,
  text,
  type HttpRoute,
  type SimHttpRequest,
  type SimHttpResponse,
} from './http-route.js';
import type { SimContext } from './sim-context.js';

export const CONTEXT_PATH = '/nacos';

/** Request bodies beyond this are refused (Nacos config content is limited to 100 KiB by default). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new InvalidRequestError(`request body larger than ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The access token of a request: `accessToken` parameter or header, or `Authorization: Bearer`. */
export function requestToken(request: SimHttpRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice('Bearer '.length);
  const fromHeader = request.headers.accesstoken;
  return request.params.get('accessToken') ?? (typeof fromHeader === 'string' ? fromHeader : undefined);
}

/**
 * ApiCompatibilityFilter's 410 text (NACOS-FACTS.md §2.3): the replacement API is named with the
 * literal placeholder `${contextPath:nacos}` before its path, as Nacos prints it.
 */
function deprecationMessage(route: HttpRoute): string {
  const [method, path] = (route.replacement ?? `${route.method} /v3`).split(' ');
  return `Current API will be deprecated, please use API(s) \`${method} \${contextPath:nacos}${path}\` instead, or set \`nacos.core.api.compatibility.console.enabled=true\` in application.properties.`;
}

export class SimHttpServer {
  readonly server: Server;
  readonly #context: SimContext;
  readonly #routes: readonly HttpRoute[];

  constructor(context: SimContext, routes: readonly HttpRoute[]) {
    this.#context = context;
    this.#routes = routes;
    this.server = createServer({ keepAliveTimeout: 30_000 }, (request, response) => {
      void this.#serve(request, response);
    });
    this.server.on('clientError', (_error, socket: Socket) => socket.destroy());
  }

  accept(socket: Socket): void {
    this.server.emit('connection', socket);
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sim.invalid');
    const abort = new AbortController();
    response.on('close', () => abort.abort());
    let answer: SimHttpResponse | undefined;
    try {
      const body = await readBody(request);
      // A black-holed member reads the request and never answers it.
      if (this.#context.settings.faults.blackHole) return;
      const params = new URLSearchParams(url.search);
      const contentType = String(request.headers['content-type'] ?? '');
      if (body !== '' && (contentType === '' || contentType.includes('application/x-www-form-urlencoded'))) {
        for (const [name, value] of new URLSearchParams(body)) params.set(name, value);
      }
      const simRequest: SimHttpRequest = { method: request.method ?? 'GET', path: url.pathname, params, headers: request.headers, signal: abort.signal };
      this.#context.log.debug({ method: simRequest.method, path: url.pathname, params: Object.fromEntries(params) }, 'http request');
      answer = await this.#route(simRequest);
    } catch (error) {
      answer = error instanceof InvalidRequestError ? badRequest(error.message) : text(`caused: ${(error as Error).message}`, 500);
    }
    // A black hole that began while the request was held (a long poll) swallows its answer too.
    if (answer === undefined || response.destroyed || this.#context.settings.faults.blackHole) return;
    const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      'content-type': answer.contentType ?? (typeof answer.body === 'string' ? 'text/plain;charset=UTF-8' : 'application/json;charset=UTF-8'),
      'content-length': Buffer.byteLength(payload),
      ...answer.headers,
    });
    response.end(payload);
  }

  async #route(request: SimHttpRequest): Promise<SimHttpResponse> {
    const { settings } = this.#context;
    if (!request.path.startsWith(`${CONTEXT_PATH}/`)) return notFound(request.path);
    const path = request.path.slice(CONTEXT_PATH.length);
    const candidates = this.#routes.filter((route) => route.path === path);
    const route = candidates.find((candidate) => candidate.method === request.method);
    if (!route) {
      if (candidates.length === 0 || candidates.every((candidate) => availability(candidate, settings.version) === 'missing')) return notFound(request.path);
      return json({ timestamp: new Date().toISOString(), status: 405, error: 'Method Not Allowed', path: request.path }, 405);
    }
    const served = availability(route, settings.version);
    if (served === 'missing') return notFound(request.path);
    if (served === 'deprecated') {
      return json({ code: 40_000, message: deprecationMessage(route) }, 410);
    }
    if (path.startsWith('/v1/ns/')) {
      const naming = namingStatus(settings.faults);
      if (naming.status !== 'UP') return text(namingUnavailableText(settings.version, naming.status, naming.detail), 503);
    }
    if (route.secured && settings.auth) {
      const denied = this.#authFailure(request);
      if (denied) return text(denied, 403);
    }
    return route.handle(request, this.#context);
  }

  /** Nacos' auth filter: a valid token, or username/password parameters of the configured user. */
  #authFailure(request: SimHttpRequest): string | undefined {
    const user = this.#context.settings.auth!;
    const token = requestToken(request);
    if (token === undefined) {
      const username = request.params.get('username');
      if (username === null) return 'user not found!';
      return username === user.username && request.params.get('password') === user.password ? undefined : 'unknown user!';
    }
    const check = this.#context.tokens.check(token);
    return check.ok ? undefined : check.message;
  }
}
