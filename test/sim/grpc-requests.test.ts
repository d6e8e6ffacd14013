/**
 * The config and naming request types at the protocol level, with our own gRPC client: the ones
 * the real Rust client never sends (ConfigRemoveRequest's push, CAS publish, ServiceListRequest,
 * PersistentInstanceRequest, deregistering, BatchInstanceRequest's replace semantics, unknown
 * types) and the exact bodies of the server's pushes. Field names are those of the Java classes
 * (ConfigRemoveRequest, ConfigChangeNotifyRequest, ServiceListRequest/Response, InstanceRequest,
 * PersistentInstanceRequest, BatchInstanceRequest, NotifySubscriberRequest, ServiceInfo).
 */
import { describe, expect, test } from 'vitest';
import { NacosConnection } from '../../src/nacos/connection.js';
import { nacosResponse } from '../../src/nacos/messages.js';
import type { DecodedPayload } from '../../src/nacos/payload.js';
import { contentMd5 } from '../../src/sim/config-store.js';
import { serviceKey } from '../../src/sim/naming-store.js';
import { simsClosedAfterEach, type SimHarness } from '../helpers/sim.js';

const { sim, defer } = simsClosedAfterEach();
const GROUP = 'DEFAULT_GROUP';

async function connect(harness: SimHarness, module: 'config' | 'naming'): Promise<NacosConnection> {
  const connection = await NacosConnection.open({ host: '127.0.0.1', port: harness.cluster.member(0).addresses.clientGrpc, labels: { source: 'sdk', module } });
  defer(() => connection.client.destroy());
  return connection;
}

/** The next push of `type`, answered with its response class as the Java client does. */
async function nextPush(connection: NacosConnection, type: string, response: string): Promise<DecodedPayload> {
  const push = await connection.biStream.next({ type });
  connection.biStream.send(nacosResponse(response, {}, { requestId: push.body.requestId as string }));
  return push;
}

const SUCCESS = { resultCode: 200, errorCode: 0, success: true };

describe('config', () => {
  test('ConfigRemoveRequest removes the config and pushes ConfigChangeNotifyRequest to listeners', async () => {
    const harness = await sim();
    const writer = await connect(harness, 'config');
    const listener = await connect(harness, 'config');
    const key = { dataId: 'gone.yaml', group: GROUP, tenant: '' };
    await writer.call('ConfigPublishRequest', { ...key, content: 'a: 1' });
    const listen = await listener.call('ConfigBatchListenRequest', { listen: true, configListenContexts: [{ ...key, md5: contentMd5('a: 1') }] });
    expect(listen.body).toEqual({ ...SUCCESS, changedConfigs: [] });

    const removed = await writer.request('ConfigRemoveRequest', { ...key, tag: '' });
    expect(removed.type).toBe('ConfigRemoveResponse');
    expect(removed.body).toEqual(SUCCESS);
    const push = await nextPush(listener, 'ConfigChangeNotifyRequest', 'ConfigChangeNotifyResponse');
    expect(push.body).toEqual({ headers: {}, requestId: expect.stringMatching(/^\d+$/), dataId: 'gone.yaml', group: GROUP, tenant: '', module: 'config' });
    // Like Jackson, the error keeps ConfigQueryResponse's primitive fields (nacos-sdk-rust needs lastModified).
    expect((await writer.request('ConfigQueryRequest', key)).body).toEqual({ resultCode: 500, errorCode: 300, message: 'config data not exist', lastModified: 0, beta: false, success: false });
  });

  test('ConfigPublishRequest with casMd5 publishes only over the md5 it names', async () => {
    const harness = await sim();
    const connection = await connect(harness, 'config');
    const key = { dataId: 'cas.properties', group: GROUP, tenant: '' };
    await connection.call('ConfigPublishRequest', { ...key, content: 'v=1' });
    const stale = await connection.request('ConfigPublishRequest', { ...key, content: 'v=lost', casMd5: contentMd5('v=0') });
    expect(stale.type).toBe('ConfigPublishResponse');
    expect(stale.body).toEqual({ resultCode: 500, errorCode: 500, message: 'Cas publish fail, server md5 may have changed.', success: false });
    expect(harness.cluster.stores.config.get(key)?.content).toBe('v=1');
    const current = await connection.request('ConfigPublishRequest', { ...key, content: 'v=2', casMd5: contentMd5('v=1'), additionMap: { type: 'properties' } });
    expect(current.body).toEqual(SUCCESS);
    expect(harness.cluster.stores.config.get(key)).toMatchObject({ content: 'v=2', type: 'properties' });
  });
});

describe('naming', () => {
  const instance = { ip: '10.0.0.1', port: 8080, weight: 1, healthy: true, enabled: true, ephemeral: true, clusterName: 'DEFAULT', metadata: {} };
  const service = { namespace: 'public', serviceName: 'orders', groupName: GROUP };
  const key = serviceKey('public', GROUP, 'orders');

  test('InstanceRequest registers and deregisters, answering InstanceResponse with the type', async () => {
    const harness = await sim();
    const connection = await connect(harness, 'naming');
    const registered = await connection.request('InstanceRequest', { ...service, type: 'registerInstance', instance });
    expect(registered.type).toBe('InstanceResponse');
    expect(registered.body).toEqual({ ...SUCCESS, type: 'registerInstance' });
    expect(harness.cluster.stores.naming.instances(key)).toHaveLength(1);
    const deregistered = await connection.request('InstanceRequest', { ...service, type: 'deregisterInstance', instance });
    expect(deregistered.body).toEqual({ ...SUCCESS, type: 'deregisterInstance' });
    expect(harness.cluster.stores.naming.instances(key)).toEqual([]);
  });

  test.each([
    { type: 'weird', what: 'of an unknown type' },
    { type: undefined, what: 'without a type' },
  ])('an InstanceRequest $what is refused and registers nothing', async ({ type }) => {
    const harness = await sim();
    const connection = await connect(harness, 'naming');
    const response = await connection.request('InstanceRequest', { ...service, ...(type === undefined ? {} : { type }), instance });
    expect(response.type).toBe('InstanceResponse');
    expect(response.body).toEqual({ resultCode: 500, errorCode: 400, message: `Unsupported request type ${type ?? 'null'}`, success: false });
    expect(harness.cluster.stores.naming.hasService(key)).toBe(false);
  });

  test('PersistentInstanceRequest: the instance is not ephemeral, outlives its connection, and any client deregisters it', async () => {
    const harness = await sim();
    const first = await connect(harness, 'naming');
    const registered = await first.request('PersistentInstanceRequest', { ...service, type: 'registerInstance', instance: { ...instance, ephemeral: false } });
    expect(registered.type).toBe('InstanceResponse');
    expect(registered.body).toEqual({ ...SUCCESS, type: 'registerInstance' });
    const since = harness.log.lines.length;
    first.client.destroy();
    await harness.log.waitFor((line) => line.msg === 'transport terminated', since);
    expect(harness.cluster.stores.naming.instances(key).map((record) => [record.ip, record.ephemeral])).toEqual([['10.0.0.1', false]]);
    const second = await connect(harness, 'naming');
    expect((await second.request('PersistentInstanceRequest', { ...service, type: 'deregisterInstance', instance })).body).toEqual({ ...SUCCESS, type: 'deregisterInstance' });
    expect(harness.cluster.stores.naming.instances(key)).toEqual([]);
    expect((await second.request('PersistentInstanceRequest', { ...service, type: 'weird', instance })).body).toMatchObject({ errorCode: 400, message: 'Unsupported request type weird' });
  });

  test('BatchInstanceRequest replaces the connection instances: a smaller list deregisters the rest, an empty one all', async () => {
    const harness = await sim();
    const connection = await connect(harness, 'naming');
    const batch = (instances: object[]) => connection.request('BatchInstanceRequest', { ...service, type: 'batchRegisterInstance', instances });
    const hosts = (): string[] => harness.cluster.stores.naming.instances(key).map((record) => record.ip).sort();
    const both = await batch([instance, { ...instance, ip: '10.0.0.2' }]);
    expect(both.type).toBe('BatchInstanceResponse');
    expect(both.body).toEqual({ ...SUCCESS, type: 'batchRegisterInstance' });
    expect(hosts()).toEqual(['10.0.0.1', '10.0.0.2']);
    await batch([{ ...instance, ip: '10.0.0.2' }]);
    expect(hosts()).toEqual(['10.0.0.2']);
    await batch([]);
    expect(hosts()).toEqual([]);
    await batch([instance]);
    const refused = await connection.request('BatchInstanceRequest', { ...service, type: 'batchDeregisterInstance', instances: [instance] });
    expect(refused.type).toBe('BatchInstanceResponse');
    expect(refused.body).toEqual({ resultCode: 500, errorCode: 400, message: 'Unsupported request type batchDeregisterInstance', success: false });
    expect(hosts()).toEqual(['10.0.0.1']);
  });

  test('ServiceListRequest pages the service names of one namespace and group; count is the total', async () => {
    const harness = await sim();
    const connection = await connect(harness, 'naming');
    for (const name of ['c', 'a', 'b']) await connection.call('InstanceRequest', { ...service, serviceName: name, type: 'registerInstance', instance });
    await connection.call('InstanceRequest', { ...service, serviceName: 'other', groupName: 'G2', type: 'registerInstance', instance });
    const page = await connection.request('ServiceListRequest', { namespace: 'public', groupName: GROUP, serviceName: '', pageNo: 2, pageSize: 2, selector: '' });
    expect(page.type).toBe('ServiceListResponse');
    expect(page.body).toEqual({ ...SUCCESS, count: 3, serviceNames: ['c'] });
    expect((await connection.request('ServiceListRequest', { namespace: 'public', groupName: 'G2', pageNo: 1, pageSize: 10 })).body).toMatchObject({ count: 1, serviceNames: ['other'] });
  });

  test('NotifySubscriberRequest carries namespace, serviceName, groupName and the ServiceInfo', async () => {
    const harness = await sim({ timing: { cacheMillis: 4000 } });
    const subscriber = await connect(harness, 'naming');
    const subscribed = await subscriber.request('SubscribeServiceRequest', { ...service, subscribe: true, clusters: '' });
    expect(subscribed.type).toBe('SubscribeServiceResponse');
    expect(subscribed.body).toMatchObject({ ...SUCCESS, serviceInfo: { name: 'orders', groupName: GROUP, hosts: [] } });
    const publisher = await connect(harness, 'naming');
    await publisher.call('InstanceRequest', { ...service, type: 'registerInstance', instance: { ...instance, metadata: { zone: 'a' } } });
    const push = await nextPush(subscriber, 'NotifySubscriberRequest', 'NotifySubscriberResponse');
    expect(push.body).toEqual({
      headers: {},
      requestId: expect.stringMatching(/^\d+$/),
      namespace: 'public',
      serviceName: 'orders',
      groupName: GROUP,
      serviceInfo: {
        name: 'orders',
        groupName: GROUP,
        clusters: '',
        cacheMillis: 4000,
        // Instance JSON in full is checked on the v1 list (http-endpoints.test.ts); the same writer serves pushes.
        hosts: [
          expect.objectContaining({ instanceId: '10.0.0.1#8080#DEFAULT#DEFAULT_GROUP@@orders', ip: '10.0.0.1', port: 8080, serviceName: 'DEFAULT_GROUP@@orders', metadata: { zone: 'a' } }),
        ],
        lastRefTime: expect.any(Number),
        checksum: '',
        allIPs: false,
        reachProtectionThreshold: false,
        valid: true,
      },
      module: 'naming',
    });
  });
});
