/**
 * The I/O of `nacos-doctor upgrade`: asks every member, in parallel, for its version (server
 * state) and, where the version can have it (2.0.2-2.1.x, or unknown), for the upgrade ops
 * metrics; then reads the cluster's member list from the first member that gives it, and with
 * --diff each member's 1.x/2.x differences. Everything it learns, failures included, goes into
 * an UpgradeInput for the pure decision in src/ops/upgrade-stage.ts.
 */
import type { ServerAddress } from '../address.js';
import type { Logger } from '../log.js';
import { parseClusterNodes, type ClusterNode } from '../nacos/cluster-nodes.js';
import { NacosHttpClient } from '../nacos/http-client.js';
import { parseServerState, type ServerState } from '../nacos/server-state.js';
import { parseNacosVersion, versionInRange } from '../nacos/server-version.js';
import { readUpgradeDiff } from './upgrade-diff-read.js';
import { parseUpgradeMetrics, type UpgradeMetrics } from './upgrade-metrics.js';
import { OPS_API_BELOW, OPS_API_FROM, type MemberObservation, type UpgradeInput } from './upgrade-stage.js';

export const UPGRADE_METRICS_PATH = '/v1/ns/upgrade/ops/metrics';

/** Where the version is: 1.x-3.1 (a console API, 410 on 3.0/3.1), then 3.x's own. */
const STATE_PATHS = ['/v1/console/server/state', '/v3/admin/core/state'] as const;
/** The member list: 1.3-3.1 (console API), then 3.x's admin API. */
const NODE_PATHS = ['/v1/core/cluster/nodes', '/v3/admin/core/cluster/node/list'] as const;

export type { NacosCredentials as NacosAuth } from '../nacos/credentials.js';
import type { NacosCredentials as NacosAuth } from '../nacos/credentials.js';

export interface UpgradeObserveOptions {
  readonly members: readonly ServerAddress[];
  /** Overrides each address's context path (default `/nacos`). */
  readonly contextPath?: string;
  readonly timeoutMs: number;
  readonly auth?: NacosAuth;
  /** Also compare each member's 1.x and 2.x data (service and instance lists). */
  readonly diff?: boolean;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

interface Probed {
  readonly observation: MemberObservation;
  readonly client: NacosHttpClient;
}

function codeOf(error: unknown): string {
  return String((error as { code?: unknown }).code ?? '');
}

/** No answer at all, or credentials refused: asking the same member again cannot help. */
function isFinal(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ERR_NACOS_AUTH' || code === 'ERR_HTTP_TIMEOUT' || code.startsWith('ERR_CONNECT_');
}

/** The first path that exists on this version; ERR_NACOS_API_ABSENT moves on to the next. */
async function firstPresent<T>(client: NacosHttpClient, paths: readonly string[], parse: (body: unknown, url: string) => T, signal: AbortSignal | undefined): Promise<T> {
  let absent: unknown;
  for (const path of paths) {
    try {
      return parse(await client.json(path, signal ? { signal } : {}), `${client.baseUrl}${path}`);
    } catch (error) {
      if (codeOf(error) !== 'ERR_NACOS_API_ABSENT') throw error;
      absent = error;
    }
  }
  throw absent;
}

async function probeMember(server: ServerAddress, options: UpgradeObserveOptions): Promise<Probed> {
  const client = new NacosHttpClient({
    server,
    timeoutMs: options.timeoutMs,
    ...(options.contextPath === undefined ? {} : { contextPath: options.contextPath }),
    ...options.auth,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const base = { address: server.input, member: { scheme: server.scheme, host: server.host, port: server.port, contextPath: client.contextPath } };
  const { signal } = options;
  let state: ServerState | undefined;
  try {
    state = await firstPresent(client, STATE_PATHS, parseServerState, signal);
  } catch (error) {
    if (isFinal(error)) return { client, observation: { ...base, metricsError: error } };
    options.logger?.debug({ member: server.input, err: error }, 'server state unreadable; asking for the upgrade metrics anyway');
  }
  const withState = state ? { ...base, state } : base;
  const version = state?.version === undefined ? undefined : parseNacosVersion(state.version);
  // The version says the API cannot be there: memberStatus explains why without asking.
  if (version !== undefined && !versionInRange(version, OPS_API_FROM, OPS_API_BELOW)) return { client, observation: withState };
  let metrics: UpgradeMetrics;
  try {
    metrics = parseUpgradeMetrics(await client.text(UPGRADE_METRICS_PATH, signal ? { signal } : {}), `${client.baseUrl}${UPGRADE_METRICS_PATH}`);
  } catch (error) {
    return { client, observation: { ...withState, metricsError: error } };
  }
  const diff = options.diff ? await readUpgradeDiff(client, metrics, signal ? { signal } : {}) : undefined;
  return { client, observation: { ...withState, metrics, ...(diff ? { diff } : {}) } };
}

/** The member list from the first member that answers it (members with metrics first), or the last failure. */
async function readNodes(probed: readonly Probed[], signal: AbortSignal | undefined, logger: Logger | undefined): Promise<{ nodes?: ClusterNode[]; nodesError?: unknown }> {
  const reachable = probed.filter(({ observation }) => observation.metricsError === undefined || !isFinal(observation.metricsError));
  const ordered = [...reachable.filter(({ observation }) => observation.metrics), ...reachable.filter(({ observation }) => !observation.metrics)];
  let nodesError: unknown;
  for (const { client, observation } of ordered) {
    try {
      return { nodes: await firstPresent(client, NODE_PATHS, parseClusterNodes, signal) };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      logger?.debug({ member: observation.address, err: error }, 'cluster nodes unreadable');
      nodesError = error;
    }
  }
  return nodesError === undefined ? {} : { nodesError };
}

export async function observeUpgrade(options: UpgradeObserveOptions): Promise<UpgradeInput> {
  const probed = await Promise.all(options.members.map((member) => probeMember(member, options)));
  return { members: probed.map(({ observation }) => observation), ...(await readNodes(probed, options.signal, options.logger)) };
}
