/**
 * The --admin HTTP endpoint: /healthz for load balancers and orchestrators, /status (JSON)
 * for people and scripts, /metrics (Prometheus text) for monitoring.
 *
 * /healthz answers 200 only while the proxy runs and every role has a member that can take
 * a connection: a balancer in front of several nacos-proxy instances then skips one that
 * could only reset its clients.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostPort } from '../address.js';
import { listenError } from './listener-group.js';
import { createProxyMetrics } from './metrics.js';
import type { NacosProxy } from './proxy.js';
import { proxyStatus, rolesWithoutMembers } from './status.js';

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

export class AdminServer {
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async open(proxy: NacosProxy, address: HostPort, now: () => number = Date.now): Promise<AdminServer> {
    const registry = createProxyMetrics(proxy, now);
    const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      const path = new URL(request.url ?? '/', 'http://admin').pathname;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.setHeader('allow', 'GET, HEAD');
        send(response, 405, 'text/plain; charset=utf-8', 'method not allowed: use GET\n');
        return;
      }
      switch (path) {
        case '/healthz': {
          const status = proxyStatus(proxy, now());
          const missing = rolesWithoutMembers(status);
          if (status.state !== 'running') send(response, 503, 'text/plain; charset=utf-8', `${status.state}\n`);
          else if (missing.length > 0) send(response, 503, 'text/plain; charset=utf-8', `no healthy member for ${missing.join(', ')}\n`);
          else send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
          return;
        }
        case '/status':
          send(response, 200, 'application/json', `${JSON.stringify(proxyStatus(proxy, now()), null, 2)}\n`);
          return;
        case '/metrics':
          send(response, 200, registry.contentType, await registry.metrics());
          return;
        default:
          send(response, 404, 'text/plain; charset=utf-8', 'not found: try /healthz, /status or /metrics\n');
      }
    };
    const server = createServer((request, response) => {
      handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `${String(error)}\n`);
        else response.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(listenError('the admin endpoint', address.host, address.port, error, '--admin port')));
      server.listen({ host: address.host, port: address.port }, () => resolve());
    });
    return new AdminServer(server);
  }

  address(): AddressInfo {
    return this.#server.address() as AddressInfo;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}
