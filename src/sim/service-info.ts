/**
 * Instance and ServiceInfo JSON as a Nacos server writes them, from naming-store records.
 * Jackson also writes Instance's getters (heartbeat interval/timeouts, id generator) and
 * ServiceInfo's `valid`; clients rely on fields such as `lastRefTime` to order updates.
 */
import type { Instance, ServiceInfo } from '../nacos/message-bodies.js';
import { allIpsKey } from './nacos-version.js';
import type { InstanceRecord, NamingStore, ServiceKey } from './naming-store.js';

/** `Constants.DEFAULT_HEART_BEAT_INTERVAL/TIMEOUT`, `DEFAULT_IP_DELETE_TIMEOUT`. */
export const HEARTBEAT_INTERVAL_MS = 5000;
export const HEARTBEAT_TIMEOUT_MS = 15_000;
export const IP_DELETE_TIMEOUT_MS = 30_000;

export function groupedServiceName(key: ServiceKey): string {
  return `${key.groupName}@@${key.serviceName}`;
}

export function instanceJson(record: InstanceRecord, key: ServiceKey): Instance {
  const grouped = groupedServiceName(key);
  return {
    instanceId: `${record.ip}#${record.port}#${record.clusterName}#${grouped}`,
    ip: record.ip,
    port: record.port,
    weight: record.weight,
    healthy: record.healthy,
    enabled: record.enabled,
    ephemeral: record.ephemeral,
    clusterName: record.clusterName,
    serviceName: grouped,
    metadata: { ...record.metadata },
    instanceHeartBeatInterval: HEARTBEAT_INTERVAL_MS,
    instanceHeartBeatTimeOut: HEARTBEAT_TIMEOUT_MS,
    ipDeleteTimeout: IP_DELETE_TIMEOUT_MS,
    instanceIdGenerator: 'simple',
  };
}

export interface ServiceInfoOptions {
  /** Comma-separated cluster names to keep; empty keeps all. */
  readonly clusters?: string;
  readonly healthyOnly?: boolean;
  /** The server version decides `allIPs` (2.x) or `allIps` (3.x). */
  readonly version: string;
  readonly cacheMillis: number;
  /** The v1 HTTP API names the service `group@@name`; gRPC pushes use the bare name. */
  readonly groupedName?: boolean;
}

let lastRefTime = 0;

/** A strictly increasing timestamp: clients drop an update whose lastRefTime is older. */
function nextRefTime(): number {
  lastRefTime = Math.max(Date.now(), lastRefTime + 1);
  return lastRefTime;
}

export function serviceInfo(store: NamingStore, key: ServiceKey, options: ServiceInfoOptions): ServiceInfo {
  const wanted = new Set((options.clusters ?? '').split(',').map((name) => name.trim()).filter((name) => name !== ''));
  const hosts = store
    .instances(key)
    .filter((record) => wanted.size === 0 || wanted.has(record.clusterName))
    .filter((record) => !options.healthyOnly || record.healthy)
    .map((record) => instanceJson(record, key));
  return {
    name: options.groupedName ? groupedServiceName(key) : key.serviceName,
    groupName: key.groupName,
    clusters: options.clusters ?? '',
    cacheMillis: options.cacheMillis,
    hosts,
    lastRefTime: nextRefTime(),
    checksum: '',
    [allIpsKey(options.version)]: false,
    reachProtectionThreshold: false,
    valid: true,
  };
}
