/**
 * The two data models a 2.0.x/2.1.x member holds during the 1.x -> 2.x upgrade, as the upgrade
 * ops API (UpgradeOpsController) compares them: services named `namespace##group@@name`, the
 * 1.x model from the member's upgrade state, the 2.x model from the simulator's registry.
 */
import { DEFAULT_GROUP } from './config-store.js';
import type { UpgradeState } from './member-state.js';
import { DEFAULT_NAMESPACE, instanceRecord, type InstanceRecord, type NamingStore, type ServiceKey } from './naming-store.js';

/** `namespace##group@@name`, the form the controller compares v1 and v2 services in. */
export function upgradeServiceName(namespace: string, groupName: string, serviceName: string): string {
  return `${namespace}##${groupName}@@${serviceName}`;
}

/** The inverse; a name without a group is in DEFAULT_GROUP, as the controller reads 1.x names. */
export function parseUpgradeServiceName(name: string): ServiceKey {
  const namespaceEnd = name.indexOf('##');
  const namespace = namespaceEnd < 0 ? DEFAULT_NAMESPACE : name.slice(0, namespaceEnd);
  const grouped = namespaceEnd < 0 ? name : name.slice(namespaceEnd + 2);
  const groupEnd = grouped.indexOf('@@');
  return groupEnd < 0
    ? { namespace, groupName: DEFAULT_GROUP, serviceName: grouped }
    : { namespace, groupName: grouped.slice(0, groupEnd), serviceName: grouped.slice(groupEnd + 2) };
}

function nameOf(key: ServiceKey): string {
  return upgradeServiceName(key.namespace, key.groupName, key.serviceName);
}

/** The 1.x model: every service of `servicesV1` and `instancesV1`, with its instances. */
export function servicesV1(upgrade: UpgradeState): Map<string, InstanceRecord[]> {
  const services = new Map<string, InstanceRecord[]>();
  for (const name of upgrade.servicesV1) services.set(nameOf(parseUpgradeServiceName(name)), []);
  for (const [name, instances] of Object.entries(upgrade.instancesV1)) {
    const records = instances.map((instance) => ({ ...instanceRecord(instance), owner: 'v1' }));
    services.set(nameOf(parseUpgradeServiceName(name)), records);
  }
  return services;
}

/** The 2.x model's service names: the registry's, or those the upgrade state forces. */
export function servicesV2(store: NamingStore, upgrade: UpgradeState): string[] {
  return upgrade.servicesV2 ? upgrade.servicesV2.map((name) => nameOf(parseUpgradeServiceName(name))) : store.services().map(nameOf);
}

/** The instances of one service in the 1.x or 2.x model. */
export function upgradeInstances(store: NamingStore, upgrade: UpgradeState, version: 'v1' | 'v2', key: ServiceKey): InstanceRecord[] {
  if (version === 'v2') return store.instances(key);
  return servicesV1(upgrade).get(nameOf(key)) ?? [];
}

/** Service names (without group) of one namespace and group in the 1.x or 2.x model, sorted. */
export function upgradeServiceNames(store: NamingStore, upgrade: UpgradeState, version: 'v1' | 'v2', namespace: string, groupName: string): string[] {
  const names = version === 'v1' ? [...servicesV1(upgrade).keys()] : servicesV2(store, upgrade);
  return names
    .map(parseUpgradeServiceName)
    .filter((key) => key.namespace === namespace && key.groupName === groupName)
    .map((key) => key.serviceName)
    .sort();
}
