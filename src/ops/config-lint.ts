/**
 * `nacos-doctor lint`: checks a member's application.properties and cluster.conf against what
 * Nacos does with them (keys: src/ops/config-rules.ts; ports: src/ports.ts). Pure: file texts in,
 * report out; every finding points at its file and line.
 */
import { BlockList, isIP } from 'node:net';
import { formatHostPort, isLoopbackHost, parseCidr } from '../address.js';
import type { Finding, Report, Section } from '../doctor/report.js';
import { binaryReason, plural } from '../text.js';
import { DEFAULT_MAIN_PORT, ROLES, ROLE_DESCRIPTIONS, formatOffset, rolePorts } from '../ports.js';
import { LOOPBACK, hostKey, memberKey, parseClusterConf, type ClusterMember, type ParsedClusterConf } from './cluster-conf.js';
import {
  CHANGING_IP_RANGES,
  CLEANING_PARAMETERS,
  DEPRECATED_KEYS,
  IP_ADDRESS_KEY,
  KEYS_ONLY_IN_3X,
  MAIN_PORT_KEY_2X,
  MAIN_PORT_KEY_3X,
  PREFER_HOSTNAME_KEY,
  SERVER_IP_PROPERTY,
  UPGRADE_FROM_1X_KEY,
} from './config-rules.js';
import { collidingDifferences, findCollisions, portSet, proposeMainPorts } from './port-plan.js';
import { effectiveProperties, isTrue, parsePlaceholder, parseProperties, type PropertyEntry } from './properties.js';

export interface ConfigText {
  /** How the file is named in the report. */
  readonly path: string;
  readonly text: string;
}

export interface LintInput {
  readonly properties?: ConfigText;
  readonly clusterConf?: ConfigText;
  /** The operator is rolling this cluster from 1.x to 2.x. */
  readonly upgradeFrom1x?: boolean;
}

interface MainPort {
  readonly port: number;
  /** Where it came from, for messages: `server.port (line 3)` or `default`. */
  readonly source: string;
}

type Properties = Map<string, PropertyEntry>;

function at(file: string, line: number): { file: string; line: number } {
  return { file, line };
}

function cleaningTable(): string {
  return CLEANING_PARAMETERS.map((parameter) => `${parameter.key}=${parameter.defaultMs}   # default; ${parameter.meaning} (ms)`).join('\n');
}

function syntaxFindings(file: string, text: string): { findings: Finding[]; properties: Properties } {
  const parsed = parseProperties(text);
  const findings: Finding[] = parsed.problems.map((problem) => ({
    check: 'lint.properties.syntax',
    status: 'fail',
    title: problem.message,
    cause: 'PROPERTIES_SYNTAX',
    location: at(file, problem.line),
  }));
  const lines = new Map<string, number[]>();
  for (const entry of parsed.entries) lines.set(entry.key, [...(lines.get(entry.key) ?? []), entry.line]);
  for (const [key, seen] of lines) {
    if (seen.length < 2) continue;
    findings.push({
      check: 'lint.properties.duplicate',
      status: 'warn',
      title: `${key} is set ${seen.length} times (lines ${seen.join(', ')}); the last one wins`,
      cause: 'DUPLICATE_KEY',
      fix: `keep only line ${seen[seen.length - 1]}`,
      location: at(file, seen[0]!),
    });
  }
  return { findings, properties: effectiveProperties(parsed) };
}

function deprecatedFindings(file: string, properties: Properties): Finding[] {
  const findings: Finding[] = [];
  let tableShown = false;
  for (const rule of DEPRECATED_KEYS) {
    const entry = properties.get(rule.key);
    if (!entry) continue;
    const replacement = rule.replacement ? properties.get(rule.replacement) : undefined;
    // The 2.x cleaning settings are listed once, under the first 1.x naming key.
    const table: boolean = rule.key.startsWith('nacos.naming.') && !tableShown;
    tableShown ||= table;
    const fix = [
      rule.replacement === undefined
        ? `remove it${rule.instead ? `; ${rule.instead}` : ''}`
        : replacement
          ? `remove it; ${rule.replacement} is already set (line ${replacement.line})`
          : `replace it with ${rule.replacement}=${entry.value}`,
      ...(table ? ['the 2.x cleaning settings and their defaults:', cleaningTable()] : []),
    ].join('\n');
    findings.push({
      check: 'lint.properties.deprecated',
      status: 'warn',
      title: `${rule.key} is deprecated${rule.replacement ? `: use ${rule.replacement}` : ''}`,
      evidence: `${rule.key}=${entry.value}`,
      cause: 'DEPRECATED_KEY',
      explanation: rule.explanation,
      fix,
      location: at(file, entry.line),
    });
  }
  for (const parameter of CLEANING_PARAMETERS) {
    const entry = properties.get(parameter.key);
    if (entry && !/^\d+$/.test(entry.value.trim())) {
      findings.push({
        check: 'lint.properties.value',
        status: 'fail',
        title: `${parameter.key}=${entry.value} is not a number of milliseconds`,
        cause: 'BAD_VALUE',
        explanation: `${parameter.meaning}; Nacos reads it as a whole number of milliseconds, and a value it cannot convert stops the naming cleaner from starting`,
        fix: `${parameter.key}=${parameter.defaultMs}   # the default`,
        location: at(file, entry.line),
      });
    }
  }
  return findings;
}

function describePorts(port: number): string {
  return [...rolePorts(port, ROLES)].map(([role, value]) => `${value} ${role}`).join(', ');
}

/** Resolves the main port the member will use and reports on it. */
function mainPortFindings(file: string, properties: Properties): { findings: Finding[]; mainPort: MainPort } {
  const findings: Finding[] = [];
  const v2 = properties.get(MAIN_PORT_KEY_2X);
  const v3 = properties.get(MAIN_PORT_KEY_3X);
  const looks3x = KEYS_ONLY_IN_3X.some((key) => properties.has(key));
  const chosen = v3 ?? v2;
  if (v2 && v3 && v2.value.trim() !== v3.value.trim()) {
    findings.push({
      check: 'lint.port.keys',
      status: 'warn',
      title: `${MAIN_PORT_KEY_2X}=${v2.value} and ${MAIN_PORT_KEY_3X}=${v3.value} disagree`,
      explanation: `Nacos 2.x takes its main port from ${MAIN_PORT_KEY_2X}, 3.x from ${MAIN_PORT_KEY_3X}; clients and members derive ${formatOffset('client-grpc')} and ${formatOffset('cluster-grpc')} from the one the running version uses`,
      fix: `keep the key of your version (2.x: ${MAIN_PORT_KEY_2X}, 3.x: ${MAIN_PORT_KEY_3X}), or give both the same value`,
      location: at(file, v2.line),
    });
  } else if (v2 && !v3 && looks3x) {
    findings.push({
      check: 'lint.port.keys',
      status: 'warn',
      title: `this looks like a Nacos 3.x config, which takes its main port from ${MAIN_PORT_KEY_3X}, not ${MAIN_PORT_KEY_2X}`,
      evidence: `${KEYS_ONLY_IN_3X.filter((key) => properties.has(key)).join(', ')} set; ${MAIN_PORT_KEY_2X}=${v2.value}`,
      fix: `${MAIN_PORT_KEY_3X}=${v2.value}`,
      location: at(file, v2.line),
    });
  }
  if (!chosen) {
    findings.push({
      check: 'lint.port.main',
      status: 'info',
      title: `main port not set: ${DEFAULT_MAIN_PORT} (${describePorts(DEFAULT_MAIN_PORT)})`,
    });
    return { findings, mainPort: { port: DEFAULT_MAIN_PORT, source: 'default' } };
  }
  const key = chosen === v3 ? MAIN_PORT_KEY_3X : MAIN_PORT_KEY_2X;
  const placeholder = parsePlaceholder(chosen.value);
  const text = placeholder ? placeholder.fallback : chosen.value.trim();
  if (text === undefined) {
    findings.push({
      check: 'lint.port.main',
      status: 'info',
      title: `${key} comes from \${${placeholder!.name}} at start-up; its ports are not checked`,
      location: at(file, chosen.line),
    });
    return { findings, mainPort: { port: DEFAULT_MAIN_PORT, source: 'default' } };
  }
  const port = Number(text);
  const set = /^\d{1,5}$/.test(text) ? portSet(port) : undefined;
  if (set === undefined || set instanceof Error) {
    findings.push({
      check: 'lint.port.main',
      status: 'fail',
      title: `${key}=${chosen.value} cannot be used`,
      cause: 'BAD_MAIN_PORT',
      explanation: set instanceof Error ? set.message : `"${text}" is not a port number`,
      fix: `${key}=${DEFAULT_MAIN_PORT}`,
      location: at(file, chosen.line),
    });
    return { findings, mainPort: { port: DEFAULT_MAIN_PORT, source: 'default' } };
  }
  const fromEnv = placeholder ? ` (default of \${${placeholder.name}})` : '';
  findings.push({
    check: 'lint.port.main',
    status: 'ok',
    title: `main port ${port}${fromEnv}: ${describePorts(port)}`,
    evidence: `clients need ${port} and ${rolePorts(port, ['client-grpc']).get('client-grpc')} (${ROLE_DESCRIPTIONS['client-grpc']}); members need all four between each other`,
    location: at(file, chosen.line),
  });
  return { findings, mainPort: { port, source: `${key} (line ${chosen.line})` } };
}

function upgradeFindings(file: string | undefined, properties: Properties, upgradeFrom1x: boolean): Finding[] {
  const entry = properties.get(UPGRADE_FROM_1X_KEY);
  const on = entry !== undefined && isTrue(entry.value);
  const location = file === undefined ? undefined : entry ? at(file, entry.line) : { file };
  const explanation =
    'Nacos 2.1.x keeps the 1.x Raft and double write (needed while 1.x members remain) only when this is true; 2.0.x always does; 2.2.0 removed the 1.x upgrade path, so go from 1.x to 2.1.x first';
  if (upgradeFrom1x && !on) {
    return [
      {
        check: 'lint.upgrade.from-1x',
        status: 'fail',
        title: `${UPGRADE_FROM_1X_KEY} is ${entry ? `"${entry.value}"` : 'not set'}, but this cluster is upgrading from 1.x`,
        cause: 'UPGRADE_FROM_1X_OFF',
        explanation,
        fix: `${UPGRADE_FROM_1X_KEY}=true   # on every 2.1.x member until double write is switched off`,
        ...(location ? { location } : {}),
      },
    ];
  }
  if (on) {
    return [
      {
        check: 'lint.upgrade.from-1x',
        status: upgradeFrom1x ? 'ok' : 'info',
        title: `${UPGRADE_FROM_1X_KEY}=${entry.value}: 1.x upgrade support is on`,
        explanation: `${explanation}. Remove it once the upgrade is done (double write switched off)`,
        ...(location ? { location } : {}),
      },
    ];
  }
  const legacy = DEPRECATED_KEYS.filter((rule) => rule.key.startsWith('nacos.naming.') && properties.has(rule.key));
  if (legacy.length === 0) return [];
  return [
    {
      check: 'lint.upgrade.from-1x',
      status: 'info',
      title: `this config still has 1.x keys (${legacy.map((rule) => rule.key).join(', ')}); if you are upgrading from 1.x, run lint with --upgrade-from-1x`,
      explanation,
      fix: `for a rolling upgrade from 1.x to 2.1.x: ${UPGRADE_FROM_1X_KEY}=true`,
      ...(location ? { location } : {}),
    },
  ];
}

function changingIpRange(host: string): string | undefined {
  if (isIP(host) !== 4) return undefined;
  for (const range of CHANGING_IP_RANGES) {
    const cidr = parseCidr(range.cidr);
    const list = new BlockList();
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    if (list.check(host, 'ipv4')) return `${range.cidr}, ${range.what}`;
  }
  return undefined;
}

function clusterFindings(file: string, parsed: ParsedClusterConf): Finding[] {
  const findings: Finding[] = parsed.problems.map((problem) => ({
    check: 'lint.cluster.syntax',
    status: 'fail',
    title: `cannot read member "${problem.input}"`,
    cause: 'BAD_MEMBER',
    explanation: problem.message,
    fix: 'one member per entry as IP:PORT, HOSTNAME:PORT or [IPv6]:PORT (the port defaults to this member\'s main port)',
    location: at(file, problem.line),
  }));
  const seen = new Map<string, ClusterMember>();
  const unique: ClusterMember[] = [];
  for (const member of parsed.members) {
    const key = memberKey(member);
    const first = seen.get(key);
    if (first) {
      const spelled = first.input === member.input;
      findings.push({
        check: 'lint.cluster.duplicate',
        status: 'warn',
        title: spelled ? `${member.input} is listed twice (lines ${first.line} and ${member.line})` : `${member.input} is the same member as ${first.input} (lines ${first.line} and ${member.line})`,
        cause: 'DUPLICATE_MEMBER',
        explanation: spelled
          ? 'Nacos keeps one; a duplicate is often a typo for another member'
          : `${sameHostReason(first.host, member.host)}; Nacos compares the texts and would take them for two members, one of which never answers`,
        fix: `remove line ${member.line} or correct it`,
        location: at(file, member.line),
      });
      continue;
    }
    seen.set(key, member);
    unique.push(member);
  }
  for (const member of unique) {
    const set = portSet(member.port);
    if (set instanceof Error) {
      findings.push({
        check: 'lint.cluster.port',
        status: 'fail',
        title: `member ${member.input} cannot use main port ${member.port}`,
        cause: 'BAD_MAIN_PORT',
        explanation: set.message,
        location: at(file, member.line),
      });
    }
  }
  findings.push(...collisionFindings(file, unique));
  if (parsed.members.length === 0 && parsed.problems.length === 0) {
    findings.push({
      check: 'lint.cluster.members',
      status: 'fail',
      title: 'no members listed',
      fix: 'list every member, one IP:PORT per line (this member included), or start Nacos in standalone mode (-m standalone)',
      location: { file },
    });
  } else if (unique.length === 1 || unique.length === 2) {
    findings.push({
      check: 'lint.cluster.members',
      status: 'warn',
      title: `${plural(unique.length, 'member')}: ${unique.map((member) => member.input).join(', ')}`,
      cause: 'NO_RAFT_MAJORITY_MARGIN',
      explanation: 'Raft needs a majority of the members to elect a leader, so with 1 or 2 members losing one stops writes',
      fix: unique.length === 1 ? 'run it in standalone mode (-m standalone), or add members' : 'use 3 members (or 5)',
      location: { file },
    });
  } else if (unique.length > 0) {
    findings.push({ check: 'lint.cluster.members', status: 'ok', title: `${unique.length} members: ${unique.map((member) => member.input).join(', ')}`, location: { file } });
  }
  return findings;
}

/** Why two spellings name one machine, for findings that compare them. */
function sameHostReason(a: string, b: string): string {
  if (isLoopbackHost(a) && isLoopbackHost(b)) {
    return `${a} and ${b} are both this machine (localhost is taken as 127.0.0.1/::1, and Nacos binds its ports on every interface)`;
  }
  return `${a} and ${b} are the same address`;
}

function collisionFindings(file: string, members: readonly ClusterMember[]): Finding[] {
  const byHost = new Map<string, ClusterMember[]>();
  for (const member of members) byHost.set(hostKey(member.host), [...(byHost.get(hostKey(member.host)) ?? []), member]);
  const findings: Finding[] = [];
  const differences = collidingDifferences().join(', ');
  for (const [key, onHost] of byHost) {
    const collisions = findCollisions(onHost.map((member) => ({ ...member, label: member.input })));
    if (collisions.length === 0) continue;
    const spellings = [...new Set(onHost.map((member) => member.host))];
    const host = key === LOOPBACK ? `this machine (${spellings.join(', ')})` : spellings.join(' = ');
    const loopbackNote =
      key === LOOPBACK && spellings.length > 1 ? `; ${spellings.join(', ')} all name this machine (localhost is taken as 127.0.0.1/::1, and Nacos binds its ports on every interface)` : '';
    const proposal = proposeMainPorts(onHost.map((member) => member.port));
    const plan = proposal
      ? onHost.map((member, i) => `${formatHostPort(member.host, proposal[i]!)}${proposal[i] === member.port ? '' : `   # was ${member.port}`}`).join('\n')
      : undefined;
    const first = collisions[0]!;
    collisions.forEach((collision, index) => {
      findings.push({
        check: 'lint.cluster.port-collision',
        status: 'fail',
        title: `${collision.first.input} and ${collision.second.input} both need port ${collision.port}`,
        evidence: `${collision.port} = ${collision.first.port} ${formatOffset(collision.firstRole).slice(1) || '+0'} (${collision.firstRole}) = ${collision.second.port} ${formatOffset(collision.secondRole).slice(1) || '+0'} (${collision.secondRole})`,
        cause: 'PORT_COLLISION',
        explanation: `each member listens on P-1000, P, P+1000 and P+1001, so members on one host (${host}) need main ports that differ by none of ${differences}; the second to start fails to bind${loopbackNote}`,
        // The proposal covers every member of the host: give it once, on the first collision.
        ...(plan === undefined
          ? {}
          : { fix: index === 0 ? `main ports that work on ${host} (set server.port / nacos.server.main.port of each to match):\n${plan}` : `use the main ports proposed for ${host} at line ${first.second.line}` }),
        location: at(file, collision.second.line),
      });
    });
  }
  return findings;
}

function addressFindings(files: { properties?: string; cluster?: string }, properties: Properties, cluster: ParsedClusterConf | undefined): Finding[] {
  const findings: Finding[] = [];
  const serverIp = properties.get(SERVER_IP_PROPERTY);
  if (serverIp && files.properties) {
    findings.push({
      check: 'lint.address.server-ip',
      status: 'warn',
      title: `${SERVER_IP_PROPERTY} has no effect in application.properties`,
      evidence: `${SERVER_IP_PROPERTY}=${serverIp.value}`,
      cause: 'SERVER_IP_IGNORED',
      explanation: `Nacos reads ${SERVER_IP_PROPERTY} only as a JVM system property; in this file the key is ${IP_ADDRESS_KEY}`,
      fix: `${IP_ADDRESS_KEY}=${serverIp.value}   (or start with -D${SERVER_IP_PROPERTY}=${serverIp.value}; the nacos/nacos-server image does that from NACOS_SERVER_IP)`,
      location: at(files.properties, serverIp.line),
    });
  }
  if (!cluster || !files.cluster || cluster.members.length === 0) return findings;
  const hosts = new Set(cluster.members.map((member) => member.host.toLowerCase()));
  const pinned = properties.get(IP_ADDRESS_KEY);
  if (pinned && files.properties && !hosts.has(pinned.value.trim().toLowerCase())) {
    findings.push({
      check: 'lint.address.self',
      status: 'fail',
      title: `this member calls itself ${pinned.value} (${IP_ADDRESS_KEY}), which is not a member in cluster.conf`,
      evidence: `cluster.conf hosts: ${[...hosts].join(', ')}`,
      cause: 'SELF_NOT_MEMBER',
      explanation: 'a member finds itself in cluster.conf by its own address; Nacos then logs "[serverlist] self ip … not in serverlist"',
      fix: `list it in cluster.conf as ${pinned.value}:<port>, or set ${IP_ADDRESS_KEY} to the address cluster.conf uses for this member`,
      location: at(files.properties, pinned.line),
    });
  }
  const named = cluster.members.filter((member) => isIP(member.host) === 0);
  const preferHostname = properties.get(PREFER_HOSTNAME_KEY);
  if (named.length > 0 && !pinned && !(preferHostname && isTrue(preferHostname.value))) {
    findings.push({
      check: 'lint.address.hostnames',
      status: 'warn',
      title: `cluster.conf names members by hostname (${named.map((member) => member.host).join(', ')}), but this member will call itself by its IP`,
      cause: 'HOSTNAME_MEMBERS_WITHOUT_PREFER_HOSTNAME',
      explanation: `without ${PREFER_HOSTNAME_KEY}=true (or a pinned address) a member names itself by its first non-loopback IP and does not find itself in cluster.conf`,
      fix: `${PREFER_HOSTNAME_KEY}=true   (the nacos/nacos-server image: PREFER_HOST_MODE=hostname)`,
      location: at(files.cluster, named[0]!.line),
    });
  }
  const changing = [...new Map(cluster.members.map((member) => [member.host, member])).values()]
    .map((member) => ({ member, range: changingIpRange(member.host) }))
    .filter((item) => item.range !== undefined);
  if (changing.length > 0) {
    findings.push({
      check: 'lint.address.changing-ips',
      status: 'warn',
      title: `members are addressed by IPs that look like container or pod addresses: ${changing.map((item) => item.member.host).join(', ')}`,
      evidence: changing.map((item) => `${item.member.host} in ${item.range}`).join('; '),
      cause: 'CHANGING_MEMBER_IPS',
      explanation:
        'such IPs change when the container or pod is recreated; JRaft keeps the member addresses in data/protocol, so after a change no leader is elected and the server answers "server is DOWN" (alibaba/nacos#4210, #11950, #12504)',
      fix: [
        `address members by stable names (compose service names, StatefulSet DNS such as nacos-0.nacos-headless) with ${PREFER_HOSTNAME_KEY}=true,`,
        `or pin each member's own address with ${IP_ADDRESS_KEY}=<its address> (JVM: -D${SERVER_IP_PROPERTY}=…, image: NACOS_SERVER_IP)`,
        'if an IP already changed: stop that member, delete its data/protocol directory, start it again',
      ].join('\n'),
      location: at(files.cluster, changing[0]!.member.line),
    });
  }
  return findings;
}

/** One finding for a config that is binary data: linting its bytes would give dozens of junk findings. */
function binaryFinding(config: ConfigText, what: string): Section | undefined {
  const reason = binaryReason(config.text);
  if (reason === undefined) return undefined;
  return {
    target: config.path,
    findings: [
      {
        check: 'lint.file',
        status: 'fail',
        title: `not a text file (${reason}), so not read as ${what}`,
        cause: 'BINARY_FILE',
        explanation: `Nacos reads ${what} as text (${what === 'cluster.conf' ? 'one member per line' : 'key=value lines'}); these bytes are something else: a corrupted file, or another file copied over it`,
        fix: `restore ${what} from a backup or another member, or write it anew`,
        location: { file: config.path },
      },
    ],
  };
}

export function lintConfig(input: LintInput): Report {
  const sections: Section[] = [];
  let properties: Properties = new Map();
  let mainPort: MainPort = { port: DEFAULT_MAIN_PORT, source: 'default' };
  const binaryProperties = input.properties && binaryFinding(input.properties, 'application.properties');
  const binaryCluster = input.clusterConf && binaryFinding(input.clusterConf, 'cluster.conf');
  if (binaryProperties) {
    sections.push(binaryProperties);
  } else if (input.properties) {
    const file = input.properties.path;
    const syntax = syntaxFindings(file, input.properties.text);
    properties = syntax.properties;
    const ports = mainPortFindings(file, properties);
    mainPort = ports.mainPort;
    sections.push({
      target: file,
      findings: [...syntax.findings, ...deprecatedFindings(file, properties), ...ports.findings, ...upgradeFindings(file, properties, input.upgradeFrom1x === true)],
    });
  } else if (input.upgradeFrom1x) {
    sections.push({ target: 'application.properties', findings: upgradeFindings(undefined, properties, true) });
  }
  let cluster: ParsedClusterConf | undefined;
  if (binaryCluster) {
    sections.push(binaryCluster);
  } else if (input.clusterConf) {
    cluster = parseClusterConf(input.clusterConf.text, mainPort.port);
    sections.push({ target: input.clusterConf.path, title: `members without a port use ${mainPort.port} (${mainPort.source})`, findings: clusterFindings(input.clusterConf.path, cluster) });
  }
  const addresses = addressFindings(
    { ...(input.properties && !binaryProperties ? { properties: input.properties.path } : {}), ...(input.clusterConf && !binaryCluster ? { cluster: input.clusterConf.path } : {}) },
    properties,
    cluster,
  );
  return { command: 'lint', sections, ...(addresses.length > 0 ? { summary: addresses } : {}) };
}
