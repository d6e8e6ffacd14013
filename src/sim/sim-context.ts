/**
 * What the protocol handlers of one simulated member may read: its identity and live settings,
 * the store shared by the cluster, and the cluster's view of its members.
 */
import type { Logger } from '../log.js';
import type { TokenIssuer } from './auth-tokens.js';
import type { ConfigStore } from './config-store.js';
import type { SimConnection } from './connection.js';
import type { MemberSettings } from './member-state.js';
import type { NamingStore } from './naming-store.js';

export interface SimTiming {
  /** Idle time after which the server pushes ClientDetectionRequest (Nacos: 20 s). */
  readonly clientDetectionAfterMs: number;
  /** How long a ClientDetectionRequest may stay unanswered before the connection is dropped (Nacos: 5 s). */
  readonly clientDetectionTimeoutMs: number;
  /** How long a config or naming push may stay unanswered (logged, then dropped). */
  readonly pushTimeoutMs: number;
  /** `cacheMillis` in naming answers: how often pull-based clients poll (Nacos: 10 s pushed, 3 s listed). */
  readonly cacheMillis: number;
  /** Beat-based expiry of HTTP-registered instances (Nacos: 15 s unhealthy, 30 s deleted). */
  readonly beatUnhealthyAfterMs: number;
  readonly beatDeleteAfterMs: number;
  /** Longest hold of a config long-poll (the client asks for 30 s; Nacos holds at least 10 s). */
  readonly longPollMinMs: number;
}

export const DEFAULT_TIMING: SimTiming = Object.freeze({
  clientDetectionAfterMs: 20_000,
  clientDetectionTimeoutMs: 5000,
  pushTimeoutMs: 3000,
  cacheMillis: 10_000,
  beatUnhealthyAfterMs: 15_000,
  beatDeleteAfterMs: 30_000,
  longPollMinMs: 10_000,
});

/** The live state of a member as the cluster reports it (`/v1/core/cluster/nodes`). */
export type MemberNodeState = 'UP' | 'DOWN' | 'STARTING' | 'SUSPICIOUS';

export interface ClusterMemberView {
  readonly index: number;
  /** The advertised address (what the member list names). */
  readonly host: string;
  readonly mainPort: number;
  readonly settings: MemberSettings;
  readonly state: MemberNodeState;
}

export interface SimStores {
  readonly config: ConfigStore;
  readonly naming: NamingStore;
}

export interface SimContext {
  /** `host:mainPort`, as Nacos names members. */
  readonly id: string;
  readonly index: number;
  /** The advertised address (what the member list names). */
  readonly host: string;
  readonly mainPort: number;
  readonly settings: MemberSettings;
  readonly stores: SimStores;
  readonly tokens: TokenIssuer;
  readonly timing: SimTiming;
  readonly log: Logger;
  /** Every member of the cluster, this one included, in index order. */
  members(): readonly ClusterMemberView[];
  /** This member's live gRPC connections (both ports). */
  connections(): Iterable<SimConnection>;
}
