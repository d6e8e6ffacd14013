/**
 * Renders a HAProxy configuration for a Nacos cluster: one `listen` section per port role in
 * `mode tcp`, listening on P+offset and forwarding to each member's main port + the same offset,
 * with `timeout tunnel` so established connections are never cut by the short client/server
 * timeouts, and TCP health checks. Pure: options in, text out.
 */
import { isIP } from 'node:net';
import { formatHostPort } from '../address.js';
import { formatDuration } from '../duration.js';
import type { BalanceStrategy } from '../proxy/options.js';
import { routesHeader } from './header.js';
import type { HaproxyOptions } from './haproxy-options.js';
import { planRoutes, type RoleRoute } from './routes.js';

const BALANCE_LINES: Readonly<Record<BalanceStrategy, readonly string[]>> = {
  'round-robin': ['balance roundrobin'],
  // leastconn is HAProxy's advice for long sessions such as Nacos' gRPC connections too.
  'least-connections': ['balance leastconn'],
  // Consistent hashing keeps a client on its member when another member leaves.
  'ip-hash': ['balance source', 'hash-type consistent'],
};

function bindAddress(route: RoleRoute): string {
  return route.listen.host === undefined ? `:${route.listen.port}` : formatHostPort(route.listen.host, route.listen.port);
}

/** Members given by name (StatefulSet pods, compose services) are looked up again while HAProxy runs. */
function byName(route: RoleRoute): boolean {
  return route.members.some((member) => isIP(member.host) === 0);
}

function listenSection(route: RoleRoute, options: HaproxyOptions): string[] {
  return [
    `listen ${route.name}`,
    `    # ${route.role}: ${route.description}`,
    `    bind ${bindAddress(route)}`,
    '    mode tcp',
    ...(options.full ? ['    log global', '    option tcplog'] : []),
    ...BALANCE_LINES[options.balance].map((line) => `    ${line}`),
    '    option clitcpka',
    '    option srvtcpka',
    `    timeout connect ${formatDuration(options.connectTimeoutMs)}`,
    `    timeout client ${formatDuration(options.clientTimeoutMs)}`,
    `    timeout server ${formatDuration(options.serverTimeoutMs)}`,
    `    timeout tunnel ${formatDuration(options.idleTimeoutMs)}`,
    '    retries 2',
    '    option redispatch 1',
    '    option tcp-check',
    `    default-server check inter ${formatDuration(options.healthIntervalMs)} fall ${options.healthFall} rise ${options.healthRise} observe layer4 error-limit ${options.healthFall} on-error mark-down init-addr last,libc,none${
      byName(route) ? ' resolvers default' : ''
    }`,
    ...route.members.map((member, index) => `    server member-${index + 1} ${formatHostPort(member.host, member.port)}`),
  ];
}

const EXPLANATION = [
  '# mode tcp on every port: gRPC must stay one TCP connection end to end (an HTTP-level proxy',
  '# spreads it over several upstream connections and Nacos answers "Connection is unregistered.").',
  '#   timeout tunnel   idle limit once a connection is established; it supersedes timeout',
  '#                    client/server, which then only bound the connect phase. Nacos clients',
  '#                    send a heartbeat after 5 s idle and the server probes after 20 s, so',
  '#                    anything below ~30 s cuts healthy connections.',
  '#   tcp-check        active TCP connect checks; observe layer4 also takes a member out after',
  '#                    failed connections (passive health).',
  '#   retries, option redispatch 1',
  '#                    a failed connect is retried on another member; nothing has been forwarded yet.',
  '#   init-addr last,libc,none',
  '#                    HAProxy starts even when a member name does not resolve yet (a StatefulSet',
  '#                    pod not created); that member stays down until it resolves. Members given by',
  '#                    name also use resolvers default (from /etc/resolv.conf), so new addresses are seen.',
];

export function renderHaproxy(options: HaproxyOptions): string {
  const routes = planRoutes(options);
  const sections = routes.map((route) => listenSection(route, options).join('\n'));
  const global = options.full ? ['global', '    log stderr format short local0 info', ''] : [];
  return `${routesHeader('nacos-doctor haproxy', routes)}${[...global, ...EXPLANATION, '', sections.join('\n\n')].join('\n')}\n`;
}
