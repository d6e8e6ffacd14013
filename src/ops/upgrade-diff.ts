/**
 * `nacos-doctor upgrade --diff`: what differs between a 2.0.x/2.1.x member's 1.x and 2.x data
 * models, from the upgrade ops API (UpgradeOpsController, NACOS-FACTS.md §3):
 * `GET /v1/ns/upgrade/ops/service/list?ver=v1|v2&pageNo&pageSize&namespaceId&groupName` answers
 * `{"doms":[names without group],"count":<size of this page>}`, and
 * `GET /v1/ns/upgrade/ops/instance/list?ver=v1|v2&namespaceId&serviceName=group@@name` a
 * ServiceInfo whose `hosts` are the instances. Parsing, comparing and the findings; pure. The
 * reading is in src/ops/upgrade-diff-read.ts.
 */
import { formatHostPort } from '../address.js';
import type { Finding } from '../doctor/report.js';
import { NacosResponseError } from '../nacos/http-errors.js';
import { isRecord, toBoolean, toNumber } from '../nacos/server-state.js';
import type { UpgradeMetrics } from './upgrade-metrics.js';

export const DEFAULT_NAMESPACE = 'public';
export const DEFAULT_GROUP = 'DEFAULT_GROUP';
const DEFAULT_CLUSTER = 'DEFAULT';
/** Services named one by one in the report; the rest are counted. */
const MAX_SERVICE_FINDINGS = 50;
/** Instances named in one finding's evidence; the rest are counted. */
const MAX_NAMED_INSTANCES = 10;

/** A namespace and group: the unit the service list is asked for. */
export interface DiffScope {
  readonly namespace: string;
  readonly group: string;
}

export interface UpgradeInstance {
  readonly ip: string;
  readonly port: number;
  readonly clusterName: string;
  readonly healthy: boolean | undefined;
  readonly enabled: boolean | undefined;
  readonly ephemeral: boolean | undefined;
  readonly weight: number | undefined;
}

export interface InstanceDifference {
  readonly onlyV1: readonly UpgradeInstance[];
  readonly onlyV2: readonly UpgradeInstance[];
  /** Same ip, port and cluster, other health, weight, enabled or ephemeral flag: `ip:port healthy 1.x=true 2.x=false`. */
  readonly changed: readonly string[];
}

export interface ServiceDifference extends InstanceDifference {
  /** `namespace##group@@name`, as the metrics name services. */
  readonly service: string;
  /** In one model only; undefined when in both (and its instances differ). */
  readonly onlyIn: 'v1' | 'v2' | undefined;
}

export type UpgradeDiff =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: unknown }
  | {
      readonly kind: 'compared';
      readonly scopes: readonly DiffScope[];
      /** Services whose instances were compared (in one model or both). */
      readonly compared: number;
      /** Services left out because of the limit. */
      readonly notCompared: number;
      readonly differences: readonly ServiceDifference[];
    };

/** `namespace##group@@name`. */
export function qualifiedServiceName(scope: DiffScope, name: string): string {
  return `${scope.namespace}##${scope.group}@@${name}`;
}

/** The scope of a `namespace##group@@name` from the metrics (a name without group is in DEFAULT_GROUP). */
export function scopeOf(qualified: string): DiffScope {
  const namespaceEnd = qualified.indexOf('##');
  const namespace = namespaceEnd < 0 ? DEFAULT_NAMESPACE : qualified.slice(0, namespaceEnd);
  const grouped = namespaceEnd < 0 ? qualified : qualified.slice(namespaceEnd + 2);
  const groupEnd = grouped.indexOf('@@');
  return { namespace, group: groupEnd < 0 ? DEFAULT_GROUP : grouped.slice(0, groupEnd) };
}

/**
 * Where to look: public/DEFAULT_GROUP and every namespace and group the metrics name a
 * differing service in. The API lists one namespace and group per call and has no call that
 * names them all in both models, so common services elsewhere are not compared.
 */
export function diffScopes(metrics: UpgradeMetrics): DiffScope[] {
  const scopes = new Map<string, DiffScope>();
  for (const scope of [{ namespace: DEFAULT_NAMESPACE, group: DEFAULT_GROUP }, ...[...metrics.serviceV1NotInV2, ...metrics.serviceV2NotInV1].map(scopeOf)]) {
    scopes.set(`${scope.namespace}##${scope.group}`, scope);
  }
  return [...scopes.values()];
}

/** Why --diff has nothing to compare on this member, or undefined when it has. */
export function diffSkipReason(metrics: UpgradeMetrics): string | undefined {
  if (metrics.isDoubleWriteEnabled === false) {
    return 'double write is off: this member no longer keeps its 1.x data in step with 2.x (and cleans it), so there is nothing to compare';
  }
  return undefined;
}

export function parseServiceListPage(body: unknown, url: string): string[] {
  if (!isRecord(body) || !Array.isArray(body.doms) || !body.doms.every((name) => typeof name === 'string')) {
    throw new NacosResponseError(url, 'service list: expected {"doms":[names],"count":n}');
  }
  return body.doms as string[];
}

export function parseInstanceList(body: unknown, url: string): UpgradeInstance[] {
  if (!isRecord(body) || !Array.isArray(body.hosts)) throw new NacosResponseError(url, 'instance list: expected a ServiceInfo with "hosts"');
  return body.hosts.map((host, index) => {
    const port = isRecord(host) ? toNumber(host.port) : undefined;
    if (!isRecord(host) || typeof host.ip !== 'string' || port === undefined) throw new NacosResponseError(url, `instance list: host ${index} has no ip/port`);
    return {
      ip: host.ip,
      port,
      clusterName: typeof host.clusterName === 'string' && host.clusterName !== '' ? host.clusterName : DEFAULT_CLUSTER,
      healthy: toBoolean(host.healthy),
      enabled: toBoolean(host.enabled),
      ephemeral: toBoolean(host.ephemeral),
      weight: toNumber(host.weight),
    };
  });
}

function instanceKey(instance: UpgradeInstance): string {
  return `${formatHostPort(instance.ip, instance.port)}${instance.clusterName === DEFAULT_CLUSTER ? '' : ` [${instance.clusterName}]`}`;
}

const COMPARED_FIELDS = ['healthy', 'enabled', 'ephemeral', 'weight'] as const;

/** The instances of one service in the two models, matched by ip, port and cluster. Pure. */
export function compareInstances(v1: readonly UpgradeInstance[], v2: readonly UpgradeInstance[]): InstanceDifference {
  const byKey = new Map(v2.map((instance) => [instanceKey(instance), instance]));
  const inV1 = new Set(v1.map(instanceKey));
  const changed: string[] = [];
  for (const instance of v1) {
    const other = byKey.get(instanceKey(instance));
    if (!other) continue;
    const fields = COMPARED_FIELDS.filter((field) => instance[field] !== undefined && other[field] !== undefined && instance[field] !== other[field]);
    if (fields.length > 0) changed.push(`${instanceKey(instance)} ${fields.map((field) => `${field} 1.x=${String(instance[field])} 2.x=${String(other[field])}`).join(', ')}`);
  }
  return { onlyV1: v1.filter((instance) => !byKey.has(instanceKey(instance))), onlyV2: v2.filter((instance) => !inV1.has(instanceKey(instance))), changed };
}

export function differs(difference: InstanceDifference): boolean {
  return difference.onlyV1.length > 0 || difference.onlyV2.length > 0 || difference.changed.length > 0;
}

function named(items: readonly string[]): string {
  const shown = items.slice(0, MAX_NAMED_INSTANCES).join(', ');
  return items.length > MAX_NAMED_INSTANCES ? `${shown} and ${items.length - MAX_NAMED_INSTANCES} more` : shown;
}

const ONLY_V1_EXPLANATION =
  'the 1.x data of this member has services its 2.x data lacks. Members serve the 2.x data once they switch to the 2.x protocol, and ' +
  'the 1.x data is cleaned when double write is switched off, so these would be gone. While doubleWriteDelayTaskCount is above 0 the copy is still running';
const ONLY_V1_FIX =
  'wait until doubleWriteDelayTaskCount is 0 and compare again; a 1.x service without instances is a harmless leftover; for the others, ' +
  'have their providers register again (restarting the application re-registers it) before switching double write off';
const ONLY_V2_EXPLANATION =
  'registered through the 2.x data model and not written back to the 1.x data: a downgrade to 1.x would not have them';
const INSTANCES_EXPLANATION =
  'the same service has other instances (or other health/weight) in the two models: the copy between them has not caught up, or ' +
  'instances changed on a member that does not write both models';

function serviceFinding(difference: ServiceDifference): Finding {
  const parts = [
    ...(difference.onlyV1.length > 0 ? [`${difference.onlyIn === 'v1' ? '1.x instances' : 'only in 1.x'}: ${named(difference.onlyV1.map(instanceKey))}`] : []),
    ...(difference.onlyV2.length > 0 ? [`${difference.onlyIn === 'v2' ? '2.x instances' : 'only in 2.x'}: ${named(difference.onlyV2.map(instanceKey))}`] : []),
    ...(difference.changed.length > 0 ? [`changed: ${named(difference.changed)}`] : []),
  ];
  const evidence = parts.length > 0 ? parts.join('; ') : 'no instances';
  if (difference.onlyIn === 'v1') {
    return { check: 'upgrade.diff.service', status: 'warn', title: `${difference.service}: only in 1.x data`, evidence, cause: 'UPGRADE_SERVICE_ONLY_V1' };
  }
  if (difference.onlyIn === 'v2') {
    return { check: 'upgrade.diff.service', status: 'warn', title: `${difference.service}: only in 2.x data`, evidence, cause: 'UPGRADE_SERVICE_ONLY_V2' };
  }
  return { check: 'upgrade.diff.service', status: 'warn', title: `${difference.service}: instances differ between 1.x and 2.x data`, evidence, cause: 'UPGRADE_INSTANCES_DIFFER' };
}

function scopesText(scopes: readonly DiffScope[]): string {
  return scopes.map((scope) => `${scope.namespace}/${scope.group}`).join(', ');
}

/** The findings of one member's diff, for its section of the report. Pure. */
export function diffFindings(diff: UpgradeDiff): Finding[] {
  if (diff.kind === 'skipped') return [{ check: 'upgrade.diff', status: 'skipped', title: 'no 1.x/2.x comparison', explanation: diff.reason }];
  if (diff.kind === 'failed') {
    const error = diff.error as { code?: unknown; message?: unknown };
    const auth = error.code === 'ERR_NACOS_AUTH';
    return [
      {
        check: 'upgrade.diff',
        status: 'fail',
        title: 'could not compare the 1.x and 2.x data',
        evidence: typeof error.message === 'string' ? error.message : String(diff.error),
        ...(auth
          ? { cause: 'AUTH', fix: 'the service and instance lists need a Nacos user: --username/--password or --access-token (also NACOS_USERNAME/NACOS_PASSWORD, NACOS_ACCESS_TOKEN)' }
          : {}),
      },
    ];
  }
  const where = `${diff.compared} services compared in ${scopesText(diff.scopes)}${diff.notCompared > 0 ? `; ${diff.notCompared} more not compared (limit reached)` : ''}`;
  if (diff.differences.length === 0) {
    return [{ check: 'upgrade.diff', status: diff.notCompared > 0 ? 'info' : 'ok', title: '1.x and 2.x data hold the same services and instances', evidence: where }];
  }
  const onlyV1 = diff.differences.filter((difference) => difference.onlyIn === 'v1').length;
  const onlyV2 = diff.differences.filter((difference) => difference.onlyIn === 'v2').length;
  const instances = diff.differences.length - onlyV1 - onlyV2;
  const counts = [
    ...(onlyV1 > 0 ? [`${onlyV1} only in 1.x`] : []),
    ...(onlyV2 > 0 ? [`${onlyV2} only in 2.x`] : []),
    ...(instances > 0 ? [`${instances} with other instances`] : []),
  ];
  const explanation = [...(onlyV1 > 0 ? [`only in 1.x: ${ONLY_V1_EXPLANATION}`] : []), ...(onlyV2 > 0 ? [`only in 2.x: ${ONLY_V2_EXPLANATION}`] : []), ...(instances > 0 ? [`other instances: ${INSTANCES_EXPLANATION}`] : [])];
  const summary: Finding = {
    check: 'upgrade.diff',
    status: 'warn',
    title: `1.x and 2.x data differ: ${counts.join(', ')}`,
    evidence: where,
    cause: 'UPGRADE_DATA_DIFFERS',
    explanation: explanation.join('\n'),
    ...(onlyV1 > 0 || instances > 0 ? { fix: ONLY_V1_FIX } : {}),
  };
  const shown = diff.differences.slice(0, MAX_SERVICE_FINDINGS).map(serviceFinding);
  const rest = diff.differences.length - shown.length;
  return [
    summary,
    ...shown,
    ...(rest > 0 ? [{ check: 'upgrade.diff.service', status: 'warn' as const, title: `${rest} more differing services, not listed one by one` }] : []),
  ];
}
