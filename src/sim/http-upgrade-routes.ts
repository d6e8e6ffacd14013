/**
 * The upgrade ops API of Nacos 2.0.2-2.1.x (UpgradeOpsController, `/v1/ns/upgrade/ops`), the
 * parts a doctor reads: `metrics` (open), and the 1.x/2.x views `service/list` and
 * `instance/list` (`ver=v1|v2`, secured as naming reads). Any `ver` other than `v2` selects the
 * 1.x model, as the controller does.
 */
import { json, requiredParam, text, type HttpRoute, type SimHttpRequest } from './http-route.js';
import { subscriberCount } from './http-ops-routes.js';
import { InvalidRequestError } from './invalid-request.js';
import { hasUpgradeOpsMetrics } from './nacos-version.js';
import { DEFAULT_GROUP } from './config-store.js';
import { normalizeNamespace, serviceKey } from './naming-store.js';
import { instanceJson } from './service-info.js';
import { upgradeInstances, upgradeServiceNames } from './upgrade-data.js';
import { formatUpgradeMetrics, upgradeMetrics } from './upgrade-metrics.js';

function modelOf(request: SimHttpRequest): 'v1' | 'v2' {
  return (request.params.get('ver') ?? 'v2') === 'v2' ? 'v2' : 'v1';
}

/** NumberUtils.toInt: 0 for anything that is not an integer. */
function intParam(request: SimHttpRequest, name: string): number {
  const value = Number(requiredParam(request, name));
  return Number.isInteger(value) ? value : 0;
}

export const upgradeRoutes: readonly HttpRoute[] = [
  {
    method: 'GET',
    path: '/v1/ns/upgrade/ops/metrics',
    api: 'open',
    availableIn: hasUpgradeOpsMetrics,
    handle: (request, context) => {
      const entries = upgradeMetrics(context.stores.naming, context.settings.upgrade, subscriberCount(context));
      return request.params.get('json') === 'true' ? json(Object.fromEntries(entries)) : text(formatUpgradeMetrics(entries));
    },
  },
  {
    method: 'GET',
    path: '/v1/ns/upgrade/ops/service/list',
    api: 'open',
    availableIn: hasUpgradeOpsMetrics,
    secured: true,
    handle: (request, context) => {
      const pageNo = intParam(request, 'pageNo');
      const pageSize = intParam(request, 'pageSize');
      const namespace = normalizeNamespace(request.params.get('namespaceId') ?? undefined);
      const groupName = request.params.get('groupName') || DEFAULT_GROUP;
      const names = upgradeServiceNames(context.stores.naming, context.settings.upgrade, modelOf(request), namespace, groupName);
      // ServiceUtil.pageServiceName; `count` is the size of this page, not the total.
      const start = Math.max(0, (pageNo - 1) * pageSize);
      const doms = names.slice(start, start + Math.max(0, pageSize));
      return json({ doms, count: doms.length });
    },
  },
  {
    method: 'GET',
    path: '/v1/ns/upgrade/ops/instance/list',
    api: 'open',
    availableIn: hasUpgradeOpsMetrics,
    secured: true,
    handle: (request, context) => {
      const serviceName = requiredParam(request, 'serviceName');
      if (!serviceName.includes('@@')) throw new InvalidRequestError("Param 'serviceName' is illegal, it should be format as 'groupName@@serviceName'");
      const key = serviceKey(request.params.get('namespaceId') ?? undefined, undefined, serviceName);
      const hosts = upgradeInstances(context.stores.naming, context.settings.upgrade, modelOf(request), key).map((record) => instanceJson(record, key));
      return json({ name: serviceName, groupName: key.groupName, clusters: '', cacheMillis: context.timing.cacheMillis, hosts, lastRefTime: Date.now(), checksum: '', allIPs: false, reachProtectionThreshold: false, valid: true });
    },
  },
];
