/**
 * `/v1/ns/upgrade/ops/metrics` of Nacos 2.0.2-2.1.x (UpgradeOpsController): the 1.x -> 2.x
 * upgrade progress, as JSON or as `key = value` lines. Values come from the two data models
 * (src/sim/upgrade-data.ts) and the member's upgrade state; any of them can be forced for tests
 * of `nacos-doctor upgrade`.
 */
import type { UpgradeState } from './member-state.js';
import type { NamingStore } from './naming-store.js';
import { servicesV1, servicesV2, upgradeServiceName } from './upgrade-data.js';

export type MetricValue = string | number | boolean;

export function upgradeMetrics(store: NamingStore, upgrade: UpgradeState, subscribeCount: number): [string, MetricValue][] {
  const v1Services = servicesV1(upgrade);
  const v1 = new Set(v1Services.keys());
  const v2 = new Set(servicesV2(store, upgrade));
  let v1Instances = 0;
  for (const records of v1Services.values()) v1Instances += records.length;
  let ephemeralInstances = 0;
  let persistentInstances = 0;
  const ephemeralServices = new Set<string>();
  const persistentServices = new Set<string>();
  for (const key of store.services()) {
    const name = upgradeServiceName(key.namespace, key.groupName, key.serviceName);
    for (const record of store.instances(key)) {
      if (record.ephemeral) {
        ephemeralInstances += 1;
        ephemeralServices.add(name);
      } else {
        persistentInstances += 1;
        persistentServices.add(name);
      }
    }
  }
  const computed: [string, MetricValue][] = [
    ['upgraded', true],
    ['isAll20XVersion', true],
    ['isDoubleWriteEnabled', false],
    ['doubleWriteDelayTaskCount', 0],
    ['serviceCountV1', v1.size],
    ['instanceCountV1', v1Instances],
    ['serviceCountV2', v2.size],
    ['instanceCountV2', store.instanceCount],
    ['subscribeCountV2', subscribeCount],
    ['responsibleServiceCountV1', v1.size],
    ['responsibleInstanceCountV1', v1Instances],
    ['ephemeralServiceCountV2', ephemeralServices.size],
    ['persistentServiceCountV2', persistentServices.size],
    ['ephemeralInstanceCountV2', ephemeralInstances],
    ['persistentInstanceCountV2', persistentInstances],
    ['service.V1.not.in.V2', [...v1].filter((name) => !v2.has(name)).join('\n')],
    ['service.V2.not.in.V1', [...v2].filter((name) => !v1.has(name)).join('\n')],
  ];
  const forced = new Map(Object.entries(upgrade.metrics));
  const merged = computed.map(([key, value]): [string, MetricValue] => [key, forced.get(key) ?? value]);
  for (const [key, value] of forced) if (!merged.some(([name]) => name === key)) merged.push([key, value]);
  return merged;
}

/** The controller's text form: `String.format("%-30s = ", key)`, then `%5d` for integers, `%.3f` for other numbers. */
export function formatUpgradeMetrics(entries: readonly [string, MetricValue][]): string {
  return entries
    .map(([key, value]) => {
      let shown: string;
      if (typeof value === 'number') shown = Number.isInteger(value) ? String(value).padStart(5) : value.toFixed(3);
      else shown = String(value);
      return `${key.padEnd(30)} = ${shown}\n`;
    })
    .join('');
}
