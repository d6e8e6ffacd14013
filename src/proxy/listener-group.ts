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

/** The fix for each bind failure; `flag` is the option that chose the port. */
const LISTEN_HINTS: Readonly<Record<string, (flag: string) => string>> = {
  EADDRINUSE: (flag) => `is already in use (another Nacos or proxy?); stop that process or choose another ${flag}`,
  EACCES: (flag) => `needs privileges: ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a higher ${flag}`,
  EADDRNOTAVAIL: () => 'is on an address this host does not have; use one of its IPs, or omit HOST to listen on all',
};

/**
 * `what` names the listener (`client-grpc (P+1000)`, `admin`), `flag` the option to change.
 * Without HOST the proxy binds `::` (dual-stack, every interface), so that is what is named.
 */
export function listenError(what: string, host: string | undefined, port: number, error: unknown, flag = '--listen base port'): ListenError {
  const code = errnoCode(error) ?? 'UNKNOWN';
  const where = host === undefined ? `every interface (${formatHostPort('::', port)})` : formatHostPort(host, port);
  const hint = LISTEN_HINTS[code]?.(flag) ?? `failed with ${code}`;
  return new ListenError(`cannot listen for ${what} on ${where}: port ${port} ${hint}`, { cause: error });
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
