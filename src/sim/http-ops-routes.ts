/**
 * The operator endpoints a doctor reads (NACOS-FACTS.md §3): health and readiness (v1, v2,
 * v3), server state, naming metrics, cluster members with raft leaders, and login. The 2.0.x
 * upgrade ops API is in src/sim/http-upgrade-routes.ts.
 */
import { TOKEN_TTL_SECONDS } from './auth-tokens.js';
import { memberJson } from './cluster-view.js';
import { json, requiredParam, result, resultFailure, text, type HttpRoute, type SimHttpRequest, type SimHttpResponse } from './http-route.js';
import { namingStatus } from './member-state.js';
import { isAtLeast, loginHasUsername, metricsOnlyStatusByDefault } from './nacos-version.js';
import { serverState, type ServerStateBody } from './server-state.js';
import type { SimContext } from './sim-context.js';

/** ModuleHealthCheckerHolder: OK, or the modules that are not ready. */
function readiness(context: SimContext): { ready: boolean; message: string } {
  if (namingStatus(context.settings.faults).status === 'UP') return { ready: true, message: 'OK' };
  return { ready: false, message: isAtLeast(context.settings.version, '2.2.0') ? 'naming not in readiness' : 'Naming is not in readiness' };
}

/** `/v1/console/server/state` and `/v3/admin/core/state`. */
function state(context: SimContext): ServerStateBody {
  return serverState({
    version: context.settings.version,
    clustered: context.members().length > 1,
    mainPort: context.mainPort,
    authEnabled: context.settings.auth !== undefined,
  });
}

/** Subscriptions held by this member's gRPC connections. */
export function subscriberCount(context: SimContext): number {
  let count = 0;
  for (const connection of context.connections()) count += connection.subscriptions.size;
  return count;
}

function metrics(request: SimHttpRequest, context: SimContext): SimHttpResponse {
  return json(metricsBody(request, context));
}

function metricsBody(request: SimHttpRequest, context: SimContext): object {
  const onlyStatusParam = request.params.get('onlyStatus');
  const onlyStatus = onlyStatusParam === null ? metricsOnlyStatusByDefault(context.settings.version) : onlyStatusParam === 'true';
  const status = namingStatus(context.settings.faults).status;
  if (onlyStatus) return { status };
  const naming = context.stores.naming;
  const connections = [...context.connections()].filter((connection) => connection.registered).length;
  return {
    status,
    serviceCount: naming.services().length,
    instanceCount: naming.instanceCount,
    subscribeCount: subscriberCount(context),
    raftNotifyTaskCount: 0,
    responsibleServiceCount: naming.services().length,
    responsibleInstanceCount: naming.instanceCount,
    clientCount: connections,
    connectionBasedClientCount: connections,
    ephemeralIpPortClientCount: 0,
    persistentIpPortClientCount: 0,
    responsibleClientCount: connections,
    cpu: 0,
    load: 0,
    mem: 0,
  };
}

function members(request: SimHttpRequest, context: SimContext): object[] {
  const all = context.members();
  const keyword = request.params.get('keyword') ?? '';
  return all.filter((member) => `${member.host}:${member.mainPort}`.includes(keyword)).map((member) => memberJson(member, all));
}

function login(request: SimHttpRequest, context: SimContext): SimHttpResponse {
  const username = requiredParam(request, 'username');
  const password = requiredParam(request, 'password');
  const user = context.settings.auth;
  // With auth off the server never checks tokens, so any login is as good as another.
  if (user && (username !== user.username || password !== user.password)) return text('unknown user!', 403);
  const accessToken = context.tokens.issue(username);
  return {
    ...json({ accessToken, tokenTtl: TOKEN_TTL_SECONDS, globalAdmin: true, ...(loginHasUsername(context.settings.version) ? { username } : {}) }),
    headers: { Authorization: `Bearer ${accessToken}` },
  };
}

export const opsRoutes: readonly HttpRoute[] = [
  { method: 'GET', path: '/v1/console/health/liveness', api: 'console', replacement: 'GET /v3/console/health/liveness', handle: () => text('OK') },
  {
    method: 'GET',
    path: '/v1/console/health/readiness',
    api: 'console',
    replacement: 'GET /v3/console/health/readiness',
    handle: (_request, context) => {
      const state = readiness(context);
      return text(state.message, state.ready ? 200 : 500);
    },
  },
  {
    method: 'GET',
    path: '/v2/console/health/liveness',
    api: 'console',
    availableIn: (version) => isAtLeast(version, '2.3.0'),
    replacement: 'GET /v3/console/health/liveness',
    handle: () => result('ok'),
  },
  {
    method: 'GET',
    path: '/v2/console/health/readiness',
    api: 'console',
    availableIn: (version) => isAtLeast(version, '2.3.0'),
    replacement: 'GET /v3/console/health/readiness',
    handle: (_request, context) => {
      const state = readiness(context);
      return state.ready ? result('ok') : resultFailure(state.message);
    },
  },
  { method: 'GET', path: '/v3/admin/core/state/liveness', api: 'v3', handle: () => result('ok') },
  {
    method: 'GET',
    path: '/v3/admin/core/state/readiness',
    api: 'v3',
    handle: (_request, context) => {
      const state = readiness(context);
      return state.ready ? result('ok') : resultFailure(state.message);
    },
  },
  { method: 'GET', path: '/v3/admin/core/state', api: 'v3', handle: (_request, context) => result(state(context)) },
  { method: 'GET', path: '/v1/console/server/state', api: 'console', replacement: 'GET /v3/console/server/state', handle: (_request, context) => json(state(context)) },
  { method: 'GET', path: '/v1/ns/operator/metrics', api: 'open', handle: metrics },
  {
    method: 'GET',
    path: '/v1/core/cluster/nodes',
    api: 'console',
    replacement: 'GET /v3/admin/core/cluster/node/list',
    handle: (request, context) => json({ code: 200, message: null, data: members(request, context) }),
  },
  {
    method: 'GET',
    path: '/v2/core/cluster/node/list',
    api: 'console',
    availableIn: (version) => isAtLeast(version, '2.2.0'),
    replacement: 'GET /v3/admin/core/cluster/node/list',
    handle: (request, context) => result(members(request, context)),
  },
  // 3.x admin APIs need an (admin) token when auth is on, like every admin API of Nacos 3.
  { method: 'GET', path: '/v3/admin/core/cluster/node/list', api: 'v3', secured: true, handle: (request, context) => result(members(request, context)) },
  { method: 'GET', path: '/v3/admin/ns/ops/metrics', api: 'v3', secured: true, handle: (request, context) => result(metricsBody(request, context)) },
  { method: 'POST', path: '/v1/auth/login', api: 'always', handle: login },
  { method: 'POST', path: '/v1/auth/users/login', api: 'always', handle: login },
  { method: 'POST', path: '/v3/auth/user/login', api: 'v3', handle: login },
];
