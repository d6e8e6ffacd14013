/** Nacos server versions as reported by the API (`2.0.3`, `2.1.0-BETA`, `3.0.0-SNAPSHOT`). Pure. */

export interface NacosVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly text: string;
}

export function parseNacosVersion(text: string): NacosVersion | undefined {
  const match = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), text: text.trim() };
}

/** Negative when a is older than b; pre-release suffixes are ignored. */
export function compareVersions(a: NacosVersion, b: NacosVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True when `version` is at least `min` and below `below` (both `x.y.z`). */
export function versionInRange(version: NacosVersion, min: string, below: string): boolean {
  return compareVersions(version, parseNacosVersion(min)!) >= 0 && compareVersions(version, parseNacosVersion(below)!) < 0;
}
