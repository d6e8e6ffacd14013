/**
 * The TCP options of a socket of this process, found by its ports: /proc/net/tcp{,6} names the
 * socket's inode, /proc/self/fd the descriptor holding it, getsockopt (through the native
 * engine's tcpOptions) the options. Works for sockets of either data path, since an in-process
 * proxy's sockets are this process's.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import { loadSpliceModule } from '../../src/proxy/splice-path.js';

export interface TcpOptions {
  readonly noDelay: boolean;
  readonly keepAlive: boolean;
  readonly keepAliveIdleSeconds: number;
}

async function inodeOf(localPort: number, remotePort: number): Promise<string | undefined> {
  const hex = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      // local_address, rem_address, st (01 = ESTABLISHED), ..., inode (field 10)
      if (fields[1]?.endsWith(`:${hex(localPort)}`) && fields[2]?.endsWith(`:${hex(remotePort)}`) && fields[3] === '01') return fields[9];
    }
  }
  return undefined;
}

async function fdOf(inode: string): Promise<number | undefined> {
  for (const name of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${name}`).catch(() => '');
    if (target === `socket:[${inode}]`) return Number(name);
  }
  return undefined;
}

/** Options of this process's established socket from localPort to remotePort. */
export async function tcpOptionsOf(localPort: number, remotePort: number): Promise<TcpOptions> {
  const native = loadSpliceModule();
  if (native instanceof Error) throw native;
  const inode = await inodeOf(localPort, remotePort);
  if (inode === undefined) throw new Error(`no established socket ${localPort} -> ${remotePort} in /proc/net/tcp`);
  const fd = await fdOf(inode);
  if (fd === undefined) throw new Error(`socket inode ${inode} (${localPort} -> ${remotePort}) is not held by this process`);
  const [noDelay, keepAlive, idle] = native.tcpOptions(fd);
  return { noDelay: noDelay !== 0, keepAlive: keepAlive !== 0, keepAliveIdleSeconds: idle };
}
