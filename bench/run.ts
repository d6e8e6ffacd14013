/**
 * npm run bench [-- --quick] [-- --rounds N] [-- --update-readme]
 *               [-- --only TEST,...] [-- --forwarders NAME,...] [-- --proxy-args "ARGS"]
 *
 * Side-by-side benchmark on loopback: direct (no forwarder), nacos-proxy on each data path,
 * nginx stream (one process) and HAProxy tcp (one thread), all in front of one backend. The
 * forwarder under test is pinned to core 0, the load generator and backend to core 1, and each
 * round runs every test over every forwarder in a rotated order so machine drift hits all.
 * Every load is bounded in bytes, connections and time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { FD_LIMIT, FORWARDERS, LABELS, pinned, startForwarder, versionOf, type ForwarderName, type RunningForwarder } from './forwarders.js';
import { cpuSeconds, pssBytes } from './proc.js';
import { bottleneckNotes, medians, renderMarkdown, type Bottleneck, type Environment, type Samples } from './report.js';

// Compiled to build/bench/bench/run.js: three levels below the package root.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
function valueOf(flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}
const rounds = Number(valueOf('--rounds') ?? (quick ? 1 : 5));
/** To reproduce one line: only these tests, forwarders, and extra nacos-proxy flags (e.g. "--busy-poll 0"). */
const only = valueOf('--only')?.split(',');
const onlyForwarders = valueOf('--forwarders')?.split(',');
const proxyArgs = valueOf('--proxy-args')?.split(' ').filter((arg) => arg !== '') ?? [];
const GIB = 1024 ** 3;
// A forwarder holds two descriptors per connection: 10,000 idle connections need 20,000 plus
// its listeners, which a hard limit of 20,000 does not allow.
const IDLE_MAX = Math.min(10_000, Math.floor((FD_LIMIT - 200) / 2 / 100) * 100);
const sizes = quick
  ? { bulk: GIB / 4, rtt: 5_000, connMs: 2_000, idle: [5_000, IDLE_MAX], storm: 5_000 }
  : { bulk: GIB, rtt: 20_000, connMs: 5_000, idle: [5_000, IDLE_MAX], storm: 5_000 };

/** Installs nginx and HAProxy from Debian when missing (the same script `npm test` runs). */
function ensureInstalled(): string[] {
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-peers.mjs')], { stdio: 'inherit' });
  return ['nginx', 'haproxy']
    .filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0)
    .map((command) => `${command} is not installed and could not be installed: its column is empty.`);
}

async function startChild(role: 'backend' | 'load'): Promise<{ child: ChildProcess; port: number }> {
  const [command, commandArgs] = pinned(1, process.execPath, [join(ROOT, 'build', 'bench', 'bench', 'workload.js'), role]);
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(child, 'message')) as [{ ready: number }];
  return { child, port: ready.ready };
}

class Workload {
  #next = 1;
  readonly #pending = new Map<number, { resolve: (r: Record<string, number>) => void; reject: (e: Error) => void }>();
  private constructor(
    readonly child: ChildProcess,
    readonly backend: ChildProcess,
    readonly backendPort: number,
  ) {
    child.on('message', (message: { id: number; result?: Record<string, number>; error?: string }) => {
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result!);
    });
  }

  static async start(): Promise<Workload> {
    const backend = await startChild('backend');
    const load = await startChild('load');
    return new Workload(load.child, backend.child, backend.port);
  }

  run(command: Record<string, number | string>): Promise<Record<string, number>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.child.send({ ...command, id });
    });
  }

  stop(): void {
    this.child.disconnect();
    this.backend.disconnect();
  }
}

const samples: Samples = {};
const notes = new Set<string>();
const bottlenecks: Bottleneck[] = [];

function record(name: ForwarderName, key: string, value: number): void {
  const metrics = (samples[name] ??= {});
  (metrics[key] ??= []).push(value);
}

/** Runs one load and returns it with the forwarder's CPU seconds spent meanwhile. */
async function measured(forwarder: RunningForwarder, workload: Workload, command: Record<string, number | string>): Promise<{ result: Record<string, number>; cpu: number }> {
  const before = forwarder.pid === undefined ? 0 : cpuSeconds(forwarder.pid);
  const backendBefore = cpuSeconds(workload.backend.pid!);
  const result = await workload.run({ ...command, port: forwarder.port });
  const cpu = forwarder.pid === undefined ? 0 : cpuSeconds(forwarder.pid) - before;
  const loadCore = result.loadCpuSeconds! + cpuSeconds(workload.backend.pid!) - backendBefore;
  // One core each: a busy load core (generator + backend) next to a forwarder with spare CPU
  // means the figure shows the load core's limit, not the forwarder's.
  if (forwarder.pid !== undefined && result.seconds! > 0.5) {
    const forwarderLoad = cpu / result.seconds!;
    const loadCoreLoad = loadCore / result.seconds!;
    if (forwarderLoad < 0.85 && loadCoreLoad > 0.9) {
      const test = `${String(command.kind)}${command.conns ? ` ${String(command.conns)} conn` : ''}`;
      bottlenecks.push({ forwarder: forwarder.name, test, loadCore: loadCoreLoad, forwarderCore: forwarderLoad });
    }
  }
  return { result, cpu };
}

async function throughput(forwarder: RunningForwarder, workload: Workload): Promise<void> {
  let cpu = 0;
  let bytes = 0;
  for (const conns of [1, 8]) {
    for (const kind of ['upload', 'download'] as const) {
      const { result, cpu: spent } = await measured(forwarder, workload, { kind, conns, bytes: sizes.bulk });
      record(forwarder.name, `${kind}${conns}`, result.bytes! / result.seconds! / 1e6);
      cpu += spent;
      bytes += result.bytes!;
    }
  }
  if (forwarder.pid !== undefined) record(forwarder.name, 'cpuPerGB', cpu / (bytes / 1e9));
}

async function latency(forwarder: RunningForwarder, workload: Workload): Promise<void> {
  const { result } = await measured(forwarder, workload, { kind: 'rtt', count: sizes.rtt });
  record(forwarder.name, 'rttP50', result.p50!);
  record(forwarder.name, 'rttP99', result.p99!);
}

async function connectionRate(forwarder: RunningForwarder, workload: Workload): Promise<void> {
  const { result, cpu } = await measured(forwarder, workload, { kind: 'connrate', clients: 50, ms: sizes.connMs });
  record(forwarder.name, 'connRate', result.connections! / result.seconds!);
  if (forwarder.pid !== undefined) record(forwarder.name, 'cpuPerConn', (cpu / result.connections!) * 1e6);
  // Let TIME_WAIT sockets and the forwarder's garbage settle before the next test.
  await sleep(1000);
}

async function idleMemory(forwarder: RunningForwarder, workload: Workload): Promise<void> {
  if (forwarder.pid === undefined) return;
  await sleep(500);
  const baseline = pssBytes(forwarder.pid);
  for (const total of sizes.idle) {
    await workload.run({ kind: 'open-idle', port: forwarder.port, total });
    await sleep(1000);
    record(forwarder.name, total === sizes.idle[0] ? 'memIdleLow' : 'memIdleHigh', (pssBytes(forwarder.pid) - baseline) / total);
  }
  await workload.run({ kind: 'close-idle' });
  await sleep(1000);
}

async function storm(forwarder: RunningForwarder, workload: Workload): Promise<void> {
  const { result } = await measured(forwarder, workload, { kind: 'storm', clients: sizes.storm });
  record(forwarder.name, 'storm', result.seconds! * 1000);
  await sleep(1000);
}

const TESTS = [throughput, latency, connectionRate, idleMemory, storm].filter((test) => only === undefined || only.includes(test.name));

function environment(): Environment {
  return {
    date: new Date().toISOString().slice(0, 10),
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    kernel: release(),
    node: process.version,
    nginx: versionOf('nginx', ['-v'])?.replace('nginx version: ', ''),
    haproxy: versionOf('haproxy', ['-v'])?.replace(/ - https.*$/, ''),
    rounds,
    quick,
  };
}

async function updateReadme(markdown: string): Promise<void> {
  const path = join(ROOT, 'README.md');
  const readme = await readFile(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error('README.md has no <!-- bench:start --> ... <!-- bench:end --> block');
  await writeFile(path, `${readme.slice(0, from + start.length)}\n${markdown}${readme.slice(to)}`);
}

async function main(): Promise<void> {
  for (const note of ensureInstalled()) notes.add(note);
  if (IDLE_MAX < 10_000) {
    notes.add(`The second idle-memory figure is at ${IDLE_MAX.toLocaleString('en-US')} connections: 10,000 would need more than this machine's hard limit of ${FD_LIMIT.toLocaleString('en-US')} descriptors per process.`);
  }
  const available = FORWARDERS.filter((name) => name !== 'nginx' || versionOf('nginx', ['-v']) !== undefined)
    .filter((name) => name !== 'haproxy' || versionOf('haproxy', ['-v']) !== undefined)
    .filter((name) => onlyForwarders === undefined || onlyForwarders.includes(name));
  const dir = await mkdtemp(join(tmpdir(), 'nacos-bench-'));
  const workload = await Workload.start();
  try {
    for (let round = 0; round < rounds; round += 1) {
      for (const test of TESTS) {
        const order = available.map((_, i) => available[(i + round) % available.length]!);
        for (const name of order) {
          const forwarder = await startForwarder(name, workload.backendPort, dir, ROOT, proxyArgs);
          try {
            process.stderr.write(`round ${round + 1}/${rounds}: ${test.name} via ${LABELS[name]}\n`);
            await test(forwarder, workload);
          } finally {
            await forwarder.stop();
          }
        }
      }
    }
  } finally {
    workload.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const figures = medians(samples);
  const allNotes = [...notes, ...bottleneckNotes(bottlenecks, rounds)];
  const markdown = renderMarkdown(figures, environment(), allNotes, 'nacos-proxy', sizes.idle);
  // A partial run (--only, --forwarders, --proxy-args) reproduces a line; it is printed, never filed.
  if (only === undefined && onlyForwarders === undefined && proxyArgs.length === 0) {
    const results = join(ROOT, 'bench', 'results');
    await mkdir(results, { recursive: true });
    const stamp = new Date().toISOString().replaceAll(':', '-');
    await writeFile(join(results, `${stamp}.json`), `${JSON.stringify({ environment: environment(), samples, medians: figures, bottlenecks, notes: allNotes }, null, 2)}\n`);
    await writeFile(join(results, 'latest.md'), markdown);
    if (args.includes('--update-readme')) await updateReadme(markdown);
  }
  process.stdout.write(markdown);
}

await main();
