/**
 * What unary calls and the bi-stream share: reading a finished stream's facts (status, gRPC
 * status, proxy headers) into GrpcCallErrors, and running a call under a deadline and an
 * AbortSignal with exactly one cleanup.
 */
import http2, { type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { GrpcCallError, type GrpcCallFacts } from './errors.js';
import { GRPC_CONTENT_TYPE, decodeGrpcMessage, grpcStatusName } from './grpc-wire.js';

/** RST_STREAM code for a call the client gives up on. */
export const NGHTTP2_CANCEL = http2.constants.NGHTTP2_CANCEL;

export function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Status, message and proxy facts of a finished or failed stream. */
export function facts(headers: IncomingHttpHeaders | undefined, trailers: IncomingHttpHeaders | undefined, extra: GrpcCallFacts = {}): GrpcCallFacts {
  const status = headers?.[':status'] === undefined ? undefined : Number(headers[':status']);
  const grpcStatus = trailers?.['grpc-status'] ?? headers?.['grpc-status'];
  const grpcMessage = trailers?.['grpc-message'] ?? headers?.['grpc-message'];
  return {
    ...(status === undefined ? {} : { httpStatus: status }),
    ...(headers?.['content-type'] === undefined ? {} : { contentType: headerText(headers, 'content-type')! }),
    ...(headers?.server === undefined ? {} : { server: headerText(headers, 'server')! }),
    ...(grpcStatus === undefined ? {} : { grpcStatus: Number(grpcStatus) }),
    ...(grpcMessage === undefined ? {} : { grpcMessage: decodeGrpcMessage(String(grpcMessage)) }),
    ...extra,
  };
}

/** The error for an HTTP response that is not a gRPC response at all (a proxy's error page). */
export function httpError(what: string, headers: IncomingHttpHeaders): GrpcCallError | undefined {
  const status = Number(headers[':status']);
  const contentType = headerText(headers, 'content-type') ?? '';
  if (status === 200 && contentType.startsWith(GRPC_CONTENT_TYPE)) return undefined;
  const server = headerText(headers, 'server');
  return new GrpcCallError(
    'ERR_GRPC_HTTP',
    `${what}: HTTP status ${String(status)} with content-type "${contentType}"${server ? ` from server "${server}"` : ''}: not a gRPC response`,
    facts(headers, undefined, { phase: 'response' }),
  );
}

export function statusError(what: string, headers: IncomingHttpHeaders, trailers: IncomingHttpHeaders | undefined): GrpcCallError | undefined {
  const found = facts(headers, trailers, { phase: 'response' });
  if (found.grpcStatus === 0) return undefined;
  if (found.grpcStatus === undefined) {
    return new GrpcCallError('ERR_GRPC_STREAM', `${what}: the stream ended without a grpc-status`, found);
  }
  return new GrpcCallError(
    'ERR_GRPC_STATUS',
    `${what}: ${grpcStatusName(found.grpcStatus)} (grpc-status ${found.grpcStatus})${found.grpcMessage ? `: ${found.grpcMessage}` : ''}`,
    found,
  );
}

export function streamError(what: string, stream: ClientHttp2Stream, cause: unknown, headers: IncomingHttpHeaders | undefined): GrpcCallError {
  const detail = cause instanceof Error ? cause.message : `RST_STREAM error code ${stream.rstCode}`;
  return new GrpcCallError('ERR_GRPC_STREAM', `${what}: stream failed: ${detail}`, facts(headers, undefined, { phase: 'response', http2Code: stream.rstCode }), {
    cause,
  });
}

/**
 * Runs `body` with a timer and an optional AbortSignal. `body` returns its cleanup, which is
 * called once when the promise settles, with `failed` true when in-flight work must be cancelled.
 */
export function withDeadline<T>(
  what: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  phase: string,
  body: (settle: { resolve: (value: T) => void; reject: (error: unknown) => void }) => (failed: boolean) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new GrpcCallError('ERR_GRPC_ABORTED', `${what}: aborted`, { phase }, { cause: signal.reason }));
      return;
    }
    let done = false;
    let cleanup: ((failed: boolean) => void) | undefined;
    const finish = (failed: boolean): void => {
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // body may settle synchronously, before it has returned its cleanup.
      if (cleanup) cleanup(failed);
      else queueMicrotask(() => cleanup?.(failed));
    };
    const settle = {
      resolve: (value: T) => {
        if (done) return;
        finish(false);
        resolve(value);
      },
      reject: (error: unknown) => {
        if (done) return;
        finish(true);
        reject(error);
      },
    };
    const onAbort = (): void => settle.reject(new GrpcCallError('ERR_GRPC_ABORTED', `${what}: aborted`, { phase }, { cause: signal!.reason }));
    // A failure event landing in the same turn as the deadline wins, so it is reported as what it is.
    const timer = setTimeout(
      () => setImmediate(() => settle.reject(new GrpcCallError('ERR_GRPC_TIMEOUT', `${what}: no answer within ${timeoutMs}ms`, { phase, timeoutMs }))),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = body(settle);
  });
}
