/**
 * Traffic through a load balancer in front of fake Nacos members (startFakeMember): which
 * member and role answers each connection, whether bytes come back unchanged, and whether a
 * connection survives a quiet period.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'vitest';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { ROLES, rolePort, type Role } from '../../src/ports.js';
import { dialTcp, readLine, startFakeMember, type FakeMember } from './net.js';

export interface FakeCluster {
  readonly members: readonly FakeMember[];
  /** `--upstream` values: each member's main port on loopback. */
  readonly upstreams: readonly string[];
  close(): Promise<void>;
}

export async function startFakeCluster(size: number, roles: readonly Role[] = ROLES): Promise<FakeCluster> {
  const members: FakeMember[] = [];
  for (let index = 1; index <= size; index += 1) members.push(await startFakeMember(`m${index}`, roles));
  return {
    members,
    upstreams: members.map((member) => `127.0.0.1:${member.base}`),
    close: async () => {
      for (const member of members) await member.close();
    },
  };
}

/** A free loopback base port P whose role ports P+offset are free too, as `--listen`. */
export async function freeListen(): Promise<{ listen: string; base: number }> {
  const base = await findFreeBasePort({ roles: ROLES });
  return { listen: `127.0.0.1:${base}`, base };
}

export interface Greeting {
  readonly socket: Socket;
  readonly member: string;
  readonly role: string;
}

/** Connects and reads the fake member's `<name> <role>` line. */
export async function greet(port: number): Promise<Greeting> {
  const socket = await dialTcp(port);
  const [member = '', role = ''] = (await readLine(socket)).split(' ');
  return { socket, member, role };
}

/** Sends a line and reads it back through the echoing member. */
export async function echo(socket: Socket, line: string): Promise<string> {
  socket.write(`${line}\n`);
  socket.resume();
  return readLine(socket);
}

/** Marks a promise that the abort below rejects as handled; a race still sees its outcome. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * Waits `ms` with the connection quiet in both directions. Resolves 'open' if it is still
 * open afterwards, or how it ended ('closed' for a FIN, the error code for a reset) as soon
 * as the balancer ends it.
 */
export async function quietFor(socket: Socket, ms: number): Promise<string> {
  const controller = new AbortController();
  const ended = handled(Promise.race([
    once(socket, 'end', { signal: controller.signal }).then(() => 'closed'),
    once(socket, 'close', { signal: controller.signal }).then(() => 'closed'),
    once(socket, 'error', { signal: controller.signal }).then(([error]) => (error as NodeJS.ErrnoException).code ?? 'error'),
  ]));
  socket.resume();
  try {
    return await Promise.race([handled(delay(ms, 'open', { signal: controller.signal })), ended]);
  } finally {
    controller.abort();
    socket.pause();
  }
}

/**
 * Six connections per role on the balancer's P+offset: each must be answered by that role of
 * some member (so the offsets are kept on both sides), echo a payload unchanged, and together
 * reach every member.
 */
export async function expectEveryRoleRouted(base: number, cluster: FakeCluster): Promise<void> {
  for (const role of ROLES) {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i += 1) {
      const { socket, member, role: answered } = await greet(rolePort(base, role, ROLES));
      expect(answered).toBe(role);
      seen.add(member);
      const payload = `${role} payload ${i} ${'x'.repeat(1000)}`;
      expect(await echo(socket, payload)).toBe(payload);
      socket.destroy();
    }
    expect([...seen].sort()).toEqual(cluster.members.map((member) => member.name).sort());
  }
}

/** With the first member's client-grpc port down, every new connection reaches another member. */
export async function expectDeadMemberSkipped(base: number, cluster: FakeCluster): Promise<void> {
  const dead = cluster.members[0]!;
  await dead.stop('client-grpc');
  try {
    for (let i = 0; i < 6; i += 1) {
      const { socket, member, role } = await greet(rolePort(base, 'client-grpc', ROLES));
      expect(role).toBe('client-grpc');
      expect(member).not.toBe(dead.name);
      socket.destroy();
    }
  } finally {
    await dead.start('client-grpc');
  }
}
