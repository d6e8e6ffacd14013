/**
 * What changes on the wire between Nacos versions, as far as the simulator reproduces it.
 * Every switch cites the fact it comes from (NACOS-FACTS.md); versions are compared
 * numerically on major.minor.patch, ignoring suffixes such as `-BETA`.
 */
import { UsageError } from '../errors.js';

export type VersionTriple = readonly [number, number, number];

export function parseNacosVersion(version: string): VersionTriple {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[-.][0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (!match) {
    throw new UsageError(`Nacos version "${version}" is not a version like 2.4.3 or 3.0.0-BETA`, { code: 'ERR_SIM_VERSION' });
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parseNacosVersion(a), parseNacosVersion(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

export function isAtLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}

/** The version the simulator plays unless told otherwise: the last 2.x line. */
export const DEFAULT_NACOS_VERSION = '2.5.1';

/** ServerCheckResponse.supportAbilityNegotiation and SetupAckRequest exist from 2.3.0 (§1.3). */
export function negotiatesAbilities(version: string): boolean {
  return isAtLeast(version, '2.3.0');
}

/**
 * TrafficReviseFilter's 503 text: `server is DOWN now, ...` in 1.4.0/1.4.1 and 2.0.0-2.0.2;
 * from 1.4.2 / 2.0.3 on a missing space gives `server is DOWNnow, ...` (§3 "503 DOWN text").
 */
export function namingUnavailableText(version: string, status: string, detail?: string): string {
  const spaced = (isAtLeast(version, '1.4.0') && !isAtLeast(version, '1.4.2')) || (isAtLeast(version, '2.0.0') && !isAtLeast(version, '2.0.3'));
  if (spaced) return `server is ${status} now, please try again later!`;
  return detail === undefined ? `server is ${status}now, please try again later!` : `server is ${status}now, detailed error message: ${detail}`;
}

/** `/v1/console/server/state`: `standalone_mode` up to 2.2.x, `startup_mode` + `server_port` from 2.3.0 (§3). */
export function hasStartupModeState(version: string): boolean {
  return isAtLeast(version, '2.3.0');
}

/** `/v1/console/server/state` adds the auth module's states from 2.2.2 on (§3). */
export function hasAuthState(version: string): boolean {
  return isAtLeast(version, '2.2.2');
}

/** The login answer carries `username` from 2.2 on (§3). */
export function loginHasUsername(version: string): boolean {
  return isAtLeast(version, '2.2.0');
}

/** `/v1/ns/upgrade/ops/metrics` exists in 2.0.2-2.1.x only (§3). */
export function hasUpgradeOpsMetrics(version: string): boolean {
  return isAtLeast(version, '2.0.2') && !isAtLeast(version, '2.2.0');
}

/** ServiceInfo's all-IPs flag: `allIPs` up to 2.x, `allIps` in 3.x. */
export function allIpsKey(version: string): 'allIPs' | 'allIps' {
  return isAtLeast(version, '3.0.0') ? 'allIps' : 'allIPs';
}

/** `/v1/ns/operator/metrics` answers only `{"status":...}` by default from 2.0 on (§3). */
export function metricsOnlyStatusByDefault(version: string): boolean {
  return isAtLeast(version, '2.0.0');
}
