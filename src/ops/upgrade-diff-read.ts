/**
 * Reads what `nacos-doctor upgrade --diff` compares from one 2.0.x/2.1.x member: the service
 * lists of both data models for each namespace and group (paged), then the instances of each
 * service in the model(s) that hold it. Bounded: at most `maxServices` services per member get
 * their instances compared (services in one model only first, so the limit never hides them),
 * with `concurrency` requests in flight.
 */
import pMap from 'p-map';
import type { NacosHttpClient } from '../nacos/http-client.js';
import { NacosResponseError } from '../nacos/http-errors.js';
import {
  compareInstances,
  diffScopes,
  diffSkipReason,
  differs,
  parseInstanceList,
  parseServiceListPage,
  qualifiedServiceName,
  type DiffScope,
  type ServiceDifference,
  type UpgradeDiff,
  type UpgradeInstance,
} from './upgrade-diff.js';
import type { UpgradeMetrics } from './upgrade-metrics.js';

export const SERVICE_LIST_PATH = '/v1/ns/upgrade/ops/service/list';
export const INSTANCE_LIST_PATH = '/v1/ns/upgrade/ops/instance/list';
export const DEFAULT_MAX_SERVICES = 200;
export const DEFAULT_CONCURRENCY = 8;
const PAGE_SIZE = 1000;
/** 100 000 services in one namespace and group is beyond any cluster this API was meant for. */
const MAX_PAGES = 100;

export interface DiffReadOptions {
  readonly signal?: AbortSignal;
  readonly maxServices?: number;
  readonly concurrency?: number;
}

type Model = 'v1' | 'v2';

interface Candidate {
  readonly scope: DiffScope;
  readonly name: string;
  readonly inV1: boolean;
  readonly inV2: boolean;
}

async function listServices(client: NacosHttpClient, ver: Model, scope: DiffScope, signal: AbortSignal | undefined): Promise<string[]> {
  const names: string[] = [];
  const url = `${client.baseUrl}${SERVICE_LIST_PATH}`;
  for (let pageNo = 1; pageNo <= MAX_PAGES; pageNo += 1) {
    const query = { ver, pageNo, pageSize: PAGE_SIZE, namespaceId: scope.namespace, groupName: scope.group };
    const page = parseServiceListPage(await client.json(SERVICE_LIST_PATH, { query, ...(signal ? { signal } : {}) }), url);
    names.push(...page);
    // `count` is the size of the page, not the total: a short page is the last one.
    if (page.length < PAGE_SIZE) return names;
  }
  throw new NacosResponseError(url, `more than ${MAX_PAGES * PAGE_SIZE} ${ver} services in ${scope.namespace}/${scope.group}: not compared`);
}

async function listInstances(client: NacosHttpClient, ver: Model, candidate: Candidate, signal: AbortSignal | undefined): Promise<UpgradeInstance[]> {
  const query = { ver, namespaceId: candidate.scope.namespace, serviceName: `${candidate.scope.group}@@${candidate.name}` };
  return parseInstanceList(await client.json(INSTANCE_LIST_PATH, { query, ...(signal ? { signal } : {}) }), `${client.baseUrl}${INSTANCE_LIST_PATH}`);
}

async function candidates(client: NacosHttpClient, scopes: readonly DiffScope[], signal: AbortSignal | undefined): Promise<Candidate[]> {
  const found: Candidate[] = [];
  for (const scope of scopes) {
    const [v1, v2] = await Promise.all([listServices(client, 'v1', scope, signal), listServices(client, 'v2', scope, signal)]);
    const inV1 = new Set(v1);
    const inV2 = new Set(v2);
    for (const name of [...new Set([...v1, ...v2])].sort()) found.push({ scope, name, inV1: inV1.has(name), inV2: inV2.has(name) });
  }
  return found;
}

async function compare(client: NacosHttpClient, candidate: Candidate, signal: AbortSignal | undefined): Promise<ServiceDifference | undefined> {
  const [v1, v2] = await Promise.all([
    candidate.inV1 ? listInstances(client, 'v1', candidate, signal) : [],
    candidate.inV2 ? listInstances(client, 'v2', candidate, signal) : [],
  ]);
  const difference = compareInstances(v1, v2);
  const onlyIn = candidate.inV1 === candidate.inV2 ? undefined : candidate.inV1 ? 'v1' : 'v2';
  if (onlyIn === undefined && !differs(difference)) return undefined;
  return { ...difference, service: qualifiedServiceName(candidate.scope, candidate.name), onlyIn };
}

/** The diff of one member; failures come back as `{kind: 'failed'}` (a caller's abort is rethrown). */
export async function readUpgradeDiff(client: NacosHttpClient, metrics: UpgradeMetrics, options: DiffReadOptions = {}): Promise<UpgradeDiff> {
  const reason = diffSkipReason(metrics);
  if (reason !== undefined) return { kind: 'skipped', reason };
  const { signal } = options;
  try {
    const scopes = diffScopes(metrics);
    const all = await candidates(client, scopes, signal);
    const ordered = [...all.filter((candidate) => candidate.inV1 !== candidate.inV2), ...all.filter((candidate) => candidate.inV1 === candidate.inV2)];
    const chosen = ordered.slice(0, options.maxServices ?? DEFAULT_MAX_SERVICES);
    const results = await pMap(chosen, (candidate) => compare(client, candidate, signal), {
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      ...(signal ? { signal } : {}),
    });
    const differences = results.filter((result): result is ServiceDifference => result !== undefined);
    return { kind: 'compared', scopes, compared: chosen.length, notCompared: ordered.length - chosen.length, differences };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    return { kind: 'failed', error };
  }
}
