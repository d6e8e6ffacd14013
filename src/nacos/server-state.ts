/**
 * The server state of `GET /v1/console/server/state` (1.x-3.1) and `/v3/admin/core/state` (3.x,
 * wrapped in a Result), NACOS-FACTS.md §3: 1.x-2.2 report the mode as `standalone_mode`, 2.3+ as
 * `startup_mode` together with `server_port` and the auth settings. Pure.
 */
import { NacosResponseError, parseJsonBody } from './http-errors.js';

export interface ServerState {
  readonly version: string | undefined;
  /** `standalone` or `cluster`. */
  readonly mode: string | undefined;
  /** Which key carried the mode: tells 1.x-2.2 (`standalone_mode`) from 2.3+ (`startup_mode`). */
  readonly modeKey: 'standalone_mode' | 'startup_mode' | undefined;
  /** `config`, `naming` or undefined (both). */
  readonly functionMode: string | undefined;
  /** The member's own main port (2.3+). */
  readonly serverPort: number | undefined;
  readonly authEnabled: boolean | undefined;
  /** Everything the server sent, for keys this parser does not name. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Accepts the parsed JSON or its text; unwraps `{code, message, data}`. */
export function unwrapResult(body: unknown, url: string): unknown {
  const value = typeof body === 'string' ? parseJsonBody(body, url) : body;
  if (isRecord(value) && 'data' in value && ('code' in value || 'message' in value)) return value.data;
  return value;
}

export function parseServerState(body: unknown, url = 'server state'): ServerState {
  const data = unwrapResult(body, url);
  if (!isRecord(data)) throw new NacosResponseError(url, 'server state is not a JSON object');
  const modeKey = 'startup_mode' in data ? 'startup_mode' : 'standalone_mode' in data ? 'standalone_mode' : undefined;
  return {
    version: text(data.version),
    mode: modeKey === undefined ? undefined : text(data[modeKey]),
    modeKey,
    functionMode: text(data.function_mode),
    serverPort: toNumber(data.server_port),
    authEnabled: toBoolean(data.auth_enabled),
    raw: data,
  };
}
