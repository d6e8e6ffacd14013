/**
 * Durations as operators type them: `3s`, `500ms`, `2m`, `1h`, `1.5s`, or a bare number of
 * seconds (as in nginx). Returned in milliseconds.
 */
import { UsageError } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(input: string | number, what: string): number {
  const text = String(input).trim();
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!match) {
    throw new UsageError(`${what} "${text}" is not a duration: use a number of seconds or a value like 500ms, 3s, 2m, 1h`, {
      code: 'ERR_DURATION',
    });
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
  // setTimeout overflows above 2^31-1 ms and then fires at once; refuse rather than misbehave.
  if (ms > 2_147_483_647) {
    throw new UsageError(`${what} "${text}" is too long: the maximum is 24 days`, { code: 'ERR_DURATION' });
  }
  return Math.round(ms);
}

/** `3000` -> `3s`, `500` -> `500ms`, `90000` -> `90s`: the short form used in help and logs. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 600_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
