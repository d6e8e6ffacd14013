/**
 * Building and reading Nacos requests and responses the way the Java classes serialise them
 * (NACOS-FACTS.md §1.2, §1.5): requests carry `"headers":{}` in the body (the real headers
 * travel in metadata) and the `module` getter; responses carry `resultCode`, `errorCode` and
 * the `success` getter. Field names are the Java ones; see message-bodies.ts.
 */
import { NacosResponseError } from './errors.js';
import type { NacosPayload } from './payload.js';

/** `Constants.Remote.INTERNAL_MODULE` and the business modules, per request class (`getModule()`). */
export const REQUEST_MODULES: Readonly<Record<string, string>> = Object.freeze({
  ServerCheckRequest: 'internal',
  HealthCheckRequest: 'internal',
  ConnectionSetupRequest: 'internal',
  SetupAckRequest: 'internal',
  ClientDetectionRequest: 'internal',
  ConnectResetRequest: 'internal',
  PushAckRequest: 'internal',
  ServerLoaderInfoRequest: 'internal',
  ServerReloadRequest: 'internal',
  ConfigQueryRequest: 'config',
  ConfigPublishRequest: 'config',
  ConfigRemoveRequest: 'config',
  ConfigBatchListenRequest: 'config',
  ConfigChangeNotifyRequest: 'config',
  ClientConfigMetricRequest: 'config',
  InstanceRequest: 'naming',
  BatchInstanceRequest: 'naming',
  PersistentInstanceRequest: 'naming',
  SubscribeServiceRequest: 'naming',
  ServiceQueryRequest: 'naming',
  ServiceListRequest: 'naming',
  NotifySubscriberRequest: 'naming',
});

/** `ResponseCode`: every Nacos response has resultCode 200 or 500; errorCode says why. */
export const ResultCode = Object.freeze({ SUCCESS: 200, FAIL: 500 } as const);

/** `NacosException` codes seen on the wire (NACOS-FACTS.md §1.5). */
export const NacosErrorCode = Object.freeze({
  /** Any request before the server has started. */
  INVALID_SERVER_STATUS: 300,
  /** A unary call on a connection whose bi-stream never sent ConnectionSetupRequest. */
  UN_REGISTER: 301,
  /** Unknown metadata.type. */
  NO_HANDLER: 302,
  NO_RIGHT: 403,
  SERVER_ERROR: 500,
  /** Unparseable body, or a request type not allowed on this port. */
  BAD_GATEWAY: 502,
  /** TPS limit (the server delays the reply by 1 s). */
  OVER_THRESHOLD: 503,
  /** Client side only: `Client not connected, current status:<STATUS>`. */
  CLIENT_DISCONNECT: -401,
} as const);

/** The exact texts the server sends with the connection-level error codes. */
export const NacosErrorMessage = Object.freeze({
  [NacosErrorCode.INVALID_SERVER_STATUS]: 'Server is starting,please try later.',
  [NacosErrorCode.UN_REGISTER]: 'Connection is unregistered.',
  [NacosErrorCode.NO_HANDLER]: 'RequestHandler Not Found',
} as const);

export interface RequestOptions {
  /** Sent in metadata.headers; the body always gets `"headers":{}`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Omitted when undefined, as the Java client omits a null requestId. */
  readonly requestId?: string;
  readonly clientIp?: string;
  /** Overrides REQUEST_MODULES for request classes this library does not list. */
  readonly module?: string;
}

/** A request payload: `{"headers":{}, ...fields, "module":...}` with the headers in metadata. */
export function nacosRequest(type: string, fields: object = {}, options: RequestOptions = {}): NacosPayload<object> {
  const module = options.module ?? REQUEST_MODULES[type] ?? 'internal';
  return {
    type,
    body: { headers: {}, ...(options.requestId === undefined ? {} : { requestId: options.requestId }), ...fields, module },
    headers: { ...options.headers },
    clientIp: options.clientIp ?? '',
  };
}

export interface ResponseOptions {
  readonly requestId?: string;
  readonly resultCode?: number;
  readonly errorCode?: number;
  readonly message?: string;
}

/** A response payload: `{"resultCode":200,"errorCode":0, ...fields, "success":true}`. */
export function nacosResponse(type: string, fields: object = {}, options: ResponseOptions = {}): NacosPayload<object> {
  const resultCode = options.resultCode ?? ResultCode.SUCCESS;
  return {
    type,
    body: {
      resultCode,
      errorCode: options.errorCode ?? 0,
      ...(options.message === undefined ? {} : { message: options.message }),
      ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
      ...fields,
      success: resultCode === ResultCode.SUCCESS,
    },
    headers: {},
    clientIp: '',
  };
}

/**
 * A failed response of `type` (`Response.setErrorInfo`): resultCode 500 plus the error code.
 * With the default type this is `ErrorResponse.build(code, message)`.
 */
export function failedResponse(errorCode: number, message: string, type = 'ErrorResponse', fields: object = {}): NacosPayload<object> {
  return nacosResponse(type, fields, { resultCode: ResultCode.FAIL, errorCode, message });
}

/** The error facts of a response, or undefined when it succeeded. */
export interface ResponseFailure {
  readonly type: string;
  readonly resultCode: number;
  readonly errorCode: number;
  readonly message: string;
}

export function responseFailure(payload: NacosPayload): ResponseFailure | undefined {
  const body = payload.body as { resultCode?: unknown; errorCode?: unknown; message?: unknown; success?: unknown };
  const resultCode = typeof body.resultCode === 'number' ? body.resultCode : ResultCode.SUCCESS;
  if (resultCode === ResultCode.SUCCESS && body.success !== false && payload.type !== 'ErrorResponse') return undefined;
  return {
    type: payload.type,
    resultCode,
    errorCode: typeof body.errorCode === 'number' ? body.errorCode : 0,
    message: typeof body.message === 'string' ? body.message : '',
  };
}

/** `ServerCheckRequest` -> `ServerCheckResponse`: the response class a request class is answered with. */
export const RESPONSE_TYPES: Readonly<Record<string, string>> = Object.freeze({
  ServerCheckRequest: 'ServerCheckResponse',
  HealthCheckRequest: 'HealthCheckResponse',
  ClientDetectionRequest: 'ClientDetectionResponse',
  ConnectResetRequest: 'ConnectResetResponse',
  SetupAckRequest: 'SetupAckResponse',
  ConfigQueryRequest: 'ConfigQueryResponse',
  ConfigPublishRequest: 'ConfigPublishResponse',
  ConfigRemoveRequest: 'ConfigRemoveResponse',
  ConfigBatchListenRequest: 'ConfigChangeBatchListenResponse',
  ConfigChangeNotifyRequest: 'ConfigChangeNotifyResponse',
  InstanceRequest: 'InstanceResponse',
  BatchInstanceRequest: 'BatchInstanceResponse',
  PersistentInstanceRequest: 'InstanceResponse',
  SubscribeServiceRequest: 'SubscribeServiceResponse',
  ServiceQueryRequest: 'QueryServiceResponse',
  ServiceListRequest: 'ServiceListResponse',
  NotifySubscriberRequest: 'NotifySubscriberResponse',
});

/** Returns `payload` when it reports success; throws NacosResponseError (with `context` first) otherwise. */
export function expectSuccess<P extends NacosPayload>(payload: P, context: string): P {
  const failure = responseFailure(payload);
  if (failure) throw new NacosResponseError(failure, context);
  return payload;
}
