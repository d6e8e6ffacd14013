/**
 * Every error this project throws on purpose is a NacosToolError with a stable `code`.
 * Callers, tests and docs match on `code`, never on the message text; the message carries
 * the facts (the bad value, what was expected, the fix) so a one-line report is enough.
 */
export class NacosToolError extends Error {
  override name = 'NacosToolError';
  readonly code: string;
  /** Process exit code when this error ends a CLI: 2 for anything the user can fix in the invocation. */
  readonly exitCode: number;

  constructor(code: string, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad flags, bad values, bad config: the user must change what they typed. Exit code 2. */
export class UsageError extends NacosToolError {
  override name = 'UsageError';
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(options.code ?? 'ERR_USAGE', message, { cause: options.cause, exitCode: 2 });
  }
}

/** Flags or arguments the parser refused; `command` is the (sub)command whose --help explains them. */
export class ArgumentsError extends UsageError {
  override name = 'ArgumentsError';
  readonly command: readonly string[];
  constructor(message: string, options: { command?: readonly string[]; cause?: unknown } = {}) {
    super(message, { code: 'ERR_ARGUMENTS', cause: options.cause });
    this.command = options.command ?? [];
  }
}

/** An address (host, port, URL, CIDR) that cannot be parsed. */
export class AddressError extends UsageError {
  override name = 'AddressError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'ERR_ADDRESS', cause: options.cause });
  }
}

/** A port, or a port derived from it by a Nacos offset, outside 1-65535. */
export class PortRangeError extends UsageError {
  override name = 'PortRangeError';
  constructor(message: string) {
    super(message, { code: 'ERR_PORT_RANGE' });
  }
}

/** A config file that cannot be read or holds unknown keys or bad values. */
export class ConfigError extends UsageError {
  override name = 'ConfigError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'ERR_CONFIG', cause: options.cause });
  }
}

/** A listener that cannot be opened (port in use, address not available, permission). */
export class ListenError extends UsageError {
  override name = 'ListenError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'ERR_LISTEN', cause: options.cause });
  }
}

/** No member of a role could be reached; the client connection is closed. */
export class UpstreamUnavailableError extends NacosToolError {
  override name = 'UpstreamUnavailableError';
  constructor(code: 'ERR_NO_HEALTHY_UPSTREAM' | 'ERR_UPSTREAM_CONNECT', message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** Node's errno code (`ECONNREFUSED`, `EADDRINUSE`, ...) of an error, if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/** One line for humans: the message of our errors, `code: message` for foreign ones. */
export function describeError(error: unknown): string {
  if (error instanceof NacosToolError) return error.message;
  if (error instanceof AggregateError && error.errors.length > 0) return describeError(error.errors[0]);
  if (error instanceof Error) {
    const code = errnoCode(error);
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
