import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseClusterNodes } from '../../src/nacos/cluster-nodes.js';
import { parseServerState } from '../../src/nacos/server-state.js';
import { compareVersions, parseNacosVersion, versionInRange } from '../../src/nacos/server-version.js';
import { ROOT } from '../helpers/spawn.js';

const fixture = (name: string): Promise<string> => readFile(`${ROOT}test/fixtures/nacos-http/${name}`, 'utf8');

describe('parseServerState', () => {
  it('reads 1.x-2.2 state with standalone_mode', async () => {
    expect(parseServerState(await fixture('server-state-2.1.0.json'))).toMatchObject({
      version: '2.1.0',
      mode: 'cluster',
      modeKey: 'standalone_mode',
      functionMode: undefined,
      serverPort: undefined,
      authEnabled: undefined,
    });
  });

  it('reads 2.3+ state with startup_mode, server_port and auth', async () => {
    expect(parseServerState(JSON.parse(await fixture('server-state-2.3.0.json')))).toMatchObject({
      version: '2.3.0',
      mode: 'cluster',
      modeKey: 'startup_mode',
      serverPort: 8848,
      authEnabled: true,
      raw: expect.objectContaining({ datasource_platform: 'mysql' }),
    });
  });

  it('unwraps the 3.x Result and accepts string booleans', async () => {
    expect(parseServerState(await fixture('server-state-3.0.3-v3.json'))).toMatchObject({ version: '3.0.3', mode: 'standalone', serverPort: 18848, authEnabled: false });
  });

  it('refuses what is not a state object', () => {
    expect(() => parseServerState('<html>login</html>', 'http://h/nacos/v1/console/server/state')).toThrow(/expected JSON/);
    expect(() => parseServerState('[1]')).toThrow(expect.objectContaining({ code: 'ERR_NACOS_BAD_RESPONSE' }));
  });
});

describe('parseClusterNodes', () => {
  it('reads members, state, version, readyToUpgrade and the Raft leader per group', async () => {
    const nodes = parseClusterNodes(await fixture('cluster-nodes-2.0.0.json'));
    expect(nodes).toHaveLength(3);
    expect(nodes[0]).toMatchObject({ address: 'nacos1:8848', ip: 'nacos1', port: 8848, state: 'UP', version: '2.0.0', readyToUpgrade: true, raftPort: 7848, failAccessCnt: 0 });
    expect(nodes[0]!.raftGroups.map((group) => [group.group, group.leader])).toEqual([
      ['naming_instance_metadata', 'nacos2:7848'],
      ['naming_persistent_service', 'nacos2:7848'],
      ['naming_persistent_service_v2', 'nacos2:7848'],
      ['naming_service_metadata', 'nacos3:7848'],
    ]);
    expect(nodes[0]!.raftGroups[0]!.members).toEqual(['nacos1:7848', 'nacos2:7848', 'nacos3:7848']);
  });

  it('sees a missing leader, a member that is not ready and a 1.x member', async () => {
    const nodes = parseClusterNodes(await fixture('cluster-nodes-upgrading.json'));
    expect(nodes.map((node) => [node.address, node.version, node.readyToUpgrade])).toEqual([
      ['10.0.0.11:8848', '2.0.3', true],
      ['10.0.0.12:8848', '2.0.3', false],
      ['10.0.0.13:8848', '1.4.1', undefined],
    ]);
    expect(nodes[1]!.raftGroups.find((group) => group.group === 'naming_persistent_service_v2')!.leader).toBeUndefined();
    expect(nodes[2]!.raftGroups).toEqual([]);
  });

  it('accepts the v2/v3 Result and the /v1/ns/operator/servers shape', () => {
    const member = { ip: '10.0.0.1', port: '8848', state: 'SUSPICIOUS', extendInfo: { readyToUpgrade: 'true' } };
    expect(parseClusterNodes({ code: 0, message: 'success', data: [member] })[0]).toMatchObject({ address: '10.0.0.1:8848', port: 8848, readyToUpgrade: true, state: 'SUSPICIOUS' });
    expect(parseClusterNodes(JSON.stringify({ servers: [member] }))).toHaveLength(1);
  });

  it('refuses a body that is not a member list', () => {
    expect(() => parseClusterNodes({ code: 200, data: { x: 1 } })).toThrow(/expected a list of members/);
    expect(() => parseClusterNodes([{ port: 8848 }])).toThrow(/member 0 has no ip\/port/);
  });
});

describe('Nacos versions', () => {
  it('parses and compares release and pre-release versions', () => {
    expect(parseNacosVersion('2.1.0-BETA')).toEqual({ major: 2, minor: 1, patch: 0, text: '2.1.0-BETA' });
    expect(parseNacosVersion('3.0')).toMatchObject({ major: 3, minor: 0, patch: 0 });
    expect(parseNacosVersion('unknown')).toBeUndefined();
    expect(compareVersions(parseNacosVersion('2.0.10')!, parseNacosVersion('2.0.9')!)).toBeGreaterThan(0);
    expect(versionInRange(parseNacosVersion('2.1.2')!, '2.0.2', '2.2.0')).toBe(true);
    expect(versionInRange(parseNacosVersion('2.2.0')!, '2.0.2', '2.2.0')).toBe(false);
    expect(versionInRange(parseNacosVersion('2.0.1')!, '2.0.2', '2.2.0')).toBe(false);
  });
});
