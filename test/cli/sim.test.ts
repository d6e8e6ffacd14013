import { describe, expect, test } from 'vitest';
import { parseArgs, type ParsedArgs } from '../../src/cli/parse.js';
import { createSimCli, parseFault, parseUpgrade, parseVersions, resolveSimOptions } from '../../src/cli/sim.js';

async function resolve(argv: string[]): Promise<ReturnType<typeof resolveSimOptions>> {
  const parsed = await parseArgs(createSimCli(), argv);
  if (parsed.kind !== 'args') throw new Error('expected arguments');
  return resolveSimOptions(parsed.args as ParsedArgs);
}

describe('nacos-sim options', () => {
  test('defaults: one member on 127.0.0.1:8848, Nacos 2.5.1, Nacos timings', async () => {
    expect(await resolve([])).toEqual({
      cluster: {
        nodes: 1,
        host: '127.0.0.1',
        basePort: 8848,
        step: 10,
        members: [{ version: '2.5.1' }],
        timing: { clientDetectionAfterMs: 20_000, cacheMillis: 10_000 },
      },
      upgrades: [undefined],
      json: false,
      logLevel: 'info',
    });
  });

  test('faults go to their member, version and auth to every member', async () => {
    const options = await resolve(['--nodes', '3', '--port', '18848', '--nacos-version', '3.1.0', '--auth', 'nacos:pa:ss', '--fault', '1=down', '--fault', '1=no-raft-leader,black-hole']);
    const auth = { username: 'nacos', password: 'pa:ss' };
    expect(options.cluster.members).toEqual([
      { version: '3.1.0', auth },
      { version: '3.1.0', auth, faults: { down: true, noRaftLeader: true, blackHole: true } },
      { version: '3.1.0', auth },
    ]);
  });

  test('durations take units', async () => {
    expect((await resolve(['--client-detection', '1500ms', '--cache-millis', '2s'])).cluster.timing).toEqual({ clientDetectionAfterMs: 1500, cacheMillis: 2000 });
  });

  test.each([
    [['--port', '70000'], '--port 70000 puts its cluster gRPC port (P+1001) at 71001, past 65535: choose --port from 1 to 64534'],
    [['--port', '0'], '--port 0 is not a TCP port: choose --port from 1 to 64534'],
    [['--port', '8848x'], '--port "8848x" is not a whole number: use 1 to 65535'],
    [['--port', '64530', '--nodes', '2'], "--port 64530 puts member 1's cluster gRPC port (P+1001) at 65541, past 65535: choose --port from 1 to 64524 for 2 members 10 apart"],
    [['--nodes', '50', '--step', '2000'], '50 members 2000 apart do not fit below port 65535 whatever --port is: use fewer --nodes or a smaller --step'],
    [['--nodes', 'abc'], '--nodes "abc" is not a whole number: use 1 to 50'],
    [['--nodes', '1.5'], '--nodes "1.5" is not a whole number: use 1 to 50'],
    [['--nodes', '0'], '--nodes 0 is not a member count: use 1 to 50'],
    [['--nodes', '51'], '--nodes 51 is not a member count: use 1 to 50'],
    [['--step', '-5'], '--step "-5" is not a whole number: use 2 or more'],
    [['--fault', '0=down', '--nodes', '0'], '--nodes 0 is not a member count: use 1 to 50'],
    [['--client-detection', '0'], '--client-detection 0 is too short: use 1s to 24 days (Nacos uses 20s)'],
    [['--client-detection', '500ms'], '--client-detection 500ms is too short: use 1s to 24 days (Nacos uses 20s)'],
    [['--cache-millis', '0'], '--cache-millis 0 is too short: use 1s to 24 days (Nacos uses 10s)'],
    [['--client-detection', '30d'], '--client-detection "30d" is not a duration'],
    [['--nacos-version', 'latest'], 'Nacos version "latest" is not a version'],
    [['--auth', 'nacos'], '--auth "nacos" is not USER:PASSWORD'],
    [['--host', 'bad host'], '--host "bad host" is not an IP address'],
    [['--advertise', '0.0.0.0'], '--advertise "0.0.0.0" is not an address clients can dial'],
    [['--client-detection', 'soon'], '--client-detection "soon" is not a duration'],
  ])('refuses %j', async (argv, message) => {
    await expect(resolve(argv)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(message) });
  });

  test('the largest layouts that fit are accepted', async () => {
    expect((await resolve(['--port', '64534'])).cluster.basePort).toBe(64_534);
    expect((await resolve(['--port', '64524', '--nodes', '2'])).cluster.basePort).toBe(64_524);
    expect((await resolve(['--client-detection', '1s', '--cache-millis', '1s'])).cluster.timing).toEqual({ clientDetectionAfterMs: 1000, cacheMillis: 1000 });
  });

  test('--advertise goes to the cluster options', async () => {
    expect((await resolve(['--host', '0.0.0.0', '--advertise', '10.0.0.5'])).cluster).toMatchObject({ host: '0.0.0.0', advertise: '10.0.0.5' });
    expect((await resolve([])).cluster).not.toHaveProperty('advertise');
  });

  test('versions: one for every member, I=VERSION for single members', () => {
    expect(parseVersions(['2.1.2', '2=1.4.1'], 3)).toEqual(['2.1.2', '2.1.2', '1.4.1']);
    expect(parseVersions(['0=2.0.4'], 2)).toEqual(['2.0.4', '2.5.1']);
    expect(() => parseVersions(['2.1.2', '2.0.4'], 1)).toThrow('--nacos-version is given for every member twice (2.1.2, 2.0.4)');
    expect(() => parseVersions(['3=2.0.4'], 3)).toThrow('--nacos-version "3=2.0.4": there is no member 3; members are 0 to 2');
    expect(() => parseVersions(['0=2.x'], 1)).toThrow('Nacos version "2.x" is not a version');
  });

  test('upgrade states go to their member and need a version with the upgrade ops API', async () => {
    const options = await resolve(['--nodes', '3', '--nacos-version', '2.1.2', '--nacos-version', '2=1.4.1', '--upgrade', '0=not-ready', '--upgrade', '1=double-write']);
    expect(options.upgrades).toEqual(['not-ready', 'double-write', undefined]);
    expect(options.cluster.members).toEqual([
      { version: '2.1.2', upgrade: { readyToUpgrade: false, metrics: { upgraded: false, isAll20XVersion: false, isDoubleWriteEnabled: true, doubleWriteDelayTaskCount: 12 } } },
      { version: '2.1.2', upgrade: { readyToUpgrade: true, metrics: { isDoubleWriteEnabled: true } } },
      { version: '1.4.1' },
    ]);
    expect(() => parseUpgrade('0=double-write', ['2.5.1'])).toThrow(
      '--upgrade "0=double-write": member 0 plays Nacos 2.5.1, which has no upgrade ops API; give it a 2.0.2-2.1.x version (e.g. --nacos-version 0=2.1.2)',
    );
    expect(() => parseUpgrade('0=dubble-write', ['2.1.2'])).toThrow('unknown upgrade state "dubble-write" (did you mean double-write?)');
    expect(() => parseUpgrade('1=ready', ['2.1.2'])).toThrow('there is no member 1; the only member is 0');
  });

  test('fault specs name the member and the fault, with a suggestion', () => {
    expect(parseFault('2=starting', 3)).toEqual({ index: 2, faults: { starting: true } });
    expect(() => parseFault('3=down', 3)).toThrow('there is no member 3; members are 0 to 2');
    expect(() => parseFault('1=down', 1)).toThrow('there is no member 1; the only member is 0');
    expect(() => parseFault('0=blackhole', 1)).toThrow('unknown fault "blackhole" (did you mean black-hole?)');
    expect(() => parseFault('down', 1)).toThrow('is not MEMBER=FAULT');
  });
});
