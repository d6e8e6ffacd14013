/**
 * The cluster as the member sees it (NACOS-FACTS §3): the member list with each member's state,
 * and the Raft leader of every group from `extendInfo.raftMetaData`. A group without a leader is
 * the `server is DOWN` problem; a member that is not UP will fail the clients sent to it.
 * `/v1/core/cluster/nodes` serves 1.3-3.1, `/v3/admin/core/cluster/node/list` 3.x; both need a
 * token when auth is on, so they share the target's login.
 */
import { CLUSTER_NODES_PATHS, parseClusterNodes, type ClusterNode } from '../../nacos/cluster-nodes.js';
import { formatHostPort, normalizeIp } from '../../address.js';
import { isValidPort } from '../../ports.js';
import { plural } from '../../text.js';
import { advice } from '../advice.js';
import { attempt, type Outcome } from '../failure.js';
import { observedMembers, observedServerPort, observedState } from '../observed.js';
import type { ObservingProbe, Observations, Target } from '../probe.js';
import type { Finding } from '../report.js';

export interface MembersObservation {
  readonly v1: Outcome<readonly ClusterNode[]>;
  readonly v3: Outcome<readonly ClusterNode[]>;
}

const PATHS = CLUSTER_NODES_PATHS;

/** Per Raft group: each leader the members name and who names it, and the members that see none. */
export interface RaftView {
  readonly group: string;
  readonly leaders: readonly { readonly leader: string; readonly seenBy: readonly string[] }[];
  readonly leaderless: readonly string[];
}

/** A member as `host:port`, IPv6 in brackets (Nacos writes `::1:8848`). */
function shown(member: ClusterNode): string {
  return formatHostPort(member.ip, member.port);
}

/** A Raft endpoint as Nacos writes it (`10.0.0.1:7848`, `::1:7848`), with IPv6 in brackets. */
export function showEndpoint(endpoint: string): string {
  const colon = endpoint.lastIndexOf(':');
  const port = Number(endpoint.slice(colon + 1));
  if (colon <= 0 || !isValidPort(port)) return endpoint;
  return formatHostPort(endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port);
}

export function raftViews(members: readonly ClusterNode[]): RaftView[] {
  const groups = new Map<string, { leaders: Map<string, string[]>; leaderless: string[] }>();
  for (const member of members) {
    for (const group of member.raftGroups) {
      const view = groups.get(group.group) ?? { leaders: new Map<string, string[]>(), leaderless: [] };
      if (group.leader === undefined) view.leaderless.push(shown(member));
      else {
        const leader = showEndpoint(group.leader);
        view.leaders.set(leader, [...(view.leaders.get(leader) ?? []), shown(member)]);
      }
      groups.set(group.group, view);
    }
  }
  return [...groups].map(([group, view]) => ({ group, leaders: [...view.leaders].map(([leader, seenBy]) => ({ leader, seenBy })), leaderless: view.leaderless }));
}

/** Whether `member` is the one the target reached (its own port, when it said it, else the dialled one). */
function isChecked(member: ClusterNode, observed: Observations, target: Target): boolean {
  return normalizeIp(member.ip) === target.ip && member.port === (observedServerPort(observed) ?? target.port);
}

function listFinding(members: readonly ClusterNode[], observed: Observations, target: Target): Finding {
  const states = members.map((member) => `${shown(member)} ${member.state ?? '?'}`).join(', ');
  const notUp = members.filter((member) => member.state !== 'UP');
  const data = { members: members.length, notUp: notUp.length };
  if (notUp.length === 0) {
    return { check: 'cluster.members', status: 'ok', title: `${plural(members.length, 'member')}, all UP`, evidence: states, data };
  }
  const self = notUp.find((member) => isChecked(member, observed, target));
  const { explanation, fix } = advice('MEMBER_NOT_UP', {
    target,
    observed,
    ...(self ? { self: `${shown(self)} ${self.state ?? '?'}` } : {}),
    ...(notUp.some((member) => member !== self) ? { detail: notUp.filter((member) => member !== self).map(shown).join(', ') } : {}),
  });
  return {
    check: 'cluster.members',
    status: 'warn',
    title: `${notUp.length} of ${members.length} members not UP: ${notUp.map((member) => `${shown(member)} ${member.state ?? '?'}`).join(', ')}${self ? ' (including the member checked here)' : ''}`,
    evidence: states,
    cause: 'MEMBER_NOT_UP',
    explanation,
    fix,
    data,
  };
}

function raftFinding(members: readonly ClusterNode[], observed: Observations, target: Target): Finding {
  const views = raftViews(members);
  if (views.length === 0) return { check: 'cluster.raft', status: 'skipped', title: 'the members report no Raft groups (no raftMetaData)' };
  const broken = views.filter((view) => view.leaderless.length > 0 || view.leaders.length === 0);
  if (broken.length > 0) {
    const { explanation, fix } = advice('RAFT_NO_LEADER', { target, observed });
    return {
      check: 'cluster.raft',
      status: 'fail',
      title: `Raft ${broken.length === 1 ? 'group' : 'groups'} without a leader: ${broken.map((view) => view.group).join(', ')}`,
      evidence: broken.map((view) => `${view.group}: no leader seen by ${view.leaderless.join(', ') || 'any member'}`).join('; '),
      cause: 'RAFT_NO_LEADER',
      explanation,
      fix,
      data: { groups: views.length, leaderless: broken.length },
    };
  }
  const split = views.filter((view) => view.leaders.length > 1);
  if (split.length > 0) {
    const evidence = split.map((view) => `${view.group}: ${view.leaders.map(({ leader, seenBy }) => `${leader} (per ${seenBy.join(', ')})`).join(' vs ')}`).join('; ');
    const { explanation, fix } = advice('RAFT_LEADER_DISAGREEMENT', { target, observed, detail: evidence });
    return {
      check: 'cluster.raft',
      status: 'warn',
      title: `the members name different Raft leaders for ${split.map((view) => view.group).join(', ')}`,
      evidence,
      cause: 'RAFT_LEADER_DISAGREEMENT',
      explanation,
      fix,
      data: { groups: views.length, disagreeing: split.length },
    };
  }
  const leaders = [...new Set(views.map((view) => view.leaders[0]!.leader))];
  const evidence = leaders.length === 1 ? `${views.length} groups led by ${leaders[0]}` : views.map((view) => `${view.group}=${view.leaders[0]!.leader}`).join(', ');
  return { check: 'cluster.raft', status: 'ok', title: 'every Raft group has a leader the members agree on', evidence, data: { groups: views.length, leaders: leaders.join(',') } };
}

export function classifyMembers(observed: Observations, target: Target): Finding[] {
  const observation = observed.members;
  if (observation === undefined) return [];
  const members = observedMembers(observed);
  if (members !== undefined) return [listFinding(members, observed, target), raftFinding(members, observed, target)];
  const failures = [observation.v1, observation.v3].flatMap((outcome) => (outcome.ok ? [] : [outcome.failure]));
  const auth = failures.find((failure) => failure.code === 'ERR_NACOS_AUTH');
  if (auth) {
    return [
      {
        check: 'cluster.members',
        status: 'skipped',
        title: `member list needs a working login (HTTP ${auth.status ?? 403} "${auth.body ?? ''}"; see auth)`,
        data: { reason: auth.reason ?? null },
      },
    ];
  }
  const absent = failures.every((failure) => failure.code === 'ERR_NACOS_API_ABSENT');
  const version = observedState(observed)?.version;
  // Network failures, and 404s where no Nacos answers at all (a wrong context path), are the readiness finding's.
  if (!absent || version === undefined) return [];
  return [{ check: 'cluster.members', status: 'skipped', title: `member list not available: Nacos ${version} answers HTTP ${failures[0]?.status ?? 404} on ${PATHS.v1} and ${PATHS.v3}` }];
}

export const membersProbe: ObservingProbe<'members'> = {
  name: 'members',
  async observe(_target, context) {
    const { http, signal } = context;
    const [v1, v3] = await Promise.all(
      (['v1', 'v3'] as const).map((api) =>
        attempt(async () => parseClusterNodes(await http.json(PATHS[api], { timeoutMs: context.remaining(), signal }), PATHS[api]) as readonly ClusterNode[]),
      ),
    );
    return { v1: v1!, v3: v3! };
  },
  classify: classifyMembers,
};
