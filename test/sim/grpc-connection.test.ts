import { once } from 'node:events';
import { describe, expect, test } from 'vitest';
import { NacosConnection, type NacosConnectionOptions } from '../../src/nacos/connection.js';
import { NacosGrpcClient } from '../../src/nacos/grpc-client.js';
import { nacosRequest } from '../../src/nacos/messages.js';
import { http, simsClosedAfterEach, type SimHarness } from '../helpers/sim.js';

const { sim, defer } = simsClosedAfterEach();

async function rawClient(harness: SimHarness): Promise<NacosGrpcClient> {
  const client = await NacosGrpcClient.connect({ host: '127.0.0.1', port: harness.cluster.member(0).addresses.clientGrpc });
  defer(() => client.destroy());
  return client;
}

async function connection(harness: SimHarness, options: Partial<NacosConnectionOptions> = {}): Promise<NacosConnection> {
  const opened = await NacosConnection.open({ host: '127.0.0.1', port: harness.cluster.member(0).addresses.clientGrpc, ...options });
  defer(() => opened.client.destroy());
  return opened;
}

const UNREGISTERED = { resultCode: 500, errorCode: 301, message: 'Connection is unregistered.', success: false };

describe('connection identity and registration', () => {
  test('ServerCheck is answered before setup, with the id <ms>_<ip>_<port> of this TCP connection', async () => {
    const harness = await sim();
    const client = await rawClient(harness);
    const response = await client.request(nacosRequest('ServerCheckRequest'));
    expect(response.type).toBe('ServerCheckResponse');
    expect(response.body).toMatchObject({ resultCode: 200, errorCode: 0, supportAbilityNegotiation: true, success: true });
    expect(response.body.connectionId).toMatch(new RegExp(`^\\d{13}_127\\.0\\.0\\.1_${client.localPort}$`));
  });

  test('a 2.2 member answers ServerCheck without supportAbilityNegotiation', async () => {
    const harness = await sim({ members: { version: '2.2.3' } });
    const response = await (await rawClient(harness)).request(nacosRequest('ServerCheckRequest'));
    expect(response.body).not.toHaveProperty('supportAbilityNegotiation');
  });

  test('any other request on a connection without bi-stream setup gets 301 Connection is unregistered.', async () => {
    const harness = await sim();
    const client = await rawClient(harness);
    const response = await client.request(nacosRequest('HealthCheckRequest'));
    expect(response.type).toBe('ErrorResponse');
    expect(response.body).toEqual(UNREGISTERED);
  });

  test('the setup registers only its own TCP connection: a second connection without setup is refused', async () => {
    const harness = await sim();
    const registered = await connection(harness);
    const second = await rawClient(harness);
    expect((await registered.healthCheck()).type).toBe('HealthCheckResponse');
    expect((await second.request(nacosRequest('HealthCheckRequest'))).body).toEqual(UNREGISTERED);
    expect(registered.connectionId).not.toBe((await second.request(nacosRequest('ServerCheckRequest'))).body.connectionId);
  });

  test('an unknown request type on a registered connection gets 302', async () => {
    const harness = await sim();
    const response = await (await connection(harness)).request('NoSuchRequest');
    expect(response.body).toEqual({ resultCode: 500, errorCode: 302, message: 'RequestHandler Not Found', success: false });
  });

  test('a request without its key field gets errorCode 400 in its own response class', async () => {
    const harness = await sim();
    const response = await (await connection(harness)).request('ConfigQueryRequest', { group: 'DEFAULT_GROUP' });
    expect(response.type).toBe('ConfigQueryResponse');
    expect(response.body).toEqual({ resultCode: 500, errorCode: 400, message: 'dataId is required', lastModified: 0, beta: false, success: false });
  });

  test('an unknown gRPC method is UNIMPLEMENTED, as grpc-java answers it', async () => {
    const harness = await sim();
    const client = await rawClient(harness);
    await expect(client.unaryOnPath('/Request/other', nacosRequest('ServerCheckRequest'))).rejects.toMatchObject({
      code: 'ERR_GRPC_STATUS',
      facts: { grpcStatus: 12, grpcMessage: 'Method not found: Request/other' },
    });
  });

  test('the connection id is dropped when the TCP connection closes', async () => {
    const harness = await sim();
    const opened = await connection(harness);
    const member = harness.cluster.member(0);
    expect(member.connections().map((c) => c.id)).toEqual([opened.connectionId]);
    const since = harness.log.lines.length;
    opened.client.destroy();
    await harness.log.waitFor((line) => line.msg === 'transport terminated' && line.connectionId === opened.connectionId, since);
    expect(member.connections()).toEqual([]);
  });
});

describe('SetupAckRequest', () => {
  test('is pushed after a setup that carries an ability table, with the server abilities', async () => {
    const harness = await sim({ members: { version: '3.0.3' } });
    const opened = await connection(harness, { abilityTable: { fuzzyWatch: true } });
    expect(opened.supportAbilityNegotiation).toBe(true);
    expect(opened.serverAbilities).toEqual({ supportPersistentInstanceByGrpc: true, fuzzyWatch: true, lock: true, mcp: true });
  });

  test('is not pushed without an ability table: the first push is the client detection', async () => {
    const harness = await sim({ timing: { clientDetectionAfterMs: 50 } });
    const opened = await connection(harness, { abilityTable: null, answerClientDetection: false });
    expect((await opened.biStream.next()).type).toBe('ClientDetectionRequest');
  });

  test('is not pushed by a 2.2 member even when the client sends an ability table', async () => {
    const harness = await sim({ members: { version: '2.2.3' }, timing: { clientDetectionAfterMs: 50 } });
    const opened = await connection(harness, { abilityTable: { lock: true }, answerClientDetection: false });
    expect(opened.serverAbilities).toBeUndefined();
    expect((await opened.biStream.next()).type).toBe('ClientDetectionRequest');
  });
});

describe('ClientDetectionRequest', () => {
  test('an idle client that answers keeps its registration', async () => {
    const harness = await sim({ timing: { clientDetectionAfterMs: 50 } });
    const opened = await connection(harness);
    const since = harness.log.lines.length;
    await harness.log.waitFor((line) => line.msg === 'bi-stream message' && line.type === 'ClientDetectionResponse', since);
    expect((await opened.healthCheck()).type).toBe('HealthCheckResponse');
  });

  test('a client that does not answer is unregistered and its connection closed', async () => {
    const harness = await sim({ timing: { clientDetectionAfterMs: 50, clientDetectionTimeoutMs: 50 } });
    const opened = await connection(harness, { answerClientDetection: false });
    const detection = await opened.biStream.next({ type: 'ClientDetectionRequest' });
    expect(detection.body).toEqual({ headers: {}, requestId: expect.stringMatching(/^\d+$/), module: 'internal' });
    await once(opened.client.session, 'close');
    expect(harness.cluster.member(0).connections()).toEqual([]);
  });
});

describe('member kill and restart', () => {
  test('kill drops every connection and its ephemeral instances; restart serves the same data again', async () => {
    const harness = await sim();
    const member = harness.cluster.member(0);
    const opened = await connection(harness, { labels: { source: 'sdk', module: 'naming' } });
    await opened.call('InstanceRequest', { namespace: 'public', serviceName: 's', groupName: 'DEFAULT_GROUP', type: 'registerInstance', instance: { ip: '10.1.1.1', port: 80 } });
    await opened.call('ConfigPublishRequest', { dataId: 'd', group: 'DEFAULT_GROUP', tenant: '', content: 'kept' });
    expect(harness.cluster.stores.naming.instanceCount).toBe(1);
    const closed = once(opened.client.session, 'close');
    await member.kill();
    await closed;
    expect(harness.cluster.stores.naming.instanceCount).toBe(0);
    await expect(NacosGrpcClient.connect({ host: '127.0.0.1', port: member.addresses.clientGrpc })).rejects.toMatchObject({ code: 'ERR_CONNECT_REFUSED' });
    await member.start();
    const again = await connection(harness);
    expect((await again.call('ConfigQueryRequest', { dataId: 'd', group: 'DEFAULT_GROUP', tenant: '' })).body.content).toBe('kept');
  });

  test('restart drops the open connections and serves the same ports and data again', async () => {
    const harness = await sim({ nodes: 2 });
    const member = harness.cluster.member(1);
    const port = member.addresses.clientGrpc;
    const opened = await NacosConnection.open({ host: '127.0.0.1', port, labels: { source: 'sdk', module: 'naming' } });
    defer(() => opened.client.destroy());
    await opened.call('InstanceRequest', { namespace: 'public', serviceName: 's', groupName: 'DEFAULT_GROUP', type: 'registerInstance', instance: { ip: '10.1.1.1', port: 80 } });
    await opened.call('ConfigPublishRequest', { dataId: 'd', group: 'DEFAULT_GROUP', tenant: '', content: 'kept' });
    const closed = once(opened.client.session, 'close');
    const since = harness.log.lines.length;
    await member.restart();
    await closed;
    const lifecycle = harness.log.lines.slice(since).filter((line) => line.member === member.id && ['member killed', 'member started'].includes(line.msg));
    expect(lifecycle.map((line) => line.msg)).toEqual(['member killed', 'member started']);
    expect(member.running).toBe(true);
    expect(member.nodeState).toBe('UP');
    // The ephemeral instance went with its connection; the config stayed.
    expect(harness.cluster.stores.naming.instanceCount).toBe(0);
    const again = await NacosConnection.open({ host: '127.0.0.1', port });
    defer(() => again.client.destroy());
    expect(again.connectionId).not.toBe(opened.connectionId);
    expect((await again.call('ConfigQueryRequest', { dataId: 'd', group: 'DEFAULT_GROUP', tenant: '' })).body.content).toBe('kept');
    const nodes = (await http(harness.cluster.member(0), 'GET', '/nacos/v1/core/cluster/nodes')).json<{ data: { state: string }[] }>();
    expect(nodes.data.map((node) => node.state)).toEqual(['UP', 'UP']);
  });

  test('a member of a closed cluster refuses to start again', async () => {
    const harness = await sim();
    await harness.cluster.close();
    await expect(harness.cluster.member(0).start()).rejects.toMatchObject({ code: 'ERR_SIM_CLOSED', message: expect.stringContaining('start a new SimCluster') });
    expect(harness.cluster.member(0).running).toBe(false);
  });
});
