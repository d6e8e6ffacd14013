/**
 * The rule every Nacos port mapping must keep, checked the same way for docker, compose,
 * Kubernetes, nginx and HAProxy: whatever port P clients are given for a member, they dial
 * P+1000 for gRPC by themselves, so the port in front of the member's main port M and the port
 * in front of M+1000 must differ by exactly 1000 (P+1001 -> M+1001, P-1000 -> M-1000 likewise),
 * and gRPC must reach the member as plain TCP. Each file kind turns its configuration into
 * MappingGroups; this module turns a group into findings. Pure.
 */
import type { Finding } from '../doctor/report.js';
import { DEFAULT_MAIN_PORT, ROLES, ROLE_OFFSETS, formatOffset, isValidPort, roleOfPort, type Role } from '../ports.js';
import { problem, type LintCause } from './advice.js';

/** How the front side carries the traffic: as TCP, or terminating HTTP/1 or HTTP/2 (gRPC). */
export type Layer = 'tcp' | 'http' | 'http2';

export interface PortMapping {
  /** The port clients dial: host port, Service port, nodePort, listen or bind port. */
  readonly front: number;
  /** The port on the Nacos member it reaches: container port, targetPort, upstream port. */
  readonly back: number;
  readonly layer: Layer;
  readonly line: number | undefined;
  /** The mapping as the source writes it, for titles: `"8083:9848"`, `listen 9848 -> 10.0.0.11:9848`. */
  readonly text: string;
  /** The file it is written in, when not the group's (an nginx include). */
  readonly file?: string;
}

export interface FixStyle {
  /** What to add so that `front` reaches `back` as TCP. */
  add(front: number, back: number, role: Role): string;
  /** What to change `mapping` into so that `front` reaches `back` as TCP. */
  change(mapping: PortMapping, front: number, back: number, role: Role): string;
}

export interface MappingGroup {
  /** Undefined for a command line, which has no file to point into. */
  readonly file: string | undefined;
  /** What the mappings belong to: `service nacos`, `Service nacos`, `members at 10.0.0.11`. */
  readonly subject: string;
  /** What the front port is called: `host port`, `Service port`, `nodePort`, `listen port`. */
  readonly frontName: string;
  readonly mappings: readonly PortMapping[];
  /** The member's main port when the source states it (NACOS_APPLICATION_PORT). */
  readonly mainPort?: number;
  /** Where the source states it, for findings about it: `-e NACOS_APPLICATION_PORT=7777`, line. */
  readonly mainPortSource?: { readonly text: string; readonly line: number | undefined };
  /** Where a mapping that is missing belongs. */
  readonly line: number | undefined;
  readonly fix: FixStyle;
  /** Member ports published on a random front port (reported by the caller), so not "missing". */
  readonly randomBacks?: readonly number[];
}

/** `port` shifted by the offset of `role`, or undefined when that is no TCP port. */
export function shiftPort(port: number, role: Role): number | undefined {
  const shifted = port + ROLE_OFFSETS[role];
  return isValidPort(shifted) ? shifted : undefined;
}

/**
 * The main port M of the member behind these back ports. Nacos' default 8848 whenever it is
 * among them: 8848 and 8849 published side by side are a main port and a stray port, not the
 * gRPC and cluster ports of a member on 7848. Otherwise the M that explains the most of them as
 * Nacos roles. A single port that is not one of the default Nacos ports is not enough to call
 * something Nacos; undefined then.
 */
export function memberMainPort(backs: readonly number[], known?: number): number | undefined {
  if (known !== undefined) return known;
  if (backs.includes(DEFAULT_MAIN_PORT)) return DEFAULT_MAIN_PORT;
  const explained = new Map<number, Set<Role>>();
  for (const back of new Set(backs)) {
    for (const role of ROLES) {
      const main = back - ROLE_OFFSETS[role];
      if (!isValidPort(main)) continue;
      const roles = explained.get(main) ?? new Set<Role>();
      roles.add(role);
      explained.set(main, roles);
    }
  }
  const ranked = [...explained].sort(
    ([a, ra], [b, rb]) => rb.size - ra.size || Number(b === DEFAULT_MAIN_PORT) - Number(a === DEFAULT_MAIN_PORT) || Number(rb.has('main')) - Number(ra.has('main')) || a - b,
  );
  const best = ranked[0];
  if (best === undefined) return undefined;
  return best[0] === DEFAULT_MAIN_PORT || best[1].size >= 2 ? best[0] : undefined;
}

interface RoleMapping {
  readonly mapping: PortMapping;
  readonly role: Role;
}

/** OFFSET_BROKEN in the user's own ports: what a client given the main port dials, and what it gets. */
function offsetExplanation(group: MappingGroup, mainFront: number, wanted: number, entry: RoleMapping): string {
  const there = group.mappings.find((mapping) => mapping.front === wanted);
  const gets = there === undefined ? 'which goes nowhere' : `which reaches the member's ${there.back}, not its ${entry.role} port ${entry.mapping.back}`;
  const who = entry.role === 'client-grpc' ? `clients given ${mainFront} dial ${wanted} for gRPC` : `members reach each other's ${entry.role} port on ${wanted}`;
  return (
    `Clients compute the gRPC port as (the port they were given) + 1000, and members reach each other on +1001 and -1000, so the offsets must hold ` +
    `on the ${group.frontName} side, not just on the member: ${who}, ${gets}; ${entry.mapping.text} puts it on ${entry.mapping.front}.`
  );
}

/** Where a finding points: the mapping's own file (nginx includes) or the group's, and a line. */
interface Where {
  readonly line: number | undefined;
  readonly file?: string | undefined;
}

function finding(group: MappingGroup, status: 'fail' | 'warn', cause: LintCause, title: string, fix: string, where: Where, evidence?: string): Finding {
  return problem(cause, { status, title, fix, file: where.file ?? group.file, line: where.line, ...(evidence === undefined ? {} : { evidence }) });
}

function locationOf(group: MappingGroup, line: number | undefined): Pick<Finding, 'location'> {
  return group.file === undefined ? {} : { location: { file: group.file, ...(line === undefined ? {} : { line }) } };
}

function layerFinding(group: MappingGroup, entry: RoleMapping, back: number, role: Role): Finding | undefined {
  if (entry.mapping.layer === 'tcp') return undefined;
  const cause: LintCause = entry.mapping.layer === 'http2' ? 'GRPC_VIA_HTTP2_PROXY' : 'GRPC_VIA_HTTP1_PROXY';
  const how = entry.mapping.layer === 'http2' ? 'an HTTP/2 (gRPC) proxy' : 'an HTTP/1 proxy';
  return finding(
    group,
    'fail',
    cause,
    `${entry.mapping.text}: ${role} traffic goes through ${how}`,
    group.fix.change(entry.mapping, entry.mapping.front, back, role),
    entry.mapping,
  );
}

/** Mappings to the default Nacos ports of a container whose NACOS_APPLICATION_PORT moved them. */
function movedMainPortFindings(group: MappingGroup, main: number): Finding[] {
  if (group.mainPort === undefined || group.mainPort === DEFAULT_MAIN_PORT) return [];
  const source = group.mainPortSource?.text ?? `NACOS_APPLICATION_PORT=${main}`;
  const ports = ROLES.map((role) => shiftPort(main, role)).filter((port) => port !== undefined);
  return group.mappings.flatMap((mapping) => {
    const role = roleOfPort(DEFAULT_MAIN_PORT, mapping.back);
    const wanted = role === undefined ? undefined : shiftPort(main, role);
    if (role === undefined || wanted === undefined || roleOfPort(main, mapping.back) !== undefined) return [];
    return [
      finding(
        group,
        'fail',
        'APPLICATION_PORT_MISMATCH',
        `${mapping.text} reaches container port ${mapping.back}, but ${source} moved Nacos to ${ports.join('/')}: nothing listens on ${mapping.back}`,
        `${group.fix.change(mapping, mapping.front, wanted, role)}   (${role === 'main' ? 'the main port it set' : `the ${role} port of main port ${main}`}), or drop ${source} to keep Nacos on ${DEFAULT_MAIN_PORT}`,
        mapping,
        `${source}${group.mainPortSource?.line === undefined ? '' : ` (line ${group.mainPortSource.line})`}`,
      ),
    ];
  });
}

export function analyzeGroup(group: MappingGroup): Finding[] {
  const main = memberMainPort(
    group.mappings.map((mapping) => mapping.back),
    group.mainPort,
  );
  if (main === undefined) return [];
  const moved = movedMainPortFindings(group, main);
  const entries: RoleMapping[] = group.mappings.flatMap((mapping) => {
    const role = roleOfPort(main, mapping.back);
    return role === undefined ? [] : [{ mapping, role }];
  });
  if (entries.length === 0) return moved;
  const findings: Finding[] = [...moved];
  const grpcBack = shiftPort(main, 'client-grpc');
  const mains = entries.filter((entry) => entry.role === 'main');
  // A "main" mapping sitting on another main front + 1000 is the gRPC port sent to the HTTP port.
  const grpcToMain = mains.filter((entry) => mains.some((other) => other !== entry && shiftPort(other.mapping.front, 'client-grpc') === entry.mapping.front));
  const trueMains = mains.filter((entry) => !grpcToMain.includes(entry));

  for (const entry of grpcToMain) {
    if (grpcBack === undefined) continue;
    findings.push(
      finding(
        group,
        'fail',
        'GRPC_TO_MAIN_PORT',
        `${entry.mapping.text}: ${group.frontName} ${entry.mapping.front} is where clients dial gRPC, but it reaches the member's main port ${main} instead of ${grpcBack}`,
        group.fix.change(entry.mapping, entry.mapping.front, grpcBack, 'client-grpc'),
        entry.mapping,
      ),
    );
    const layer = layerFinding(group, entry, grpcBack, 'client-grpc');
    if (layer) findings.push(layer);
  }

  for (const entry of entries.filter((candidate) => candidate.role !== 'main')) {
    if (entry.role === 'client-grpc' || entry.role === 'cluster-grpc') {
      const layer = layerFinding(group, entry, entry.mapping.back, entry.role);
      if (layer) findings.push(layer);
    }
    const candidates = trueMains.flatMap((mainEntry) => {
      const port = shiftPort(mainEntry.mapping.front, entry.role);
      return port === undefined ? [] : [{ mainFront: mainEntry.mapping.front, port }];
    });
    if (candidates.length > 0 && !candidates.some((candidate) => candidate.port === entry.mapping.front)) {
      // The main port this mapping most likely belongs to: the one whose offset it misses by least.
      const nearest = candidates.sort((a, b) => Math.abs(a.port - entry.mapping.front) - Math.abs(b.port - entry.mapping.front))[0]!;
      findings.push(
        problem('OFFSET_BROKEN', {
          status: 'fail',
          title: `${entry.mapping.text} breaks the offset rule: ${entry.role} (${entry.mapping.back}) must be on ${group.frontName} ${nearest.port}, the main ${group.frontName} ${nearest.mainFront} ${formatOffset(entry.role).slice(1)}`,
          fix: group.fix.change(entry.mapping, nearest.port, entry.mapping.back, entry.role),
          file: entry.mapping.file ?? group.file,
          line: entry.mapping.line,
          evidence: `clients given ${nearest.mainFront} dial ${nearest.port}`,
          explanation: offsetExplanation(group, nearest.mainFront, nearest.port, entry),
        }),
      );
    }
  }

  // A client-grpc mapping on the wrong port is reported above with the port to move it to.
  const misplacedGrpc = entries.some(
    (entry) => entry.role === 'client-grpc' && !trueMains.some((mainEntry) => shiftPort(mainEntry.mapping.front, 'client-grpc') === entry.mapping.front),
  );
  const missing = trueMains.filter((entry) => {
    const want = shiftPort(entry.mapping.front, 'client-grpc');
    const randomGrpc = grpcBack !== undefined && (group.randomBacks ?? []).includes(grpcBack);
    return want !== undefined && !misplacedGrpc && !randomGrpc && !entries.some((other) => other.mapping.front === want);
  });
  const someComplete = missing.length < trueMains.length;
  for (const entry of missing) {
    const want = shiftPort(entry.mapping.front, 'client-grpc')!;
    if (grpcBack === undefined) continue;
    findings.push(
      finding(
        group,
        someComplete ? 'warn' : 'fail',
        'GRPC_PORT_NOT_EXPOSED',
        `${entry.mapping.text}: the main port is on ${group.frontName} ${entry.mapping.front}, but nothing forwards ${want} to the gRPC port ${grpcBack}`,
        group.fix.add(want, grpcBack, 'client-grpc'),
        entry.mapping,
        `clients given ${entry.mapping.front} dial ${want} for gRPC`,
      ),
    );
  }

  const grpc = entries.find((entry) => entry.role === 'client-grpc');
  if (trueMains.length === 0 && grpc) {
    const mainFront = grpc.mapping.front - ROLE_OFFSETS['client-grpc'];
    findings.push(
      finding(
        group,
        'warn',
        'MAIN_PORT_NOT_EXPOSED',
        `${grpc.mapping.text}: gRPC is forwarded, but nothing forwards the main port ${main}`,
        isValidPort(mainFront) ? group.fix.add(mainFront, main, 'main') : `forward the main port ${main} on the ${group.frontName} 1000 below ${grpc.mapping.front}`,
        grpc.mapping,
      ),
    );
  }

  if (findings.length === 0 && (group.randomBacks ?? []).length === 0) {
    findings.push({
      check: 'ports.offsets',
      status: 'ok',
      title: `${group.subject}: offsets kept`,
      evidence: [...entries]
        .sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.mapping.front - b.mapping.front)
        .map((entry) => `${entry.mapping.front}->${entry.mapping.back} ${entry.role}`)
        .join(', '),
      ...locationOf(group, group.line),
    });
  }
  return findings;
}

/** Each problem once: nginx and HAProxy give one group per member host, and hosts share mappings. */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((item) => {
    const key = JSON.stringify([item.status, item.cause, item.title, item.location?.file, item.location?.line, item.evidence]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Findings of several groups, each problem once. */
export function analyzeGroups(groups: readonly MappingGroup[]): Finding[] {
  return dedupeFindings(groups.flatMap(analyzeGroup));
}
