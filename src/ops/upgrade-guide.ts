/**
 * The steps and advice of the Nacos 1.x -> 2.x rolling-upgrade guide and FAQ that both
 * `nacos-doctor logs` and `nacos-doctor upgrade` print, written once. Facts: NACOS-FACTS.md §3
 * (ops API, switches), §4 rows 23-26 (Raft without a leader).
 */
import { formatHostPort } from '../address.js';
import { DEFAULT_CONTEXT_PATH } from '../nacos/http-client.js';
import { formatOffset, rolePort } from '../ports.js';

/**
 * The command that ends double write. Printed for the operator, never sent: once v1 data is
 * cleaned, the cluster cannot go back to 1.x.
 */
export function doubleWriteOffCommand(member: { readonly scheme?: string; readonly host: string; readonly port: number }, contextPath = DEFAULT_CONTEXT_PATH): string {
  const base = `${member.scheme ?? 'http'}://${formatHostPort(member.host, member.port)}${contextPath}`;
  return `curl -X PUT '${base}/v1/ns/operator/switches?entry=doubleWriteEnabled&value=false'`;
}

export const DOUBLE_WRITE_WARNING =
  'after this the members stop writing 1.x data and clean it: a downgrade to 1.x is no longer possible. ' +
  'Run it only when every member runs 2.x and your clients work (add &accessToken=<token> when auth is on).';

export const DOUBLE_WRITE_EXPLANATION =
  'all members run 2.x and switched to the 2.x protocol, but they still write every change to the 1.x ' +
  'data as well (double write), so that a downgrade stays possible; the last step of the upgrade guide is to switch it off';

export const NOT_READY_EXPLANATION =
  'a member switches to the 2.x protocol only when every member reports readyToUpgrade=true; a member is ready ' +
  'when it runs 2.x (2.0.x-2.1.x), has finished copying 1.x data into 2.x (doubleWriteDelayTaskCount 0) and can reach the Raft leader';

/** `<member>:8848` when the members share a main port, `<member>:<main port>` when it is unknown or differs. */
function memberAddress(mainPort: number | undefined): string {
  return `<member>:${mainPort ?? '<main port>'}`;
}

/** `mainPort` undefined: the members do not share one (or it is unknown). */
export function notReadyFix(mainPort: number | undefined): string {
  return [
    'upgrade the remaining 1.x members to 2.x; then see which members are not ready:',
    `curl 'http://${memberAddress(mainPort)}${DEFAULT_CONTEXT_PATH}/v1/core/cluster/nodes'   (extendInfo.readyToUpgrade, version)`,
    `curl 'http://${memberAddress(mainPort)}${DEFAULT_CONTEXT_PATH}/v1/ns/upgrade/ops/metrics'  (2.0.2-2.1.x: upgraded, doubleWriteDelayTaskCount)`,
    'a member that stays not ready usually has no Raft leader (see the Raft findings)',
  ].join('\n');
}

export const RAFT_NO_LEADER_EXPLANATION =
  'JRaft elects a leader per group among the members listed in cluster.conf, over the Raft port P-1000; ' +
  'without one, persistent naming data and embedded-storage config cannot be written and the naming module reports ' +
  '"server is DOWN". Usual causes: a member\'s IP changed (docker/k8s) while JRaft kept the old address in ' +
  'data/protocol, the Raft port is blocked between members, or fewer than a majority of members are up';

/** `mainPort` undefined: the members do not share one (or it is unknown), so the Raft port is named by its offset. */
export function raftNoLeaderFix(mainPort: number | undefined): string {
  const raftPort = mainPort === undefined ? undefined : safeRolePort(mainPort, 'raft');
  return [
    `make sure a majority of the members run and reach each other on the Raft port ${raftPort === undefined ? formatOffset('raft') : `${raftPort} (${formatOffset('raft')})`}`,
    'if a member\'s IP changed: stop it, delete its data/protocol directory (the JRaft metadata), start it again',
    'keep member addresses stable: hostnames in cluster.conf with nacos.inetutils.prefer-hostname-over-ip=true, or -Dnacos.server.ip',
  ].join('\n');
}

/** rolePort without throwing, for advice texts where an impossible port is reported elsewhere. */
export function safeRolePort(mainPort: number, role: Parameters<typeof rolePort>[1]): number | undefined {
  try {
    return rolePort(mainPort, role);
  } catch {
    return undefined;
  }
}
