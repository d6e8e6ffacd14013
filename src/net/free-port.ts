/**
 * Finds a main port P whose role ports (P, P+1000, ...) are all free on a host, for the
 * simulator, the demo and tests. Ports are picked below Linux's ephemeral range (32768+), so
 * outgoing connections of the same machine never hold them.
 */
import { createServer } from 'node:net';
import { ROLES, ROLE_OFFSETS, type Role } from '../ports.js';

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface FreeBasePortOptions {
  readonly host?: string;
  readonly roles?: readonly Role[];
  /** Lowest and highest main port to consider. */
  readonly range?: readonly [number, number];
  /** Ports that must be free too, as offsets from P (e.g. further members at P+10). */
  readonly extraOffsets?: readonly number[];
  readonly attempts?: number;
}

export async function findFreeBasePort(options: FreeBasePortOptions = {}): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const roles = options.roles ?? ROLES;
  const [low, high] = options.range ?? [11_000, 30_000];
  const offsets = [...new Set([...roles.map((role) => ROLE_OFFSETS[role]), ...(options.extraOffsets ?? [])])];
  for (let attempt = 0; attempt < (options.attempts ?? 100); attempt += 1) {
    const base = low + Math.floor(Math.random() * (high - low));
    let free = true;
    for (const offset of offsets) {
      if (!(await canListen(host, base + offset))) {
        free = false;
        break;
      }
    }
    if (free) return base;
  }
  throw new Error(`no free base port for roles ${roles.join(',')} on ${host} in ${low}-${high}`);
}
