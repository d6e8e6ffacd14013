/** The real nacos-proxy bin: bad input, configuration sources, signals. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { startBlackHole } from '../helpers/black-hole.js';
import { closeOutcome, dialTcp, listenTcp, readAll, readLine, startFakeMember, type FakeMember, type TcpServer } from '../helpers/net.js';
import { DATA_PATHS } from '../helpers/proxy.js';
import { runBin, startBin, type RunningBin } from '../helpers/spawn.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nacos-proxy-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function expectUsageError(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^nacos-proxy: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input: one line on stderr, exit code 2', () => {
  it('unknown flag, with a suggestion', async () => {
    expectUsageError(await runBin('nacos-proxy', ['--listen', '18848', '--upstrem', '127.0.0.1:8848']), /Unknown argument: upstrem \(did you mean --upstream\?\)/);
  });

  it('negated and dotted flags are unknown flags, not values', async () => {
    expectUsageError(await runBin('nacos-proxy', ['--listen', '18848', '--upstream', '127.0.0.1:8848', '--no-allow']), /Unknown argument: no-allow \(--allow cannot be negated/);
    expectUsageError(await runBin('nacos-proxy', ['--listen', '18848', '--upstream', '127.0.0.1:8848', '--roles.x', 'main']), /Unknown argument: roles.x \(did you mean --roles\?\)/);
  });

  it('malformed addresses', async () => {
    expectUsageError(await runBin('nacos-proxy', ['--listen', '18848', '--upstream', '10.0.0.1:port']), /port "port" is not a number/);
    expectUsageError(await runBin('nacos-proxy', ['--listen', 'localhost', '--upstream', '10.0.0.1:8848']), /--listen "localhost" has no port/);
    expectUsageError(await runBin('nacos-proxy', ['--listen', '18848', '--upstream', '[fd00::1]8848']), /expected ":port" after "]"/);
    expectUsageError(await runBin('nacos-proxy', ['--listen', '18848', '--upstream', 'nacos:8848:1']), /must be written in brackets/);
    expectUsageError(
      await runBin('nacos-proxy', ['--listen', '18848', '--upstream', 'http://127.0.0.1:8848']),
      /--upstream member "http:\/\/127.0.0.1:8848": a URL is not accepted here; write HOST:PORT without "scheme:\/\/", e.g. 127.0.0.1:8848$/,
    );
  });

  it('out-of-range and derived-out-of-range ports', async () => {
    expectUsageError(await runBin('nacos-proxy', ['--listen', '70000', '--upstream', '10.0.0.1:8848']), /port 70000 is not a TCP port/);
    expectUsageError(
      await runBin('nacos-proxy', ['--listen', '65000', '--upstream', '10.0.0.1:8848']),
      /main port 65000 cannot be used: its client-grpc port \(P\+1000\) would be 66000/,
    );
    expectUsageError(
      await runBin('nacos-proxy', ['--listen', '18848', '--upstream', '10.0.0.1:800', '--roles', 'main,raft']),
      /--upstream 10.0.0.1:800: .*raft port \(P-1000\) would be -200/,
    );
  });

  it('a port already in use: at once, before any member is checked, naming the role and the port', async () => {
    const base = await findFreeBasePort({ roles: ['main', 'client-grpc', 'cluster-grpc'] });
    const squatter = await listenTcp(() => {}, { port: base + 1000 });
    cleanups.push(() => squatter.close());
    // Active checks stay on and one member is black-holed: a startup health round first would
    // log that member down (and wait its timeout) before the bind error.
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    expectUsageError(
      await runBin('nacos-proxy', ['--listen', `127.0.0.1:${base}`, '--upstream', `127.0.0.1:${hole.port}`, '--health-timeout', '10s']),
      new RegExp(`cannot listen for client-grpc \\(P\\+1000\\) on 127.0.0.1:${base + 1000}: port ${base + 1000} is already in use .*choose another --listen base port$`),
    );
  });

  it('without HOST, names the address it really binds: every interface, [::]', async () => {
    const base = await findFreeBasePort({ roles: ['main', 'client-grpc', 'cluster-grpc'] });
    // A dual-stack bind of [::]:port also needs 127.0.0.1:port.
    const squatter = await listenTcp(() => {}, { port: base + 1001 });
    cleanups.push(() => squatter.close());
    expectUsageError(
      await runBin('nacos-proxy', ['--listen', String(base), '--upstream', '127.0.0.1:8848', '--health-interval', '0']),
      new RegExp(`cannot listen for cluster-grpc \\(P\\+1001\\) on every interface \\(\\[::\\]:${base + 1001}\\): port ${base + 1001} is already in use`),
    );
  });

  it('the admin port in use names --admin, and the proxy never claims to listen', async () => {
    const base = await findFreeBasePort({ roles: ['main', 'client-grpc', 'cluster-grpc'] });
    const squatter = await listenTcp(() => {});
    cleanups.push(() => squatter.close());
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const result = await runBin('nacos-proxy', ['--listen', `127.0.0.1:${base}`, '--upstream', `127.0.0.1:${hole.port}`, '--admin', `127.0.0.1:${squatter.port}`]);
    expectUsageError(
      result,
      new RegExp(`cannot listen for the admin endpoint on 127.0.0.1:${squatter.port}: port ${squatter.port} is already in use .*choose another --admin port$`),
    );
    // The role listeners it had opened are closed again: the same ports can be bound now.
    const again = await listenTcp(() => {}, { port: base + 1000 });
    await again.close();
  });

  it('an unreadable or invalid config file', async () => {
    expectUsageError(await runBin('nacos-proxy', ['--config', join(dir, 'missing.yaml')]), /cannot read config file .*missing.yaml: no such file/);
    expectUsageError(await runBin('nacos-proxy', ['--config', dir]), /cannot read config file .*: it is a directory/);
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'listen: [18848\nupstream: {');
    expectUsageError(await runBin('nacos-proxy', ['--config', broken]), /broken.yaml is neither valid YAML nor JSON/);
    const typo = join(dir, 'typo.json');
    await writeFile(typo, JSON.stringify({ listen: '18848', upstreams: ['127.0.0.1:8848'] }));
    expectUsageError(await runBin('nacos-proxy', ['--config', typo]), /unknown option "upstreams" \(did you mean "upstream"\?\)/);
  });

  it('bad values from the environment name the variable', async () => {
    expectUsageError(await runBin('nacos-proxy', ['--listen', '18848', '--upstream', '127.0.0.1:8848'], { env: { NACOS_PROXY_LOG_LEVEL: 'loud' } }), /NACOS_PROXY_LOG_LEVEL "loud" is not one of/);
    expectUsageError(
      await runBin('nacos-proxy', ['--listen', '18848', '--upstream', '127.0.0.1:8848'], { env: { NACOS_PROXY_BALANCE: 'random' } }),
      /NACOS_PROXY_BALANCE "random" is not one of round-robin, least-connections, ip-hash/,
    );
  });

  it('prints help with every option and exits 0', async () => {
    const result = await runBin('nacos-proxy', ['--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--listen', '--upstream', '--roles', '--balance', '--connect-timeout', '--connect-retries', '--health-interval', '--health-timeout', '--health-rise', '--health-fall', '--fail-timeout', '--idle-timeout', '--drain-timeout', '--admin', '--config', '--allow', '--deny', '--max-connections', '--max-connections-per-ip', '--log-level']) {
      expect(result.stdout).toContain(flag);
    }
    // Placeholders and defaults, as in the README table.
    expect(result.stdout).toContain('\n  --listen [HOST:]P\n');
    expect(result.stdout).toContain('\n  --health-interval DURATION\n');
    expect(result.stdout).toMatch(/Default:\s+30s\.\s+Env:\s+NACOS_PROXY_DRAIN_TIMEOUT\./);
    expect(result.stdout).not.toContain('[string]');
    expect((await runBin('nacos-proxy', ['-h'])).stdout).toBe(result.stdout);
  });
});

describe('running', () => {
  let members: FakeMember[];
  beforeAll(async () => {
    members = [await startFakeMember('m1', ['main', 'client-grpc', 'cluster-grpc']), await startFakeMember('m2', ['main', 'client-grpc', 'cluster-grpc'])];
  });
  afterAll(async () => {
    for (const m of members) await m.close();
  });

  async function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ bin: RunningBin; base: number }> {
    const base = await findFreeBasePort({ roles: ['main', 'client-grpc', 'cluster-grpc'] });
    const bin = startBin('nacos-proxy', ['--listen', `127.0.0.1:${base}`, ...args], env);
    cleanups.push(async () => {
      if (bin.child.exitCode === null) bin.child.kill('SIGKILL');
      await bin.exited;
    });
    // Listening lines are written once every role's listener is open.
    await bin.waitForLog((line) => line.msg === 'listening');
    return { bin, base };
  }

  it('drains on SIGTERM: open connections finish, then exit 0', async () => {
    const { bin, base } = await start(['--upstream', `127.0.0.1:${members[0]!.base}`, '--drain-timeout', '20s']);
    const held = await dialTcp(base + 1000);
    expect(await readLine(held)).toBe('m1 client-grpc');
    bin.child.kill('SIGTERM');
    await bin.waitForLog((line) => line.msg === 'stopping: no new connections');
    const reply = readAll(held);
    held.end('bye');
    expect((await reply).toString()).toBe('bye');
    const result = await bin.exited;
    expect(result.code).toBe(0);
    expect(bin.logs.find((line) => line.msg.startsWith('stopped'))).toMatchObject({ reset: 0 });
  });

  it('a second signal resets everything and exits 1 at once', async () => {
    const { bin, base } = await start(['--upstream', `127.0.0.1:${members[0]!.base}`, '--drain-timeout', '60s']);
    const held = await dialTcp(base);
    await readLine(held);
    const outcome = closeOutcome(held);
    bin.child.kill('SIGTERM');
    await bin.waitForLog((line) => line.msg === 'stopping: no new connections');
    bin.child.kill('SIGINT');
    expect((await bin.exited).code).toBe(1);
    expect(await outcome).toBe('ECONNRESET');
  });

  /** A proxy on `dataPath` with one connection held open through it; `reset` says how that connection ended. */
  async function holding(dataPath: string, drainTimeout: string): Promise<{ bin: RunningBin; reset: Promise<string> }> {
    const { bin, base } = await start(['--upstream', `127.0.0.1:${members[0]!.base}`, '--drain-timeout', drainTimeout, '--data-path', dataPath]);
    const held = await dialTcp(base);
    await readLine(held);
    return { bin, reset: closeOutcome(held) };
  }

  /** Log messages from `first` on, with each connection line's reason. */
  function messagesFrom(bin: RunningBin, first: string): string[] {
    const messages = bin.logs.map((line) => (line.msg === 'connection closed' ? `connection closed: ${String(line.reason)}` : line.msg));
    return messages.slice(messages.indexOf(first));
  }

  it.each(DATA_PATHS)('logs a stop in the order it happens (data path %s)', async (dataPath) => {
    const { bin, reset } = await holding(dataPath, '100ms');
    bin.child.kill('SIGTERM');
    expect((await bin.exited).code).toBe(0);
    expect(await reset).toBe('ECONNRESET');
    expect(messagesFrom(bin, 'stopping: no new connections')).toEqual([
      'stopping: no new connections',
      'draining open connections',
      'connection closed: drained',
      'stopped; connections still open at the drain timeout were reset',
    ]);
  });

  it.each(DATA_PATHS)('a second signal is logged before the connections it resets (data path %s)', async (dataPath) => {
    const { bin, reset } = await holding(dataPath, '60s');
    bin.child.kill('SIGTERM');
    await bin.waitForLog((line) => line.msg === 'draining open connections');
    bin.child.kill('SIGTERM');
    expect((await bin.exited).code).toBe(1);
    expect(await reset).toBe('ECONNRESET');
    expect(messagesFrom(bin, 'draining open connections')).toEqual([
      'draining open connections',
      'second signal: resetting every open connection and exiting now',
      'connection closed: drained',
      'stopped at once; open connections were reset',
    ]);
    expect(bin.logs.at(-1)).toMatchObject({ reset: 1, level: 'warn' });
  });

  it('reloads --config on SIGHUP without dropping open connections', async () => {
    const config = join(dir, 'reload.yaml');
    await writeFile(config, `upstream:\n  - 127.0.0.1:${members[0]!.base}\nhealth-interval: 200ms\n`);
    const { bin, base } = await start(['--config', config]);
    const held = await dialTcp(base + 1000);
    expect(await readLine(held)).toBe('m1 client-grpc');
    await writeFile(config, `upstream: [127.0.0.1:${members[1]!.base}]\nhealth-interval: 200ms\n`);
    const mark = bin.logs.length;
    bin.child.kill('SIGHUP');
    const reloaded = await bin.waitForLog((line) => line.msg === 'configuration reloaded', mark);
    expect(reloaded).toMatchObject({ added: [`127.0.0.1:${members[1]!.base}`], removed: [`127.0.0.1:${members[0]!.base}`] });
    const fresh = await dialTcp(base + 1000);
    expect(await readLine(fresh)).toBe('m2 client-grpc');
    const echo = readAll(held);
    held.end('old connection still alive');
    expect((await echo).toString()).toBe('old connection still alive');
    fresh.destroy();
  });

  it('warns on SIGHUP about file changes that a flag or a variable overrides', async () => {
    const config = join(dir, 'overridden.yaml');
    await writeFile(config, `upstream: [127.0.0.1:${members[0]!.base}]\nbalance: round-robin\ndrain-timeout: 30s\n`);
    const { bin } = await start(['--config', config, '--balance', 'ip-hash'], { NACOS_PROXY_DRAIN_TIMEOUT: '10s' });
    await writeFile(config, `upstream: [127.0.0.1:${members[0]!.base}]\nbalance: least-connections\ndrain-timeout: 5s\n`);
    const mark = bin.logs.length;
    bin.child.kill('SIGHUP');
    await bin.waitForLog((line) => line.msg === 'configuration reloaded', mark);
    const warnings = bin.logs.slice(mark).filter((line) => line.level === 'warn');
    expect(warnings.map((line) => [line.option, line.winner, line.msg])).toEqual([
      ['balance', '--balance', 'SIGHUP: balance changed in the config file, but --balance wins over the file; kept its value'],
      ['drain-timeout', 'NACOS_PROXY_DRAIN_TIMEOUT', 'SIGHUP: drain-timeout changed in the config file, but NACOS_PROXY_DRAIN_TIMEOUT wins over the file; kept its value'],
    ]);
    // A second reload of the same file repeats nothing.
    const again = bin.logs.length;
    bin.child.kill('SIGHUP');
    await bin.waitForLog((line) => line.msg === 'configuration reloaded', again);
    expect(bin.logs.slice(again).filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('keeps running when a reloaded config is broken, and says so', async () => {
    const config = join(dir, 'broken-reload.yaml');
    await writeFile(config, `upstream: [127.0.0.1:${members[0]!.base}]\n`);
    const { bin, base } = await start(['--config', config]);
    await writeFile(config, 'upstream: [nope:99999]\n');
    bin.child.kill('SIGHUP');
    const failed = await bin.waitForLog((line) => line.msg.startsWith('SIGHUP: reload failed'));
    expect(failed.error).toMatch(/port 99999 is not a TCP port/);
    const socket = await dialTcp(base);
    expect(await readLine(socket)).toBe('m1 main');
    socket.destroy();
  });

  it('takes options from NACOS_PROXY_* variables and warns about unknown ones', async () => {
    const { bin, base } = await start([], {
      NACOS_PROXY_UPSTREAM: `127.0.0.1:${members[1]!.base}`,
      NACOS_PROXY_ROLES: 'main,client-grpc,cluster-grpc',
      NACOS_PROXY_UPSTREAMS: 'typo',
    });
    expect(bin.logs.find((line) => line.level === 'warn')?.msg).toBe('ignoring unknown environment variable NACOS_PROXY_UPSTREAMS (did you mean NACOS_PROXY_UPSTREAM?)');
    const socket = await dialTcp(base + 1001);
    expect(await readLine(socket)).toBe('m2 cluster-grpc');
    socket.destroy();
  });

  it('a SIGHUP during startup is not fatal: the reload runs once the proxy is up', async () => {
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const config = join(dir, 'startup-reload.yaml');
    // The black-holed member holds the startup health round for the whole --health-timeout.
    await writeFile(config, `upstream: [127.0.0.1:${hole.port}, 127.0.0.1:${members[0]!.base}]\nroles: main\nhealth-timeout: 3s\n`);
    const base = await findFreeBasePort({ roles: ['main'] });
    const bin = startBin('nacos-proxy', ['--listen', `127.0.0.1:${base}`, '--config', config], { NACOS_PROXY_TYPO: '1' });
    cleanups.push(async () => {
      if (bin.child.exitCode === null) bin.child.kill('SIGKILL');
      await bin.exited;
    });
    // The warning about the unknown variable is written while the proxy is still starting.
    await bin.waitForLog((line) => line.msg.startsWith('ignoring unknown environment variable NACOS_PROXY_TYPO'));
    await writeFile(config, `upstream: [127.0.0.1:${members[0]!.base}]\nroles: main\nhealth-timeout: 3s\n`);
    bin.child.kill('SIGHUP');
    const reloaded = await bin.waitForLog((line) => line.msg === 'configuration reloaded');
    expect(reloaded).toMatchObject({ removed: [`127.0.0.1:${hole.port}`] });
    expect(bin.logs.findIndex((line) => line.msg === 'listening')).toBeLessThan(bin.logs.indexOf(reloaded));
    bin.child.kill('SIGTERM');
    expect((await bin.exited).code).toBe(0);
  });

  it('NACOS_PROXY_NO_NATIVE at run time is not an unknown variable: it selects the JavaScript data path', async () => {
    const { bin, base } = await start(['--upstream', `127.0.0.1:${members[0]!.base}`], { NACOS_PROXY_NO_NATIVE: '1' });
    expect(bin.logs.filter((line) => line.level === 'warn')).toEqual([]);
    expect(bin.logs.find((line) => line.msg === 'data path')).toMatchObject({ dataPath: 'js' });
    const socket = await dialTcp(base);
    expect(await readLine(socket)).toBe('m1 main');
    socket.destroy();
  });

  it('--admin PORT serves the admin endpoint on 127.0.0.1:PORT', async () => {
    const probe = await listenTcp(() => {});
    const port = probe.port;
    await probe.close();
    const { bin } = await start(['--upstream', `127.0.0.1:${members[0]!.base}`, '--admin', String(port)]);
    expect(await bin.waitForLog((line) => line.msg.startsWith('admin endpoint'))).toMatchObject({ admin: `127.0.0.1:${port}` });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.text()).toBe('ok\n');
  });

  it('starts with an unreachable member: warns, marks it down, keeps serving with the others', async () => {
    const dead: TcpServer = await listenTcp(() => {});
    const deadPort = dead.port;
    await dead.close();
    const { bin, base } = await start(['--upstream', `127.0.0.1:${deadPort}`, '--upstream', `127.0.0.1:${members[0]!.base}`, '--roles', 'main']);
    expect(bin.logs.find((line) => line.msg === 'member down')).toMatchObject({ member: `127.0.0.1:${deadPort}`, level: 'warn' });
    const socket = await dialTcp(base);
    expect(await readLine(socket)).toBe('m1 main');
    socket.destroy();
  });
});
