/**
 * The service registry of a simulated cluster, shared by every member. Each instance has an
 * owner, as in Nacos 2 where a client owns what it registered: a gRPC connection
 * (`grpc:<member>:<connectionId>`, removed when that connection goes away) or an HTTP
 * client's `ip:port` (kept alive by beats, expired without them). `changed` fires per service.
 */
import { EventEmitter } from 'node:events';
import type { Instance } from '../nacos/message-bodies.js';
import { DEFAULT_GROUP } from './config-store.js';

export const DEFAULT_NAMESPACE = 'public';
export const DEFAULT_CLUSTER = 'DEFAULT';

export interface ServiceKey {
  readonly namespace: string;
  readonly groupName: string;
  readonly serviceName: string;
}

export interface InstanceRecord {
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  readonly clusterName: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly owner: string;
  /** Last beat of an HTTP-registered ephemeral instance (ms since epoch). */
  readonly lastBeat: number;
}

/** Naming namespaces: "" and "public" are one namespace for every client. */
export function normalizeNamespace(namespace: string | undefined): string {
  return namespace === undefined || namespace === '' ? DEFAULT_NAMESPACE : namespace;
}

/**
 * The service a request names. `group@@name` in serviceName (the v1 API and old clients) wins
 * over groupName, as NamingUtils.getGroupName does.
 */
export function serviceKey(namespace: string | undefined, groupName: string | undefined, serviceName: string): ServiceKey {
  const separator = serviceName.indexOf('@@');
  if (separator >= 0) {
    return { namespace: normalizeNamespace(namespace), groupName: serviceName.slice(0, separator), serviceName: serviceName.slice(separator + 2) };
  }
  return { namespace: normalizeNamespace(namespace), groupName: groupName === undefined || groupName === '' ? DEFAULT_GROUP : groupName, serviceName };
}

export function serviceKeyText(key: ServiceKey): string {
  return JSON.stringify([key.namespace, key.groupName, key.serviceName]);
}

function instanceKeyText(ip: string, port: number, clusterName: string): string {
  return `${ip}#${port}#${clusterName}`;
}

/** What a register request carries, with Nacos' defaults for the missing parts. */
export function instanceRecord(instance: Partial<Instance> & { ip: string; port: number }, owner: string, now = Date.now()): InstanceRecord {
  return {
    ip: instance.ip,
    port: instance.port,
    weight: instance.weight ?? 1,
    healthy: instance.healthy ?? true,
    enabled: instance.enabled ?? true,
    ephemeral: instance.ephemeral ?? true,
    clusterName: instance.clusterName === undefined || instance.clusterName === '' ? DEFAULT_CLUSTER : instance.clusterName,
    metadata: { ...(instance.metadata ?? {}) },
    owner,
    lastBeat: now,
  };
}

interface ServiceEntry {
  readonly key: ServiceKey;
  readonly instances: Map<string, InstanceRecord>;
}

export class NamingStore extends EventEmitter<{ changed: [ServiceKey] }> {
  readonly #services = new Map<string, ServiceEntry>();

  #entry(key: ServiceKey): ServiceEntry {
    const text = serviceKeyText(key);
    let entry = this.#services.get(text);
    if (!entry) {
      entry = { key, instances: new Map() };
      this.#services.set(text, entry);
    }
    return entry;
  }

  register(key: ServiceKey, record: InstanceRecord): void {
    this.#entry(key).instances.set(instanceKeyText(record.ip, record.port, record.clusterName), record);
    this.emit('changed', key);
  }

  /** True when the instance existed. Services stay (empty), as Nacos keeps them until cleaned. */
  deregister(key: ServiceKey, ip: string, port: number, clusterName = DEFAULT_CLUSTER): boolean {
    const removed = this.#services.get(serviceKeyText(key))?.instances.delete(instanceKeyText(ip, port, clusterName)) ?? false;
    if (removed) this.emit('changed', key);
    return removed;
  }

  /** Refreshes an HTTP instance's beat; false when it is not registered. */
  beat(key: ServiceKey, ip: string, port: number, clusterName = DEFAULT_CLUSTER, now = Date.now()): boolean {
    const instances = this.#services.get(serviceKeyText(key))?.instances;
    const id = instanceKeyText(ip, port, clusterName);
    const record = instances?.get(id);
    if (!instances || !record) return false;
    instances.set(id, { ...record, lastBeat: now, healthy: true });
    if (!record.healthy) this.emit('changed', key);
    return true;
  }

  instances(key: ServiceKey): InstanceRecord[] {
    return [...(this.#services.get(serviceKeyText(key))?.instances.values() ?? [])];
  }

  hasService(key: ServiceKey): boolean {
    return this.#services.has(serviceKeyText(key));
  }

  /** Service names of a namespace and group, sorted. */
  serviceNames(namespace: string, groupName: string): string[] {
    return [...this.#services.values()]
      .filter((entry) => entry.key.namespace === namespace && entry.key.groupName === groupName)
      .map((entry) => entry.key.serviceName)
      .sort();
  }

  services(): ServiceKey[] {
    return [...this.#services.values()].map((entry) => entry.key);
  }

  /** Removes everything `owner` registered (its connection closed); returns how many instances went. */
  removeOwner(owner: string): number {
    let removed = 0;
    for (const entry of this.#services.values()) {
      let changed = false;
      for (const [id, record] of entry.instances) {
        if (record.owner === owner && record.ephemeral) {
          entry.instances.delete(id);
          changed = true;
          removed += 1;
        }
      }
      if (changed) this.emit('changed', entry.key);
    }
    return removed;
  }

  /**
   * Beat-based health of HTTP-registered ephemeral instances (Nacos: unhealthy after 15 s
   * without a beat, deleted after 30 s). gRPC instances live as long as their connection.
   */
  expireBeats(now: number, unhealthyAfterMs: number, deleteAfterMs: number): void {
    for (const entry of this.#services.values()) {
      let changed = false;
      for (const [id, record] of entry.instances) {
        if (!record.ephemeral || !record.owner.startsWith('http:')) continue;
        const silent = now - record.lastBeat;
        if (silent >= deleteAfterMs) {
          entry.instances.delete(id);
          changed = true;
        } else if (silent >= unhealthyAfterMs && record.healthy) {
          entry.instances.set(id, { ...record, healthy: false });
          changed = true;
        }
      }
      if (changed) this.emit('changed', entry.key);
    }
  }

  get instanceCount(): number {
    let count = 0;
    for (const entry of this.#services.values()) count += entry.instances.size;
    return count;
  }
}
