/**
 * The order in which a Nacos server treats a unary request (GrpcRequestAcceptor.request,
 * NACOS-FACTS.md §1.3-§1.5): not started -> 300; ServerCheckRequest is answered before any
 * registration check; unknown type -> 302; connection without bi-stream setup -> 301; then
 * the auth filter (403 in the handler's own response class) and the handler.
 */
import { NacosErrorCode, NacosErrorMessage, failedResponse, nacosResponse } from '../nacos/messages.js';
import type { DecodedPayload, NacosPayload } from '../nacos/payload.js';
import type { SimConnection } from './connection.js';
import { failedAs } from './failed-response.js';
import { INVALID_PARAM, InvalidRequestError } from './invalid-request.js';
import { negotiatesAbilities } from './nacos-version.js';
import type { SimContext } from './sim-context.js';

export interface GrpcRequestHandler {
  /** The class the handler answers with; auth failures use it too (RemoteRequestAuthFilter). */
  readonly responseType: string;
  /** `@Secured` handlers need a valid accessToken header when auth is on. */
  readonly secured: boolean;
  handle(request: DecodedPayload, connection: SimConnection, context: SimContext): NacosPayload<object>;
}

export type GrpcHandlerTable = ReadonlyMap<string, GrpcRequestHandler>;

export const internalHandlers: ReadonlyMap<string, GrpcRequestHandler> = new Map([
  ['HealthCheckRequest', { responseType: 'HealthCheckResponse', secured: false, handle: () => nacosResponse('HealthCheckResponse') }],
]);

export function dispatchUnary(request: DecodedPayload, connection: SimConnection, context: SimContext, handlers: GrpcHandlerTable): NacosPayload<object> {
  const { settings } = context;
  if (settings.faults.starting) {
    return failedResponse(NacosErrorCode.INVALID_SERVER_STATUS, NacosErrorMessage[NacosErrorCode.INVALID_SERVER_STATUS]);
  }
  if (request.type === 'ServerCheckRequest') {
    return nacosResponse('ServerCheckResponse', {
      connectionId: connection.id,
      ...(negotiatesAbilities(settings.version) ? { supportAbilityNegotiation: true } : {}),
    });
  }
  const handler = handlers.get(request.type);
  if (!handler) return failedResponse(NacosErrorCode.NO_HANDLER, NacosErrorMessage[NacosErrorCode.NO_HANDLER]);
  if (!connection.registered) return failedResponse(NacosErrorCode.UN_REGISTER, NacosErrorMessage[NacosErrorCode.UN_REGISTER]);
  connection.touch();
  if (handler.secured && settings.auth) {
    const token = context.tokens.check(request.headers.accessToken);
    if (!token.ok) return failedAs(handler.responseType, NacosErrorCode.NO_RIGHT, token.message);
  }
  try {
    return handler.handle(request, connection, context);
  } catch (error) {
    if (error instanceof InvalidRequestError) return failedAs(handler.responseType, INVALID_PARAM, error.message);
    context.log.warn({ type: request.type, connectionId: connection.id, err: error }, 'request handler failed');
    return failedAs(handler.responseType, NacosErrorCode.SERVER_ERROR, (error as Error).message);
  }
}
