/**
 * Turns raw benchmark samples into the published figures: medians over rounds, ratios to
 * direct and to nginx, the bar of issue 7 checked line by line, and notes where the load
 * generator rather than the forwarder limited a figure. Pure, so it is unit-tested.
 */
import { LABELS, type ForwarderName } from './forwarders.js';

export type Samples = Partial<Record<ForwarderName, Record<string, number[]>>>;

export interface Metric {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  /** Compare as "added over direct" (latency) rather than as the raw value. */
  readonly overDirect?: boolean;
  readonly digits: number;
}

export const METRICS: readonly Metric[] = [
  { key: 'upload1', label: 'throughput, 1 conn, upload', unit: 'MB/s', better: 'higher', digits: 0 },
  { key: 'download1', label: 'throughput, 1 conn, download', unit: 'MB/s', better: 'higher', digits: 0 },
  { key: 'upload8', label: 'throughput, 8 conns, upload', unit: 'MB/s', better: 'higher', digits: 0 },
  { key: 'download8', label: 'throughput, 8 conns, download', unit: 'MB/s', better: 'higher', digits: 0 },
  { key: 'cpuPerGB', label: 'forwarder CPU per GB', unit: 'CPU s', better: 'lower', digits: 3 },
  { key: 'rttP50', label: 'echo round trip p50 (64 B)', unit: 'µs', better: 'lower', overDirect: true, digits: 1 },
  { key: 'rttP99', label: 'echo round trip p99 (64 B)', unit: 'µs', better: 'lower', overDirect: true, digits: 1 },
  { key: 'connRate', label: 'connections per second (50 clients)', unit: 'conn/s', better: 'higher', digits: 0 },
  { key: 'cpuPerConn', label: 'forwarder CPU per connection', unit: 'µs', better: 'lower', digits: 1 },
  { key: 'memIdleLow', label: 'memory per idle connection at {low}', unit: 'bytes', better: 'lower', digits: 0 },
  { key: 'memIdleHigh', label: 'memory per idle connection at {high}', unit: 'bytes', better: 'lower', digits: 0 },
  { key: 'storm', label: 'reconnect storm, 5,000 clients', unit: 'ms', better: 'lower', digits: 0 },
];

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function medians(samples: Samples): Partial<Record<ForwarderName, Record<string, number>>> {
  const result: Partial<Record<ForwarderName, Record<string, number>>> = {};
  for (const [name, metrics] of Object.entries(samples) as [ForwarderName, Record<string, number[]>][]) {
    result[name] = {};
    for (const [key, values] of Object.entries(metrics)) {
      const value = median(values);
      if (value !== undefined) result[name]![key] = value;
    }
  }
  return result;
}

export interface BarLine {
  readonly text: string;
  readonly holds: boolean | undefined;
  readonly detail: string;
}

function value(figures: Partial<Record<ForwarderName, Record<string, number>>>, name: ForwarderName, metric: Metric): number | undefined {
  const raw = figures[name]?.[metric.key];
  if (raw === undefined) return undefined;
  if (!metric.overDirect) return raw;
  const direct = figures.direct?.[metric.key];
  return direct === undefined ? undefined : raw - direct;
}

function metricLabel(metric: Metric, idleCounts: readonly number[]): string {
  return metric.label.replace('{low}', idleCounts[0]!.toLocaleString('en-US')).replace('{high}', idleCounts[1]!.toLocaleString('en-US'));
}

/** Each line of the bar, for the given candidate (nacos-proxy's best data path). */
export function evaluateBar(
  figures: Partial<Record<ForwarderName, Record<string, number>>>,
  candidate: ForwarderName,
  idleCounts: readonly number[] = [5_000, 10_000],
): BarLine[] {
  const byKey = new Map(METRICS.map((metric) => [metric.key, { ...metric, label: metricLabel(metric, idleCounts) }]));
  const compare = (key: string): { holds: boolean | undefined; detail: string } => {
    const metric = byKey.get(key)!;
    const ours = value(figures, candidate, metric);
    const theirs = value(figures, 'nginx', metric);
    if (ours === undefined || theirs === undefined) return { holds: undefined, detail: `${metric.label}: not measured` };
    const holds = metric.better === 'higher' ? ours >= theirs : ours <= theirs;
    const ratio = theirs === 0 ? '—' : `${(ours / theirs).toFixed(2)}×`;
    return { holds, detail: `${metric.label}: ${ours.toFixed(metric.digits)} vs nginx ${theirs.toFixed(metric.digits)} ${metric.unit} (${ratio})` };
  };
  const all = (keys: string[], text: string): BarLine => {
    const parts = keys.map(compare);
    const holds = parts.some((part) => part.holds === undefined) ? undefined : parts.every((part) => part.holds);
    return { text, holds, detail: parts.map((part) => part.detail).join('; ') };
  };
  return [
    all(['rttP50', 'rttP99'], 'round trip p50 and p99 added over direct ≤ nginx'),
    all(['connRate'], 'connections per second ≥ nginx'),
    all(['storm'], 'reconnect storm ≤ nginx'),
    all(['memIdleLow', 'memIdleHigh'], 'memory per idle connection ≤ nginx'),
    all(['upload1', 'download1', 'upload8', 'download8'], 'throughput ≥ nginx in both directions'),
    all(['cpuPerGB'], 'CPU per GB ≤ nginx'),
  ];
}

/** One round in which the load core (generator + backend), not the forwarder, limited a figure. */
export interface Bottleneck {
  readonly forwarder: ForwarderName;
  readonly test: string;
  /** Busy share of the load core and of the forwarder's core, 0-1. */
  readonly loadCore: number;
  readonly forwarderCore: number;
}

/** One line per forwarder and test: in how many rounds, and the median loads. */
export function bottleneckNotes(found: readonly Bottleneck[], rounds: number): string[] {
  const groups = new Map<string, Bottleneck[]>();
  for (const item of found) {
    const key = `${LABELS[item.forwarder]}, ${item.test}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups].map(([key, items]) => {
    const load = median(items.map((item) => item.loadCore))! * 100;
    const forwarder = median(items.map((item) => item.forwarderCore))! * 100;
    return (
      `${key}: the load core (generator + backend, ~${load.toFixed(0)}% busy) limited the figure in ${items.length} of ${rounds} ` +
      `round${rounds === 1 ? '' : 's'}; the forwarder used ~${forwarder.toFixed(0)}% of its core.`
    );
  });
}

function formatNumber(n: number, digits: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export interface Environment {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly kernel: string;
  readonly node: string;
  readonly nginx: string | undefined;
  readonly haproxy: string | undefined;
  readonly rounds: number;
  readonly quick: boolean;
}

export function renderMarkdown(
  figures: Partial<Record<ForwarderName, Record<string, number>>>,
  env: Environment,
  notes: readonly string[],
  candidate: ForwarderName,
  idleCounts: readonly number[] = [5_000, 10_000],
): string {
  const label = (metric: Metric): string => metricLabel(metric, idleCounts);
  const names = (Object.keys(LABELS) as ForwarderName[]).filter((name) => figures[name] !== undefined);
  const lines = [
    `Measured ${env.date} on ${env.cpu} (${env.cores} cores), Linux ${env.kernel}, Node ${env.node}, ${env.nginx ?? 'nginx missing'}, ${env.haproxy ?? 'HAProxy missing'}; ` +
      `median of ${env.rounds} interleaved round${env.rounds === 1 ? '' : 's'}${env.quick ? ' (--quick)' : ''}. Forwarder pinned to core 0, load generator and backend to core 1.`,
    '',
    `| figure | ${names.map((name) => LABELS[name]).join(' | ')} |`,
    `|---|${names.map(() => '---:').join('|')}|`,
  ];
  for (const metric of METRICS) {
    const cells = names.map((name) => {
      const raw = figures[name]?.[metric.key];
      if (raw === undefined) return '—';
      let cell = formatNumber(raw, metric.digits);
      const nginx = figures.nginx?.[metric.key];
      const direct = figures.direct?.[metric.key];
      if (metric.overDirect && direct !== undefined && name !== 'direct') cell += ` (+${formatNumber(raw - direct, metric.digits)})`;
      if (!metric.overDirect && name !== 'direct' && direct !== undefined && metric.better === 'higher') cell += ` · ${(raw / direct).toFixed(2)}×d`;
      if (name !== 'nginx' && name !== 'direct' && nginx !== undefined && nginx !== 0) {
        const ours = metric.overDirect && direct !== undefined ? raw - direct : raw;
        const theirs = metric.overDirect && direct !== undefined ? nginx - direct : nginx;
        if (theirs !== 0) cell += ` · ${(ours / theirs).toFixed(2)}×n`;
      }
      return cell;
    });
    lines.push(`| ${label(metric)} (${metric.unit}) | ${cells.join(' | ')} |`);
  }
  lines.push('', '`×d` = ratio to direct, `×n` = ratio to nginx; latency ratios compare the time added over direct.', '');
  lines.push(`Bar (issue 7) for ${LABELS[candidate]}:`, '');
  for (const line of evaluateBar(figures, candidate, idleCounts)) {
    const mark = line.holds === undefined ? '?' : line.holds ? '✅' : '❌';
    lines.push(`- ${mark} ${line.text} — ${line.detail}`);
  }
  if (notes.length > 0) lines.push('', 'Notes:', '', ...notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}
