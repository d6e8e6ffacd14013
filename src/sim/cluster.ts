/**
 * A simulated Nacos cluster: N members in one process, member i on main port P + i*step (and
 * its P+1000/P+1001), all sharing one config store, one registry and one token secret, so they
 * behave as one cluster to clients. The entry point for tests, the demo and `nacos-sim`.
 */
import { networkInterfaces } from 'node:os';
import { UsageError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { advertisedHost } from '../net/advertised-host.js';
import { findFreeBasePort } from '../net/free-port.js';
import { TokenIssuer } from './auth-tokens.js';
import { ConfigStore, type ConfigKey } from './config-store.js';
import { DEFAULT_STEP, SIM_ROLES, checkBasePort, checkLayout, memberOffsets } from './layout.js';
import { SimMember, type MemberAddresses } from './member.js';
import { DEFAULT_SETTINGS, applySettings, type MemberSettingsInput } from './member-state.js';
import { NamingStore, type ServiceKey } from './naming-store.js';
import { DEFAULT_TIMING, type ClusterMemberView, type SimStores, type SimTiming } from './sim-context.js';

export interface SimClusterOptions {
  /** Number of members. Default 1. */
  readonly nodes?: number;
  /** Listen address of every member. Default 127.0.0.1. */
  readonly host?: string;
  /**
   * The address members report (member list, serverAddr, addresses()). Default the host; for a
   * wildcard host (0.0.0.0, ::) the machine's first non-internal address, else the loopback.
   */
  readonly advertise?: string;
  /** Main port of member 0; without it a free one is found. */
  readonly basePort?: number;
  /** Distance between members' main ports. Default 10. */
  readonly step?: number;
  /** Initial settings of every member, or one entry per member. */
  readonly members?: MemberSettingsInput | readonly MemberSettingsInput[];
  readonly timing?: Partial<SimTiming>;
  readonly logger?: Logger;
}

/** Refuses timings that are not positive: a zero idle time would push ClientDetectionRequest in a loop. */
export function checkTiming(timing: SimTiming): void {
  for (const [name, value] of Object.entries(timing)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new UsageError(`timing.${name} ${String(value)} is not a positive number of milliseconds`, { code: 'ERR_SIM_TIMING' });
    }
  }
}

export class SimCluster {
  readonly members: readonly SimMember[];
  readonly stores: SimStores;
  readonly timing: SimTiming;
  readonly #sweeper: NodeJS.Timeout;
  readonly #unsubscribe: () => void;

  private constructor(members: SimMember[], stores: SimStores, timing: SimTiming) {
    this.members = members;
    this.stores = stores;
    this.timing = timing;
    // One listener per store for the whole cluster, however many members it has.
    const onConfig = (key: ConfigKey): void => members.forEach((member) => member.configChanged(key));
    const onService = (key: ServiceKey): void => members.forEach((member) => member.serviceChanged(key));
    stores.config.on('changed', onConfig);
    stores.naming.on('changed', onService);
    this.#unsubscribe = () => {
      stores.config.off('changed', onConfig);
      stores.naming.off('changed', onService);
    };
    const interval = Math.max(50, Math.min(1000, Math.floor(timing.beatUnhealthyAfterMs / 3)));
    this.#sweeper = setInterval(() => stores.naming.expireBeats(Date.now(), timing.beatUnhealthyAfterMs, timing.beatDeleteAfterMs), interval);
    this.#sweeper.unref();
  }

  /** Starts every member; on failure nothing stays open. */
  static async start(options: SimClusterOptions = {}): Promise<SimCluster> {
    const nodes = options.nodes ?? 1;
    const step = options.step ?? DEFAULT_STEP;
    const host = options.host ?? '127.0.0.1';
    const advertise = options.advertise ?? advertisedHost(host, networkInterfaces());
    checkLayout(nodes, step);
    const timing: SimTiming = { ...DEFAULT_TIMING, ...options.timing };
    checkTiming(timing);
    if (options.basePort !== undefined) checkBasePort(options.basePort, nodes, step);
    const basePort =
      options.basePort ?? (await findFreeBasePort({ host, roles: SIM_ROLES, extraOffsets: memberOffsets(nodes, step), range: [11_000, 30_000 - nodes * step] }));
    const stores: SimStores = { config: new ConfigStore(), naming: new NamingStore() };
    const tokens = new TokenIssuer();
    const log = options.logger ?? silentLogger();
    const perMember = Array.isArray(options.members) ? (options.members as readonly MemberSettingsInput[]) : undefined;
    const members: SimMember[] = [];
    const views = (): readonly ClusterMemberView[] => cluster.views();
    for (let index = 0; index < nodes; index += 1) {
      const input = perMember ? perMember[index] ?? {} : ((options.members as MemberSettingsInput | undefined) ?? {});
      members.push(
        new SimMember({
          index,
          host,
          advertise,
          mainPort: basePort + index * step,
          stores,
          tokens,
          timing,
          log,
          settings: applySettings(DEFAULT_SETTINGS, input),
          members: views,
        }),
      );
    }
    const cluster = new SimCluster(members, stores, timing);
    try {
      for (const member of members) await member.start();
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /** The members as the cluster reports them. */
  views(): ClusterMemberView[] {
    return this.members.map((member) => ({ index: member.index, host: member.advertise, mainPort: member.mainPort, settings: member.settings, state: member.nodeState }));
  }

  member(index: number): SimMember {
    const member = this.members[index];
    if (!member) throw new RangeError(`no member ${index}: the cluster has ${this.members.length}`);
    return member;
  }

  addresses(): MemberAddresses[] {
    return this.members.map((member) => member.addresses);
  }

  /** `host:P0,host:P1,...`: a client's serverAddr for the whole cluster. */
  get serverAddr(): string {
    return this.members.map((member) => member.addresses.serverAddr).join(',');
  }

  /** The member holding a gRPC connection with this id (the connectionId a client was given). */
  memberOfConnection(connectionId: string): SimMember | undefined {
    return this.members.find((member) => member.connections().some((connection) => connection.id === connectionId));
  }

  /** Stops every member for good (they cannot start again); idempotent. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#unsubscribe();
    await Promise.all(this.members.map((member) => member.close()));
  }
}
