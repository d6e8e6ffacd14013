/**
 * What a test (or the demo) can switch on a simulated member: its faults, the Nacos version it
 * plays, its upgrade state and auth. Pure data plus the rules that derive the naming status.
 */
import { DEFAULT_NACOS_VERSION, parseNacosVersion } from './nacos-version.js';

export interface MemberFaults {
  /** Naming is DOWN: naming HTTP answers 503 `server is DOWN...`, readiness fails. */
  readonly down: boolean;
  /** The server has not started: gRPC answers errorCode 300, SDK setups are refused, naming is STARTING. */
  readonly starting: boolean;
  /** Accepts TCP on every port and reads nothing, on open connections too, like a frozen JVM or a silent middlebox. */
  readonly blackHole: boolean;
  /** The member sees no raft leader: no `leader` in raftMetaData, naming DOWN with the raft reason. */
  readonly noRaftLeader: boolean;
}

export const NO_FAULTS: MemberFaults = Object.freeze({ down: false, starting: false, blackHole: false, noRaftLeader: false });

/** An instance of the 1.x data model (fields Nacos defaults when absent: cluster DEFAULT, ephemeral, healthy, weight 1). */
export interface UpgradeV1Instance {
  readonly ip: string;
  readonly port: number;
  readonly clusterName?: string;
  readonly ephemeral?: boolean;
  readonly healthy?: boolean;
  readonly enabled?: boolean;
  readonly weight?: number;
}

/**
 * Upgrade state shown by the upgrade ops API (`/v1/ns/upgrade/ops/*`, 2.0.2-2.1.x) and the
 * members' extendInfo. The 1.x data model is what the state says; the 2.x model is the
 * simulator's registry unless `servicesV2` overrides the service names.
 */
export interface UpgradeState {
  /** Member extendInfo.readyToUpgrade. */
  readonly readyToUpgrade: boolean;
  /** Services the 1.x data model holds, as `namespace##group@@name`. */
  readonly servicesV1: readonly string[];
  /** Instances of 1.x services by `namespace##group@@name`; these services are in the 1.x model too. */
  readonly instancesV1: Readonly<Record<string, readonly UpgradeV1Instance[]>>;
  /** Services the 2.x model holds; by default the simulator's registry. */
  readonly servicesV2?: readonly string[];
  /** Any metric to force (`upgraded`, `isDoubleWriteEnabled`, `doubleWriteDelayTaskCount`, ...). */
  readonly metrics: Readonly<Record<string, string | number | boolean>>;
}

export const DEFAULT_UPGRADE_STATE: UpgradeState = Object.freeze({ readyToUpgrade: true, servicesV1: [], instancesV1: {}, metrics: {} });

export interface AuthUser {
  readonly username: string;
  readonly password: string;
}

export interface MemberSettings {
  readonly version: string;
  readonly faults: MemberFaults;
  readonly upgrade: UpgradeState;
  /** When set, auth is on and this is the only user. */
  readonly auth: AuthUser | undefined;
}

export interface MemberSettingsInput {
  readonly version?: string;
  readonly faults?: Partial<MemberFaults>;
  readonly upgrade?: Partial<UpgradeState>;
  readonly auth?: AuthUser | null;
}

/** Applies a change to settings; `auth: null` turns auth off. Validates the version. */
export function applySettings(current: MemberSettings, change: MemberSettingsInput): MemberSettings {
  if (change.version !== undefined) parseNacosVersion(change.version);
  return {
    version: change.version ?? current.version,
    faults: { ...current.faults, ...change.faults },
    upgrade: { ...current.upgrade, ...change.upgrade },
    auth: change.auth === undefined ? current.auth : (change.auth ?? undefined),
  };
}

export const DEFAULT_SETTINGS: MemberSettings = Object.freeze({
  version: DEFAULT_NACOS_VERSION,
  faults: NO_FAULTS,
  upgrade: DEFAULT_UPGRADE_STATE,
  auth: undefined,
});

export type NamingStatus = 'UP' | 'DOWN' | 'STARTING';

/** The raft reason Nacos gives when a member has no leader (#12504). */
export const NO_LEADER_DETAIL =
  'Optional[No leader for raft group naming_persistent_service, please see logs `alipay-jraft.log` or `naming-raft.log` to see details.]';

/** ServerStatusManager's view: STARTING before start, DOWN when forced or without raft leader. */
export function namingStatus(faults: MemberFaults): { readonly status: NamingStatus; readonly detail?: string } {
  if (faults.starting) return { status: 'STARTING' };
  if (faults.noRaftLeader) return { status: 'DOWN', detail: NO_LEADER_DETAIL };
  if (faults.down) return { status: 'DOWN' };
  return { status: 'UP' };
}
