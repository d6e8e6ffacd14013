/**
 * The member list of `GET /v1/core/cluster/nodes` (`{code:200, data:[Member…]}`), `/v2/core/cluster/
 * node/list` and `/v3/admin/core/cluster/node/list` (Result, code 0) and `/v1/ns/operator/servers`
 * (`{servers:[…]}`), NACOS-FACTS.md §3: state, version, readyToUpgrade and the Raft leader of
 * each group from extendInfo.raftMetaData. Pure.
 */
import { formatHostPort } from '../address.js';
import { NacosResponseError } from './http-errors.js';
import { toBoolean, toNumber, unwrapResult } from './server-state.js';

/** Where the member list is served: 1.3-3.1 (v1), 3.x admin API (v3, behind auth when it is on). */
export const CLUSTER_NODES_PATHS = Object.freeze({ v1: '/v1/core/cluster/nodes', v3: '/v3/admin/core/cluster/node/list' } as const);

export interface RaftGroup {
  readonly group: string;
  /** `host:raftPort`, undefined when the group has no leader. */
  readonly leader: string | undefined;
  readonly members: readonly string[];
  readonly term: number | undefined;
}

export interface ClusterNode {
  /** `ip:port` as Nacos reports it. */
  readonly address: string;
  readonly ip: string;
  readonly port: number;
  /** STARTING, UP, SUSPICIOUS, DOWN or ISOLATION. */
  readonly state: string | undefined;
  readonly version: string | undefined;
  readonly readyToUpgrade: boolean | undefined;
  readonly raftPort: number | undefined;
  readonly raftGroups: readonly RaftGroup[];
  readonly failAccessCnt: number | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function raftGroups(extendInfo: Record<string, unknown>): RaftGroup[] {
  const meta = extendInfo.raftMetaData;
  const map = isRecord(meta) && isRecord(meta.metaDataMap) ? meta.metaDataMap : undefined;
  if (!map) return [];
  return Object.entries(map).map(([group, value]) => {
    const info = isRecord(value) ? value : {};
    const leader = typeof info.leader === 'string' && info.leader !== '' && info.leader !== 'null' ? info.leader : undefined;
    const members = Array.isArray(info.raftGroupMember) ? info.raftGroupMember.filter((item): item is string => typeof item === 'string') : [];
    return { group, leader, members, term: toNumber(info.term) };
  });
}

function parseNode(value: unknown, url: string, index: number): ClusterNode {
  if (!isRecord(value)) throw new NacosResponseError(url, `member ${index} is not a JSON object`);
  const ip = typeof value.ip === 'string' ? value.ip : undefined;
  const port = toNumber(value.port);
  if (ip === undefined || port === undefined) throw new NacosResponseError(url, `member ${index} has no ip/port`);
  const extendInfo = isRecord(value.extendInfo) ? value.extendInfo : {};
  return {
    address: typeof value.address === 'string' && value.address !== '' ? value.address : formatHostPort(ip, port),
    ip,
    port,
    state: typeof value.state === 'string' ? value.state : undefined,
    version: typeof extendInfo.version === 'string' ? extendInfo.version : undefined,
    readyToUpgrade: toBoolean(extendInfo.readyToUpgrade),
    raftPort: toNumber(extendInfo.raftPort),
    raftGroups: raftGroups(extendInfo),
    failAccessCnt: toNumber(value.failAccessCnt),
  };
}

export function parseClusterNodes(body: unknown, url = 'cluster nodes'): ClusterNode[] {
  const data = unwrapResult(body, url);
  const list = Array.isArray(data) ? data : isRecord(data) && Array.isArray(data.servers) ? data.servers : undefined;
  if (!list) throw new NacosResponseError(url, 'expected a list of members');
  return list.map((value, index) => parseNode(value, url, index));
}
