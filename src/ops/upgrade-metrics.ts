/**
 * Parses `GET /nacos/v1/ns/upgrade/ops/metrics` (Nacos 2.0.2-2.1.x, NACOS-FACTS.md §3). The
 * default answer is text, one `%-30s = value` line per key (UpgradeOpsController at 2.0.3), where
 * the two service lists are names joined by newlines, so their value runs over the following
 * lines; with `?json=true` the same keys come as a JSON object. Both are accepted. Pure.
 */
import { NacosResponseError, parseJsonBody } from '../nacos/http-errors.js';

export interface UpgradeMetrics {
  /** This member uses the 2.x protocol (UpgradeJudgement.isUseGrpcFeatures). */
  readonly upgraded: boolean | undefined;
  /** Every member this one knows runs 2.x. */
  readonly isAll20XVersion: boolean | undefined;
  readonly isDoubleWriteEnabled: boolean | undefined;
  /** 1.x -> 2.x copy tasks still queued; a member is readyToUpgrade only at 0. */
  readonly doubleWriteDelayTaskCount: number | undefined;
  /** serviceCountV1/V2, instanceCountV1/V2, subscribeCountV2, responsible*, ephemeral*, persistent*. */
  readonly counts: Readonly<Record<string, number>>;
  /** `namespace##group@@service` names in 1.x data but not in 2.x, and the reverse. */
  readonly serviceV1NotInV2: readonly string[];
  readonly serviceV2NotInV1: readonly string[];
  /** Keys this parser does not know, as text. */
  readonly other: Readonly<Record<string, string>>;
}

const BOOLEAN_KEYS = ['upgraded', 'isAll20XVersion', 'isDoubleWriteEnabled'] as const;
const V1_NOT_IN_V2 = 'service.V1.not.in.V2';
const V2_NOT_IN_V1 = 'service.V2.not.in.V1';
const KEY_LINE = /^([A-Za-z][\w.]*)\s+= ?(.*)$/;

function names(value: string): string[] {
  return value
    .split('\n')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function fromPairs(pairs: ReadonlyMap<string, string>, url: string): UpgradeMetrics {
  const flags: Partial<Record<(typeof BOOLEAN_KEYS)[number], boolean>> = {};
  const counts: Record<string, number> = {};
  const other: Record<string, string> = {};
  for (const [key, raw] of pairs) {
    const value = raw.trim();
    if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (value !== 'true' && value !== 'false') throw new NacosResponseError(url, `upgrade metrics: ${key} is "${value}", not true/false`);
      flags[key as (typeof BOOLEAN_KEYS)[number]] = value === 'true';
    } else if (key === V1_NOT_IN_V2 || key === V2_NOT_IN_V1) {
      continue;
    } else if (/^-?\d+$/.test(value)) {
      counts[key] = Number(value);
    } else {
      other[key] = value;
    }
  }
  if (!pairs.has('upgraded') && !pairs.has('isDoubleWriteEnabled')) {
    throw new NacosResponseError(url, 'not the upgrade ops metrics: neither "upgraded" nor "isDoubleWriteEnabled" in the answer');
  }
  const { doubleWriteDelayTaskCount, ...rest } = counts;
  return {
    upgraded: flags.upgraded,
    isAll20XVersion: flags.isAll20XVersion,
    isDoubleWriteEnabled: flags.isDoubleWriteEnabled,
    doubleWriteDelayTaskCount,
    counts: rest,
    serviceV1NotInV2: names(pairs.get(V1_NOT_IN_V2) ?? ''),
    serviceV2NotInV1: names(pairs.get(V2_NOT_IN_V1) ?? ''),
    other,
  };
}

function parseJsonMetrics(body: string, url: string): Map<string, string> {
  const parsed = parseJsonBody(body, url);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new NacosResponseError(url, 'upgrade metrics: expected a JSON object');
  return new Map(Object.entries(parsed).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

function parseTextMetrics(body: string, url: string): Map<string, string> {
  const pairs = new Map<string, string>();
  let current: string | undefined;
  body.split(/\r?\n/).forEach((line, index) => {
    const match = KEY_LINE.exec(line);
    if (match) {
      current = match[1]!;
      pairs.set(current, match[2]!);
      return;
    }
    if (line.trim() === '') return;
    // A continuation line: the next name of a service list.
    if (current === V1_NOT_IN_V2 || current === V2_NOT_IN_V1) {
      pairs.set(current, `${pairs.get(current)}\n${line}`);
      return;
    }
    throw new NacosResponseError(url, `upgrade metrics: line ${index + 1} is not "key = value": ${JSON.stringify(line.slice(0, 80))}`);
  });
  return pairs;
}

export function parseUpgradeMetrics(body: string, url = 'upgrade metrics'): UpgradeMetrics {
  const text = body.trim();
  return fromPairs(text.startsWith('{') ? parseJsonMetrics(text, url) : parseTextMetrics(body, url), url);
}
