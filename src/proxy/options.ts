/**
 * nacos-proxy options as data: one table gives every option its flag name, config-file key,
 * environment variable, default, help text and validator, so the three sources cannot drift.
 * Resolution is pure: raw values in, a frozen ProxyOptions out, or a UsageError naming the
 * source and the bad value.
 */
import { formatHostPort, isLoopbackHost, parseCidr, parseHostPort, parseListenAddress, splitList, type Cidr, type HostPort, type ListenAddress } from '../address.js';
import { parseDuration } from '../duration.js';
import { ConfigError, UsageError } from '../errors.js';
import { closestMatch } from '../text.js';
import { parseLogLevel } from '../log.js';
import { DEFAULT_MAIN_PORT, DEFAULT_ROLES, parseRoles, rolePorts, type Role } from '../ports.js';
import is from '@sindresorhus/is';
import type { LevelWithSilent } from 'pino';

export const BALANCE_STRATEGIES = ['round-robin', 'least-connections', 'ip-hash'] as const;
export type BalanceStrategy = (typeof BALANCE_STRATEGIES)[number];

export const DATA_PATHS = ['auto', 'splice', 'js'] as const;

/** Busy polling longer than this would hold the event loop for no gain (a core wakes faster). */
const MAX_BUSY_POLL_US = 10_000;
export type DataPathChoice = (typeof DATA_PATHS)[number];

export interface ProxyOptions {
  readonly listen: ListenAddress;
  readonly upstream: readonly HostPort[];
  readonly roles: readonly Role[];
  readonly balance: BalanceStrategy;
  /** All durations are in milliseconds. */
  readonly connectTimeout: number;
  readonly connectRetries: number;
  readonly healthInterval: number;
  readonly healthTimeout: number;
  readonly healthRise: number;
  readonly healthFall: number;
  readonly failTimeout: number;
  readonly idleTimeout: number;
  readonly drainTimeout: number;
  readonly admin: HostPort | undefined;
  readonly allow: readonly Cidr[];
  readonly deny: readonly Cidr[];
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly logLevel: LevelWithSilent;
  readonly dataPath: DataPathChoice;
  /** Microseconds; 0 = off. */
  readonly busyPoll: number;
}

export type OptionGroup = 'Listening' | 'Upstreams' | 'Health checks' | 'Timeouts' | 'Access control and limits' | 'Operations';

export interface OptionSpec {
  readonly key: keyof ProxyOptions;
  readonly group: OptionGroup;
  readonly arg: string;
  readonly describe: string;
  /** Raw default, parsed like user input; undefined means "not set". */
  readonly default: string | undefined;
  /** Must be given (by flag, variable or file). */
  readonly required?: true;
  readonly list: boolean;
  /** Whether SIGHUP applies a changed value to new connections. */
  readonly reloadable: boolean;
  readonly parse: (raw: string | readonly string[], source: string) => unknown;
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string | readonly string[], source: string): number => {
    const text = String(raw).trim();
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
      throw new UsageError(`${source} "${text}" is not ${range}`, { code: 'ERR_OPTION_VALUE' });
    }
    return value;
  };
}

function duration(options: { allowZero: boolean }) {
  return (raw: string | readonly string[], source: string): number => {
    const ms = parseDuration(String(raw), source);
    if (ms === 0 && !options.allowZero) {
      throw new UsageError(`${source} must be greater than 0`, { code: 'ERR_OPTION_VALUE' });
    }
    return ms;
  };
}

function single(raw: string | readonly string[], source: string): string {
  if (typeof raw === 'string') return raw;
  if (raw.length === 1) return raw[0]!;
  throw new UsageError(`${source} was given ${raw.length} times; give it once`, { code: 'ERR_OPTION_VALUE' });
}

/** `--upstream` values (repeated and/or comma-separated) to members; refuses duplicates. */
export function parseUpstreams(raw: string | readonly string[], source: string): HostPort[] {
  const members = splitList(raw).map((item) => parseHostPort(item, { defaultPort: DEFAULT_MAIN_PORT, what: `${source} member` }));
  const seen = new Set<string>();
  for (const member of members) {
    const key = formatHostPort(member.host, member.port);
    if (seen.has(key)) throw new UsageError(`${source} lists ${key} twice; list each member once`, { code: 'ERR_OPTION_VALUE' });
    seen.add(key);
  }
  return members;
}

/**
 * Set (to anything but ""): the native splice engine is not built at install
 * (scripts/build-native.mjs) and not used at run time: `--data-path auto` becomes `js`.
 * NACOS_PROXY_DATA_PATH and --data-path still win over it.
 */
export const NO_NATIVE_ENV = 'NACOS_PROXY_NO_NATIVE';

export const PROXY_OPTION_SPECS: Readonly<Record<string, OptionSpec>> = {
  listen: {
    key: 'listen',
    group: 'Listening',
    arg: '[HOST:]P',
    describe: 'Base address: one listener per role on P+offset (P, P+1000, P+1001, P-1000). Without HOST, every interface.',
    default: undefined,
    required: true,
    list: false,
    reloadable: false,
    parse: (raw, source) => parseListenAddress(single(raw, source), source),
  },
  roles: {
    key: 'roles',
    group: 'Listening',
    arg: 'LIST',
    describe: 'Port roles to forward: main, client-grpc, cluster-grpc, raft, or all.',
    default: DEFAULT_ROLES.join(','),
    list: true,
    reloadable: false,
    parse: (raw) => parseRoles(splitList(raw)),
  },
  upstream: {
    key: 'upstream',
    group: 'Upstreams',
    arg: 'HOST:Q',
    describe: 'A cluster member by its main port (repeat, or comma-separate). Each role goes to Q+offset. Port defaults to 8848.',
    default: undefined,
    required: true,
    list: true,
    reloadable: true,
    parse: parseUpstreams,
  },
  balance: {
    key: 'balance',
    group: 'Upstreams',
    arg: 'STRATEGY',
    describe: 'round-robin, least-connections, or ip-hash (a client IP sticks to one member on every role).',
    default: 'round-robin',
    list: false,
    reloadable: true,
    parse: (raw, source) => {
      const value = single(raw, source).trim();
      if ((BALANCE_STRATEGIES as readonly string[]).includes(value)) return value;
      throw new UsageError(`${source} "${value}" is not one of ${BALANCE_STRATEGIES.join(', ')}`, { code: 'ERR_OPTION_VALUE' });
    },
  },
  'connect-retries': {
    key: 'connectRetries',
    group: 'Upstreams',
    arg: 'N',
    describe: 'Further members to try when a connect fails, before any byte is forwarded.',
    default: '2',
    list: false,
    reloadable: true,
    parse: (raw, source) => integer(0, 100)(single(raw, source), source),
  },
  'health-interval': {
    key: 'healthInterval',
    group: 'Health checks',
    arg: 'DURATION',
    describe: 'Time between active TCP checks of each member and role; 0 disables active checks.',
    default: '2s',
    list: false,
    reloadable: true,
    parse: (raw, source) => duration({ allowZero: true })(single(raw, source), source),
  },
  'health-timeout': {
    key: 'healthTimeout',
    group: 'Health checks',
    arg: 'DURATION',
    describe: 'Connect timeout of one active check.',
    default: '1s',
    list: false,
    reloadable: true,
    parse: (raw, source) => duration({ allowZero: false })(single(raw, source), source),
  },
  'health-rise': {
    key: 'healthRise',
    group: 'Health checks',
    arg: 'N',
    describe: 'Consecutive successful checks that bring a member back into service.',
    default: '2',
    list: false,
    reloadable: true,
    parse: (raw, source) => integer(1, 1000)(single(raw, source), source),
  },
  'health-fall': {
    key: 'healthFall',
    group: 'Health checks',
    arg: 'N',
    describe: 'Consecutive failed checks that take a member out of service.',
    default: '3',
    list: false,
    reloadable: true,
    parse: (raw, source) => integer(1, 1000)(single(raw, source), source),
  },
  'fail-timeout': {
    key: 'failTimeout',
    group: 'Health checks',
    arg: 'DURATION',
    describe: 'With active checks off: how long a member stays out after a failed connect.',
    default: '10s',
    list: false,
    reloadable: true,
    parse: (raw, source) => duration({ allowZero: true })(single(raw, source), source),
  },
  'connect-timeout': {
    key: 'connectTimeout',
    group: 'Timeouts',
    arg: 'DURATION',
    describe: 'Timeout of one upstream connect attempt.',
    default: '3s',
    list: false,
    reloadable: true,
    parse: (raw, source) => duration({ allowZero: false })(single(raw, source), source),
  },
  'idle-timeout': {
    key: 'idleTimeout',
    group: 'Timeouts',
    arg: 'DURATION',
    describe: 'Close a connection idle this long in both directions; 0 never does: Nacos gRPC connections are long-lived.',
    default: '0',
    list: false,
    reloadable: true,
    parse: (raw, source) => duration({ allowZero: true })(single(raw, source), source),
  },
  'drain-timeout': {
    key: 'drainTimeout',
    group: 'Timeouts',
    arg: 'DURATION',
    describe: 'On SIGTERM/SIGINT, how long open connections may finish before they are reset.',
    default: '30s',
    list: false,
    reloadable: true,
    parse: (raw, source) => duration({ allowZero: true })(single(raw, source), source),
  },
  allow: {
    key: 'allow',
    group: 'Access control and limits',
    arg: 'CIDR',
    describe: 'Accept only clients in these CIDR blocks (repeat or comma-separate). Default: everyone.',
    default: undefined,
    list: true,
    reloadable: true,
    parse: (raw) => splitList(raw).map(parseCidr),
  },
  deny: {
    key: 'deny',
    group: 'Access control and limits',
    arg: 'CIDR',
    describe: 'Refuse clients in these CIDR blocks; wins over --allow.',
    default: undefined,
    list: true,
    reloadable: true,
    parse: (raw) => splitList(raw).map(parseCidr),
  },
  'max-connections': {
    key: 'maxConnections',
    group: 'Access control and limits',
    arg: 'N',
    describe: 'Most client connections open at once over all roles; 0 means no limit.',
    default: '0',
    list: false,
    reloadable: true,
    parse: (raw, source) => integer(0)(single(raw, source), source),
  },
  'max-connections-per-ip': {
    key: 'maxConnectionsPerIp',
    group: 'Access control and limits',
    arg: 'N',
    describe: 'Most connections open at once from one client IP; 0 means no limit.',
    default: '0',
    list: false,
    reloadable: true,
    parse: (raw, source) => integer(0)(single(raw, source), source),
  },
  admin: {
    key: 'admin',
    group: 'Operations',
    arg: '[HOST:]PORT',
    describe: 'Serve /healthz, /status (JSON) and /metrics (Prometheus) here. A bare PORT means 127.0.0.1:PORT (this host only). Off by default.',
    default: undefined,
    list: false,
    reloadable: false,
    parse: (raw, source) => {
      // Status and metrics stay on loopback unless an address is given.
      const { host, port } = parseListenAddress(single(raw, source), source);
      return { host: host ?? '127.0.0.1', port };
    },
  },
  'data-path': {
    key: 'dataPath',
    group: 'Operations',
    arg: 'PATH',
    describe: `How bytes move: splice (in the kernel, zero-copy; Linux, built at install), js (always available), or auto (splice when built; js when ${NO_NATIVE_ENV} is set).`,
    default: 'auto',
    list: false,
    reloadable: false,
    parse: (raw, source) => {
      const value = single(raw, source).trim();
      if ((DATA_PATHS as readonly string[]).includes(value)) return value;
      throw new UsageError(`${source} "${value}" is not one of ${DATA_PATHS.join(', ')}`, { code: 'ERR_OPTION_VALUE' });
    },
  },
  'busy-poll': {
    key: 'busyPoll',
    group: 'Operations',
    arg: 'MICROSECONDS',
    describe:
      'Splice path: after forwarding small messages, keep polling up to this long for the next one instead of sleeping (adaptive: only while messages come that fast). Cuts the latency a sleeping core adds; 0 turns it off.',
    default: '100',
    list: false,
    reloadable: true,
    parse: (raw, source) => integer(0, MAX_BUSY_POLL_US)(single(raw, source), source),
  },
  'log-level': {
    key: 'logLevel',
    group: 'Operations',
    arg: 'LEVEL',
    describe: 'fatal, error, warn, info, debug, trace or silent. Logs are JSON lines on stderr.',
    default: 'info',
    list: false,
    reloadable: true,
    parse: (raw, source) => parseLogLevel(single(raw, source).trim(), source),
  },
};

export const OPTION_NAMES = Object.keys(PROXY_OPTION_SPECS);

/** `max-connections` -> `NACOS_PROXY_MAX_CONNECTIONS`. */
export function envName(option: string): string {
  return `NACOS_PROXY_${option.toUpperCase().replaceAll('-', '_')}`;
}

export const CONFIG_ENV = envName('config');

type RawValue = string | readonly string[];

export interface OptionSources {
  /** Values given as flags, by option name; absent options are undefined. */
  readonly flags: Readonly<Record<string, RawValue | undefined>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Parsed config file content (any JSON/YAML value) and its path for messages. */
  readonly file?: { readonly path: string; readonly content: unknown };
}

/** An option the config file sets whose value a flag or variable overrides. */
export interface OverriddenFileValue {
  readonly option: string;
  /** What wins: `--balance`, `NACOS_PROXY_BALANCE`, ... */
  readonly by: string;
  readonly fileValue: RawValue;
}

export interface ResolvedOptions {
  readonly options: ProxyOptions;
  /** Non-fatal remarks for the log (unknown NACOS_PROXY_* variables). */
  readonly warnings: readonly string[];
  readonly overridden: readonly OverriddenFileValue[];
}

/** What a config file value may be, alone or in a list: text, or a finite number (YAML has .inf and .nan). */
function isScalar(value: unknown): value is string | number {
  return is.string(value) || (is.number(value) && Number.isFinite(value));
}

function fileValue(value: unknown, key: string, path: string): RawValue {
  if (isScalar(value)) return String(value);
  if (is.array(value, isScalar)) return value.map(String);
  throw new ConfigError(`${path}: "${key}" must be a string, a number or a list of them, got ${JSON.stringify(value)}`);
}

function fileEntries(file: OptionSources['file']): Map<string, RawValue> {
  const entries = new Map<string, RawValue>();
  if (file === undefined || file.content === null || file.content === undefined) return entries;
  // A plain mapping only: not a list, nor a Map or Set a YAML tag may produce (their entries would be lost).
  if (!is.plainObject(file.content)) {
    throw new ConfigError(`${file.path}: expected a mapping of option names to values (e.g. "upstream: [10.0.0.1:8848]")`);
  }
  for (const [key, value] of Object.entries(file.content)) {
    if (!(key in PROXY_OPTION_SPECS)) {
      const hint = closestMatch(key, OPTION_NAMES);
      throw new ConfigError(
        `${file.path}: unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; options are named as the flags without "--": ${OPTION_NAMES.join(', ')}`,
      );
    }
    entries.set(key, fileValue(value, key, file.path));
  }
  return entries;
}

/**
 * Flags win over NACOS_PROXY_* variables, which win over the config file, which wins over defaults.
 */
export function resolveProxyOptions(sources: OptionSources): ResolvedOptions {
  const fromFile = fileEntries(sources.file);
  const warnings: string[] = [];
  const knownEnv = new Set([...OPTION_NAMES.map(envName), CONFIG_ENV, NO_NATIVE_ENV]);
  for (const name of Object.keys(sources.env)) {
    if (name.startsWith('NACOS_PROXY_') && !knownEnv.has(name)) {
      const hint = closestMatch(name, knownEnv);
      warnings.push(`ignoring unknown environment variable ${name}${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }

  const values: Record<string, unknown> = {};
  const overridden: OverriddenFileValue[] = [];
  for (const [name, spec] of Object.entries(PROXY_OPTION_SPECS)) {
    const flag = sources.flags[name];
    const env = sources.env[envName(name)];
    let raw: RawValue | undefined;
    let source: string;
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) {
      raw = flag;
      source = `--${name}`;
    } else if (env !== undefined && env.trim() !== '') {
      raw = env;
      source = envName(name);
    } else if (spec.key === 'dataPath' && (sources.env[NO_NATIVE_ENV] ?? '') !== '') {
      raw = 'js';
      source = NO_NATIVE_ENV;
    } else if (fromFile.has(name)) {
      raw = fromFile.get(name);
      source = `"${name}" in ${sources.file!.path}`;
    } else {
      raw = spec.default;
      source = `default of --${name}`;
    }
    const fileValue = fromFile.get(name);
    if (fileValue !== undefined && raw !== fileValue) overridden.push({ option: name, by: source, fileValue });
    values[spec.key] = raw === undefined ? undefined : spec.parse(raw, source);
  }

  const options = {
    ...values,
    upstream: values.upstream ?? [],
    allow: values.allow ?? [],
    deny: values.deny ?? [],
  } as ProxyOptions;
  if (options.listen === undefined) {
    throw new UsageError(`missing --listen: give the base address to listen on, e.g. --listen 8848 or --listen 0.0.0.0:18848`, {
      code: 'ERR_MISSING_OPTION',
    });
  }
  if (options.upstream.length === 0) {
    throw new UsageError(`missing --upstream: name at least one Nacos member by its main port, e.g. --upstream 10.0.0.1:8848`, {
      code: 'ERR_MISSING_OPTION',
    });
  }
  validatePorts(options);
  return { options: Object.freeze(options), warnings, overridden };
}

/** Every role port of the listener and of each member must exist, and the proxy must not feed itself. */
function validatePorts(options: ProxyOptions): void {
  rolePorts(options.listen.port, options.roles);
  for (const member of options.upstream) {
    try {
      rolePorts(member.port, options.roles);
    } catch (error) {
      throw new UsageError(`--upstream ${formatHostPort(member.host, member.port)}: ${(error as Error).message}`, { code: 'ERR_PORT_RANGE' });
    }
    const thisHost = (host: string): boolean => isLoopbackHost(host, { wildcard: true });
    const sameHost = options.listen.host === undefined ? thisHost(member.host) : options.listen.host === member.host || (thisHost(member.host) && thisHost(options.listen.host));
    if (sameHost && member.port === options.listen.port) {
      throw new UsageError(
        `--upstream ${formatHostPort(member.host, member.port)} is this proxy's own --listen address: it would forward to itself; listen on another base port`,
        { code: 'ERR_OPTION_VALUE' },
      );
    }
  }
}

/** Names of options whose change a reload cannot apply (the listeners would have to be reopened). */
export function unreloadableChanges(before: ProxyOptions, after: ProxyOptions): string[] {
  return Object.entries(PROXY_OPTION_SPECS)
    .filter(([, spec]) => !spec.reloadable && JSON.stringify(before[spec.key]) !== JSON.stringify(after[spec.key]))
    .map(([name]) => name);
}
