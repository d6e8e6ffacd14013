/**
 * The report model every nacos-doctor command produces: sections (one per address, file or
 * member) of findings, each with a status, the evidence, the cause and the fix. Renderers turn
 * it into text (src/doctor/render-text.ts) or the documented JSON (src/doctor/render-json.ts);
 * the exit code follows from the worst status.
 */

export const STATUSES = ['ok', 'info', 'skipped', 'warn', 'fail'] as const;
export type Status = (typeof STATUSES)[number];

/** Machine-readable facts of a finding or section for `--json` readers: flat, scalar values only. */
export type DataMap = Readonly<Record<string, string | number | boolean | null>>;

export interface Location {
  readonly file: string;
  /** 1-based; absent when the finding is about the whole file. */
  readonly line?: number;
}

export interface Finding {
  /** Stable identifier of the check or rule that produced the finding, e.g. `tcp.client-grpc`. */
  readonly check: string;
  readonly status: Status;
  /** One line: what was checked or found. */
  readonly title: string;
  /** The proof in a few words: `SETTINGS max_frame_size=16777215, server: nginx/1.22.1`. */
  readonly evidence?: string;
  /** Stable code of the diagnosed cause, e.g. `H2_TERMINATING_PROXY`; absent when all is well. */
  readonly cause?: string;
  /** The cause in words. */
  readonly explanation?: string;
  /** What to do, with ready-to-run commands where there are some. */
  readonly fix?: string;
  readonly location?: Location;
  /** Measured time of the probe, when it is one. */
  readonly elapsedMs?: number;
  /** The measured facts behind the finding (port, verdict, connectionId, ...), for scripts. */
  readonly data?: DataMap;
}

export interface Section {
  /** What the findings are about: an address, a file, a member. */
  readonly target: string;
  readonly title?: string;
  readonly findings: readonly Finding[];
  /** What the section is about, for scripts (e.g. host, ip, port of a checked address). */
  readonly data?: DataMap;
}

export interface Report {
  readonly command: string;
  readonly sections: readonly Section[];
  /** Cluster-wide or cross-section conclusions. */
  readonly summary?: readonly Finding[];
}

const RANK: Readonly<Record<Status, number>> = { ok: 0, info: 0, skipped: 0, warn: 1, fail: 2 };

export function worstStatus(findings: Iterable<Finding>): Status {
  let worst: Status = 'ok';
  for (const finding of findings) if (RANK[finding.status] > RANK[worst]) worst = finding.status;
  return worst;
}

export function allFindings(report: Report): Finding[] {
  return [...report.sections.flatMap((section) => section.findings), ...(report.summary ?? [])];
}

/** 0 when nothing failed (warnings included), 1 when any finding failed. */
export function exitCodeOf(report: Report): 0 | 1 {
  return worstStatus(allFindings(report)) === 'fail' ? 1 : 0;
}
