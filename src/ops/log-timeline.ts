/**
 * Folds the matched lines of a logs/ directory into what the verdict needs: a timeline of
 * milestones and first problems, and per-kind aggregates (count, first and last occurrence).
 * Pure and bounded: whatever the size of the logs, it keeps at most MAX_TIMELINE entries and
 * MAX_KEYS_PER_SIGNATURE aggregates per signature; repeated milestones (the upgrade check runs
 * every 5 s) collapse into one entry with a count.
 */
import { isRole, mainPortOf, type Role } from '../ports.js';
import { matchLogLine, parseLogTimestamp, type LogMatch, type SignatureId, type SignatureKind } from './log-signatures.js';

export interface LogPosition {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** `YYYY-MM-DD hh:mm:ss.mmm` as logged (local time); inherited from the last stamped line. */
  readonly time: string | undefined;
}

export interface Occurrence {
  readonly id: SignatureId;
  readonly kind: SignatureKind;
  readonly fields: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly count: number;
  readonly first: LogPosition;
  readonly last: LogPosition;
  /** The first matching line, cut to MAX_SAMPLE_CHARS. */
  readonly sample: string;
}

export interface LogScanResult {
  /** Sorted by time; milestones (runs collapsed) and the first occurrence of each problem. */
  readonly timeline: readonly Occurrence[];
  /** Entries left off the timeline because it reached MAX_TIMELINE. */
  readonly timelineDropped: number;
  /** One per signature and distinguishing fields (group, port, request, …). */
  readonly aggregates: readonly Occurrence[];
  /** Main port the logs reveal (Tomcat's port, or the gRPC server's minus its offset). */
  readonly mainPort: { readonly port: number; readonly at: LogPosition } | undefined;
  readonly linesSeen: number;
}

export const MAX_TIMELINE = 1000;
export const MAX_KEYS_PER_SIGNATURE = 100;
export const MAX_SAMPLE_CHARS = 300;
/** How many lines after a bind failure its stack trace may name the server that failed (within its record). */
export const BIND_CONTEXT_LINES = 60;

/** Fields that tell aggregates apart; others (connection ids, member lists) are only shown. */
const KEY_FIELDS: Partial<Record<SignatureId, readonly string[]>> = {
  'start.ok': ['mode', 'storage'],
  'upgrade.check': ['result'],
  'raft.no-leader': ['group'],
  'raft.leader-event': ['group', 'leader'],
  'naming.down': ['status'],
  'bind.failed': ['port', 'role'],
  'grpc.unregistered': [],
  'grpc.http1-request': ['request'],
  'cluster.self-not-member': ['self'],
};

interface MutableOccurrence {
  id: SignatureId;
  kind: SignatureKind;
  fields: Record<string, string>;
  summary: string;
  count: number;
  first: LogPosition;
  last: LogPosition;
  sample: string;
}

interface PendingBind {
  occurrence: MutableOccurrence;
  fileLine: number;
}

const GRPC_SERVER_ROLE: Readonly<Record<string, Role>> = { GrpcSdkServer: 'client-grpc', GrpcClusterServer: 'cluster-grpc' };

function keyOf(match: LogMatch): string {
  const names = KEY_FIELDS[match.id] ?? Object.keys(match.fields);
  return `${match.id}|${names.map((name) => match.fields[name] ?? '').join('|')}`;
}

function timeOrder(position: LogPosition): string {
  return position.time ?? '';
}

export class LogScanAccumulator {
  readonly #aggregates = new Map<string, MutableOccurrence>();
  readonly #keysPerSignature = new Map<SignatureId, number>();
  readonly #timeline: MutableOccurrence[] = [];
  #timelineDropped = 0;
  #mainPort: { port: number; at: LogPosition } | undefined;
  #linesSeen = 0;
  readonly #fileOrder = new Map<string, number>();
  // Per-file state, reset by startFile().
  #file = '';
  #time: string | undefined;
  #lastMilestone: MutableOccurrence | undefined;
  #pendingBind: PendingBind | undefined;

  /** Begins a file; files should come oldest first (rotated before current). */
  startFile(file: string): void {
    this.endFile();
    this.#file = file;
    if (!this.#fileOrder.has(file)) this.#fileOrder.set(file, this.#fileOrder.size);
    this.#time = undefined;
    this.#lastMilestone = undefined;
  }

  endFile(): void {
    this.#flushBind();
  }

  observe(lineNumber: number, text: string): void {
    this.#linesSeen += 1;
    const time = parseLogTimestamp(text);
    if (time !== undefined) {
      this.#time = time;
      // A stamped line starts a new log record; a bind failure's cause chain and stack frames
      // are the unstamped lines of its own record.
      this.#flushBind();
    }
    if (this.#pendingBind && lineNumber - this.#pendingBind.fileLine > BIND_CONTEXT_LINES) this.#flushBind();
    const match = matchLogLine(text);
    if (!match) return;
    const at: LogPosition = { file: this.#file, line: lineNumber, time: this.#time };
    switch (match.kind) {
      case 'fact':
        this.#noteMainPort(match, at);
        return;
      case 'hint':
        if (this.#pendingBind && this.#pendingBind.occurrence.fields.role === undefined && match.fields.role !== undefined) {
          this.#pendingBind.occurrence.fields.role = match.fields.role;
        }
        return;
      case 'problem':
        if (match.id === 'bind.failed') this.#onBind(match, at, text, lineNumber);
        else this.#record(match, at, text);
        return;
      case 'milestone':
        this.#onMilestone(match, at, text);
    }
  }

  result(): LogScanResult {
    this.endFile();
    const order = (entry: Occurrence): [string, number, number] => [timeOrder(entry.first), this.#fileOrder.get(entry.first.file) ?? 0, entry.first.line];
    const sorted = [...this.#timeline].sort((a, b) => {
      const [ta, fa, la] = order(a);
      const [tb, fb, lb] = order(b);
      return ta < tb ? -1 : ta > tb ? 1 : fa - fb || la - lb;
    });
    return {
      timeline: mergeAdjacentRuns(sorted),
      timelineDropped: this.#timelineDropped,
      aggregates: [...this.#aggregates.values()],
      mainPort: this.#mainPort,
      linesSeen: this.#linesSeen,
    };
  }

  #noteMainPort(match: LogMatch, at: LogPosition): void {
    if (this.#mainPort !== undefined) return;
    const port = Number(match.fields.port);
    if (match.id === 'port.main') {
      this.#mainPort = { port, at };
      return;
    }
    const role = GRPC_SERVER_ROLE[match.fields.server ?? ''];
    if (role !== undefined) this.#mainPort = { port: mainPortOf(port, role), at };
  }

  #onMilestone(match: LogMatch, at: LogPosition, text: string): void {
    this.#record(match, at, text);
    const previous = this.#lastMilestone;
    if (previous && keyOf(previous) === keyOf(match)) {
      previous.count += 1;
      previous.last = at;
      return;
    }
    const entry = newOccurrence(match, at, text);
    this.#lastMilestone = entry;
    this.#pushTimeline(entry);
  }

  #onBind(match: LogMatch, at: LogPosition, text: string, lineNumber: number): void {
    const pending = this.#pendingBind;
    if (pending && lineNumber - pending.fileLine <= BIND_CONTEXT_LINES) {
      const fields = pending.occurrence.fields;
      const samePort = match.fields.port === undefined || fields.port === undefined || match.fields.port === fields.port;
      const sameRole = match.fields.role === undefined || fields.role === undefined || match.fields.role === fields.role;
      if (samePort && sameRole) {
        // The same failure told again further down its cause chain ("Caused by: … BindException").
        if (fields.port === undefined && match.fields.port !== undefined) fields.port = match.fields.port;
        if (fields.role === undefined && match.fields.role !== undefined) fields.role = match.fields.role;
        return;
      }
    }
    this.#flushBind();
    this.#pendingBind = { occurrence: newOccurrence(match, at, text), fileLine: lineNumber };
  }

  #flushBind(): void {
    const pending = this.#pendingBind;
    if (!pending) return;
    this.#pendingBind = undefined;
    const { occurrence } = pending;
    const fields = occurrence.fields;
    const summary = fields.port !== undefined ? `failed to bind port ${fields.port}` : `failed to bind a port${fields.role ? ` (${fields.role})` : ''}`;
    this.#record({ id: occurrence.id, kind: occurrence.kind, fields, summary }, occurrence.first, occurrence.sample);
  }

  /** Adds to the aggregate of this match's key; a new problem also goes on the timeline. */
  #record(match: LogMatch, at: LogPosition, text: string): void {
    let key = keyOf(match);
    let aggregate = this.#aggregates.get(key);
    if (!aggregate) {
      const keys = this.#keysPerSignature.get(match.id) ?? 0;
      if (keys >= MAX_KEYS_PER_SIGNATURE) {
        // Too many distinct values (e.g. request lines from a scanner): fold the rest into one.
        key = `${match.id}|*`;
        aggregate = this.#aggregates.get(key);
      }
      if (!aggregate) {
        aggregate = newOccurrence(match, at, text);
        aggregate.count = 0;
        this.#aggregates.set(key, aggregate);
        this.#keysPerSignature.set(match.id, keys + 1);
        // The aggregate itself, so the timeline entry shows the final count and last time.
        if (match.kind === 'problem') this.#pushTimeline(aggregate);
      }
    }
    aggregate.count += 1;
    aggregate.last = at;
  }

  #pushTimeline(entry: MutableOccurrence): void {
    if (this.#timeline.length >= MAX_TIMELINE) {
      this.#timelineDropped += 1;
      return;
    }
    this.#timeline.push(entry);
  }
}

function newOccurrence(match: LogMatch, at: LogPosition, text: string): MutableOccurrence {
  return {
    id: match.id,
    kind: match.kind,
    fields: { ...match.fields },
    summary: match.summary,
    count: 1,
    first: at,
    last: at,
    sample: text.length > MAX_SAMPLE_CHARS ? `${text.slice(0, MAX_SAMPLE_CHARS)}…` : text,
  };
}

/** Joins a run that continues from a rotated file into the current one. */
function mergeAdjacentRuns(entries: readonly Occurrence[]): Occurrence[] {
  const merged: Occurrence[] = [];
  for (const entry of entries) {
    const previous = merged[merged.length - 1];
    if (previous && previous.kind === 'milestone' && entry.kind === 'milestone' && keyOf(previous) === keyOf(entry)) {
      merged[merged.length - 1] = { ...previous, count: previous.count + entry.count, last: entry.last };
    } else {
      merged.push(entry);
    }
  }
  return merged;
}

export function roleField(occurrence: Occurrence): Role | undefined {
  const role = occurrence.fields.role;
  return role !== undefined && isRole(role) ? role : undefined;
}
