/**
 * A port where TCP connects hang (SYN dropped): a child process listens with backlog 0 and
 * blocks its event loop so it never accepts; one filler connection fills the accept queue,
 * after which the kernel drops further SYNs. This is what a firewall DROP rule or a dead
 * host looks like to the proxy, on loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

const CHILD = `
const net = require('node:net');
const server = net.createServer();
server.listen({ host: process.argv[1], port: 0, backlog: 0 }, () => {
  require('node:fs').writeSync(1, server.address().port + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});
`;

export interface BlackHole {
  readonly port: number;
  close(): Promise<void>;
}

export async function startBlackHole(host = '127.0.0.1'): Promise<BlackHole> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD, host], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [data] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(data.toString().trim());
  const fillers: Socket[] = [];
  // Fill the accept queue; once a connect no longer completes at once the hole is ready.
  for (;;) {
    const socket = connect({ host, port });
    socket.on('error', () => {});
    fillers.push(socket);
    const connected = await Promise.race([once(socket, 'connect').then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, 200, false))]);
    if (!connected) break;
  }
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
  };
}
