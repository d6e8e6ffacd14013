/** Real loopback peers for tests: servers that identify themselves, echo, or stay silent. */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { ROLE_OFFSETS, type Role } from '../../src/ports.js';

export interface TcpServer {
  readonly server: Server;
  readonly port: number;
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

export async function listenTcp(onSocket: (socket: Socket) => void, options: { host?: string; port?: number } = {}): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A fake Nacos member: one server per role on its base port + offset. On connect it sends one
 * line `<name> <role>` and then echoes everything back (ending when the client ends).
 */
export interface FakeMember {
  readonly name: string;
  readonly host: string;
  readonly base: number;
  readonly servers: Map<Role, TcpServer>;
  /** Connections accepted so far, per role. */
  readonly accepted: Map<Role, number>;
  stop(role?: Role): Promise<void>;
  start(role?: Role): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeMember(name: string, roles: readonly Role[], host = '127.0.0.1'): Promise<FakeMember> {
  const base = await findFreeBasePort({ host, roles });
  const servers = new Map<Role, TcpServer>();
  const accepted = new Map<Role, number>(roles.map((role) => [role, 0]));
  const startRole = async (role: Role): Promise<void> => {
    servers.set(
      role,
      await listenTcp(
        (socket) => {
          accepted.set(role, (accepted.get(role) ?? 0) + 1);
          socket.write(`${name} ${role}\n`);
          socket.pipe(socket);
        },
        { host, port: base + ROLE_OFFSETS[role] },
      ),
    );
  };
  for (const role of roles) await startRole(role);
  const stopRole = async (role: Role): Promise<void> => {
    await servers.get(role)?.close();
    servers.delete(role);
  };
  return {
    name,
    host,
    base,
    servers,
    accepted,
    stop: async (role) => {
      for (const r of role ? [role] : [...servers.keys()]) await stopRole(r);
    },
    start: async (role) => {
      for (const r of role ? [role] : roles) if (!servers.has(r)) await startRole(r);
    },
    close: async () => {
      for (const r of [...servers.keys()]) await stopRole(r);
    },
  };
}

export async function dialTcp(port: number, host = '127.0.0.1', localAddress?: string): Promise<Socket> {
  const socket = connect({ host, port, allowHalfOpen: true, ...(localAddress ? { localAddress } : {}) });
  await once(socket, 'connect');
  return socket;
}

/** Reads up to and including the first newline; leaves the rest of the stream untouched. */
export function readLine(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        cleanup();
        const rest = buffered.slice(newline + 1);
        if (rest !== '') socket.unshift(Buffer.from(rest, 'utf8'));
        resolve(buffered.slice(0, newline));
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`stream ended before a line; got ${JSON.stringify(buffered)}`));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.pause();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
  });
}

/**
 * Everything the socket sends until its FIN. Leaves the socket open for writing (an async
 * iterator would destroy it at the end and break half-close tests).
 */
export function readAll(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('socket closed before its end')));
    socket.resume();
  });
}

/**
 * How the peer ended the connection: 'closed' for an orderly FIN (answered with our own FIN),
 * or the error code (ECONNRESET, ...). Discards data.
 */
export function closeOutcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let code: string | undefined;
    socket.on('error', (error: NodeJS.ErrnoException) => (code ??= error.code ?? 'ERROR'));
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve(code ?? 'closed'));
    socket.resume();
  });
}

/**
 * Connects and reports how the proxy ended the connection without sending anything. A reset
 * can arrive before Node reports the connect, so a refusal may surface on connect itself.
 */
export function connectOutcome(port: number, host = '127.0.0.1'): Promise<string> {
  return closeOutcome(connect({ host, port, allowHalfOpen: true }));
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
