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

/** `metadata` as JSON (`{"k":"v"}`) or as `k=v,k2=v2` (UtilsAndCommons.parseMetadata). */
export function parseMetadata(value: string | null): Record<string, string> {
  if (value === null || value.trim() === '') return {};
  if (value.trim().startsWith('{')) {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([key, item]) => [key, String(item)]));
  }
  return Object.fromEntries(
    value
      .split(',')
      .map((pair) => pair.split('='))
      .filter((pair) => pair.length === 2 && pair[0] !== '')
      .map(([key, item]) => [key!.trim(), item!.trim()]),
  );
}

function boolParam(request: SimHttpRequest, name: string, fallback: boolean): boolean {
  const value = request.params.get(name);
  return value === null || value === '' ? fallback : value === 'true';
}

function keyFrom(request: SimHttpRequest): ServiceKey {
  return serviceKey(request.params.get('namespaceId') ?? undefined, request.params.get('groupName') ?? undefined, requiredParam(request, 'serviceName'));
}

function portParam(request: SimHttpRequest): number {
  const port = Number(requiredParam(request, 'port'));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidRequestError(`port "${request.params.get('port')}" is not a port`);
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
        weight: Number(request.params.get('weight') ?? 1),
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
