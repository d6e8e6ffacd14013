/**
 * The nacos-sim command: parse flags into cluster options (pure, tested on its own), start the
 * simulated cluster, print where its members listen, and run until SIGINT/SIGTERM.
 */
import yargs, { type Argv } from 'yargs';
import { formatHostPort, isValidHost } from '../address.js';
import { formatDuration, parseDuration } from '../duration.js';
import { NacosToolError, UsageError, describeError } from '../errors.js';
import { createLogger, parseLogLevel, type Logger } from '../log.js';
import { DEFAULT_MAIN_PORT } from '../ports.js';
import { isWildcardHost } from '../net/advertised-host.js';
import type { SimCluster, SimClusterOptions } from '../sim/cluster.js';
import { DEFAULT_STEP, MAX_NODES, checkBasePort, checkLayout } from '../sim/layout.js';
import type { MemberFaults, MemberSettingsInput, UpgradeState } from '../sim/member-state.js';
import { DEFAULT_NACOS_VERSION, hasUpgradeOpsMetrics, parseNacosVersion } from '../sim/nacos-version.js';
import type { SimTiming } from '../sim/sim-context.js';
import { UPGRADE_PRESETS } from '../sim/upgrade-presets.js';
import { closestMatch, plural } from '../text.js';
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
    .option('nodes', { type: 'string', default: '1', describe: `Number of members, 1 to ${MAX_NODES}.`, requiresArg: true })
    .option('port', { type: 'string', default: String(DEFAULT_MAIN_PORT), describe: 'Main port P of member 0 (the last member needs its P+1001 below 65536).', requiresArg: true })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address every member listens on (0.0.0.0 for all interfaces).', requiresArg: true })
    .option('advertise', {
      type: 'string',
      describe: 'Address the members report in their member list and the printed serverAddr. Default: --host; for 0.0.0.0 or :: the first non-internal address of this machine, else the loopback.',
      requiresArg: true,
    })
    .option('step', { type: 'string', default: String(DEFAULT_STEP), describe: 'Distance between the main ports of consecutive members, 2 or more.', requiresArg: true })
    .option('nacos-version', {
      type: 'string',
      array: true,
      default: [DEFAULT_NACOS_VERSION],
      describe: 'Nacos version the members play (changes endpoints, texts, ability negotiation); I=VERSION for member I only. Repeatable.',
      requiresArg: true,
    })
    .option('auth', { type: 'string', describe: 'Turn auth on with this one user, as USER:PASSWORD.', requiresArg: true })
    .option('fault', {
      type: 'string',
      array: true,
      describe: `Start member I with faults, as I=FAULT[,FAULT]; repeatable. Faults: ${Object.keys(FAULT_NAMES).join(', ')}.`,
      requiresArg: true,
    })
    .option('upgrade', {
      type: 'string',
      array: true,
      describe: 'Put member I in a 1.x -> 2.x upgrade state, as I=STATE (states below); repeatable. The member must play 2.0.2-2.1.x.',
      requiresArg: true,
    })
    .option('client-detection', { type: 'string', default: '20s', describe: 'Idle time before the server pushes ClientDetectionRequest, 1s or more.', requiresArg: true })
    .option('cache-millis', { type: 'string', default: '10s', describe: 'cacheMillis in naming answers (how often polling clients refresh), 1s or more.', requiresArg: true })
    .option('json', { type: 'boolean', default: false, describe: 'Print the member addresses as one JSON line instead of a table.' })
    .option('log-level', { type: 'string', default: 'info', describe: 'fatal, error, warn, info, debug (every request), trace or silent.', requiresArg: true })
    .example('$0 --nodes 3 --port 8848', 'a 3-member cluster on 8848/8858/8868 (gRPC 9848/9858/9868)')
    .example('$0 --nodes 3 --port 18848 --fault 1=down --fault 2=black-hole', 'member 1 naming DOWN, member 2 silent')
    .example('$0 --nacos-version 3.1.0 --auth nacos:nacos', 'a 3.1 member with auth on')
    .example('$0 --nodes 3 --host 0.0.0.0 --advertise 10.0.0.5', 'listen on every interface, report 10.0.0.5 to clients')
    .example('$0 --nodes 3 --nacos-version 2.1.2 --nacos-version 2=1.4.1 --upgrade 0=not-ready --upgrade 1=ready', 'a rolling upgrade for nacos-doctor upgrade')
    .epilog(
      [
        'Upgrade states, as the upgrade ops metrics and the member list show them to nacos-doctor upgrade:',
        ...Object.entries(UPGRADE_PRESETS).map(([name, preset]) => `  ${name.padEnd(13)} ${preset.describe}`),
        '',
        'Durations are seconds, or take a unit: 500ms, 3s, 2m.',
        'Logs are JSON lines on stderr; the member addresses go to stdout once every member listens.',
        'Signals: SIGTERM/SIGINT stop every member and exit 0. Exit code 2 on bad usage or a port in use.',
      ].join('\n'),
    ));
}

export interface SimCliOptions {
  readonly cluster: Omit<SimClusterOptions, 'logger'>;
  /** The --upgrade state named for each member, for the printed table. */
  readonly upgrades: readonly (string | undefined)[];
  readonly json: boolean;
  readonly logLevel: ReturnType<typeof parseLogLevel>;
}

/** A whole number typed for `--flag`, echoed as typed when it is not one. */
function wholeNumber(value: unknown, flag: string, range: string): number {
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${flag} "${String(value)}" is not a whole number: use ${range}`, { code: 'ERR_ARGUMENTS' });
  }
  return Number(text);
}

/** Shortest durations the CLI accepts: shorter makes members poll or push in a tight loop. */
const MIN_CLIENT_DETECTION_MS = 1000;
const MIN_CACHE_MILLIS = 1000;

function durationAtLeast(value: unknown, flag: string, minimumMs: number, nacosDefault: string): number {
  const ms = parseDuration(String(value), `--${flag}`);
  if (ms < minimumMs) {
    throw new UsageError(`--${flag} ${String(value)} is too short: use ${formatDuration(minimumMs)} to 24 days (Nacos uses ${nacosDefault})`, { code: 'ERR_DURATION' });
  }
  return ms;
}

/** `I=VALUE` for one member: the index, checked against the member count, and the value. */
function memberSpec(spec: string, flag: string, form: string, nodes: number): { index: number; value: string } {
  const match = /^(\d+)=(.+)$/.exec(spec.trim());
  if (!match) throw new UsageError(`--${flag} "${spec}" is not ${form}`, { code: `ERR_SIM_${flag.toUpperCase().replace(/-/g, '_')}` });
  const index = Number(match[1]);
  if (index >= nodes) {
    const members = nodes === 1 ? 'the only member is 0' : `members are 0 to ${nodes - 1}`;
    throw new UsageError(`--${flag} "${spec}": there is no member ${index}; ${members}`, { code: `ERR_SIM_${flag.toUpperCase().replace(/-/g, '_')}` });
  }
  return { index, value: match[2]!.trim() };
}

function parseAuth(value: string): { username: string; password: string } {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw new UsageError(`--auth "${value}" is not USER:PASSWORD (e.g. nacos:nacos)`, { code: 'ERR_SIM_AUTH' });
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** `1=down,black-hole` -> member 1 with those faults. */
export function parseFault(spec: string, nodes: number): { index: number; faults: Partial<MemberFaults> } {
  const { index, value } = memberSpec(spec, 'fault', 'MEMBER=FAULT[,FAULT] (e.g. 1=down)', nodes);
  const faults: Partial<Record<keyof MemberFaults, boolean>> = {};
  for (const name of value.split(',').map((item) => item.trim())) {
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

/** `2=not-ready` -> member 2 with that upgrade state; the member must play a version with the upgrade ops API. */
export function parseUpgrade(spec: string, versions: readonly string[]): { index: number; name: string; upgrade: Partial<UpgradeState> } {
  const { index, value } = memberSpec(spec, 'upgrade', 'MEMBER=STATE (e.g. 0=not-ready)', versions.length);
  const preset = UPGRADE_PRESETS[value];
  if (!preset) {
    const hint = closestMatch(value, Object.keys(UPGRADE_PRESETS));
    throw new UsageError(`--upgrade "${spec}": unknown upgrade state "${value}"${hint ? ` (did you mean ${hint}?)` : ''}; use ${Object.keys(UPGRADE_PRESETS).join(', ')}`, {
      code: 'ERR_SIM_UPGRADE',
    });
  }
  const version = versions[index]!;
  if (!hasUpgradeOpsMetrics(version)) {
    throw new UsageError(
      `--upgrade "${spec}": member ${index} plays Nacos ${version}, which has no upgrade ops API; give it a 2.0.2-2.1.x version (e.g. --nacos-version ${index}=2.1.2)`,
      { code: 'ERR_SIM_UPGRADE' },
    );
  }
  return { index, name: value, upgrade: preset.state };
}

/** `--nacos-version V` for every member (at most once) and `I=V` for one member. */
export function parseVersions(specs: readonly string[], nodes: number): string[] {
  const shared = specs.filter((spec) => !/^\d+=/.test(spec.trim()));
  if (shared.length > 1) {
    throw new UsageError(`--nacos-version is given for every member twice (${shared.join(', ')}): give one, and I=VERSION for single members`, { code: 'ERR_SIM_VERSION' });
  }
  const all = (shared[0] ?? DEFAULT_NACOS_VERSION).trim();
  parseNacosVersion(all);
  const versions = Array.from({ length: nodes }, () => all);
  for (const spec of specs.filter((item) => !shared.includes(item))) {
    const { index, value } = memberSpec(spec, 'nacos-version', 'VERSION or MEMBER=VERSION (e.g. 2=1.4.1)', nodes);
    parseNacosVersion(value);
    versions[index] = value;
  }
  return versions;
}

/** Turns parsed flags into validated cluster options; every mistake is a UsageError naming the flag. */
export function resolveSimOptions(args: ParsedArgs): SimCliOptions {
  const nodes = wholeNumber(args.nodes, 'nodes', `1 to ${MAX_NODES}`);
  const step = wholeNumber(args.step, 'step', '2 or more');
  checkLayout(nodes, step);
  const port = wholeNumber(args.port, 'port', '1 to 65535');
  checkBasePort(port, nodes, step);
  const host = String(args.host);
  if (!isValidHost(host)) throw new UsageError(`--host "${host}" is not an IP address or hostname`, { code: 'ERR_ADDRESS' });
  const advertise = args.advertise === undefined ? undefined : String(args.advertise);
  if (advertise !== undefined && (!isValidHost(advertise) || isWildcardHost(advertise))) {
    throw new UsageError(`--advertise "${advertise}" is not an address clients can dial: give this machine's IP address or hostname`, { code: 'ERR_ADDRESS' });
  }
  const versions = parseVersions((args['nacos-version'] as string[] | undefined) ?? [], nodes);
  const auth = args.auth === undefined ? undefined : parseAuth(String(args.auth));
  const members: MemberSettingsInput[] = versions.map((version) => ({ version, ...(auth ? { auth } : {}) }));
  for (const spec of (args.fault as string[] | undefined) ?? []) {
    const { index, faults } = parseFault(spec, nodes);
    members[index] = { ...members[index], faults: { ...members[index]!.faults, ...faults } };
  }
  const upgrades: (string | undefined)[] = versions.map(() => undefined);
  for (const spec of (args.upgrade as string[] | undefined) ?? []) {
    const { index, name, upgrade } = parseUpgrade(spec, versions);
    members[index] = { ...members[index], upgrade };
    upgrades[index] = name;
  }
  const timing: Partial<SimTiming> = {
    clientDetectionAfterMs: durationAtLeast(args['client-detection'], 'client-detection', MIN_CLIENT_DETECTION_MS, '20s'),
    cacheMillis: durationAtLeast(args['cache-millis'], 'cache-millis', MIN_CACHE_MILLIS, '10s'),
  };
  return {
    cluster: { nodes, host, ...(advertise === undefined ? {} : { advertise }), basePort: port, step, members, timing },
    upgrades,
    json: args.json === true,
    logLevel: parseLogLevel(String(args['log-level']), '--log-level'),
  };
}

/** The addresses table (or JSON line) printed once the cluster listens. */
export function describeCluster(cluster: SimCluster, json: boolean, upgrades: readonly (string | undefined)[] = []): string {
  const members = cluster.addresses();
  if (json) return JSON.stringify({ serverAddr: cluster.serverAddr, members });
  const versions = [...new Set(cluster.members.map((member) => member.settings.version))];
  const listening = members[0]!.listenHost === members[0]!.host ? '' : `, listening on ${members[0]!.listenHost}`;
  const lines = [`nacos-sim: ${plural(members.length, 'member')} playing Nacos ${versions.join(', ')}, sharing one store${listening}`];
  for (const member of members) {
    const { settings } = cluster.member(member.index);
    const faults = Object.entries(FAULT_NAMES)
      .filter(([, fault]) => settings.faults[fault])
      .map(([name]) => name);
    const notes = [
      ...(versions.length > 1 ? [`Nacos ${settings.version}`] : []),
      ...(faults.length > 0 ? [`faults: ${faults.join(', ')}`] : []),
      ...(upgrades[member.index] === undefined ? [] : [`upgrade: ${upgrades[member.index]}`]),
    ];
    lines.push(`  member ${member.index}  http ${formatHostPort(member.host, member.main)}  grpc ${member.clientGrpc}  cluster-grpc ${member.clusterGrpc}${notes.map((note) => `  ${note}`).join('')}`);
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
    io.stdout.write(`${describeCluster(cluster, options.json, options.upgrades)}\n`);
    log.info({ serverAddr: cluster.serverAddr }, 'nacos-sim ready');
    return await runUntilSignalled(cluster, log, io);
  } catch (error) {
    if (log && !(error instanceof NacosToolError && error.exitCode === 2)) log.fatal({ error: describeError(error) }, 'nacos-sim stopped');
    return printError('nacos-sim', error, io);
  }
}
