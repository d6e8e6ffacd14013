/**
 * Renders nginx configuration for a Nacos cluster from the Mustache templates in
 * nginx-templates/: a stream {} block with one upstream and one server per port role (plain
 * TCP, offsets kept), optionally an http {} block for the main port (`--console`), optionally
 * wrapped into a complete nginx.conf (`--full`). Pure: options and template texts in, text out.
 */
import { formatHostPort } from '../address.js';
import { formatDuration } from '../duration.js';
import type { BalanceStrategy } from '../proxy/options.js';
import { routesHeader } from './header.js';
import type { NginxOptions } from './nginx-options.js';
import { NGINX_TEMPLATE_FILES, type NginxTemplates } from './nginx-templates.js';
import { planRoutes, type RoleRoute } from './routes.js';
import { checkTemplate, renderTemplate } from './template.js';

/** The variables each template may use: exactly what the views below fill. */
export const NGINX_TEMPLATE_VARIABLES = Object.freeze({
  stream: [
    'roles',
    'role',
    'description',
    'upstream',
    'listen',
    'balance',
    'members',
    'address',
    'next_upstream_tries',
    'max_fails',
    'fail_timeout',
    'connect_timeout',
    'proxy_timeout',
  ],
  http: ['upstream', 'listen', 'balance', 'members', 'address', 'max_fails', 'fail_timeout', 'connect_timeout', 'read_timeout', 'access_log', 'temp_dir'],
  full: ['load_module', 'pid', 'error_log', 'console'],
} as const);

export const NGINX_TEMPLATE_PARTIALS = Object.freeze(['stream', 'http'] as const);

/**
 * Read and send timeout of the HTTP API: config listeners long-poll for 30 s
 * (`long-pulling-timeout: 30000`, NACOS-FACTS §8), so nginx must wait well beyond that.
 */
export const HTTP_READ_TIMEOUT_MS = 90_000;

const BALANCE_DIRECTIVE: Readonly<Record<BalanceStrategy, string>> = {
  'round-robin': '',
  'least-connections': 'least_conn',
  // Consistent hashing keeps a client on its member when another member leaves.
  'ip-hash': 'hash $remote_addr consistent',
};

function listenText(route: RoleRoute): string {
  return route.listen.host === undefined ? String(route.listen.port) : formatHostPort(route.listen.host, route.listen.port);
}

function members(route: RoleRoute): { address: string }[] {
  return route.members.map((member) => ({ address: formatHostPort(member.host, member.port) }));
}

export function renderNginx(options: NginxOptions, templates: NginxTemplates): string {
  checkTemplate(templates.stream, `${templates.dir}/${NGINX_TEMPLATE_FILES.stream}`, NGINX_TEMPLATE_VARIABLES.stream);
  checkTemplate(templates.http, `${templates.dir}/${NGINX_TEMPLATE_FILES.http}`, NGINX_TEMPLATE_VARIABLES.http);
  checkTemplate(templates.full, `${templates.dir}/${NGINX_TEMPLATE_FILES.full}`, NGINX_TEMPLATE_VARIABLES.full, NGINX_TEMPLATE_PARTIALS);

  const routes = planRoutes(options);
  const httpRoute = options.console ? routes.find((route) => route.role === 'main') : undefined;
  const streamRoutes = routes.filter((route) => route !== httpRoute);
  const balance = BALANCE_DIRECTIVE[options.balance];
  const shared = {
    balance,
    max_fails: String(options.maxFails),
    fail_timeout: formatDuration(options.failTimeoutMs),
    connect_timeout: formatDuration(options.connectTimeoutMs),
  };
  const streamView = {
    ...shared,
    proxy_timeout: formatDuration(options.idleTimeoutMs),
    roles: streamRoutes.map((route) => ({
      role: route.role,
      description: route.description,
      upstream: route.name,
      listen: listenText(route),
      balance,
      members: members(route),
      next_upstream_tries: String(route.members.length),
    })),
  };
  const httpView = httpRoute && {
    ...shared,
    upstream: httpRoute.name,
    listen: listenText(httpRoute),
    members: members(httpRoute),
    read_timeout: formatDuration(HTTP_READ_TIMEOUT_MS),
    access_log: options.accessLog,
    temp_dir: options.tempDir ?? '',
  };

  const header = routesHeader('nacos-doctor nginx', routes, httpRoute ? [httpRoute.role] : []);
  if (options.full) {
    const body = renderTemplate(
      templates.full,
      { ...httpView, ...streamView, load_module: options.full.streamModule ?? '', pid: options.full.pidFile, error_log: options.full.errorLog, console: httpView !== undefined },
      { stream: templates.stream, http: templates.http },
    );
    return `${header}${body}`;
  }
  const parts = [renderTemplate(templates.stream, streamView)];
  if (httpView) parts.push(renderTemplate(templates.http, httpView));
  return `${header}${parts.join('\n')}`;
}
