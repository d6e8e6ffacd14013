/**
 * The benchmark's far ends, two child processes pinned to the load core (two, so each stays
 * under the descriptor limit with 10,000 connections open):
 *   workload.js backend — the server: the first byte picks the mode (S = sink, D = source,
 *                          E = echo); prints its port.
 *   workload.js load     — the load generator, driven over IPC by bench/run.ts. Its sockets
 *                          read into one reused buffer (net's `onread`), so it allocates nothing
 *                          per chunk and stays off the critical path as far as Node allows.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { cpuSeconds } from './proc.js';

const CHUNK = Buffer.alloc(1024 * 1024, 0x61);
const READ_BUFFER = Buffer.alloc(256 * 1024);

function serveBackend(socket: Socket): void {
  socket.setNoDelay(true);
  socket.once('readable', function first() {
    const head = socket.read(1) as Buffer | null;
    if (head === null) {
      socket.once('readable', first);
      return;
    }
    const mode = String.fromCharCode(head[0]!);
    if (mode === 'S') {
      // Sink: an 8-byte length, then that many bytes, acknowledged with the count. No FIN is
      // needed, so forwarders without half-close support are measured the same way.
      let expected = -1;
      let received = 0;
      let header = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        if (expected < 0) {
          header = Buffer.concat([header, chunk]);
          if (header.length < 8) return;
          expected = header.readDoubleLE(0);
          received = header.length - 8;
        } else {
          received += chunk.length;
        }
        if (received >= expected) {
          const count = Buffer.alloc(8);
          count.writeDoubleLE(received);
          socket.write(count);
        }
      });
      socket.resume();
    } else if (mode === 'D') {
      const readLength = (): void => {
        const header = socket.read(8) as Buffer | null;
        if (header === null) {
          socket.once('readable', readLength);
          return;
        }
        void writeAll(socket, header.readDoubleLE(0)).then(() => socket.end());
        socket.resume();
      };
      readLength();
    } else {
      socket.pipe(socket);
    }
  });
  socket.on('error', () => {});
}

/** Connects and resolves once connected; `onBytes` sees every read without a Buffer allocation. */
function dial(port: number, onBytes: (n: number) => void): Promise<Socket> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    noDelay: true,
    onread: { buffer: READ_BUFFER, callback: (n: number) => (onBytes(n), true) },
  });
  socket.on('error', () => {});
  return once(socket, 'connect').then(() => socket);
}

function writeAll(socket: Socket, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= piece.length;
        if (!socket.write(piece)) {
          socket.once('drain', pump);
          return;
        }
      }
      resolve();
    };
    pump();
  });
}

async function uploadOne(port: number, bytes: number): Promise<void> {
  let acknowledged = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const socket = await dial(port, (n) => {
    acknowledged += n;
    if (acknowledged >= 8) done();
  });
  const header = Buffer.alloc(9);
  header.write('S');
  header.writeDoubleLE(bytes, 1);
  socket.write(header);
  await writeAll(socket, bytes);
  await finished;
  socket.destroy();
}

async function downloadOne(port: number, bytes: number): Promise<void> {
  let received = 0;
  const socket = await dial(port, (n) => (received += n));
  const header = Buffer.alloc(9);
  header.write('D');
  header.writeDoubleLE(bytes, 1);
  socket.write(header);
  await once(socket, 'end');
  if (received !== bytes) throw new Error(`downloaded ${received} of ${bytes} bytes`);
  socket.destroy();
}

/** One echo round trip of `size` bytes on an open 'E' connection. */
function echoer(socket: Socket, getReceived: () => number, waiters: (() => void)[]): (size: number) => Promise<void> {
  const message = Buffer.alloc(64, 0x62);
  return (size) =>
    new Promise((resolve) => {
      const target = getReceived() + size;
      const check = (): void => {
        if (getReceived() >= target) resolve();
        else waiters.push(check);
      };
      socket.write(size === 64 ? message : message.subarray(0, size));
      waiters.push(check);
    });
}

async function openEcho(port: number): Promise<{ socket: Socket; roundTrip: (size: number) => Promise<void> }> {
  let received = 0;
  const waiters: (() => void)[] = [];
  const socket = await dial(port, (n) => {
    received += n;
    for (const wake of waiters.splice(0)) wake();
  });
  socket.write('E');
  return { socket, roundTrip: echoer(socket, () => received, waiters) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const held: Socket[] = [];
/** Sockets a test opened and closes only once its CPU time is taken. */
const closeAfterMeasuring: Socket[] = [];

async function run(command: Record<string, number | string>): Promise<Record<string, number>> {
  const port = Number(command.port);
  const cpuBefore = cpuSeconds(process.pid);
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const result: Record<string, number> = {};
  switch (command.kind) {
    case 'upload':
    case 'download': {
      const conns = Number(command.conns);
      const each = Math.floor(Number(command.bytes) / conns);
      await Promise.all(Array.from({ length: conns }, () => (command.kind === 'upload' ? uploadOne(port, each) : downloadOne(port, each))));
      result.seconds = elapsed();
      result.bytes = each * conns;
      break;
    }
    case 'rtt': {
      const { socket, roundTrip } = await openEcho(port);
      await roundTrip(63);
      const samples: number[] = [];
      for (let i = 0; i < Number(command.count); i += 1) {
        const t0 = process.hrtime.bigint();
        await roundTrip(64);
        samples.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      socket.destroy();
      samples.sort((a, b) => a - b);
      result.p50 = percentile(samples, 50);
      result.p99 = percentile(samples, 99);
      result.seconds = elapsed();
      break;
    }
    case 'connrate': {
      const deadline = Date.now() + Number(command.ms);
      let completed = 0;
      const worker = async (): Promise<void> => {
        while (Date.now() < deadline) {
          const { socket, roundTrip } = await openEcho(port);
          await roundTrip(63);
          socket.destroy();
          completed += 1;
        }
      };
      await Promise.all(Array.from({ length: Number(command.clients) }, worker));
      result.connections = completed;
      result.seconds = elapsed();
      break;
    }
    case 'open-idle': {
      // Opens connections up to `total` (keeping earlier ones) and waits until each echoed once.
      const wanted = Number(command.total) - held.length;
      for (let batch = 0; batch < wanted; batch += 500) {
        const size = Math.min(500, wanted - batch);
        await Promise.all(
          Array.from({ length: size }, async () => {
            const { socket, roundTrip } = await openEcho(port);
            await roundTrip(63);
            held.push(socket);
          }),
        );
      }
      result.open = held.length;
      result.seconds = elapsed();
      break;
    }
    case 'close-idle': {
      for (const socket of held.splice(0)) socket.destroy();
      result.seconds = elapsed();
      break;
    }
    case 'storm': {
      const clients = Number(command.clients);
      const sockets = await Promise.all(
        Array.from({ length: clients }, async () => {
          const { socket, roundTrip } = await openEcho(port);
          await roundTrip(63);
          return socket;
        }),
      );
      result.seconds = elapsed();
      closeAfterMeasuring.push(...sockets);
      break;
    }
    default:
      throw new Error(`unknown command ${String(command.kind)}`);
  }
  result.loadCpuSeconds = cpuSeconds(process.pid) - cpuBefore;
  for (const socket of closeAfterMeasuring.splice(0)) socket.destroy();
  return result;
}

if (process.argv[2] === 'backend') {
  const backend = createServer({ noDelay: true }, serveBackend);
  backend.listen({ host: '127.0.0.1', port: 0, backlog: 8192 }, () => {
    process.send!({ ready: (backend.address() as AddressInfo).port });
  });
} else {
  process.on('message', (message: Record<string, number | string>) => {
    run(message).then(
      (result) => process.send!({ id: message.id, result }),
      (error: Error) => process.send!({ id: message.id, error: error.message }),
    );
  });
  process.send!({ ready: 0 });
}
process.on('disconnect', () => process.exit(0));
