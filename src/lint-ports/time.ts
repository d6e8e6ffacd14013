/**
 * Time values as nginx and HAProxy write them, in milliseconds. nginx: `30s`, `10m`, `1h30m`,
 * a bare number is seconds. HAProxy: `30s`, `1m`, a bare number is milliseconds.
 */

const NGINX_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };
const HAPROXY_UNITS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** nginx time (`ngx_parse_time`): one or more NUMBER[UNIT] parts; undefined if not a time. */
export function parseNginxTime(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|M|y)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) return undefined;
  return parts.reduce((sum, part) => sum + Number(part[1]) * NGINX_UNITS[part[2]!]!, 0);
}

/** HAProxy time: NUMBER[UNIT], milliseconds by default; undefined if not a time. */
export function parseHaproxyTime(text: string): number | undefined {
  const match = /^(\d+)(us|ms|s|m|h|d)?$/.exec(text);
  return match ? Number(match[1]) * HAPROXY_UNITS[match[2] ?? 'ms']! : undefined;
}
