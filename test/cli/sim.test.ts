import { describe, expect, test } from 'vitest';
import { parseArgs, type ParsedArgs } from '../../src/cli/parse.js';
import { createSimCli, parseFault, resolveSimOptions } from '../../src/cli/sim.js';

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
    expect((await resolve(['--client-detection', '500ms', '--cache-millis', '2s'])).cluster.timing).toEqual({ clientDetectionAfterMs: 500, cacheMillis: 2000 });
  });

  test.each([
    [['--port', '70000'], /--port 70000 is not a TCP port/],
    [['--nacos-version', 'latest'], /Nacos version "latest" is not a version/],
    [['--auth', 'nacos'], /--auth "nacos" is not USER:PASSWORD/],
    [['--host', 'bad host'], /--host "bad host" is not an IP address/],
    [['--nodes', '1.5'], /--nodes 1.5 is not a whole number/],
    [['--client-detection', 'soon'], /--client-detection "soon" is not a duration/],
  ])('refuses %j', async (argv, message) => {
    await expect(resolve(argv)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  });

  test('fault specs name the member and the fault, with a suggestion', () => {
    expect(parseFault('2=starting', 3)).toEqual({ index: 2, faults: { starting: true } });
    expect(() => parseFault('3=down', 3)).toThrow('there is no member 3; members are 0 to 2');
    expect(() => parseFault('0=blackhole', 1)).toThrow('unknown fault "blackhole" (did you mean black-hole?)');
    expect(() => parseFault('down', 1)).toThrow('is not MEMBER=FAULT');
  });
});
