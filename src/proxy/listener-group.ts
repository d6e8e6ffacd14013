/**
 * One listening socket per port role, on the --listen base port plus the role's offset.
 * Opening is all or nothing: if one role's port cannot be bound, the others are closed again
 * and the error names the role and the port.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { formatHostPort, type ListenAddress } from '../address.js';
import { ListenError, errnoCode } from '../errors.js';
import { formatOffset, rolePort, type Role } from '../ports.js';
import { TCP_KEEPALIVE_MS } from './connector.js';

const LISTEN_HINTS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'is already in use (another Nacos or proxy?); stop that process or choose another --listen base port',
  EACCES: 'needs privileges: ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a higher --listen base port',
  EADDRNOTAVAIL: 'is on an address this host does not have; use one of its IPs, or omit HOST to listen on all',
};

export function listenError(role: string, host: string | undefined, port: number, error: unknown): ListenError {
  const code = errnoCode(error) ?? 'UNKNOWN';
  const where = formatHostPort(host ?? '0.0.0.0', port);
  const hint = LISTEN_HINTS[code] ?? `failed with ${code}`;
  return new ListenError(`cannot listen for ${role} on ${where}: port ${port} ${hint}`, { cause: error });
}

function listenOnce(server: Server, host: string | undefined, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    // Reconnect storms (thousands of Nacos clients after a member restart) need a deep accept queue.
    server.listen({ host, port, backlog: 4096 }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export class ListenerGroup {
  readonly #servers = new Map<Role, Server>();

  private constructor() {}

  static async open(listen: ListenAddress, roles: readonly Role[], onConnection: (role: Role, socket: Socket) => void): Promise<ListenerGroup> {
    const group = new ListenerGroup();
    try {
      for (const role of roles) {
        const port = rolePort(listen.port, role);
        const server = createServer({
          allowHalfOpen: true,
          // Nothing is read from the client until its upstream is connected: a failed connect
          // can then be retried on another member with no client byte consumed.
          pauseOnConnect: true,
          noDelay: true,
          keepAlive: true,
          keepAliveInitialDelay: TCP_KEEPALIVE_MS,
        });
        server.on('connection', (socket: Socket) => onConnection(role, socket));
        try {
          await listenOnce(server, listen.host, port);
        } catch (error) {
          throw listenError(`${role} (${formatOffset(role)})`, listen.host, port, error);
        }
        group.#servers.set(role, server);
      }
    } catch (error) {
      group.close();
      throw error;
    }
    return group;
  }

  addresses(): Map<Role, AddressInfo> {
    const result = new Map<Role, AddressInfo>();
    for (const [role, server] of this.#servers) {
      const address = server.address();
      if (address !== null && typeof address === 'object') result.set(role, address);
    }
    return result;
  }

  /**
   * Stops accepting on every role at once; open connections are not touched. (Server#close's
   * callback would wait for every connection to end, which is the drain's job, not this one's.)
   */
  close(): void {
    for (const server of this.#servers.values()) {
      if (server.listening) server.close();
    }
  }
}
