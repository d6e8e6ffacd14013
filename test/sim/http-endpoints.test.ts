import { describe, expect, test } from 'vitest';
import type { SimClusterOptions } from '../../src/sim/cluster.js';
import type { SimMember } from '../../src/sim/member.js';
import { serviceKey } from '../../src/sim/naming-store.js';
import { http, simsClosedAfterEach } from '../helpers/sim.js';

const { sim } = simsClosedAfterEach();

async function member(options: SimClusterOptions = {}): Promise<SimMember> {
  return (await sim(options)).cluster.member(0);
}

describe('health and state', () => {
  test('readiness answers on v1 (text), v2 (Result) and, on 3.x, v3 (Result)', async () => {
    const v2 = await member();
    expect(await http(v2, 'GET', '/nacos/v1/console/health/readiness')).toMatchObject({ status: 200, text: 'OK' });
    expect((await http(v2, 'GET', '/nacos/v2/console/health/readiness')).json()).toEqual({ code: 0, message: 'success', data: 'ok' });
    expect((await http(v2, 'GET', '/nacos/v3/admin/core/state/readiness')).status).toBe(404);
    const v3 = await member({ members: { version: '3.1.0' } });
    expect((await http(v3, 'GET', '/nacos/v3/admin/core/state/readiness')).json()).toEqual({ code: 0, message: 'success', data: 'ok' });
  });

  test('server state: string values; startup_mode, server_port, auth, config and distro states from 2.3 on', async () => {
    const current = await member({ nodes: 3 });
    const state = (await http(current, 'GET', '/nacos/v1/console/server/state')).json<Record<string, unknown>>();
    expect(state).toMatchObject({
      version: '2.5.1',
      startup_mode: 'cluster',
      server_port: String(current.mainPort),
      auth_enabled: 'false',
      login_page_enabled: 'false',
      auth_system_type: 'nacos',
      function_mode: null,
      datasource_platform: '',
      maxContent: '10485760',
      config_retention_days: '30',
      data_sync_delayMs: '1000',
    });
    expect(state).not.toHaveProperty('standalone_mode');
    expect(Object.values(state).every((value) => value === null || typeof value === 'string')).toBe(true);
  });

  test('server state before 2.3: three keys up to 2.2.1, the auth states added from 2.2.2', async () => {
    const old = (await http(await member({ members: { version: '2.2.1' } }), 'GET', '/nacos/v1/console/server/state')).json();
    expect(old).toEqual({ version: '2.2.1', standalone_mode: 'standalone', function_mode: null });
    const withAuth = await member({ members: { version: '2.2.3', auth: { username: 'nacos', password: 'pw' } } });
    expect((await http(withAuth, 'GET', '/nacos/v1/console/server/state')).json()).toEqual({
      version: '2.2.3',
      standalone_mode: 'standalone',
      function_mode: null,
      auth_enabled: 'true',
      login_page_enabled: 'true',
      auth_system_type: 'nacos',
    });
  });

  test('3.0/3.1 answer console v1 APIs with 410 and keep open ones; 3.2 drops v1', async () => {
    const v31 = await member({ members: { version: '3.1.0' } });
    const gone = await http(v31, 'GET', '/nacos/v1/console/health/readiness');
    expect(gone.status).toBe(410);
    expect(gone.json()).toEqual({
      code: 40000,
      message:
        'Current API will be deprecated, please use API(s) `GET ${contextPath:nacos}/v3/console/health/readiness` instead, or set `nacos.core.api.compatibility.console.enabled=true` in application.properties.',
    });
    expect(await http(v31, 'GET', '/nacos/v1/ns/operator/metrics')).toMatchObject({ status: 200, text: '{"status":"UP"}' });
    expect((await http(v31, 'GET', '/nacos/v3/admin/core/state')).json()).toMatchObject({ code: 0, data: { version: '3.1.0', auth_admin_request: 'true' } });
    const v32 = await member({ members: { version: '3.2.3' } });
    expect((await http(v32, 'GET', '/nacos/v1/cs/configs', { params: { dataId: 'd', group: 'g' } })).json()).toMatchObject({ status: 404, error: 'Not Found' });
  });

  test('naming metrics: status only by default on 2.x, counts with onlyStatus=false', async () => {
    const m = await member();
    expect((await http(m, 'GET', '/nacos/v1/ns/operator/metrics')).json()).toEqual({ status: 'UP' });
    await http(m, 'POST', '/nacos/v1/ns/instance', { params: { serviceName: 's', ip: '10.0.0.1', port: '80' } });
    expect((await http(m, 'GET', '/nacos/v1/ns/operator/metrics', { params: { onlyStatus: 'false' } })).json()).toMatchObject({
      status: 'UP',
      serviceCount: 1,
      instanceCount: 1,
    });
  });

  test('members carry the abilities of their version; 1.x members have none, 3.x members no failAccessCnt', async () => {
    const m = await member({ nodes: 4, members: [{}, { version: '2.0.0' }, { version: '1.4.2' }, { version: '3.1.0' }] });
    const nodes = (await http(m, 'GET', '/nacos/v1/core/cluster/nodes')).json<{ data: Record<string, unknown>[] }>().data;
    expect(nodes[0]).toMatchObject({
      failAccessCnt: 0,
      abilities: { remoteAbility: { supportRemoteConnection: true, grpcReportEnabled: true }, configAbility: { supportRemoteMetrics: false }, namingAbility: { supportJraft: true } },
    });
    expect(nodes[1]!.abilities).toEqual({ remoteAbility: { supportRemoteConnection: true }, configAbility: { supportRemoteMetrics: false }, namingAbility: { exampleAbility: false } });
    expect(nodes[2]).not.toHaveProperty('abilities');
    expect(nodes[3]).toHaveProperty('abilities');
    expect(nodes[3]).not.toHaveProperty('failAccessCnt');
  });

  test('cluster nodes list every member with state, raft port, version and readyToUpgrade', async () => {
    const m = await member({ nodes: 2, members: [{}, { version: '2.0.4', upgrade: { readyToUpgrade: false } }] });
    const body = (await http(m, 'GET', '/nacos/v1/core/cluster/nodes')).json<{ code: number; message: null; data: Record<string, unknown>[] }>();
    expect(body.code).toBe(200);
    expect(body.message).toBeNull();
    const leader = `127.0.0.1:${m.mainPort - 1000}`;
    expect(body.data[1]).toMatchObject({
      ip: '127.0.0.1',
      port: m.mainPort + 10,
      state: 'UP',
      address: `127.0.0.1:${m.mainPort + 10}`,
      extendInfo: {
        raftPort: String(m.mainPort + 10 - 1000),
        readyToUpgrade: false,
        version: '2.0.4',
        raftMetaData: { metaDataMap: { naming_instance_metadata: { leader, raftGroupMember: [leader, `127.0.0.1:${m.mainPort + 10 - 1000}`], term: 1 } } },
      },
    });
  });
});

describe('upgrade ops API (2.0.2-2.1.x)', () => {
  test('lists key = value lines computed from the registry, with forced values and the v1/v2 differences', async () => {
    const m = await member({ members: { version: '2.0.4', upgrade: { servicesV1: ['public##DEFAULT_GROUP@@old'], metrics: { upgraded: false, doubleWriteDelayTaskCount: 3 } } } });
    await http(m, 'POST', '/nacos/v1/ns/instance', { params: { serviceName: 'new', ip: '10.0.0.1', port: '80' } });
    const textForm = await http(m, 'GET', '/nacos/v1/ns/upgrade/ops/metrics');
    expect(textForm.status).toBe(200);
    const lines = textForm.text.split('\n');
    expect(lines).toContain(`${'upgraded'.padEnd(30)} = false`);
    expect(lines).toContain(`${'doubleWriteDelayTaskCount'.padEnd(30)} =     3`);
    expect(lines).toContain(`${'serviceCountV1'.padEnd(30)} =     1`);
    expect(lines).toContain(`${'service.V1.not.in.V2'.padEnd(30)} = public##DEFAULT_GROUP@@old`);
    expect((await http(m, 'GET', '/nacos/v1/ns/upgrade/ops/metrics', { params: { json: 'true' } })).json()).toMatchObject({
      upgraded: false,
      serviceCountV2: 1,
      instanceCountV2: 1,
      ephemeralInstanceCountV2: 1,
      'service.V2.not.in.V1': 'public##DEFAULT_GROUP@@new',
    });
  });

  test('counts 1.x instances given per service, and lists them as a 1.x member would', async () => {
    const m = await member({
      members: {
        version: '2.1.0',
        upgrade: {
          servicesV1: ['public##DEFAULT_GROUP@@empty'],
          instancesV1: { 'public##DEFAULT_GROUP@@orders': [{ ip: '10.0.0.1', port: 80 }, { ip: '10.0.0.2', port: 80, clusterName: 'B', healthy: false }], 'dev##G@@pay': [{ ip: '10.0.0.9', port: 90 }] },
        },
      },
    });
    await http(m, 'POST', '/nacos/v1/ns/instance', { params: { serviceName: 'orders', ip: '10.0.0.1', port: '80' } });
    expect((await http(m, 'GET', '/nacos/v1/ns/upgrade/ops/metrics', { params: { json: 'true' } })).json()).toMatchObject({
      serviceCountV1: 3,
      instanceCountV1: 3,
      serviceCountV2: 1,
      'service.V1.not.in.V2': 'public##DEFAULT_GROUP@@empty\ndev##G@@pay',
      'service.V2.not.in.V1': '',
    });
    const list = (ver: string, params: Record<string, string> = {}) =>
      http(m, 'GET', '/nacos/v1/ns/upgrade/ops/service/list', { params: { ver, pageNo: '1', pageSize: '10', ...params } });
    expect((await list('v1')).json()).toEqual({ doms: ['empty', 'orders'], count: 2 });
    expect((await list('v1', { pageSize: '1', pageNo: '2' })).json()).toEqual({ doms: ['orders'], count: 1 });
    expect((await list('v1', { namespaceId: 'dev', groupName: 'G' })).json()).toEqual({ doms: ['pay'], count: 1 });
    expect((await list('v2')).json()).toEqual({ doms: ['orders'], count: 1 });
    const instances = async (ver: string) =>
      (await http(m, 'GET', '/nacos/v1/ns/upgrade/ops/instance/list', { params: { ver, serviceName: 'DEFAULT_GROUP@@orders' } })).json<{ hosts: { ip: string; clusterName: string; healthy: boolean }[] }>().hosts;
    expect(await instances('v1')).toEqual([
      expect.objectContaining({ ip: '10.0.0.1', clusterName: 'DEFAULT', healthy: true }),
      expect.objectContaining({ ip: '10.0.0.2', clusterName: 'B', healthy: false }),
    ]);
    expect(await instances('v2')).toEqual([expect.objectContaining({ ip: '10.0.0.1', clusterName: 'DEFAULT' })]);
  });

  test('service and instance lists refuse what the controller refuses, and need a token with auth on', async () => {
    const m = await member({ members: { version: '2.0.4', auth: { username: 'nacos', password: 'pw' } } });
    expect(await http(m, 'GET', '/nacos/v1/ns/upgrade/ops/service/list', { params: { ver: 'v1' } })).toMatchObject({ status: 403, text: 'user not found!' });
    const asUser = { username: 'nacos', password: 'pw' };
    expect(await http(m, 'GET', '/nacos/v1/ns/upgrade/ops/service/list', { params: { ver: 'v1', ...asUser } })).toMatchObject({ status: 400, text: expect.stringContaining("'pageNo'") });
    expect(await http(m, 'GET', '/nacos/v1/ns/upgrade/ops/instance/list', { params: { serviceName: 'orders', ...asUser } })).toMatchObject({ status: 400, text: expect.stringContaining('groupName@@serviceName') });
    expect((await http(m, 'GET', '/nacos/v1/ns/upgrade/ops/metrics')).status).toBe(200);
  });

  test('is 404 on versions without it', async () => {
    expect((await http(await member(), 'GET', '/nacos/v1/ns/upgrade/ops/metrics')).status).toBe(404);
    const old = await member({ members: { version: '2.0.1' } });
    expect((await http(old, 'GET', '/nacos/v1/ns/upgrade/ops/service/list', { params: { pageNo: '1', pageSize: '1' } })).status).toBe(404);
  });
});

describe('v1 config API', () => {
  const key = { dataId: 'app.yaml', group: 'G' };

  test('publish, get with md5 header, remove, then 404', async () => {
    const m = await member();
    expect(await http(m, 'POST', '/nacos/v1/cs/configs', { params: { ...key, content: 'a: 1', type: 'yaml' } })).toMatchObject({ status: 200, text: 'true' });
    const got = await http(m, 'GET', '/nacos/v1/cs/configs', { params: key });
    expect(got).toMatchObject({ status: 200, text: 'a: 1' });
    expect(got.headers.get('content-md5')).toBe('270f9e65a80226eccd82c99cdd0dd2fb');
    expect(got.headers.get('config-type')).toBe('yaml');
    expect(await http(m, 'DELETE', '/nacos/v1/cs/configs', { params: key })).toMatchObject({ status: 200, text: 'true' });
    expect(await http(m, 'GET', '/nacos/v1/cs/configs', { params: key })).toMatchObject({ status: 404, text: 'config data not exist' });
  });

  test('a listener with an outdated md5 returns at once with the key', async () => {
    const m = await member();
    await http(m, 'POST', '/nacos/v1/cs/configs', { params: { ...key, content: 'x' } });
    const answer = await http(m, 'POST', '/nacos/v1/cs/configs/listener', {
      params: { 'Listening-Configs': `app.yaml\u0002G\u0002stale\u0001` },
      headers: { 'Long-Pulling-Timeout': '30000' },
    });
    expect(answer.text).toBe(encodeURIComponent('app.yaml\u0002G\u0001'));
  });

  test('a held listener returns early when the config changes on another member', async () => {
    const harness = await sim({ nodes: 2 });
    const [first, second] = [harness.cluster.member(0), harness.cluster.member(1)];
    const poll = http(first, 'POST', '/nacos/v1/cs/configs/listener', {
      params: { 'Listening-Configs': `app.yaml\u0002G\u0002\u0001` },
      headers: { 'Long-Pulling-Timeout': '30000' },
      timeoutMs: 20_000,
    });
    await harness.log.waitFor((line) => line.msg === 'http request' && line.path === '/nacos/v1/cs/configs/listener');
    expect(first.heldLongPolls).toBe(1);
    await http(second, 'POST', '/nacos/v1/cs/configs', { params: { ...key, content: 'new' } });
    expect((await poll).text).toBe(encodeURIComponent('app.yaml\u0002G\u0001'));
    expect(first.heldLongPolls).toBe(0);
  });
});

describe('v1 naming API', () => {
  test('register, list with the grouped name, beat, service list, deregister', async () => {
    const m = await member();
    const instance = { serviceName: 'DEFAULT_GROUP@@svc', ip: '10.0.0.5', port: '8080', metadata: '{"zone":"a"}' };
    expect(await http(m, 'POST', '/nacos/v1/ns/instance', { params: instance })).toMatchObject({ status: 200, text: 'ok' });
    const list = (await http(m, 'GET', '/nacos/v1/ns/instance/list', { params: { serviceName: 'DEFAULT_GROUP@@svc' } })).json<{ hosts: Record<string, unknown>[] }>();
    expect(list).toMatchObject({ name: 'DEFAULT_GROUP@@svc', groupName: 'DEFAULT_GROUP', clusters: '', allIPs: false, valid: true });
    expect(list.hosts).toEqual([
      {
        instanceId: '10.0.0.5#8080#DEFAULT#DEFAULT_GROUP@@svc',
        ip: '10.0.0.5',
        port: 8080,
        weight: 1,
        healthy: true,
        enabled: true,
        ephemeral: true,
        clusterName: 'DEFAULT',
        serviceName: 'DEFAULT_GROUP@@svc',
        metadata: { zone: 'a' },
        instanceHeartBeatInterval: 5000,
        instanceHeartBeatTimeOut: 15000,
        ipDeleteTimeout: 30000,
        instanceIdGenerator: 'simple',
      },
    ]);
    const beat = await http(m, 'PUT', '/nacos/v1/ns/instance/beat', {
      params: { serviceName: 'DEFAULT_GROUP@@svc', beat: JSON.stringify({ serviceName: 'DEFAULT_GROUP@@svc', ip: '10.0.0.5', port: 8080, cluster: 'DEFAULT' }) },
    });
    expect(beat.json()).toEqual({ clientBeatInterval: 5000, code: 10200, lightBeatEnabled: true });
    expect((await http(m, 'GET', '/nacos/v1/ns/service/list', { params: { pageNo: '1', pageSize: '10' } })).json()).toEqual({ count: 1, doms: ['svc'] });
    await http(m, 'DELETE', '/nacos/v1/ns/instance', { params: { serviceName: 'DEFAULT_GROUP@@svc', ip: '10.0.0.5', port: '8080' } });
    expect((await http(m, 'GET', '/nacos/v1/ns/instance/list', { params: { serviceName: 'svc' } })).json()).toMatchObject({ hosts: [] });
  });

  test('instances without beats turn unhealthy, then disappear', async () => {
    const harness = await sim({ timing: { beatUnhealthyAfterMs: 60, beatDeleteAfterMs: 120 } });
    const naming = harness.cluster.stores.naming;
    await http(harness.cluster.member(0), 'POST', '/nacos/v1/ns/instance', { params: { serviceName: 'svc', ip: '10.0.0.5', port: '8080' } });
    const health: boolean[] = [];
    await new Promise<void>((resolve) => {
      const onChange = (): void => {
        const records = naming.instances({ namespace: 'public', groupName: 'DEFAULT_GROUP', serviceName: 'svc' });
        if (records.length === 0) {
          naming.off('changed', onChange);
          resolve();
        } else health.push(records[0]!.healthy);
      };
      naming.on('changed', onChange);
    });
    expect(health).toEqual([false]);
  });

  test('missing or malformed parameters are a 400 naming the parameter', async () => {
    const m = await member();
    const answer = await http(m, 'POST', '/nacos/v1/ns/instance', { params: { serviceName: 's' } });
    expect(answer).toMatchObject({ status: 400, text: "Required request parameter 'ip' for method parameter type String is not present" });
    expect(await http(m, 'PUT', '/nacos/v1/ns/instance/beat', { params: { serviceName: 's', beat: '{ip' } })).toMatchObject({ status: 400, text: 'beat is not JSON: {ip' });
  });

  test('a bad weight, port or metadata is a 400 with Nacos wording, and nothing is registered', async () => {
    const harness = await sim();
    const m = harness.cluster.member(0);
    const register = (params: Record<string, string>) => http(m, 'POST', '/nacos/v1/ns/instance', { params: { serviceName: 's', ip: '10.0.0.5', port: '8080', ...params } });
    expect(await register({ weight: 'abc' })).toMatchObject({ status: 400, text: 'For input string: "abc"' });
    expect(await register({ weight: '20000' })).toMatchObject({ status: 400, text: 'instance format invalid: The weights range from 0.0 to 10000.0' });
    expect(await register({ port: '80x' })).toMatchObject({ status: 400, text: 'For input string: "80x"' });
    expect(await register({ metadata: '{zone' })).toMatchObject({ status: 400, text: 'metadata format incorrect:{zone' });
    expect(harness.cluster.stores.naming.instanceCount).toBe(0);
    expect(await register({ weight: '2.5', metadata: 'zone=a' })).toMatchObject({ status: 200, text: 'ok' });
    expect(harness.cluster.stores.naming.instances(serviceKey('public', 'DEFAULT_GROUP', 's'))).toEqual([expect.objectContaining({ weight: 2.5, metadata: { zone: 'a' } })]);
  });
});
