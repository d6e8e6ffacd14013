/**
 * The config module over gRPC: query, publish, remove and batch listen, plus the
 * ConfigChangeNotifyRequest push to every connection that listens to a changed key.
 */
import type {
  ConfigBatchListenRequestBody,
  ConfigPublishRequestBody,
  ConfigQueryRequestBody,
  ConfigRemoveRequestBody,
} from '../nacos/message-bodies.js';
import { nacosResponse } from '../nacos/messages.js';
import { configKey, type ConfigKey } from './config-store.js';
import type { SimConnection } from './connection.js';
import type { GrpcRequestHandler } from './grpc-dispatch.js';
import { failedAs } from './failed-response.js';
import { InvalidRequestError } from './invalid-request.js';
import type { SimContext } from './sim-context.js';

/** ConfigQueryResponse.CONFIG_NOT_FOUND. */
const CONFIG_NOT_FOUND = 300;

export function configKeyText(key: ConfigKey): string {
  return JSON.stringify([key.tenant, key.group, key.dataId]);
}

function requireDataId(dataId: string | undefined): string {
  if (dataId === undefined || dataId === '') throw new InvalidRequestError('dataId is required');
  return dataId;
}

export const configHandlers: ReadonlyMap<string, GrpcRequestHandler> = new Map<string, GrpcRequestHandler>([
  [
    'ConfigQueryRequest',
    {
      responseType: 'ConfigQueryResponse',
      secured: true,
      handle: (request, _connection, context) => {
        const body = request.body as ConfigQueryRequestBody;
        const item = context.stores.config.get(configKey(requireDataId(body.dataId), body.group, body.tenant));
        if (!item) return failedAs('ConfigQueryResponse', CONFIG_NOT_FOUND, 'config data not exist');
        return nacosResponse('ConfigQueryResponse', {
          content: item.content,
          encryptedDataKey: '',
          contentType: item.type,
          md5: item.md5,
          lastModified: item.lastModified,
          beta: false,
        });
      },
    },
  ],
  [
    'ConfigPublishRequest',
    {
      responseType: 'ConfigPublishResponse',
      secured: true,
      handle: (request, _connection, context) => {
        const body = request.body as ConfigPublishRequestBody;
        const key = configKey(requireDataId(body.dataId), body.group, body.tenant);
        const current = context.stores.config.md5(key);
        // Clients send `"casMd5":null` when they do not want a compare-and-set.
        if (typeof body.casMd5 === 'string' && body.casMd5 !== '' && body.casMd5 !== current) {
          return failedAs('ConfigPublishResponse', 500, 'Cas publish fail, server md5 may have changed.');
        }
        context.stores.config.publish(key, body.content ?? '', body.additionMap?.type ?? 'text');
        return nacosResponse('ConfigPublishResponse');
      },
    },
  ],
  [
    'ConfigRemoveRequest',
    {
      responseType: 'ConfigRemoveResponse',
      secured: true,
      handle: (request, _connection, context) => {
        const body = request.body as ConfigRemoveRequestBody;
        context.stores.config.remove(configKey(requireDataId(body.dataId), body.group, body.tenant));
        return nacosResponse('ConfigRemoveResponse');
      },
    },
  ],
  [
    'ConfigBatchListenRequest',
    {
      responseType: 'ConfigChangeBatchListenResponse',
      secured: true,
      handle: (request, connection, context) => {
        const body = request.body as ConfigBatchListenRequestBody;
        const listen = body.listen ?? true;
        const changedConfigs: { group: string; dataId: string; tenant: string }[] = [];
        for (const item of body.configListenContexts ?? []) {
          if (item.dataId === undefined || item.dataId === '') continue;
          const key = configKey(item.dataId, item.group, item.tenant);
          if (!listen) {
            connection.listening.delete(configKeyText(key));
            continue;
          }
          connection.listening.add(configKeyText(key));
          if ((item.md5 ?? '') !== context.stores.config.md5(key)) {
            changedConfigs.push({ group: key.group, dataId: key.dataId, tenant: item.tenant ?? key.tenant });
          }
        }
        return nacosResponse('ConfigChangeBatchListenResponse', { changedConfigs });
      },
    },
  ],
]);

/** Pushes ConfigChangeNotifyRequest to this member's connections that listen to `key`. */
export function notifyConfigChange(key: ConfigKey, connections: Iterable<SimConnection>, context: SimContext): void {
  const text = configKeyText(key);
  for (const connection of connections) {
    if (!connection.registered || !connection.listening.has(text)) continue;
    connection
      .push('ConfigChangeNotifyRequest', { dataId: key.dataId, group: key.group, tenant: key.tenant }, context.timing.pushTimeoutMs)
      .then(() => connection.touch())
      .catch((error: unknown) => context.log.debug({ connectionId: connection.id, dataId: key.dataId, err: error }, 'config change push not acknowledged'));
  }
}
