/**
 * The naming module over gRPC: instance register/deregister (ephemeral and persistent),
 * batch register, subscribe with NotifySubscriberRequest pushes, service query and list.
 * Ephemeral instances belong to the connection that registered them and vanish with it.
 */
import type {
  BatchInstanceRequestBody,
  InstanceRequestBody,
  ServiceListRequestBody,
  ServiceQueryRequestBody,
  SubscribeServiceRequestBody,
} from '../nacos/message-bodies.js';
import { nacosResponse } from '../nacos/messages.js';
import type { SimConnection } from './connection.js';
import type { GrpcRequestHandler } from './grpc-dispatch.js';
import { InvalidRequestError } from './invalid-request.js';
import { instanceRecord, serviceKey, serviceKeyText, type ServiceKey } from './naming-store.js';
import { serviceInfo } from './service-info.js';
import type { SimContext } from './sim-context.js';

/** The owner id of what a gRPC connection registers on this member. */
export function connectionOwner(context: SimContext, connection: SimConnection): string {
  return `grpc:${context.id}:${connection.id}`;
}

function keyOf(body: { namespace?: string; groupName?: string; serviceName?: string }): ServiceKey {
  if (body.serviceName === undefined || body.serviceName === '') throw new InvalidRequestError('serviceName is required');
  return serviceKey(body.namespace, body.groupName, body.serviceName);
}

function pushedInfo(context: SimContext, key: ServiceKey, clusters = '', healthyOnly = false): object {
  return serviceInfo(context.stores.naming, key, { clusters, healthyOnly, version: context.settings.version, cacheMillis: context.timing.cacheMillis });
}

/** NamingRemoteConstants: the `type` values the instance handlers accept. */
const REGISTER_INSTANCE = 'registerInstance';
const DE_REGISTER_INSTANCE = 'deregisterInstance';
const BATCH_REGISTER_INSTANCE = 'batchRegisterInstance';

/**
 * A request `type` the handler does not know, or none. NACOS-FACTS.md §1.5 lists no code for
 * this case, so it gets the simulator's INVALID_PARAM answer (errorCode 400 in the handler's own
 * response class, see invalid-request.ts), with the text the Java handlers use.
 */
function unsupportedType(type: string | undefined): InvalidRequestError {
  return new InvalidRequestError(`Unsupported request type ${type ?? 'null'}`);
}

function instanceHandler(persistent: boolean): GrpcRequestHandler {
  return {
    responseType: 'InstanceResponse',
    secured: true,
    handle: (request, connection, context) => {
      const body = request.body as InstanceRequestBody;
      const key = keyOf(body);
      const instance = body.instance;
      if (!instance || typeof instance.ip !== 'string' || typeof instance.port !== 'number') throw new InvalidRequestError('instance with ip and port is required');
      // Persistent instances belong to their address, not to the connection that sent them.
      const owner = persistent ? `persistent:${instance.ip}:${instance.port}` : connectionOwner(context, connection);
      if (body.type === REGISTER_INSTANCE) context.stores.naming.publish(key, owner, [instanceRecord({ ...instance, ephemeral: !persistent })]);
      else if (body.type === DE_REGISTER_INSTANCE) context.stores.naming.unpublish(key, owner);
      else throw unsupportedType(body.type);
      return nacosResponse('InstanceResponse', { type: body.type });
    },
  };
}

export const namingHandlers: ReadonlyMap<string, GrpcRequestHandler> = new Map<string, GrpcRequestHandler>([
  ['InstanceRequest', instanceHandler(false)],
  ['PersistentInstanceRequest', instanceHandler(true)],
  [
    'BatchInstanceRequest',
    {
      responseType: 'BatchInstanceResponse',
      secured: true,
      handle: (request, connection, context) => {
        const body = request.body as BatchInstanceRequestBody;
        const key = keyOf(body);
        // The only batch type: the set replaces what the connection published, so a client
        // deregisters part of a batch by sending the instances it keeps (an empty list drops all).
        if (body.type !== BATCH_REGISTER_INSTANCE) throw unsupportedType(body.type);
        const records = (body.instances ?? []).map((instance) => instanceRecord({ ...instance, ephemeral: true }));
        context.stores.naming.publish(key, connectionOwner(context, connection), records);
        return nacosResponse('BatchInstanceResponse', { type: body.type });
      },
    },
  ],
  [
    'SubscribeServiceRequest',
    {
      responseType: 'SubscribeServiceResponse',
      secured: true,
      handle: (request, connection, context) => {
        const body = request.body as SubscribeServiceRequestBody;
        const key = keyOf(body);
        if (body.subscribe === false) connection.subscriptions.delete(serviceKeyText(key));
        else connection.subscriptions.add(serviceKeyText(key));
        return nacosResponse('SubscribeServiceResponse', { serviceInfo: pushedInfo(context, key, body.clusters ?? '') });
      },
    },
  ],
  [
    'ServiceQueryRequest',
    {
      responseType: 'QueryServiceResponse',
      secured: true,
      handle: (request, _connection, context) => {
        const body = request.body as ServiceQueryRequestBody;
        return nacosResponse('QueryServiceResponse', { serviceInfo: pushedInfo(context, keyOf(body), body.cluster ?? '', body.healthyOnly ?? false) });
      },
    },
  ],
  [
    'ServiceListRequest',
    {
      responseType: 'ServiceListResponse',
      secured: true,
      handle: (request, _connection, context) => {
        const body = request.body as ServiceListRequestBody;
        const key = serviceKey(body.namespace, body.groupName, '');
        const names = context.stores.naming.serviceNames(key.namespace, key.groupName);
        const pageSize = Math.max(1, body.pageSize ?? 10);
        const start = (Math.max(1, body.pageNo ?? 1) - 1) * pageSize;
        return nacosResponse('ServiceListResponse', { count: names.length, serviceNames: names.slice(start, start + pageSize) });
      },
    },
  ],
]);

/** Pushes NotifySubscriberRequest to this member's connections subscribed to `key`. */
export function notifySubscribers(key: ServiceKey, connections: Iterable<SimConnection>, context: SimContext): void {
  const text = serviceKeyText(key);
  for (const connection of connections) {
    if (!connection.registered || !connection.subscriptions.has(text)) continue;
    const fields = { namespace: key.namespace, serviceName: key.serviceName, groupName: key.groupName, serviceInfo: pushedInfo(context, key) };
    connection
      .push('NotifySubscriberRequest', fields, context.timing.pushTimeoutMs)
      .then(() => connection.touch())
      .catch((error: unknown) => context.log.debug({ connectionId: connection.id, service: key.serviceName, err: error }, 'naming push not acknowledged'));
  }
}
