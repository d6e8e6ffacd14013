/**
 * One TCP connect with a deadline and an AbortSignal, shared by the forwarder, its health
 * checks and the doctor's probes. Failures are ConnectErrors whose code says what happened
 * (refused, timed out, unreachable, reset, DNS), so callers never parse messages.
 */
import { connect, type Socket } from 'node:net';
import { formatHostPort } from '../address.js';
import { NacosToolError, errnoCode } from '../errors.js';

export type ConnectFailure =
  | 'ERR_CONNECT_REFUSED'
  | 'ERR_CONNECT_TIMEOUT'
  | 'ERR_CONNECT_UNREACHABLE'
  | 'ERR_CONNECT_RESET'
  | 'ERR_CONNECT_DNS'
  | 'ERR_CONNECT';

const FAILURE_BY_ERRNO: Readonly<Record<string, ConnectFailure>> = {
  ECONNREFUSED: 'ERR_CONNECT_REFUSED',
  ETIMEDOUT: 'ERR_CONNECT_TIMEOUT',
  EHOSTUNREACH: 'ERR_CONNECT_UNREACHABLE',
  ENETUNREACH: 'ERR_CONNECT_UNREACHABLE',
  EADDRNOTAVAIL: 'ERR_CONNECT_UNREACHABLE',
  ECONNRESET: 'ERR_CONNECT_RESET',
  ENOTFOUND: 'ERR_CONNECT_DNS',
  EAI_AGAIN: 'ERR_CONNECT_DNS',
};

export class ConnectError extends NacosToolError {
  override name = 'ConnectError';
  /** The OS error code (ECONNREFUSED ...), or ETIMEDOUT for our own deadline. */
  readonly errno: string;
  readonly address: string;

  constructor(code: ConnectFailure, errno: string, address: string, message: string, cause?: unknown) {
    super(code, message, { cause });
    this.errno = errno;
    this.address = address;
  }
}

export interface DialOptions {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly noDelay?: boolean;
  readonly keepAliveMs?: number;
  readonly allowHalfOpen?: boolean;
  /** Do not read from the socket once connected (the caller decides where its bytes go). */
  readonly paused?: boolean;
}

/** The ConnectFailure code of an OS errno (ECONNREFUSED -> ERR_CONNECT_REFUSED, ...). */
export function connectFailureOf(errno: string): ConnectFailure {
  return FAILURE_BY_ERRNO[errno] ?? 'ERR_CONNECT';
}

function toConnectError(error: unknown, address: string): ConnectError {
  const errno = errnoCode(error) ?? 'UNKNOWN';
  const code = connectFailureOf(errno);
  const detail = error instanceof Error ? error.message : String(error);
  return new ConnectError(code, errno, address, `connect to ${address} failed: ${errno} (${detail})`, error);
}

export function dial(options: DialOptions): Promise<Socket> {
  const address = formatHostPort(options.host, options.port);
  return new Promise<Socket>((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const socket = connect({
      host: options.host,
      port: options.port,
      noDelay: options.noDelay ?? false,
      keepAlive: options.keepAliveMs !== undefined,
      keepAliveInitialDelay: options.keepAliveMs ?? 0,
      allowHalfOpen: options.allowHalfOpen ?? false,
    });
    // Paused before the connect completes, the socket never starts reading (net's afterConnect
    // only reads when not paused), so no byte can be consumed before it is handed over.
    if (options.paused) socket.pause();
    let settled = false;
    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onConnect = (): void => {
      if (settled) return;
      cleanup();
      resolve(socket);
    };
    const onError = (error: Error): void => fail(toConnectError(error, address));
    const onAbort = (): void => fail(signal!.reason);
    // Let a socket error that lands in the same turn as the deadline win, so a refusal is
    // reported as a refusal and not as a timeout.
    const timer = setTimeout(() => {
      setImmediate(() =>
        fail(new ConnectError('ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', address, `connect to ${address} timed out after ${options.timeoutMs}ms`)),
      );
    }, options.timeoutMs);
    socket.once('connect', onConnect);
    socket.on('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
