/**
 * Where the operator is in the Nacos 1.x -> 2.x rolling-upgrade guide, decided from what the
 * members answered (upgrade ops metrics, server state, cluster nodes): still upgrading (and which
 * members are not readyToUpgrade), upgraded with double write on (print the switch command, never
 * send it), done, or the ops API is absent on this version (and why). Members answering 503
 * "server is DOWN" get the Raft advice. Pure: observations in, report out; the I/O belongs to the
 * `upgrade` command.
 */
import type { DataMap, Finding, Report, Section } from '../doctor/report.js';
import { formatOffset, isValidPort, mainPortOf } from '../ports.js';
import { startsWithSettings } from '../doctor/h2-fingerprint.js';
import type { ClusterNode } from '../nacos/cluster-nodes.js';
import type { ServerState } from '../nacos/server-state.js';
import { compareVersions, parseNacosVersion, versionInRange, type NacosVersion } from '../nacos/server-version.js';
import type { UpgradeMetrics } from './upgrade-metrics.js';
import { DEFAULT_CONTEXT_PATH } from '../nacos/http-client.js';
import { diffFindings, type UpgradeDiff } from './upgrade-diff.js';
import {
  DOUBLE_WRITE_EXPLANATION,
  DOUBLE_WRITE_WARNING,
  NOT_READY_EXPLANATION,
  RAFT_NO_LEADER_EXPLANATION,
  doubleWriteOffCommand,
  notReadyFix,
  raftNoLeaderFix,
} from './upgrade-guide.js';

/** The ops API exists from 2.0.2 up to 2.1.x (NACOS-FACTS.md §3). */
export const OPS_API_FROM = '2.0.2';
export const OPS_API_BELOW = '2.2.0';

export interface MemberObservation {
  /** What the operator typed, e.g. `10.0.0.1:8848`. */
  readonly address: string;
  /** `contextPath` is the one in use for this member; default the input's, else `/nacos`. */
  readonly member: { readonly scheme?: string; readonly host: string; readonly port: number; readonly contextPath?: string };
  readonly state?: ServerState;
  readonly metrics?: UpgradeMetrics;
  /** Why the metrics could not be read: one of the HTTP client's errors (src/nacos/http-errors.ts). */
  readonly metricsError?: unknown;
  /** With --diff: how this member's 1.x and 2.x data differ. */
  readonly diff?: UpgradeDiff;
}

export interface UpgradeInput {
  readonly members: readonly MemberObservation[];
  /** The cluster's member list as one member reported it, when it could be read. */
  readonly nodes?: readonly ClusterNode[];
  /** Why no member gave the member list, when one was asked. */
  readonly nodesError?: unknown;
  readonly contextPath?: string;
  /** --diff was asked for: the differing services are listed in the member sections. */
  readonly diff?: boolean;
}

/** `incomplete`: the members that answered look done (or double write on), but not every member answered or Raft lacks a leader. */
export type UpgradeStage = 'upgrading' | 'double-write-on' | 'done' | 'incomplete' | 'api-absent' | 'unknown';

export type MemberStatus =
  | { readonly kind: 'metrics'; readonly metrics: UpgradeMetrics }
  | { readonly kind: 'down'; readonly serverStatus: string; readonly detail: string | undefined }
  | { readonly kind: 'absent'; readonly version: NacosVersion | undefined; readonly why: string; readonly after: boolean; readonly before: boolean }
  | { readonly kind: 'auth'; readonly message: string }
  /** Something answered that is no Nacos main port: a gRPC port (HTTP/2 only), or an HTTP server without Nacos' APIs. */
  | { readonly kind: 'not-nacos'; readonly message: string; readonly grpcPort: boolean }
  /** No answer (`code` ERR_CONNECT_* / ERR_HTTP_TIMEOUT) or one that is not the API's (any other code). */
  | { readonly kind: 'unreachable'; readonly message: string; readonly code: string };

export interface UpgradeDecision {
  readonly stage: UpgradeStage;
  /** Addresses of cluster members (from cluster nodes) that are not readyToUpgrade. */
  readonly notReady: readonly string[];
  /** Addresses of members still on 1.x (from their version). */
  readonly still1x: readonly string[];
  /** The double-write switch command, printed when the stage is double-write-on. */
  readonly command: string | undefined;
  /** Given members that gave no usable answer (down, unreachable, refused, not Nacos), as typed. */
  readonly silent: readonly string[];
  /** Raft groups without a leader, from the member list. */
  readonly leaderless: readonly string[];
}

interface ErrorLike {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly message?: unknown;
  readonly serverStatus?: unknown;
  readonly detail?: unknown;
  /** The first bytes of an answer that was not HTTP, hex (NacosHttpClient keeps them). */
  readonly received?: unknown;
}

function versionOf(observation: MemberObservation, nodes: readonly ClusterNode[] | undefined): NacosVersion | undefined {
  const text =
    observation.state?.version ??
    nodes?.find((node) => node.ip === observation.member.host && node.port === observation.member.port)?.version;
  return text === undefined ? undefined : parseNacosVersion(text);
}

function absentWhy(version: NacosVersion | undefined): { why: string; after: boolean; before: boolean } {
  if (version === undefined) {
    return {
      why: `no upgrade ops API at this address: the member is not Nacos ${OPS_API_FROM}-2.1.x, or the context path is wrong`,
      after: false,
      before: false,
    };
  }
  if (version.major < 2) {
    return { why: `Nacos ${version.text} is a 1.x member: it has no upgrade API and must itself be upgraded to 2.x`, after: false, before: true };
  }
  if (compareVersions(version, parseNacosVersion(OPS_API_FROM)!) < 0) {
    return {
      why: `Nacos ${version.text} predates the upgrade ops API (added in ${OPS_API_FROM}); its naming-server.log says "upgrade check result …" (nacos-doctor logs)`,
      after: false,
      before: true,
    };
  }
  if (versionInRange(version, OPS_API_FROM, OPS_API_BELOW)) {
    return { why: `Nacos ${version.text} should have the upgrade ops API but did not answer it: check the context path`, after: false, before: false };
  }
  return {
    why: `Nacos ${version.text} has no 1.x upgrade path any more (2.2.0 removed double write and the ops API with it): this member speaks only the 2.x protocol`,
    after: true,
    before: false,
  };
}

/** What one member's answer (or failure) says. Pure. */
export function memberStatus(observation: MemberObservation, nodes?: readonly ClusterNode[]): MemberStatus {
  if (observation.metrics) return { kind: 'metrics', metrics: observation.metrics };
  const version = versionOf(observation, nodes);
  // No answer was asked for: the caller saw from the version that there is no API.
  if (observation.metricsError === undefined) return { kind: 'absent', version, ...absentWhy(version) };
  const error = observation.metricsError as ErrorLike;
  const message = typeof error.message === 'string' ? error.message : String(observation.metricsError);
  // Node's HTTP/1 parser fails (HPE_INVALID_CONSTANT and kin) on whatever is not HTTP/1; a gRPC
  // port is the one that answered with an HTTP/2 SETTINGS frame.
  if (typeof error.errno === 'string' && error.errno.startsWith('HPE_')) {
    const grpcPort = typeof error.received === 'string' && startsWithSettings(Buffer.from(error.received, 'hex'));
    return { kind: 'not-nacos', message, grpcPort };
  }
  switch (error.code) {
    case 'ERR_NACOS_DOWN':
      return { kind: 'down', serverStatus: String(error.serverStatus ?? 'DOWN'), detail: typeof error.detail === 'string' ? error.detail : undefined };
    case 'ERR_NACOS_API_ABSENT':
      // Without a version, not even the server state answered: nothing Nacos is at this address.
      return version === undefined && observation.state === undefined ? { kind: 'not-nacos', message, grpcPort: false } : { kind: 'absent', version, ...absentWhy(version) };
    case 'ERR_NACOS_AUTH':
      return { kind: 'auth', message };
    default:
      return { kind: 'unreachable', message, code: String(error.code ?? '') };
  }
}

/** A member that gave no answer the stage can be read from. */
function isSilent(status: MemberStatus): boolean {
  return status.kind === 'down' || status.kind === 'unreachable' || status.kind === 'auth' || status.kind === 'not-nacos';
}

/** The stage of the whole cluster. Pure. */
export function decideUpgradeStage(input: UpgradeInput): UpgradeDecision {
  const statuses = input.members.map((observation) => ({ observation, status: memberStatus(observation, input.nodes) }));
  const withMetrics = statuses.flatMap(({ observation, status }) => (status.kind === 'metrics' ? [{ observation, metrics: status.metrics }] : []));
  const still1x = [
    ...statuses.filter(({ status }) => status.kind === 'absent' && status.version !== undefined && status.version.major < 2).map(({ observation }) => observation.address),
    ...(input.nodes ?? []).filter((node) => node.version !== undefined && parseNacosVersion(node.version)?.major === 1).map((node) => node.address),
  ];
  const notReady = (input.nodes ?? []).filter((node) => node.readyToUpgrade !== true).map((node) => node.address);
  const silent = statuses.filter(({ status }) => isSilent(status)).map(({ observation }) => observation.address);
  const leaderless = [...new Set((input.nodes ?? []).flatMap((node) => node.raftGroups.filter((group) => group.leader === undefined).map((group) => group.group)))];
  const base = { notReady, still1x: [...new Set(still1x)], command: undefined, silent, leaderless };
  if (withMetrics.length === 0) {
    const absent = statuses.filter(({ status }) => status.kind === 'absent');
    if (absent.length > 0 && absent.length === statuses.length - silent.length) {
      return { ...base, stage: base.still1x.length > 0 ? 'upgrading' : 'api-absent' };
    }
    return { ...base, stage: base.still1x.length > 0 ? 'upgrading' : 'unknown' };
  }
  const upgrading =
    base.still1x.length > 0 ||
    withMetrics.some(({ metrics }) => metrics.upgraded !== true || metrics.isAll20XVersion === false) ||
    statuses.some(({ status }) => status.kind === 'absent' && status.before);
  if (upgrading) return { ...base, stage: 'upgrading' };
  // Done (or ready to end double write) only when every member given answered and Raft works.
  if (silent.length > 0 || leaderless.length > 0) return { ...base, stage: 'incomplete' };
  const doubleWrite = withMetrics.find(({ metrics }) => metrics.isDoubleWriteEnabled === true);
  if (doubleWrite) {
    const { member } = doubleWrite.observation;
    return { ...base, stage: 'double-write-on', command: doubleWriteOffCommand(member, member.contextPath ?? input.contextPath ?? DEFAULT_CONTEXT_PATH) };
  }
  return { ...base, stage: 'done' };
}

function metricsEvidence(metrics: UpgradeMetrics): string {
  const count = (key: string): string => String(metrics.counts[key] ?? '?');
  return [
    `upgraded=${String(metrics.upgraded)}`,
    `isAll20XVersion=${String(metrics.isAll20XVersion)}`,
    `isDoubleWriteEnabled=${String(metrics.isDoubleWriteEnabled)}`,
    `doubleWriteDelayTaskCount=${String(metrics.doubleWriteDelayTaskCount ?? '?')}`,
    `services v1/v2 ${count('serviceCountV1')}/${count('serviceCountV2')}`,
    `instances v1/v2 ${count('instanceCountV1')}/${count('instanceCountV2')}`,
    `service.V1.not.in.V2 ${metrics.serviceV1NotInV2.length}`,
    `service.V2.not.in.V1 ${metrics.serviceV2NotInV1.length}`,
  ].join(', ');
}

/** The metrics as flat data for --json readers. */
function metricsData(metrics: UpgradeMetrics): DataMap {
  return {
    upgraded: metrics.upgraded ?? null,
    isAll20XVersion: metrics.isAll20XVersion ?? null,
    isDoubleWriteEnabled: metrics.isDoubleWriteEnabled ?? null,
    doubleWriteDelayTaskCount: metrics.doubleWriteDelayTaskCount ?? null,
    ...Object.fromEntries(['serviceCountV1', 'serviceCountV2', 'instanceCountV1', 'instanceCountV2'].map((key) => [key, metrics.counts[key] ?? null])),
    servicesOnlyInV1: metrics.serviceV1NotInV2.length,
    servicesOnlyInV2: metrics.serviceV2NotInV1.length,
  };
}

function memberFinding(status: MemberStatus, mainPort: number): Finding {
  switch (status.kind) {
    case 'metrics': {
      const { metrics } = status;
      const pending = metrics.doubleWriteDelayTaskCount ?? 0;
      const title = metrics.upgraded
        ? metrics.isDoubleWriteEnabled
          ? 'on the 2.x protocol, double write on'
          : 'on the 2.x protocol, double write off'
        : `still on the 1.x protocol${pending > 0 ? `, copying 1.x data (${pending} tasks pending)` : ''}`;
      return { check: 'upgrade.member', status: metrics.upgraded ? 'ok' : 'warn', title, evidence: metricsEvidence(metrics), data: metricsData(metrics) };
    }
    case 'down':
      return {
        check: 'upgrade.member',
        status: 'fail',
        title: `answers 503: server is ${status.serverStatus}`,
        ...(status.detail ? { evidence: status.detail } : {}),
        cause: 'NAMING_DOWN',
        explanation: RAFT_NO_LEADER_EXPLANATION,
        fix: raftNoLeaderFix(mainPort),
      };
    case 'absent':
      // Info only when the version explains the absence (2.2+); before 2.0.2, or unexplained, it needs a look.
      return { check: 'upgrade.member', status: status.after ? 'info' : 'warn', title: 'no upgrade ops API', explanation: status.why };
    case 'auth':
      return {
        check: 'upgrade.member',
        status: 'fail',
        title: 'refused: authentication',
        evidence: status.message,
        cause: 'AUTH',
        fix:
          'give a Nacos user with --username/--password (the doctor logs in with POST /nacos/v1/auth/login) or a token with --access-token ' +
          '(also NACOS_USERNAME/NACOS_PASSWORD, NACOS_ACCESS_TOKEN); "unknown user!" means the user or password is wrong',
      };
    case 'not-nacos': {
      const grpcMain = mainPortOf(mainPort, 'client-grpc');
      return status.grpcPort
        ? {
            check: 'upgrade.member',
            status: 'fail',
            title: `not a Nacos main port: ${mainPort} answered in HTTP/2, not HTTP/1.1`,
            evidence: status.message,
            cause: 'GRPC_PORT_GIVEN',
            explanation: `this looks like the gRPC port (main port ${formatOffset('client-grpc')}) of a Nacos member, which speaks only HTTP/2; the upgrade API is on the main HTTP port`,
            fix: isValidPort(grpcMain) ? `give the main port: ${grpcMain} (${mainPort} - 1000)` : 'give the member\'s main port (server.port; nacos.server.main.port on 3.x)',
          }
        : {
            check: 'upgrade.member',
            status: 'fail',
            title: 'not a Nacos server: neither the server state nor the upgrade ops API answered',
            evidence: status.message,
            cause: 'NOT_NACOS',
            fix: "check that the address is a Nacos member's main port (server.port; nacos.server.main.port on 3.x) and its context path (--context-path, default /nacos)",
          };
    }
    case 'unreachable':
      if (status.code === 'ERR_HTTP_TIMEOUT' || status.code.startsWith('ERR_CONNECT_')) {
        return {
          check: 'upgrade.member',
          status: 'fail',
          title: 'no answer',
          evidence: status.message,
          cause: 'UNREACHABLE',
          fix: `check that the member runs and that ${mainPort} is its main HTTP port (server.port; nacos.server.main.port on 3.x); for a slow member raise --timeout`,
        };
      }
      return {
        check: 'upgrade.member',
        status: 'fail',
        title: 'unexpected answer',
        evidence: status.message,
        cause: 'BAD_ANSWER',
        fix: 'check that the address is a Nacos member\'s main port and the context path (--context-path, default /nacos)',
      };
  }
}

function leaderFindings(nodes: readonly ClusterNode[], mainPort: number | undefined): Finding[] {
  const leaderless = new Map<string, string[]>();
  for (const node of nodes) for (const group of node.raftGroups) if (group.leader === undefined) leaderless.set(group.group, [...(leaderless.get(group.group) ?? []), node.address]);
  if (leaderless.size === 0) return [];
  return [
    {
      check: 'upgrade.raft',
      status: 'fail',
      title: `Raft groups without a leader: ${[...leaderless.keys()].join(', ')}`,
      evidence: [...leaderless].map(([group, members]) => `${group} (seen by ${members.join(', ')})`).join('; '),
      cause: 'RAFT_NO_LEADER',
      explanation: `members cannot become readyToUpgrade without a Raft leader (#10104). ${RAFT_NO_LEADER_EXPLANATION}`,
      fix: raftNoLeaderFix(mainPort),
    },
  ];
}

/** The member list decides who is not ready and which Raft groups lack a leader; say why it is missing. */
function nodesFinding(error: unknown, stage: UpgradeStage): Finding {
  const { code, message } = error as ErrorLike;
  return {
    check: 'upgrade.nodes',
    status: stage === 'upgrading' ? 'warn' : 'info',
    title: 'could not read the cluster member list (readyToUpgrade, Raft leaders)',
    evidence: typeof message === 'string' ? message : String(error),
    ...(code === 'ERR_NACOS_AUTH' ? { cause: 'AUTH', fix: 'give a Nacos user with --username/--password or --access-token' } : {}),
  };
}

function stageFinding(decision: UpgradeDecision, statuses: readonly MemberStatus[], mainPort: number | undefined, diff: boolean): Finding {
  switch (decision.stage) {
    case 'upgrading': {
      const who = [
        ...(decision.still1x.length > 0 ? [`still on 1.x: ${decision.still1x.join(', ')}`] : []),
        ...(decision.notReady.length > 0 ? [`not readyToUpgrade: ${decision.notReady.join(', ')}`] : []),
      ];
      return {
        check: 'upgrade.stage',
        status: 'warn',
        title: 'still upgrading: the members have not all switched to the 2.x protocol',
        ...(who.length > 0 ? { evidence: who.join('; ') } : { evidence: 'cluster nodes could not be read, so which members are not ready is unknown' }),
        cause: 'UPGRADE_NOT_READY',
        explanation: NOT_READY_EXPLANATION,
        fix: notReadyFix(mainPort),
      };
    }
    case 'double-write-on': {
      const onlyV1 = Math.max(0, ...statuses.map((status) => (status.kind === 'metrics' ? status.metrics.serviceV1NotInV2.length : 0)));
      const where = diff ? 'listed above' : 'nacos-doctor upgrade --diff lists them';
      const caution = onlyV1 > 0 ? `\nfirst check the ${onlyV1} services that are in 1.x data but not in 2.x (${where})` : '';
      return {
        check: 'upgrade.stage',
        status: 'warn',
        title: 'upgraded, double write still on: the last step of the guide is left',
        cause: 'UPGRADE_DOUBLE_WRITE_ON',
        explanation: DOUBLE_WRITE_EXPLANATION,
        fix: `when all clients work, run once (nacos-doctor never sends it):\n${decision.command ?? ''}\nwarning: ${DOUBLE_WRITE_WARNING}${caution}`,
      };
    }
    case 'done':
      return { check: 'upgrade.stage', status: 'ok', title: 'upgrade done: every member is on the 2.x protocol and double write is off' };
    case 'incomplete': {
      const missing = [
        ...(decision.silent.length > 0 ? [`no usable answer from ${decision.silent.join(', ')}`] : []),
        ...(decision.leaderless.length > 0 ? [`Raft groups without a leader: ${decision.leaderless.join(', ')}`] : []),
      ];
      return {
        check: 'upgrade.stage',
        status: 'warn',
        title: 'not done: the members that answered are on the 2.x protocol, but not every member answered and works',
        evidence: missing.join('; '),
        cause: 'UPGRADE_UNCONFIRMED',
        explanation:
          'the upgrade is done only when every member runs 2.x on the 2.x protocol; a member that is DOWN, unreachable or without a Raft leader may still be 1.x, ' +
          'not ready, or lose data when double write is switched off',
        fix: 'fix the members named above (see their findings), then run nacos-doctor upgrade again with every member; do not switch double write off before',
      };
    }
    case 'api-absent': {
      const after = statuses.every((status) => status.kind !== 'absent' || status.after);
      return {
        check: 'upgrade.stage',
        status: 'info',
        title: after ? 'no 1.x upgrade in progress: these members are 2.2 or later' : 'the upgrade ops API is not available on these members',
        explanation: `the API exists on Nacos ${OPS_API_FROM} to 2.1.x only`,
        ...(after ? {} : { fix: 'read the upgrade state from the logs instead: nacos-doctor logs <member logs dir>' }),
      };
    }
    case 'unknown':
      return { check: 'upgrade.stage', status: 'warn', title: 'upgrade state unknown: no member answered the upgrade ops API', fix: 'see the member findings above' };
  }
}

/** One number for the cluster when every member agrees, else the range and who has what. */
function clusterCount(key: string, members: readonly { address: string; metrics: UpgradeMetrics }[]): { text: string; value: number | undefined } {
  const values = members.map(({ address, metrics }) => ({ address, value: metrics.counts[key] })).filter((item): item is { address: string; value: number } => item.value !== undefined);
  if (values.length === 0) return { text: '?', value: undefined };
  const distinct = [...new Set(values.map((item) => item.value))];
  if (distinct.length === 1) return { text: String(distinct[0]), value: distinct[0] };
  return { text: `${Math.min(...distinct)}-${Math.max(...distinct)} (${values.map((item) => `${item.address} ${item.value}`).join(', ')})`, value: undefined };
}

/** Names shown in the cluster finding; the rest are counted. */
const MAX_NAMED_SERVICES = 20;

function namedList(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMED_SERVICES).join(', ');
  return names.length > MAX_NAMED_SERVICES ? `${shown} and ${names.length - MAX_NAMED_SERVICES} more` : shown;
}

/**
 * The counts for the cluster: each member keeps the whole naming data, so members agree when
 * the cluster is healthy; the service lists are merged over all members.
 */
function clusterTotals(statuses: readonly { address: string; status: MemberStatus }[]): Finding | undefined {
  const members = statuses.flatMap(({ address, status }) => (status.kind === 'metrics' ? [{ address, metrics: status.metrics }] : []));
  if (members.length === 0) return undefined;
  const counts = Object.fromEntries(['serviceCountV1', 'serviceCountV2', 'instanceCountV1', 'instanceCountV2'].map((key) => [key, clusterCount(key, members)]));
  const onlyV1 = [...new Set(members.flatMap(({ metrics }) => metrics.serviceV1NotInV2))].sort();
  const onlyV2 = [...new Set(members.flatMap(({ metrics }) => metrics.serviceV2NotInV1))].sort();
  const pending = members.reduce((sum, { metrics }) => sum + (metrics.doubleWriteDelayTaskCount ?? 0), 0);
  const agree = Object.values(counts).every((count) => count.value !== undefined);
  const lists = [...(onlyV1.length > 0 ? [`only in 1.x: ${namedList(onlyV1)}`] : []), ...(onlyV2.length > 0 ? [`only in 2.x: ${namedList(onlyV2)}`] : [])];
  return {
    check: 'upgrade.cluster',
    status: 'info',
    title:
      `cluster (${members.length} of ${statuses.length} members answered): services v1/v2 ${counts.serviceCountV1!.text}/${counts.serviceCountV2!.text}, ` +
      `instances v1/v2 ${counts.instanceCountV1!.text}/${counts.instanceCountV2!.text}${agree && members.length > 1 ? ' on every member' : ''}; ` +
      `${onlyV1.length} services only in 1.x data, ${onlyV2.length} only in 2.x data; ${pending} double-write tasks pending`,
    ...(lists.length > 0 ? { evidence: lists.join('; ') } : {}),
    data: {
      membersAnswered: members.length,
      members: statuses.length,
      serviceCountV1: counts.serviceCountV1!.value ?? null,
      serviceCountV2: counts.serviceCountV2!.value ?? null,
      instanceCountV1: counts.instanceCountV1!.value ?? null,
      instanceCountV2: counts.instanceCountV2!.value ?? null,
      servicesOnlyInV1: onlyV1.length,
      servicesOnlyInV2: onlyV2.length,
      doubleWriteDelayTaskCount: pending,
    },
  };
}

/** The main port of every member when they share one; undefined when they differ. */
function sharedMainPort(input: UpgradeInput): number | undefined {
  const ports = new Set(input.members.map((observation) => observation.member.port));
  return ports.size === 1 ? [...ports][0] : undefined;
}

/** The report of `nacos-doctor upgrade`. Pure. */
export function upgradeReport(input: UpgradeInput): Report {
  const decision = decideUpgradeStage(input);
  const mainPort = sharedMainPort(input);
  const statuses = input.members.map((observation) => memberStatus(observation, input.nodes));
  const sections: Section[] = input.members.map((observation, index) => ({
    target: observation.address,
    ...(observation.state?.version ? { title: `Nacos ${observation.state.version}` } : {}),
    findings: [memberFinding(statuses[index]!, observation.member.port), ...(observation.diff ? diffFindings(observation.diff) : [])],
  }));
  const totals = clusterTotals(input.members.map((observation, index) => ({ address: observation.address, status: statuses[index]! })));
  const summary: Finding[] = [
    stageFinding(decision, statuses, mainPort, input.diff === true),
    ...(totals ? [totals] : []),
    ...(input.nodes === undefined && input.nodesError !== undefined ? [nodesFinding(input.nodesError, decision.stage)] : []),
    ...leaderFindings(input.nodes ?? [], mainPort),
  ];
  return { command: 'upgrade', sections, summary };
}
