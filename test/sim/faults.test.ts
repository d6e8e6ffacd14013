import { once } from 'node:events';
import type { ClientHttp2Session } from 'node:http2';
import { describe, expect, test } from 'vitest';
import { NacosConnection } from '../../src/nacos/connection.js';
import { NacosGrpcClient } from '../../src/nacos/grpc-client.js';
import { nacosRequest } from '../../src/nacos/messages.js';
import type { SimMember } from '../../src/sim/member.js';
import { dialTcp } from '../helpers/net.js';
import { http, simsClosedAfterEach } from '../helpers/sim.js';

const { sim, defer } = simsClosedAfterEach();

async function open(member: SimMember, headers: Record<string, string> = {}): Promise<NacosConnection> {
  const connection = await NacosConnection.open({ host: '127.0.0.1', port: member.addresses.clientGrpc, headers });
  defer(() => connection.client.destroy());
  return connection;
}

async function raw(member: SimMember, timeout = 2000): Promise<NacosGrpcClient> {
  const client = await NacosGrpcClient.connect({ host: '127.0.0.1', port: member.addresses.clientGrpc, timeout });
  defer(() => client.destroy());
  return client;
}

const QUERY = { dataId: 'd', group: 'DEFAULT_GROUP', tenant: '' };

/** Whether an HTTP/2 PING gets its ACK within `ms`. */
function pingAnswered(session: ClientHttp2Session, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    session.ping((error) => {
      clearTimeout(timer);
      resolve(error === null);
    });
  });
}

describe('starting', () => {
  test('gRPC answers every request with errorCode 300, ServerCheck included', async () => {
    const member = (await sim({ members: { faults: { starting: true } } })).cluster.member(0);
    const response = await (await raw(member)).request(nacosRequest('ServerCheckRequest'));
    expect(response.body).toEqual({ resultCode: 500, errorCode: 300, message: 'Server is starting,please try later.', success: false });
  });

  test('an SDK connection setup is refused and the connection closed', async () => {
    const harness = await sim();
    const member = harness.cluster.member(0);
    const client = await raw(member);
    member.configure({ faults: { starting: true } });
    const bi = client.openBiStream();
    bi.send(nacosRequest('ConnectionSetupRequest', { clientVersion: 'test', tenant: '', labels: { source: 'sdk', module: 'config' } }));
    expect(await bi.ended).toEqual({ grpcStatus: 0 });
    await once(client.session, 'close');
    await harness.log.waitFor((line) => line.msg === 'transport terminated');
    expect(member.connections()).toEqual([]);
  });

  test('naming is STARTING: naming HTTP answers 503, readiness fails, the cluster lists the member as STARTING', async () => {
    const member = (await sim({ members: { faults: { starting: true } } })).cluster.member(0);
    expect(await http(member, 'GET', '/nacos/v1/ns/operator/metrics')).toMatchObject({ status: 503, text: 'server is STARTINGnow, please try again later!' });
    expect(await http(member, 'GET', '/nacos/v1/console/health/readiness')).toMatchObject({ status: 500, text: 'naming not in readiness' });
    const nodes = (await http(member, 'GET', '/nacos/v1/core/cluster/nodes')).json<{ data: { state: string }[] }>();
    expect(nodes.data.map((node) => node.state)).toEqual(['STARTING']);
  });
});

describe('down', () => {
  test('naming HTTP answers 503 with the text of the member version', async () => {
    const harness = await sim({ nodes: 2, members: [{ faults: { down: true } }, { faults: { down: true }, version: '2.0.0' }] });
    const params = { serviceName: 's' };
    expect(await http(harness.cluster.member(0), 'GET', '/nacos/v1/ns/instance/list', { params })).toMatchObject({
      status: 503,
      text: 'server is DOWNnow, please try again later!',
    });
    expect(await http(harness.cluster.member(1), 'GET', '/nacos/v1/ns/instance/list', { params })).toMatchObject({
      status: 503,
      text: 'server is DOWN now, please try again later!',
    });
  });

  test('readiness fails on v1 (HTTP 500) and v2 (Result code 30000) while liveness and gRPC still work', async () => {
    const member = (await sim({ members: { faults: { down: true } } })).cluster.member(0);
    expect(await http(member, 'GET', '/nacos/v1/console/health/readiness')).toMatchObject({ status: 500, text: 'naming not in readiness' });
    const v2 = await http(member, 'GET', '/nacos/v2/console/health/readiness');
    expect(v2.status).toBe(200);
    expect(v2.json()).toEqual({ code: 30000, message: 'naming not in readiness', data: null });
    expect(await http(member, 'GET', '/nacos/v1/console/health/liveness')).toMatchObject({ status: 200, text: 'OK' });
    expect((await (await open(member)).healthCheck()).type).toBe('HealthCheckResponse');
  });

  test('on 3.x the v3 readiness fails with Result code 30000 and HTTP 200, and recovers', async () => {
    const member = (await sim({ members: { version: '3.1.0', faults: { down: true } } })).cluster.member(0);
    const failing = await http(member, 'GET', '/nacos/v3/admin/core/state/readiness');
    expect(failing.status).toBe(200);
    expect(failing.json()).toEqual({ code: 30000, message: 'naming not in readiness', data: null });
    expect((await http(member, 'GET', '/nacos/v3/admin/core/state/liveness')).json()).toEqual({ code: 0, message: 'success', data: 'ok' });
    member.configure({ faults: { down: false, starting: true } });
    expect((await http(member, 'GET', '/nacos/v3/admin/core/state/readiness')).json()).toMatchObject({ code: 30000 });
    member.configure({ faults: { starting: false } });
    expect((await http(member, 'GET', '/nacos/v3/admin/core/state/readiness')).json()).toEqual({ code: 0, message: 'success', data: 'ok' });
  });

  test('switching it off restores naming', async () => {
    const member = (await sim({ members: { faults: { down: true } } })).cluster.member(0);
    member.configure({ faults: { down: false } });
    expect(await http(member, 'GET', '/nacos/v1/ns/operator/metrics')).toMatchObject({ status: 200, text: '{"status":"UP"}' });
  });
});

describe('black hole', () => {
  test('new TCP connections are accepted but get no SETTINGS and no HTTP answer', async () => {
    const member = (await sim({ members: { faults: { blackHole: true } } })).cluster.member(0);
    const socket = await dialTcp(member.addresses.clientGrpc);
    defer(() => {
      socket.destroy();
    });
    expect(socket.remotePort).toBe(member.addresses.clientGrpc);
    await expect(raw(member, 200)).rejects.toMatchObject({ code: 'ERR_GRPC_TIMEOUT', facts: { phase: 'h2-settings' } });
    await expect(http(member, 'GET', '/nacos/v1/console/health/readiness', { timeoutMs: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('open connections stop answering everything, HTTP/2 PINGs included, until it is switched off', async () => {
    const member = (await sim()).cluster.member(0);
    const connection = await open(member);
    expect(await pingAnswered(connection.client.session, 2000)).toBe(true);
    member.configure({ faults: { blackHole: true } });
    expect(await pingAnswered(connection.client.session, 200)).toBe(false);
    await expect(connection.healthCheck({ timeout: 200 })).rejects.toMatchObject({ code: 'ERR_GRPC_TIMEOUT' });
    expect(member.nodeState).toBe('SUSPICIOUS');
    member.configure({ faults: { blackHole: false } });
    expect(await pingAnswered(connection.client.session, 2000)).toBe(true);
    expect((await connection.healthCheck()).type).toBe('HealthCheckResponse');
  });

  test('connections accepted during the black hole are served once it ends', async () => {
    const harness = await sim({ members: { faults: { blackHole: true } } });
    const member = harness.cluster.member(0);
    const grpc = NacosGrpcClient.connect({ host: '127.0.0.1', port: member.addresses.clientGrpc, timeout: 10_000 });
    const readiness = http(member, 'GET', '/nacos/v1/console/health/readiness', { timeoutMs: 10_000 });
    const held = new Set<unknown>();
    await harness.log.waitFor((line) => line.msg === 'black hole: connection accepted and left unanswered' && held.add(line.role).size === 2);
    member.configure({ faults: { blackHole: false } });
    const client = await grpc;
    defer(() => client.destroy());
    expect((await client.request(nacosRequest('ServerCheckRequest'))).type).toBe('ServerCheckResponse');
    expect(await readiness).toMatchObject({ status: 200, text: 'OK' });
  });
});

describe('no raft leader', () => {
  test('the member reports no leader and naming DOWN with the raft reason', async () => {
    const harness = await sim({ nodes: 3 });
    const member = harness.cluster.member(1);
    member.configure({ faults: { noRaftLeader: true } });
    const nodes = (await http(harness.cluster.member(0), 'GET', '/nacos/v1/core/cluster/nodes')).json<{
      data: { extendInfo: { raftMetaData: { metaDataMap: Record<string, { leader?: string }> } } }[];
    }>();
    const leaders = nodes.data.map((node) => node.extendInfo.raftMetaData.metaDataMap.naming_persistent_service_v2!.leader);
    const leader = `127.0.0.1:${harness.cluster.member(0).mainPort - 1000}`;
    expect(leaders).toEqual([leader, undefined, leader]);
    const answer = await http(member, 'GET', '/nacos/v1/ns/instance/list', { params: { serviceName: 's' } });
    expect(answer.status).toBe(503);
    expect(answer.text).toBe(
      'server is DOWNnow, detailed error message: Optional[No leader for raft group naming_persistent_service, please see logs `alipay-jraft.log` or `naming-raft.log` to see details.]',
    );
  });

  test('a killed member is DOWN in the member list and the next member leads', async () => {
    const harness = await sim({ nodes: 2 });
    await harness.cluster.member(0).kill();
    const nodes = (await http(harness.cluster.member(1), 'GET', '/nacos/v1/core/cluster/nodes')).json<{
      data: { state: string; extendInfo: { raftMetaData: { metaDataMap: Record<string, { leader?: string }> } } }[];
    }>();
    expect(nodes.data.map((node) => node.state)).toEqual(['DOWN', 'UP']);
    expect(nodes.data[1]!.extendInfo.raftMetaData.metaDataMap.naming_instance_metadata!.leader).toBe(`127.0.0.1:${harness.cluster.member(1).mainPort - 1000}`);
  });
});

describe('auth', () => {
  const user = { username: 'nacos', password: 'secret' };

  test('login gives a token for the configured user and 403 unknown user! otherwise', async () => {
    const member = (await sim({ members: { auth: user } })).cluster.member(0);
    const bad = await http(member, 'POST', '/nacos/v1/auth/login', { params: { username: 'nacos', password: 'wrong' } });
    expect(bad).toMatchObject({ status: 403, text: 'unknown user!' });
    const good = await http(member, 'POST', '/nacos/v1/auth/login', { params: user });
    const body = good.json<{ accessToken: string }>();
    expect(body).toEqual({ accessToken: expect.stringMatching(/^eyJ/), tokenTtl: 18000, globalAdmin: true, username: 'nacos' });
    expect(good.headers.get('authorization')).toBe(`Bearer ${body.accessToken}`);
  });

  test('login answers without username below 2.2', async () => {
    const member = (await sim({ members: { auth: user, version: '2.1.2' } })).cluster.member(0);
    const body = (await http(member, 'POST', '/nacos/v1/auth/login', { params: user })).json();
    expect(body).toEqual({ accessToken: expect.stringMatching(/^eyJ/), tokenTtl: 18000, globalAdmin: true });
  });

  test('gRPC business requests need the token in metadata headers; health checks do not', async () => {
    const member = (await sim({ members: { auth: user } })).cluster.member(0);
    const anonymous = await open(member);
    expect((await anonymous.healthCheck()).type).toBe('HealthCheckResponse');
    expect((await anonymous.request('ConfigQueryRequest', QUERY)).body).toEqual({ resultCode: 500, errorCode: 403, message: 'user not found!', lastModified: 0, beta: false, success: false });
    expect((await (await open(member, { accessToken: 'forged.token.x' })).request('ConfigQueryRequest', QUERY)).body).toMatchObject({
      errorCode: 403,
      message: 'token invalid!',
    });
    const token = (await http(member, 'POST', '/nacos/v1/auth/login', { params: user })).json<{ accessToken: string }>().accessToken;
    const authorized = await open(member, { accessToken: token });
    expect((await authorized.request('ConfigQueryRequest', QUERY)).body).toMatchObject({ errorCode: 300, message: 'config data not exist' });
  });

  test('HTTP data APIs need a token or the user credentials', async () => {
    const member = (await sim({ members: { auth: user } })).cluster.member(0);
    const params = { dataId: 'd', group: 'DEFAULT_GROUP' };
    expect(await http(member, 'GET', '/nacos/v1/cs/configs', { params })).toMatchObject({ status: 403, text: 'user not found!' });
    expect(await http(member, 'GET', '/nacos/v1/cs/configs', { params: { ...params, ...user } })).toMatchObject({ status: 404 });
    const token = (await http(member, 'POST', '/nacos/v1/auth/login', { params: user })).json<{ accessToken: string }>().accessToken;
    expect(await http(member, 'GET', '/nacos/v1/cs/configs', { params: { ...params, accessToken: token } })).toMatchObject({ status: 404 });
  });
});
