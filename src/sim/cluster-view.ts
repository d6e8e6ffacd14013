/**
 * How a simulated member describes the cluster: the Member JSON of `/v1/core/cluster/nodes`
 * with state and `extendInfo.raftMetaData` (NACOS-FACTS.md §3 "Member JSON"), and the raft
 * leader the members agree on.
 */
import { ROLE_OFFSETS, isValidPort } from '../ports.js';
import { isAtLeast } from './nacos-version.js';
import type { ClusterMemberView } from './sim-context.js';

/** The raft groups of a 2.x member (each elects its own leader; here they agree). */
export const RAFT_GROUPS = ['naming_instance_metadata', 'naming_persistent_service', 'naming_persistent_service_v2', 'naming_service_metadata'] as const;

export function raftPort(mainPort: number): number | undefined {
  const port = mainPort + ROLE_OFFSETS.raft;
  return isValidPort(port) ? port : undefined;
}

function raftAddress(member: ClusterMemberView): string {
  return `${member.host}:${raftPort(member.mainPort) ?? member.mainPort}`;
}

/** The leader: the first member, in index order, that is UP and can see a leader. */
export function raftLeader(members: readonly ClusterMemberView[]): ClusterMemberView | undefined {
  return members.find((member) => member.state === 'UP' && !member.settings.faults.noRaftLeader);
}

/**
 * Member.abilities (ServerAbilities, 2.x and 3.x; 1.x members have none): the remote ability every
 * 2.x member sets, with `grpcReportEnabled` from 2.2.1 and the naming ability from 2.0.4
 * (RemoteAbilityInitializer, NamingAbilityInitializer; `exampleAbility` is 2.0.0-2.0.3's placeholder).
 */
function memberAbilities(version: string): object | undefined {
  if (!isAtLeast(version, '2.0.0')) return undefined;
  return {
    remoteAbility: { supportRemoteConnection: true, ...(isAtLeast(version, '2.2.1') ? { grpcReportEnabled: true } : {}) },
    configAbility: { supportRemoteMetrics: false },
    namingAbility: isAtLeast(version, '2.0.4') ? { supportJraft: true } : { exampleAbility: false },
  };
}

export function memberJson(member: ClusterMemberView, members: readonly ClusterMemberView[], now = Date.now()): object {
  const leader = member.settings.faults.noRaftLeader ? undefined : raftLeader(members);
  const groupMembers = members.map(raftAddress);
  const metaDataMap = Object.fromEntries(
    RAFT_GROUPS.map((group) => [group, { ...(leader ? { leader: raftAddress(leader) } : {}), raftGroupMember: groupMembers, term: 1 }]),
  );
  const port = raftPort(member.mainPort);
  const { version } = member.settings;
  const abilities = memberAbilities(version);
  return {
    ip: member.host,
    port: member.mainPort,
    state: member.state,
    extendInfo: {
      lastRefreshTime: now,
      raftMetaData: { metaDataMap },
      ...(port === undefined ? {} : { raftPort: String(port) }),
      readyToUpgrade: member.settings.upgrade.readyToUpgrade,
      version,
    },
    address: `${member.host}:${member.mainPort}`,
    // NacosMember (3.x) drops the failure counter (§3: `failAccessCnt` is 2.x).
    ...(isAtLeast(version, '3.0.0') ? {} : { failAccessCnt: member.state === 'UP' ? 0 : 3 }),
    ...(abilities ? { abilities } : {}),
  };
}
