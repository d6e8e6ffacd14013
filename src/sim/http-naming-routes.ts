/**
 * The v1 naming API the `nacos` npm client (and 1.x clients) use: instance register,
 * deregister, beat and list, and the service list. HTTP-registered ephemeral instances are
 * owned by the client's `ip:port` and live on beats (see NamingStore.expireBeats).
 */
import { instanceRecord, serviceKey, type ServiceKey } from './naming-store.js';
import { HEARTBEAT_INTERVAL_MS, serviceInfo } from './service-info.js';
import { json, requiredParam, text, type HttpRoute, type SimHttpRequest } from './http-route.js';
import { InvalidRequestError } from './invalid-request.js';

/** Nacos' beat answer codes (NamingResponseCode). */
const BEAT_OK = 10_200;

/** Java's String.split: trailing empty strings are dropped. */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function isFlatObject(value: unknown): value is Record<string, string | number | boolean | null> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((item) => typeof item !== 'object' || item === null);
}

/**
 * `metadata` as JSON (`{"k":"v"}`), else as `k=v,k2=v2` (UtilsAndCommons.parseMetadata): a pair
 * that is not exactly `key=value` fails the request with 400 `metadata format incorrect:<metadata>`.
 */
export function parseMetadata(value: string | null): Record<string, string> {
  if (value === null || value.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (isFlatObject(parsed)) return Object.fromEntries(Object.entries(parsed).map(([key, item]) => [key, String(item)]));
  } catch {
    // Not JSON: Nacos falls back to key=value pairs.
  }
  const pairs = javaSplit(value, ',').map((pair) => javaSplit(pair, '='));
  if (pairs.some((pair) => pair.length !== 2)) throw new InvalidRequestError(`metadata format incorrect:${value}`);
  return Object.fromEntries(pairs);
}

/** Java's NumberFormatException text; Nacos answers it with 400 (ResponseExceptionHandler). */
function notANumber(value: string): InvalidRequestError {
  return new InvalidRequestError(`For input string: "${value}"`);
}

/** Instance weights Nacos accepts (naming Constants.MIN_WEIGHT_VALUE / MAX_WEIGHT_VALUE). */
const MIN_WEIGHT = 0;
const MAX_WEIGHT = 10_000;

/** `weight` as Double.parseDouble reads it (default 1), within Nacos' range. */
export function parseWeight(value: string | null): number {
  if (value === null || value.trim() === '') return 1;
  const text = value.trim();
  const weight = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDfF]?$/.test(text) ? Number(text.replace(/[dDfF]$/, '')) : Number.NaN;
  if (!Number.isFinite(weight)) throw notANumber(value);
  if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
    throw new InvalidRequestError(`instance format invalid: The weights range from ${MIN_WEIGHT.toFixed(1)} to ${MAX_WEIGHT.toFixed(1)}`);
  }
  return weight;
}

function boolParam(request: SimHttpRequest, name: string, fallback: boolean): boolean {
  const value = request.params.get(name);
  return value === null || value === '' ? fallback : value === 'true';
}

function keyFrom(request: SimHttpRequest): ServiceKey {
  return serviceKey(request.params.get('namespaceId') ?? undefined, request.params.get('groupName') ?? undefined, requiredParam(request, 'serviceName'));
}

/** `port` as Integer.parseInt reads it, within 0-65535. */
function portParam(request: SimHttpRequest): number {
  const text = requiredParam(request, 'port');
  if (!/^[+-]?\d+$/.test(text)) throw notANumber(text);
  const port = Number(text);
  if (port < 0 || port > 65_535) throw new InvalidRequestError(`port "${text}" is not a port: use 0 to 65535`);
  return port;
}

interface Beat {
  readonly ip: string;
  readonly port: number;
  readonly cluster?: string;
  readonly weight?: number;
  readonly metadata?: Record<string, string>;
}

function parseBeat(text: string): Beat {
  let beat: Partial<Beat>;
  try {
    beat = JSON.parse(text) as Partial<Beat>;
  } catch {
    throw new InvalidRequestError(`beat is not JSON: ${text.slice(0, 100)}`);
  }
  if (typeof beat.ip !== 'string' || typeof beat.port !== 'number') throw new InvalidRequestError('beat needs ip and port');
  return beat as Beat;
}

export function httpOwner(ip: string, port: number): string {
  return `http:${ip}:${port}`;
}

export const namingRoutes: readonly HttpRoute[] = [
  {
    method: 'POST',
    path: '/v1/ns/instance',
    api: 'open',
    secured: true,
    handle: (request, context) => {
      const ip = requiredParam(request, 'ip');
      const port = portParam(request);
      const record = instanceRecord({
        ip,
        port,
        weight: parseWeight(request.params.get('weight')),
        enabled: boolParam(request, 'enabled', boolParam(request, 'enable', true)),
        healthy: boolParam(request, 'healthy', true),
        ephemeral: boolParam(request, 'ephemeral', true),
        clusterName: request.params.get('clusterName') ?? undefined,
        metadata: parseMetadata(request.params.get('metadata')),
      });
      context.stores.naming.publish(keyFrom(request), httpOwner(ip, port), [record]);
      return text('ok');
    },
  },
  {
    method: 'DELETE',
    path: '/v1/ns/instance',
    api: 'open',
    secured: true,
    handle: (request, context) => {
      context.stores.naming.unpublish(keyFrom(request), httpOwner(requiredParam(request, 'ip'), portParam(request)));
      return text('ok');
    },
  },
  {
    method: 'PUT',
    path: '/v1/ns/instance/beat',
    api: 'open',
    secured: true,
    handle: (request, context) => {
      const beat = parseBeat(requiredParam(request, 'beat'));
      const key = keyFrom(request);
      const owner = httpOwner(beat.ip, beat.port);
      if (!context.stores.naming.beat(key, owner)) {
        // InstanceController.beat registers an unknown instance from its beat.
        const cluster = beat.cluster === undefined || beat.cluster === '' ? undefined : beat.cluster;
        context.stores.naming.publish(key, owner, [instanceRecord({ ip: beat.ip, port: beat.port, weight: beat.weight ?? 1, clusterName: cluster, metadata: beat.metadata ?? {} })]);
      }
      return json({ clientBeatInterval: HEARTBEAT_INTERVAL_MS, code: BEAT_OK, lightBeatEnabled: true });
    },
  },
  {
    method: 'GET',
    path: '/v1/ns/instance/list',
    api: 'open',
    secured: true,
    handle: (request, context) =>
      json(
        serviceInfo(context.stores.naming, keyFrom(request), {
          clusters: request.params.get('clusters') ?? '',
          healthyOnly: boolParam(request, 'healthyOnly', false),
          version: context.settings.version,
          cacheMillis: context.timing.cacheMillis,
          groupedName: true,
        }),
      ),
  },
  {
    method: 'GET',
    path: '/v1/ns/service/list',
    api: 'open',
    secured: true,
    handle: (request, context) => {
      const key = serviceKey(request.params.get('namespaceId') ?? undefined, request.params.get('groupName') ?? undefined, '');
      const names = context.stores.naming.serviceNames(key.namespace, key.groupName);
      const pageSize = Math.max(1, Number(request.params.get('pageSize') ?? 10));
      const start = (Math.max(1, Number(request.params.get('pageNo') ?? 1)) - 1) * pageSize;
      return json({ count: names.length, doms: names.slice(start, start + pageSize) });
    },
  },
];
