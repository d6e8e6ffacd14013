/**
 * The nacos-sim command: parse flags into cluster options (pure, tested on its own), start the
 * simulated cluster, print where its members listen, and run until SIGINT/SIGTERM.
 */
import yargs, { type Argv } from 'yargs';
import { formatHostPort, isValidHost } from '../address.js';
import { parseDuration } from '../duration.js';
import { NacosToolError, UsageError, describeError } from '../errors.js';
import { createLogger, parseLogLevel, type Logger } from '../log.js';
import { DEFAULT_MAIN_PORT, assertPort } from '../ports.js';
import type { SimCluster, SimClusterOptions } from '../sim/cluster.js';
import type { MemberFaults, MemberSettingsInput } from '../sim/member-state.js';
import { DEFAULT_NACOS_VERSION, parseNacosVersion } from '../sim/nacos-version.js';
import type { SimTiming } from '../sim/sim-context.js';
import { closestMatch } from '../text.js';
import { printError, type CliIo } from './io.js';
import { parseArgs, withStandardFlags, type ParsedArgs } from './parse.js';

/** Fault names as typed on the command line, and the member fault each switches on. */
export const FAULT_NAMES: Readonly<Record<string, keyof MemberFaults>> = Object.freeze({
  down: 'down',
  starting: 'starting',
  'black-hole': 'blackHole',
  'no-raft-leader': 'noRaftLeader',
});

export function createSimCli(): Argv<Record<string, unknown>> {
  return withStandardFlags(yargs()
    .scriptName('nacos-sim')
    .usage(
      [
        'Usage: $0 [--nodes N] [--port P] [--host 127.0.0.1] [options]',
        '',
        'Runs N simulated Nacos 2.x/3.x members in one process: member i answers HTTP on P+i*step, client gRPC on',
        'P+i*step+1000 and cluster gRPC on P+i*step+1001, all sharing one config store and one registry. Real Nacos',
        'clients (Java, Go, Rust, Node) can connect to it; so can load balancers, nginx and nacos-proxy under test.',
        '',
        'It speaks the Nacos wire protocol (the connection rules, pushes, status codes and HTTP endpoints a client',
        'or a proxy meets) and keeps everything in memory. It is a test peer, not a Nacos replacement: no',
        'persistence, no raft election (leaders are reported, not elected), no console, one fixed auth user.',
      ].join('\n'),
    )
    .option('nodes', { type: 'number', default: 1, describe: 'Number of members.', requiresArg: true })
    .option('port', { type: 'number', default: DEFAULT_MAIN_PORT, describe: 'Main port P of member 0.', requiresArg: true })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address every member listens on (0.0.0.0 for all interfaces).', requiresArg: true })
    .option('step', { type: 'number', default: 10, describe: 'Distance between the main ports of consecutive members.', requiresArg: true })
    .option('nacos-version', { type: 'string', default: DEFAULT_NACOS_VERSION, describe: 'Nacos version the members play (changes endpoints, texts, ability negotiation).', requiresArg: true })
    .option('auth', { type: 'string', describe: 'Turn auth on with this one user, as USER:PASSWORD.', requiresArg: true })
    .option('fault', {
      type: 'string',
      array: true,
      describe: `Start member I with faults, as I=FAULT[,FAULT]; repeatable. Faults: ${Object.keys(FAULT_NAMES).join(', ')}.`,
      requiresArg: true,
    })
    .option('client-detection', { type: 'string', default: '20s', describe: 'Idle time before the server pushes ClientDetectionRequest.', requiresArg: true })
    .option('cache-millis', { type: 'string', default: '10s', describe: 'cacheMillis in naming answers: how often polling clients refresh.', requiresArg: true })
    .option('json', { type: 'boolean', default: false, describe: 'Print the member addresses as one JSON line instead of a table.' })
    .option('log-level', { type: 'string', default: 'info', describe: 'fatal, error, warn, info, debug (every request), trace or silent.', requiresArg: true })
    .example('$0 --nodes 3 --port 8848', 'a 3-member cluster on 8848/8858/8868 (gRPC 9848/9858/9868)')
    .example('$0 --nodes 3 --port 18848 --fault 1=down --fault 2=black-hole', 'member 1 naming DOWN, member 2 silent')
    .example('$0 --nacos-version 3.1.0 --auth nacos:nacos', 'a 3.1 member with auth on')
    .epilog(
      [
        'Durations are seconds, or take a unit: 500ms, 3s, 2m.',
        'Logs are JSON lines on stderr; the member addresses go to stdout once every member listens.',
        'Signals: SIGTERM/SIGINT stop every member and exit 0. Exit code 2 on bad usage or a port in use.',
      ].join('\n'),
    ));
}

export interface SimCliOptions {
  readonly cluster: Omit<SimClusterOptions, 'logger'>;
  readonly json: boolean;
  readonly logLevel: ReturnType<typeof parseLogLevel>;
}

function integer(value: unknown, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new UsageError(`--${flag} ${String(value)} is not a whole number`, { code: 'ERR_ARGUMENTS' });
  return number;
}

function parseAuth(value: string): { username: string; password: string } {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw new UsageError(`--auth "${value}" is not USER:PASSWORD (e.g. nacos:nacos)`, { code: 'ERR_SIM_AUTH' });
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** `1=down,black-hole` -> member 1 with those faults. */
export function parseFault(spec: string, nodes: number): { index: number; faults: Partial<MemberFaults> } {
  const match = /^(\d+)=(.+)$/.exec(spec.trim());
  if (!match) throw new UsageError(`--fault "${spec}" is not MEMBER=FAULT[,FAULT] (e.g. 1=down)`, { code: 'ERR_SIM_FAULT' });
  const index = Number(match[1]);
  if (index >= nodes) throw new UsageError(`--fault "${spec}": there is no member ${index}; members are 0 to ${nodes - 1}`, { code: 'ERR_SIM_FAULT' });
  const faults: Partial<Record<keyof MemberFaults, boolean>> = {};
  for (const name of match[2]!.split(',').map((item) => item.trim())) {
    const fault = FAULT_NAMES[name];
    if (!fault) {
      const hint = closestMatch(name, Object.keys(FAULT_NAMES));
      throw new UsageError(`--fault "${spec}": unknown fault "${name}"${hint ? ` (did you mean ${hint}?)` : ''}; use ${Object.keys(FAULT_NAMES).join(', ')}`, {
        code: 'ERR_SIM_FAULT',
      });
    }
    faults[fault] = true;
  }
  return { index, faults };
}

/** Turns parsed flags into validated cluster options; every mistake is a UsageError naming the flag. */
export function resolveSimOptions(args: ParsedArgs): SimCliOptions {
  const nodes = integer(args.nodes, 'nodes');
  const port = assertPort(integer(args.port, 'port'), '--port');
  const step = integer(args.step, 'step');
  const host = String(args.host);
  if (!isValidHost(host)) throw new UsageError(`--host "${host}" is not an IP address or hostname`, { code: 'ERR_ADDRESS' });
  const version = String(args['nacos-version']);
  parseNacosVersion(version);
  const auth = args.auth === undefined ? undefined : parseAuth(String(args.auth));
  const members: MemberSettingsInput[] = Array.from({ length: Math.max(0, nodes) }, () => ({ version, ...(auth ? { auth } : {}) }));
  for (const spec of (args.fault as string[] | undefined) ?? []) {
    const { index, faults } = parseFault(spec, nodes);
    members[index] = { ...members[index], faults: { ...members[index]!.faults, ...faults } };
  }
  const timing: Partial<SimTiming> = {
    clientDetectionAfterMs: parseDuration(String(args['client-detection']), '--client-detection'),
    cacheMillis: parseDuration(String(args['cache-millis']), '--cache-millis'),
  };
  return {
    cluster: { nodes, host, basePort: port, step, members, timing },
    json: args.json === true,
    logLevel: parseLogLevel(String(args['log-level']), '--log-level'),
  };
}

/** The addresses table (or JSON line) printed once the cluster listens. */
export function describeCluster(cluster: SimCluster, json: boolean): string {
  const members = cluster.addresses();
  if (json) return JSON.stringify({ serverAddr: cluster.serverAddr, members });
  const version = cluster.members[0]!.settings.version;
  const lines = [`nacos-sim: ${members.length} member${members.length === 1 ? '' : 's'} playing Nacos ${version}, sharing one store`];
  for (const member of members) {
    const faults = Object.entries(FAULT_NAMES)
      .filter(([, fault]) => cluster.member(member.index).settings.faults[fault])
      .map(([name]) => name);
    lines.push(
      `  member ${member.index}  http ${formatHostPort(member.host, member.main)}  grpc ${member.clientGrpc}  cluster-grpc ${member.clusterGrpc}${faults.length > 0 ? `  faults: ${faults.join(', ')}` : ''}`,
    );
  }
  lines.push(`serverAddr=${cluster.serverAddr}`);
  return lines.join('\n');
}

function runUntilSignalled(cluster: SimCluster, log: Logger, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        resolve(1);
        return;
      }
      stopping = true;
      log.info({ signal }, 'stopping every member');
      void cluster.close().then(() => resolve(0));
    };
    io.onSignal('SIGTERM', stop);
    io.onSignal('SIGINT', stop);
  });
}

export async function runSimCli(argv: readonly string[], io: CliIo): Promise<number> {
  let log: Logger | undefined;
  try {
    const parsed = await parseArgs(createSimCli(), argv);
    if (parsed.kind === 'output') {
      io.stdout.write(`${parsed.text}\n`);
      return 0;
    }
    const options = resolveSimOptions(parsed.args);
    log = createLogger({ level: options.logLevel, name: 'nacos-sim' });
    const { SimCluster } = await import('../sim/cluster.js');
    const cluster = await SimCluster.start({ ...options.cluster, logger: log });
    io.stdout.write(`${describeCluster(cluster, options.json)}\n`);
    log.info({ serverAddr: cluster.serverAddr }, 'nacos-sim ready');
    return await runUntilSignalled(cluster, log, io);
  } catch (error) {
    if (log && !(error instanceof NacosToolError && error.exitCode === 2)) log.fatal({ error: describeError(error) }, 'nacos-sim stopped');
    return printError('nacos-sim', error, io);
  }
}
