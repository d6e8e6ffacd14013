/**
 * Errors of the Nacos wire-protocol library. A gRPC call can fail at several layers and a
 * diagnosis needs to know which one: the HTTP/2 session, the HTTP response (a proxy's 502
 * page), the gRPC status, or the Nacos payload itself. Each layer has its own `code`.
 */
import { NacosToolError } from '../errors.js';

export type GrpcCallErrorCode =
  /** No answer within the deadline (the call was cancelled with RST_STREAM CANCEL). */
  | 'ERR_GRPC_TIMEOUT'
  /** The caller's AbortSignal fired. */
  | 'ERR_GRPC_ABORTED'
  /** The peer answered with a non-200 status or a content-type other than application/grpc. */
  | 'ERR_GRPC_HTTP'
  /** The call ended with a grpc-status other than 0. */
  | 'ERR_GRPC_STATUS'
  /** The stream was reset, or the session closed or failed before the call completed. */
  | 'ERR_GRPC_STREAM'
  /** The HTTP/2 session could not be opened (TCP refused, timed out, not HTTP/2). */
  | 'ERR_GRPC_CONNECT';

/** Facts about how a gRPC call ended, for reports; every field is optional because calls fail early. */
export interface GrpcCallFacts {
  /** What the call was doing when it failed: `connect`, `h2-settings`, `response`, `message`. */
  readonly phase?: string;
  readonly httpStatus?: number;
  readonly contentType?: string;
  /** The `server` response header, which only proxies send (grpc-java sends none). */
  readonly server?: string;
  readonly grpcStatus?: number;
  readonly grpcMessage?: string;
  /** HTTP/2 error code of a RST_STREAM or GOAWAY. */
  readonly http2Code?: number;
  readonly timeoutMs?: number;
}

export class GrpcCallError extends NacosToolError {
  override name = 'GrpcCallError';
  declare readonly code: GrpcCallErrorCode;
  readonly facts: GrpcCallFacts;

  constructor(code: GrpcCallErrorCode, message: string, facts: GrpcCallFacts = {}, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.facts = facts;
  }
}

/** A payload that is not valid protobuf, lacks its metadata, or carries a body that is not JSON. */
export class NacosPayloadError extends NacosToolError {
  override name = 'NacosPayloadError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('ERR_NACOS_PAYLOAD', message, options);
  }
}

/** Bytes on a gRPC stream that are not a well-formed uncompressed length-prefixed message. */
export class GrpcFramingError extends NacosToolError {
  override name = 'GrpcFramingError';
  constructor(message: string) {
    super('ERR_GRPC_FRAMING', message);
  }
}

/** A gRPC message larger than the receiver accepts (Nacos: 10 MiB by default). */
export class GrpcMessageTooLargeError extends NacosToolError {
  override name = 'GrpcMessageTooLargeError';
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number) {
    super('ERR_GRPC_MESSAGE_TOO_LARGE', `gRPC message of ${size} bytes exceeds the limit of ${limit} bytes`);
    this.size = size;
    this.limit = limit;
  }
}

/** A Nacos response that reports failure (resultCode 500), e.g. 301 `Connection is unregistered.` */
export class NacosResponseError extends NacosToolError {
  override name = 'NacosResponseError';
  /** The response class (`ErrorResponse`, `ConfigQueryResponse`, ...). */
  readonly responseType: string;
  readonly resultCode: number;
  /** The NacosException code: 300, 301, 302, 403, 502, ... */
  readonly errorCode: number;
  readonly serverMessage: string;

  constructor(facts: { type: string; resultCode: number; errorCode: number; message: string }, context: string) {
    super('ERR_NACOS_RESPONSE', `${context}: ${facts.type} errorCode ${facts.errorCode}${facts.message === '' ? '' : ` "${facts.message}"`}`);
    this.responseType = facts.type;
    this.resultCode = facts.resultCode;
    this.errorCode = facts.errorCode;
    this.serverMessage = facts.message;
  }
}
