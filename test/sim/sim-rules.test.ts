import { describe, expect, test } from 'vitest';
import { TokenIssuer } from '../../src/sim/auth-tokens.js';
import { checkBasePort, checkLayout } from '../../src/sim/layout.js';
import { raftLeader } from '../../src/sim/cluster-view.js';
import { formatChangedConfigs, parseListeningConfigs } from '../../src/sim/http-config-routes.js';
import { parseMetadata, parseWeight } from '../../src/sim/http-naming-routes.js';
import { availability, type HttpRoute } from '../../src/sim/http-route.js';
import { DEFAULT_SETTINGS, applySettings, namingStatus } from '../../src/sim/member-state.js';
import { compareVersions, hasUpgradeOpsMetrics, namingUnavailableText, parseNacosVersion } from '../../src/sim/nacos-version.js';
import { NamingStore, instanceRecord, serviceKey } from '../../src/sim/naming-store.js';
import { DEFAULT_TIMING, type ClusterMemberView } from '../../src/sim/sim-context.js';
import { checkTiming } from '../../src/sim/cluster.js';
import { formatUpgradeMetrics } from '../../src/sim/upgrade-metrics.js';

describe('versions', () => {
  test('compare numerically and ignore suffixes', () => {
    expect(compareVersions('2.10.0', '2.9.9')).toBeGreaterThan(0);
    expect(compareVersions('3.0.0-BETA', '3.0.0')).toBe(0);
    expect(() => parseNacosVersion('2.x')).toThrow(expect.objectContaining({ code: 'ERR_SIM_VERSION', exitCode: 2 }));
  });

  test('the 503 text has its space only in 1.4.0/1.4.1 and 2.0.0-2.0.2', () => {
    expect(namingUnavailableText('1.4.1', 'DOWN')).toBe('server is DOWN now, please try again later!');
    expect(namingUnavailableText('2.0.2', 'DOWN')).toBe('server is DOWN now, please try again later!');
    expect(namingUnavailableText('1.4.2', 'DOWN')).toBe('server is DOWNnow, please try again later!');
    expect(namingUnavailableText('2.0.3', 'DOWN', 'why')).toBe('server is DOWNnow, detailed error message: why');
  });

  test('the upgrade ops API exists from 2.0.2 to 2.1.x', () => {
    expect(['2.0.1', '2.0.2', '2.1.2', '2.2.0'].map(hasUpgradeOpsMetrics)).toEqual([false, true, true, false]);
  });
});

describe('member settings', () => {
  test('naming status: starting wins, then the raft reason, then down', () => {
    expect(namingStatus({ ...DEFAULT_SETTINGS.faults, starting: true, down: true })).toEqual({ status: 'STARTING' });
    expect(namingStatus({ ...DEFAULT_SETTINGS.faults, noRaftLeader: true, down: true }).detail).toMatch(/^Optional\[No leader/);
    expect(namingStatus({ ...DEFAULT_SETTINGS.faults, down: true })).toEqual({ status: 'DOWN' });
    expect(namingStatus(DEFAULT_SETTINGS.faults)).toEqual({ status: 'UP' });
  });

  test('changes merge, auth: null turns auth off, and bad versions are refused', () => {
    const on = applySettings(DEFAULT_SETTINGS, { auth: { username: 'u', password: 'p' }, faults: { down: true } });
    const next = applySettings(on, { faults: { blackHole: true }, auth: null });
    expect(next.faults).toEqual({ down: true, starting: false, blackHole: true, noRaftLeader: false });
    expect(next.auth).toBeUndefined();
    expect(() => applySettings(next, { version: 'latest' })).toThrow(/not a version/);
  });
});

describe('cluster layout', () => {
  test('refuses steps that put a main port on another member gRPC port', () => {
    expect(() => checkLayout(3, 10)).not.toThrow();
    expect(() => checkLayout(2, 1000)).toThrow(expect.objectContaining({ code: 'ERR_SIM_STEP' }));
    expect(() => checkLayout(3, 500)).toThrow(expect.objectContaining({ code: 'ERR_SIM_STEP' }));
    expect(() => checkLayout(2, 1)).toThrow(expect.objectContaining({ code: 'ERR_SIM_STEP' }));
    expect(() => checkLayout(0, 10)).toThrow(expect.objectContaining({ code: 'ERR_SIM_NODES' }));
  });

  test('refuses a main port that puts the last member past 65535, naming the real maximum', () => {
    expect(() => checkBasePort(64_504, 4, 10)).not.toThrow();
    expect(() => checkBasePort(64_505, 4, 10)).toThrow("--port 64505 puts member 3's cluster gRPC port (P+1001) at 65536, past 65535: choose --port from 1 to 64504 for 4 members 10 apart");
    expect(() => checkBasePort(1, 40, 2000)).toThrow(expect.objectContaining({ code: 'ERR_PORT_RANGE', message: expect.stringContaining('use fewer --nodes or a smaller --step') }));
  });

  test('refuses timings that are not positive', () => {
    expect(() => checkTiming({ ...DEFAULT_TIMING, clientDetectionAfterMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_SIM_TIMING', message: 'timing.clientDetectionAfterMs 0 is not a positive number of milliseconds' }),
    );
    expect(() => checkTiming({ ...DEFAULT_TIMING, cacheMillis: Number.NaN })).toThrow(/timing.cacheMillis NaN/);
    expect(() => checkTiming(DEFAULT_TIMING)).not.toThrow();
  });

  test('the raft leader is the first member that is UP and sees a leader', () => {
    const view = (index: number, state: ClusterMemberView['state'], noRaftLeader = false): ClusterMemberView => ({
      index,
      host: '127.0.0.1',
      mainPort: 8848 + index,
      state,
      settings: { ...DEFAULT_SETTINGS, faults: { ...DEFAULT_SETTINGS.faults, noRaftLeader } },
    });
    expect(raftLeader([view(0, 'DOWN'), view(1, 'UP', true), view(2, 'UP')])?.index).toBe(2);
    expect(raftLeader([view(0, 'SUSPICIOUS')])).toBeUndefined();
  });
});

test('API availability across versions', () => {
  const route = (api: HttpRoute['api']): HttpRoute => ({ method: 'GET', path: '/x', api, handle: () => ({ status: 200, body: '' }) });
  const table = ['2.5.1', '3.0.3', '3.2.0'].map((version) => (['always', 'open', 'console', 'v3'] as const).map((api) => availability(route(api), version)));
  expect(table).toEqual([
    ['served', 'served', 'served', 'missing'],
    ['served', 'served', 'deprecated', 'served'],
    ['served', 'missing', 'missing', 'served'],
  ]);
});

test('Listening-Configs parsing and the long-poll answer format', () => {
  const entries = parseListeningConfigs('a\u0002G\u0002m1\u0001b\u0002G\u0002\u0002ns\u0001');
  expect(entries).toEqual([
    { key: { dataId: 'a', group: 'G', tenant: '' }, md5: 'm1', withTenant: false },
    { key: { dataId: 'b', group: 'G', tenant: 'ns' }, md5: '', withTenant: true },
  ]);
  expect(decodeURIComponent(formatChangedConfigs(entries))).toBe('a\u0002G\u0001b\u0002G\u0002ns\u0001');
});

test('metadata parameters as JSON or k=v pairs, as UtilsAndCommons.parseMetadata reads them', () => {
  expect(parseMetadata('{"a":"1","b":2}')).toEqual({ a: '1', b: '2' });
  expect(parseMetadata('a=1,b=2,')).toEqual({ a: '1', b: '2' });
  expect(parseMetadata(' ')).toEqual({});
  expect(parseMetadata(null)).toEqual({});
  for (const bad of ['{zone', 'a=1,b', '{"a":{"b":1}}', 'a=1=2']) {
    expect(() => parseMetadata(bad)).toThrow(expect.objectContaining({ code: 'ERR_SIM_INVALID_REQUEST', message: `metadata format incorrect:${bad}` }));
  }
});

test('weights as Double.parseDouble reads them, from 0 to 10000', () => {
  expect([null, '', '2', ' 0.5 ', '1e2', '3d', '10000'].map(parseWeight)).toEqual([1, 1, 2, 0.5, 100, 3, 10_000]);
  expect(() => parseWeight('abc')).toThrow('For input string: "abc"');
  expect(() => parseWeight('NaN')).toThrow('For input string: "NaN"');
  expect(() => parseWeight('10000.5')).toThrow('instance format invalid: The weights range from 0.0 to 10000.0');
  expect(() => parseWeight('-1')).toThrow('instance format invalid: The weights range from 0.0 to 10000.0');
});

test('upgrade metrics text: keys padded to 30, integers to 5', () => {
  expect(formatUpgradeMetrics([['upgraded', true], ['serviceCountV1', 12], ['ratio', 0.5], ['service.V1.not.in.V2', 'a\nb']])).toBe(
    `${'upgraded'.padEnd(30)} = true\n${'serviceCountV1'.padEnd(30)} =    12\n${'ratio'.padEnd(30)} = 0.500\n${'service.V1.not.in.V2'.padEnd(30)} = a\nb\n`,
  );
});

describe('tokens', () => {
  test('a token checks out until it expires; tampered or foreign tokens are invalid', () => {
    const issuer = new TokenIssuer();
    const token = issuer.issue('nacos', 0);
    expect(issuer.check(token, 1000)).toEqual({ ok: true, username: 'nacos' });
    expect(issuer.check(token, 18_001_000)).toEqual({ ok: false, message: 'token expired!' });
    expect(issuer.check(`${token}x`, 1000)).toEqual({ ok: false, message: 'token invalid!' });
    expect(new TokenIssuer().check(token, 1000)).toEqual({ ok: false, message: 'token invalid!' });
    expect(issuer.check(undefined)).toEqual({ ok: false, message: 'user not found!' });
  });
});

describe('naming store', () => {
  test('group@@name in serviceName wins over groupName, and "" is the public namespace', () => {
    expect(serviceKey('', 'X', 'G@@svc')).toEqual({ namespace: 'public', groupName: 'G', serviceName: 'svc' });
    expect(serviceKey('ns', undefined, 'svc')).toEqual({ namespace: 'ns', groupName: 'DEFAULT_GROUP', serviceName: 'svc' });
  });

  test('a client publishes one set per service: registering again replaces, removing the owner withdraws it', () => {
    const store = new NamingStore();
    const key = serviceKey('', '', 'svc');
    store.publish(key, 'a', [instanceRecord({ ip: '1.1.1.1', port: 1 })]);
    store.publish(key, 'a', [instanceRecord({ ip: '1.1.1.2', port: 1 })]);
    store.publish(key, 'b', [instanceRecord({ ip: '1.1.1.3', port: 1 }), instanceRecord({ ip: '1.1.1.4', port: 1 })]);
    expect(store.instances(key).map((record) => `${record.owner} ${record.ip}`)).toEqual(['a 1.1.1.2', 'b 1.1.1.3', 'b 1.1.1.4']);
    expect(store.removeOwner('b')).toBe(2);
    expect(store.instances(key).map((record) => record.ip)).toEqual(['1.1.1.2']);
  });
});
