/**
 * Turns a scan of a logs/ directory into the report: the files read, the timeline, and a verdict
 * with the cause and fix of each problem (NACOS-FACTS.md §3, §4 rows 9, 17, 23-26). Pure.
 */
import { describeError, errnoCode } from '../errors.js';
import type { Finding, Location, Report, Section, Status } from '../doctor/report.js';
import { DEFAULT_MAIN_PORT, ROLE_DESCRIPTIONS, formatOffset, roleOfPort, type Role } from '../ports.js';
import { roleField, type LogPosition, type LogScanResult, type Occurrence } from './log-timeline.js';
import { plural } from '../text.js';
import {
  DOUBLE_WRITE_EXPLANATION,
  DOUBLE_WRITE_WARNING,
  NOT_READY_EXPLANATION,
  RAFT_NO_LEADER_EXPLANATION,
  doubleWriteOffCommand,
  notReadyFix,
  raftNoLeaderFix,
  safeRolePort,
} from './upgrade-guide.js';

export interface ScannedFile {
  /** Relative to the scanned directory. */
  readonly name: string;
  readonly bytes: number;
  readonly gzip: boolean;
  readonly lines: number;
  readonly truncatedLines: number;
  /** Lines that are binary data (NUL bytes, control characters, invalid UTF-8): counted in `lines`, not scanned. */
  readonly binaryLines?: number;
  /** Named `.gz` but without the gzip header: read as plain text. */
  readonly notGzip?: boolean;
  /** Set when the file could not be read (fully); lines read before the error still count. */
  readonly error?: unknown;
}

export interface LogsReportInput {
  readonly dir: string;
  readonly files: readonly ScannedFile[];
  /** Names in the directory that are not Nacos server logs (access logs, other files). */
  readonly skipped: readonly string[];
  readonly scan: LogScanResult;
  /** --main-port; otherwise what the logs say, otherwise 8848. */
  readonly mainPort?: number;
}

/** Repeats of a problem from which it is a failure rather than a warning. */
export const REPEATED = 10;

function locate(position: LogPosition): Location {
  return { file: position.file, line: position.line };
}

function where(position: LogPosition): string {
  return `${position.file}:${position.line}`;
}

function when(position: LogPosition): string {
  return position.time ?? 'no timestamp';
}

function later(a: LogPosition | undefined, b: LogPosition | undefined): boolean {
  return a?.time !== undefined && b?.time !== undefined && a.time > b.time;
}

function times(count: number): string {
  return count === 1 ? 'once' : `${count} times`;
}

/** A matched line, short enough for one line of evidence. */
function quote(occurrence: Occurrence): string {
  const text = occurrence.sample.trim();
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function span(occurrence: Occurrence): string {
  return occurrence.count === 1
    ? `${when(occurrence.first)} at ${where(occurrence.first)}`
    : `${times(occurrence.count)}, ${when(occurrence.first)} at ${where(occurrence.first)} to ${when(occurrence.last)} at ${where(occurrence.last)}`;
}

class Aggregates {
  constructor(private readonly all: readonly Occurrence[]) {}

  of(id: Occurrence['id'], predicate: (occurrence: Occurrence) => boolean = () => true): Occurrence[] {
    return this.all.filter((occurrence) => occurrence.id === id && predicate(occurrence));
  }

  /** The latest occurrence of `id` (by timestamp), if any. */
  last(id: Occurrence['id'], predicate?: (occurrence: Occurrence) => boolean): Occurrence | undefined {
    let latest: Occurrence | undefined;
    for (const occurrence of this.of(id, predicate)) if (latest === undefined || later(occurrence.last, latest.last)) latest = occurrence;
    return latest;
  }
}

function mainPortOf(input: LogsReportInput): { port: number; evidence: string } {
  if (input.mainPort !== undefined) return { port: input.mainPort, evidence: 'main port from --main-port' };
  if (input.scan.mainPort) return { port: input.scan.mainPort.port, evidence: `main port ${input.scan.mainPort.port} from ${where(input.scan.mainPort.at)}` };
  return { port: DEFAULT_MAIN_PORT, evidence: `main port not in the logs, assumed ${DEFAULT_MAIN_PORT} (pass --main-port if it differs)` };
}

function startFindings(aggregates: Aggregates): Finding[] {
  const started = aggregates.last('start.ok');
  const waiting = aggregates.last('start.waiting');
  if (waiting && (!started || later(waiting.last, started.last))) {
    return [
      {
        check: 'logs.start',
        status: 'fail',
        title: 'Nacos did not finish starting',
        evidence: `"Nacos is starting..." ${span(waiting)}${started ? `; last successful start ${when(started.last)}` : ''}`,
        cause: 'START_INCOMPLETE',
        explanation:
          'the server waits until its modules are ready; with embedded storage the config module needs a Raft leader, with an external database it needs the database',
        fix: 'see the Raft and port findings below; otherwise nacos.log and config-server.log say what it waits for',
        location: locate(waiting.last),
      },
    ];
  }
  if (started) {
    return [
      {
        check: 'logs.start',
        status: 'ok',
        title: `Nacos started in ${started.fields.mode ?? '?'} mode with ${started.fields.storage ?? '?'} storage`,
        evidence: `last start ${when(started.last)} at ${where(started.last)}`,
        location: locate(started.last),
      },
    ];
  }
  return [{ check: 'logs.start', status: 'info', title: 'no start message in these logs (start.out or nacos.log of the start may have been rotated away)' }];
}

function upgradeFindings(aggregates: Aggregates, mainPort: number): Finding[] {
  const findings: Finding[] = [];
  const off = aggregates.last('upgrade.double-write-off');
  const upgraded = aggregates.last('upgrade.done');
  const downgraded = aggregates.last('upgrade.downgrade');
  const check = aggregates.last('upgrade.check');
  const closed = aggregates.last('upgrade.from1x-closed');
  if (downgraded && (!upgraded || later(downgraded.last, upgraded.last))) {
    findings.push({
      check: 'logs.upgrade',
      status: 'warn',
      title: 'this member went back to the 1.x protocol (Downgrade to 1.X)',
      evidence: span(downgraded),
      cause: 'UPGRADE_DOWNGRADED',
      explanation: 'a member without version 2.x metadata (a 1.x member) joined the cluster, so the members fell back to the 1.x protocol',
      fix: 'upgrade that member to 2.x too; the members switch to 2.x again once all are readyToUpgrade',
      location: locate(downgraded.last),
    });
  } else if (off) {
    findings.push({
      check: 'logs.upgrade',
      status: 'ok',
      title: 'upgrade finished: double write is off and the 1.x data was cleaned',
      evidence: span(off),
      location: locate(off.last),
    });
  } else if (upgraded) {
    findings.push({
      check: 'logs.upgrade',
      status: 'warn',
      title: 'upgraded to the 2.x protocol, double write still on',
      evidence: `Upgrade to 2.0.X ${span(upgraded)}`,
      cause: 'UPGRADE_DOUBLE_WRITE_ON',
      explanation: DOUBLE_WRITE_EXPLANATION,
      fix: `when all clients work, on any one member:\n${doubleWriteOffCommand({ host: '<member>', port: mainPort })}\nwarning: ${DOUBLE_WRITE_WARNING}`,
      location: locate(upgraded.last),
    });
  } else if (check) {
    const ready = check.fields.result === 'true';
    findings.push({
      check: 'logs.upgrade',
      status: ready ? 'info' : 'warn',
      title: ready ? 'all members are ready to upgrade; the switch to the 2.x protocol should follow' : 'still upgrading: not all members are readyToUpgrade',
      evidence: `last "upgrade check result ${check.fields.result ?? '?'}" ${when(check.last)} at ${where(check.last)} (${times(check.count)} in a row)`,
      ...(ready ? {} : { cause: 'UPGRADE_NOT_READY', explanation: NOT_READY_EXPLANATION, fix: notReadyFix(mainPort) }),
      location: locate(check.last),
    });
  }
  if (closed && !upgraded && !check) {
    findings.push({
      check: 'logs.upgrade',
      status: 'info',
      title: '1.x upgrade support is off on this member',
      evidence: span(closed),
      explanation:
        'Nacos 2.1.x skips the 1.x Raft and double write unless nacos.core.support.upgrade.from.1x=true; right for a new 2.x cluster',
      fix: 'for a rolling upgrade from 1.x, set nacos.core.support.upgrade.from.1x=true in application.properties of every 2.1.x member and restart it',
      location: locate(closed.last),
    });
  }
  return findings;
}

/** Gaps shorter than this before a leader is elected are the normal election at start-up. */
export const ELECTION_GRACE_MS = 60_000;

function millisBetween(from: LogPosition, to: LogPosition): number | undefined {
  if (from.time === undefined || to.time === undefined) return undefined;
  // Both are local times as logged; read as UTC only to subtract them.
  return Date.parse(`${to.time.replace(' ', 'T')}Z`) - Date.parse(`${from.time.replace(' ', 'T')}Z`);
}

interface GroupState {
  readonly group: string;
  readonly count: number;
  readonly first: Occurrence;
  readonly last: Occurrence;
  readonly elected: Occurrence | undefined;
}

function describeGroup(state: GroupState): string {
  const name = state.group === '' ? '(group not named)' : state.group;
  const leader = state.elected ? `, then leader ${state.elected.fields.leader ?? '?'} at ${when(state.elected.last)}` : '';
  return `${name}: ${times(state.count)}, last ${when(state.last.last)} at ${where(state.last.last)}${leader}`;
}

function raftFindings(aggregates: Aggregates, mainPort: number): Finding[] {
  const byGroup = new Map<string, Occurrence[]>();
  for (const occurrence of aggregates.of('raft.no-leader')) {
    const group = occurrence.fields.group ?? '';
    byGroup.set(group, [...(byGroup.get(group) ?? []), occurrence]);
  }
  const states: GroupState[] = [...byGroup].map(([group, occurrences]) => {
    const last = occurrences.reduce((a, b) => (later(b.last, a.last) ? b : a));
    const first = occurrences.reduce((a, b) => (later(a.first, b.first) ? b : a));
    const elected = aggregates.last(
      'raft.leader-event',
      (event) => (group === '' || event.fields.group === group) && event.fields.leader !== undefined && later(event.last, last.last),
    );
    return { group, count: occurrences.reduce((sum, occurrence) => sum + occurrence.count, 0), first, last, elected };
  });
  const findings: Finding[] = [];
  const stuck = states.filter((state) => state.elected === undefined);
  const recovered = states.filter((state) => state.elected !== undefined);
  const quick = (state: GroupState): boolean => (millisBetween(state.first.first, state.elected!.last) ?? Infinity) <= ELECTION_GRACE_MS;
  if (stuck.length > 0) {
    const names = stuck.map((state) => state.group || '(not named)').join(', ');
    findings.push({
      check: 'logs.raft',
      status: 'fail',
      title: `no Raft leader: ${names}`,
      evidence: stuck.map(describeGroup).join('; '),
      cause: 'RAFT_NO_LEADER',
      explanation: RAFT_NO_LEADER_EXPLANATION,
      fix: raftNoLeaderFix(mainPort),
      location: locate(stuck[0]!.last.last),
    });
  }
  if (recovered.length > 0) {
    const allQuick = recovered.every(quick);
    findings.push({
      check: 'logs.raft',
      status: allQuick ? 'info' : 'warn',
      title: `Raft leader missing for a while, then elected: ${recovered.map((state) => state.group || '(not named)').join(', ')}`,
      evidence: recovered.map(describeGroup).join('; '),
      ...(allQuick
        ? { explanation: 'a leader was elected within a minute: the normal election while members start' }
        : { cause: 'RAFT_LEADER_GAP', explanation: RAFT_NO_LEADER_EXPLANATION, fix: raftNoLeaderFix(mainPort) }),
      location: locate(recovered[0]!.last.last),
    });
  }
  const down = aggregates.of('naming.down');
  if (down.length > 0 && states.length === 0) {
    const count = down.reduce((sum, occurrence) => sum + occurrence.count, 0);
    const last = down.reduce((a, b) => (later(b.last, a.last) ? b : a));
    findings.push({
      check: 'logs.naming-down',
      status: 'fail',
      title: `the naming module reported ${down.map((occurrence) => occurrence.fields.status).join(', ')} (503 "server is … now")`,
      evidence: `${times(count)}, last ${when(last.last)} at ${where(last.last)}`,
      cause: 'NAMING_DOWN',
      explanation: `the server answers 503 while its naming module is not UP; in the field this is almost always a Raft group without a leader. ${RAFT_NO_LEADER_EXPLANATION}`,
      fix: raftNoLeaderFix(mainPort),
      location: locate(last.last),
    });
  }
  return findings;
}

function describeRole(role: Role): string {
  return `${role}, ${ROLE_DESCRIPTIONS[role]}`;
}

function bindFindings(aggregates: Aggregates, mainPort: number): Finding[] {
  const started = aggregates.last('start.ok');
  return aggregates.of('bind.failed').map((occurrence): Finding => {
    const port = occurrence.fields.port === undefined ? undefined : Number(occurrence.fields.port);
    const role = roleField(occurrence) ?? (port === undefined ? undefined : roleOfPort(mainPort, port));
    const inferredPort = port ?? (role === undefined ? undefined : safeRolePort(mainPort, role));
    const portText = inferredPort === undefined ? 'a port' : `port ${inferredPort}`;
    const roleText =
      role !== undefined
        ? ` (${describeRole(role)}${port === undefined ? '; the port follows from the main port, the log names only the server' : ''})`
        : port !== undefined
          ? ` (not a port of main port ${mainPort}: ${formatOffset('raft')}, P, ${formatOffset('client-grpc')}, ${formatOffset('cluster-grpc')}; pass --main-port if the main port differs)`
          : '';
    const recovered = started !== undefined && later(started.last, occurrence.last);
    const probe = inferredPort === undefined ? '' : `ss -ltnp 'sport = :${inferredPort}'   # who holds it\n`;
    return {
      check: 'logs.port-bind',
      status: recovered ? 'warn' : 'fail',
      title: `Nacos could not listen on ${portText}${roleText}${recovered ? '; a later start succeeded' : ''}`,
      evidence: `${span(occurrence)}: ${quote(occurrence)}`,
      cause: 'PORT_IN_USE',
      explanation:
        'Nacos listens on P, P+1000, P+1001 and P-1000 (Raft); another process, or another Nacos member on the same host, already holds this one. ' +
        'Members on one host need main ports whose port sets do not overlap (they may not differ by 1, 1000, 1001, 2000 or 2001)',
      fix: `${probe}stop the other process or change this member's main port (server.port in 2.x, nacos.server.main.port in 3.x); nacos-doctor lint CONFDIR checks cluster.conf for colliding members`,
      location: locate(occurrence.first),
    };
  });
}

function grpcFindings(aggregates: Aggregates, mainPort: number): Finding[] {
  const findings: Finding[] = [];
  const grpcPort = safeRolePort(mainPort, 'client-grpc');
  for (const occurrence of aggregates.of('grpc.unregistered')) {
    findings.push({
      check: 'logs.grpc-unregistered',
      status: occurrence.count >= REPEATED ? 'fail' : 'warn',
      title: 'gRPC requests arrived on connections Nacos does not know ("Connection is unregistered")',
      evidence: span(occurrence),
      cause: 'GRPC_CONNECTION_SPLIT',
      explanation:
        'Nacos binds a client to the one TCP connection that opened its bi-stream; requests on any other connection are refused (error 301). ' +
        'Repeated, this means an HTTP/2-terminating proxy (nginx grpc_pass, Envoy/Istio sidecar, an L7 ingress or load balancer) spreads one client over several upstream connections. ' +
        'A few right after a member restarts or drops idle connections are normal',
      fix: `forward ${grpcPort ?? formatOffset('client-grpc')} as plain TCP: nginx stream {} with proxy_pass, HAProxy mode tcp, nacos-proxy, or in Istio a port named tcp-*`,
      location: locate(occurrence.first),
    });
  }
  for (const occurrence of aggregates.of('grpc.http1-request')) {
    const request = occurrence.fields.request ?? 'an HTTP/1.x request';
    const client = /\/v1\/|\/v2\/|\/v3\/|\/nacos/.test(request);
    findings.push({
      check: 'logs.http-on-grpc-port',
      status: 'fail',
      title: `HTTP/1.x arrived on a gRPC port: ${request}`,
      evidence: span(occurrence),
      cause: 'HTTP_TO_GRPC_PORT',
      explanation: client
        ? `a Nacos API call reached the gRPC port: some client or script has the gRPC port (${grpcPort ?? formatOffset('client-grpc')}) as its server address instead of the main port ${mainPort}; a client configured that way also dials ${formatOffset('client-grpc')} of it for gRPC and fails`
        : `something sends plain HTTP to the gRPC port ${grpcPort ?? formatOffset('client-grpc')}: typically an HTTP health check of a load balancer, a browser or a scanner`,
      fix: client
        ? `use the main port in serverAddr (e.g. <host>:${mainPort}); the client derives ${formatOffset('client-grpc')} itself`
        : `make health checks of the gRPC ports TCP checks (or gRPC checks), and point HTTP checks at ${mainPort}/nacos/v1/console/health/readiness`,
      location: locate(occurrence.first),
    });
  }
  for (const occurrence of aggregates.of('grpc.preface-corrupt')) {
    findings.push({
      check: 'logs.grpc-preface',
      status: occurrence.count >= REPEATED ? 'fail' : 'warn',
      title: 'bytes that are not HTTP/2 arrived on a gRPC port',
      evidence: span(occurrence),
      cause: 'NOT_HTTP2_ON_GRPC_PORT',
      explanation:
        'the gRPC ports speak HTTP/2 (plaintext unless TLS is enabled); a TLS client on a plaintext port, a TCP check that sends data, or a scanner produces this',
      fix: 'align TLS between clients and server (nacos.remote.client.rpc.tls.enable / nacos.remote.server.rpc.tls.enableTls); make TCP health checks connect-only',
      location: locate(occurrence.first),
    });
  }
  return findings;
}

function memberFindings(aggregates: Aggregates): Finding[] {
  return aggregates.of('cluster.self-not-member').map((occurrence) => ({
    check: 'logs.self-not-member',
    status: 'fail' as Status,
    title: `this member calls itself ${occurrence.fields.self ?? '?'}, which is not in its member list`,
    evidence: `${span(occurrence)}: members ${(occurrence.fields.members ?? '').slice(0, 200)}`,
    cause: 'SELF_NOT_MEMBER',
    explanation:
      'a member finds itself in cluster.conf by its own address: -Dnacos.server.ip, else nacos.inetutils.ip-address, else its hostname when nacos.inetutils.prefer-hostname-over-ip=true, else its first non-loopback IP',
    fix: 'write this member in cluster.conf exactly as it names itself, or make it name itself as listed (nacos.inetutils.ip-address=<address in cluster.conf>, or prefer-hostname-over-ip=true when cluster.conf uses hostnames); nacos-doctor lint CONFDIR checks this',
    location: locate(occurrence.first),
  }));
}

/** zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR, "unexpected end of file"): the gzip data, not the file system. */
function isZlibError(error: unknown): boolean {
  const code = errnoCode(error);
  return (code !== undefined && code.startsWith('Z_')) || (error instanceof Error && /unexpected end of file|incorrect header check|invalid (block type|distance|stored block)/i.test(error.message));
}

function fileFinding(file: ScannedFile): Finding {
  const size = file.bytes >= 1024 * 1024 ? `${(file.bytes / 1024 / 1024).toFixed(1)} MiB` : `${file.bytes} bytes`;
  const what = `${plural(file.lines, 'line')}, ${size}${file.gzip ? ' (gzip)' : ''}`;
  const binaryLines = file.binaryLines ?? 0;
  // Mostly junk: one clear finding instead of "[ok] N lines" (a log with a damaged stretch keeps its line count below).
  if (binaryLines > 0 && binaryLines * 2 >= file.lines) {
    return {
      check: 'logs.file',
      status: 'warn',
      title: `${file.notGzip ? 'named .gz but not gzip data, and ' : ''}binary data, not a log: ${binaryLines} of its ${file.lines} lines are not text and were skipped`,
      evidence: `${size}${file.gzip ? ' (gzip)' : ''}; ${file.lines - binaryLines} text lines scanned`,
      fix: 'a Nacos log is text; this file is corrupted, or something else was saved under a log name: look at it with `file` or `xxd | head`',
      location: { file: file.name },
    };
  }
  if (file.error !== undefined && file.gzip && isZlibError(file.error)) {
    return {
      check: 'logs.file',
      status: 'warn',
      title: `broken gzip file${file.lines > 0 ? `: read ${what} before the damage` : ''}`,
      evidence: describeError(file.error),
      fix: 'the compressed data is cut or corrupted (an interrupted copy or rotation); `gzip -t` confirms it, and `zcat` shows what is left',
      location: { file: file.name },
    };
  }
  if (file.error !== undefined) {
    return {
      check: 'logs.file',
      status: 'warn',
      title: `could not read the file${file.lines > 0 ? ` to the end (read ${what})` : ''}`,
      evidence: describeError(file.error),
      fix: 'run as a user who may read the file, or copy the logs directory and point nacos-doctor at the copy',
      location: { file: file.name },
    };
  }
  if (file.notGzip) {
    return {
      check: 'logs.file',
      status: 'warn',
      title: `named .gz but not gzip data (no gzip header): read as plain text, ${what}`,
      fix: 'if it should be compressed, the file was damaged (`gzip -t` says so); if it is a plain log, rename it without .gz',
      location: { file: file.name },
    };
  }
  const cut = file.truncatedLines > 0 ? `; ${file.truncatedLines} over-long or binary lines cut` : '';
  const skipped = binaryLines > 0 ? `; ${plural(binaryLines, 'line')} of binary data skipped` : '';
  return { check: 'logs.file', status: file.truncatedLines > 0 || binaryLines > 0 ? 'info' : 'ok', title: `${what}${cut}${skipped}`, location: { file: file.name } };
}

function timelineFinding(entry: Occurrence): Finding {
  const repeat = entry.count > 1 ? ` (×${entry.count}, until ${when(entry.last)})` : '';
  return {
    check: `logs.timeline.${entry.id}`,
    status: entry.kind === 'problem' ? 'warn' : 'info',
    title: `${when(entry.first)}  ${entry.summary}${repeat}`,
    location: locate(entry.first),
  };
}

export function buildLogsReport(input: LogsReportInput): Report {
  const aggregates = new Aggregates(input.scan.aggregates);
  const main = mainPortOf(input);
  const files: Section = {
    target: input.dir,
    title: 'files',
    findings: [
      ...input.files.map(fileFinding),
      ...(input.skipped.length > 0
        ? [{ check: 'logs.skipped', status: 'skipped' as Status, title: `not Nacos server logs, not read: ${input.skipped.join(', ')}` }]
        : []),
    ],
  };
  const timelineFindings = input.scan.timeline.map(timelineFinding);
  if (input.scan.timelineDropped > 0) {
    timelineFindings.push({ check: 'logs.timeline', status: 'info', title: `${input.scan.timelineDropped} more timeline entries left out` });
  }
  if (timelineFindings.length === 0) timelineFindings.push({ check: 'logs.timeline', status: 'info', title: 'no known Nacos messages in these logs' });
  const timeline: Section = { target: input.dir, title: `timeline (${input.scan.linesSeen} lines read; ${main.evidence})`, findings: timelineFindings };
  const verdict = [
    ...startFindings(aggregates),
    ...upgradeFindings(aggregates, main.port),
    ...raftFindings(aggregates, main.port),
    ...bindFindings(aggregates, main.port),
    ...grpcFindings(aggregates, main.port),
    ...memberFindings(aggregates),
  ];
  return { command: 'logs', sections: [files, timeline], summary: verdict };
}
