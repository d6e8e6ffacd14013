/**
 * The service registry of a simulated cluster, shared by every member. As in Nacos 2, each
 * client publishes its instances per service: a gRPC connection (`grpc:<member>:<connectionId>`,
 * withdrawn when that connection goes away), an HTTP client's `http:<ip>:<port>` (kept alive by
 * beats, expired without them) or a persistent instance's `persistent:<ip>:<port>`.
 * `changed` fires per service.
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

/** An instance before it is published: a record without its owner. */
export type InstanceData = Omit<InstanceRecord, 'owner'>;

/** What a register request carries, with Nacos' defaults for the missing parts. */
export function instanceRecord(instance: Partial<Instance> & { ip: string; port: number }, now = Date.now()): InstanceData {
  return {
    ip: instance.ip,
    port: instance.port,
    weight: instance.weight ?? 1,
    healthy: instance.healthy ?? true,
    enabled: instance.enabled ?? true,
    ephemeral: instance.ephemeral ?? true,
    clusterName: instance.clusterName === undefined || instance.clusterName === '' ? DEFAULT_CLUSTER : instance.clusterName,
    metadata: { ...(instance.metadata ?? {}) },
    lastBeat: now,
  };
}

interface ServiceEntry {
  readonly key: ServiceKey;
  /** What each client published for this service, in Nacos 2 terms (one publish per client and service). */
  readonly published: Map<string, readonly InstanceRecord[]>;
}

export class NamingStore extends EventEmitter<{ changed: [ServiceKey] }> {
  readonly #services = new Map<string, ServiceEntry>();

  #entry(key: ServiceKey): ServiceEntry {
    const text = serviceKeyText(key);
    let entry = this.#services.get(text);
    if (!entry) {
      entry = { key, published: new Map() };
      this.#services.set(text, entry);
    }
    return entry;
  }

  /**
   * What `owner` publishes for the service, replacing what it published before: a Nacos 2 client
   * holds one publish per service, so a second registerInstance from the same connection replaces
   * the first and a batch replaces both (EphemeralClientOperationServiceImpl).
   */
  publish(key: ServiceKey, owner: string, records: readonly InstanceData[]): void {
    this.#entry(key).published.set(owner, records.map((record) => ({ ...record, owner })));
    this.emit('changed', key);
  }

  /** Withdraws what `owner` published for the service; true when there was something. */
  unpublish(key: ServiceKey, owner: string): boolean {
    const removed = this.#services.get(serviceKeyText(key))?.published.delete(owner) ?? false;
    if (removed) this.emit('changed', key);
    return removed;
  }

  /** Refreshes the beat of an HTTP client's instances; false when it published nothing here. */
  beat(key: ServiceKey, owner: string, now = Date.now()): boolean {
    const published = this.#services.get(serviceKeyText(key))?.published;
    const records = published?.get(owner);
    if (!published || !records) return false;
    published.set(
      owner,
      records.map((record) => ({ ...record, lastBeat: now, healthy: true })),
    );
    if (records.some((record) => !record.healthy)) this.emit('changed', key);
    return true;
  }

  /** The service's instances, one per ip:port:cluster (the latest publish wins). */
  instances(key: ServiceKey): InstanceRecord[] {
    const byAddress = new Map<string, InstanceRecord>();
    for (const records of this.#services.get(serviceKeyText(key))?.published.values() ?? []) {
      for (const record of records) byAddress.set(instanceKeyText(record.ip, record.port, record.clusterName), record);
    }
    return [...byAddress.values()];
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

  /** Removes everything `owner` published (its connection closed); returns how many instances went. */
  removeOwner(owner: string): number {
    let removed = 0;
    for (const entry of this.#services.values()) {
      const records = entry.published.get(owner);
      if (!records) continue;
      entry.published.delete(owner);
      removed += records.length;
      this.emit('changed', entry.key);
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
      for (const [owner, records] of entry.published) {
        if (!owner.startsWith('http:')) continue;
        const kept = records.filter((record) => !record.ephemeral || now - record.lastBeat < deleteAfterMs);
        const marked = kept.map((record) => (record.ephemeral && record.healthy && now - record.lastBeat >= unhealthyAfterMs ? { ...record, healthy: false } : record));
        if (kept.length === records.length && marked.every((record, index) => record === kept[index])) continue;
        changed = true;
        if (marked.length === 0) entry.published.delete(owner);
        else entry.published.set(owner, marked);
      }
      if (changed) this.emit('changed', entry.key);
    }
  }

  get instanceCount(): number {
    return this.services().reduce((count, key) => count + this.instances(key).length, 0);
  }
}
