/**
 * The real Nacos 2 gRPC client (nacos-sdk-rust-binding-node) in a child process, driven over
 * IPC (see rust-client-driver.mjs for why it cannot run in the test's own process). HOME and
 * the cache directory point at a fresh temp dir, and the child is killed on close, which is
 * the only way to stop the binding's clients (they have no close method).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Instance } from '../../src/nacos/message-bodies.js';

export interface RustClientOptions {
  readonly serverAddr: string;
  readonly namespace?: string;
  readonly username?: string;
  readonly password?: string;
}

/** What the binding takes and returns for an instance: the Java Instance fields. */
export type RustInstance = Pick<Instance, 'ip' | 'port' | 'weight' | 'healthy' | 'enabled' | 'ephemeral' | 'clusterName' | 'serviceName' | 'metadata'>;

export interface RustConfigResponse {
  readonly namespace: string;
  readonly dataId: string;
  readonly group: string;
  readonly content: string;
  readonly md5: string;
}

export interface ClientEvent {
  readonly event: 'config' | 'naming';
  readonly client: string;
  /** `group/dataId` or `group/serviceName`. */
  readonly key: string;
  readonly value: unknown;
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

export interface RustClients {
  readonly home: string;
  readonly events: ClientEvent[];
  config(name: string, options: RustClientOptions): Promise<RustConfigClient>;
  naming(name: string, options: RustClientOptions): Promise<RustNamingClient>;
  /** The first event (past or future) matching `predicate`, from index `since` on. */
  waitForEvent(predicate: (event: ClientEvent) => boolean, since?: number): Promise<ClientEvent>;
  close(): Promise<void>;
}

export interface RustConfigClient {
  publish(dataId: string, group: string, content: string): Promise<boolean>;
  get(dataId: string, group: string): Promise<string>;
  remove(dataId: string, group: string): Promise<boolean>;
  listen(dataId: string, group: string): Promise<void>;
}

export interface RustNamingClient {
  register(serviceName: string, group: string, instance: RustInstance): Promise<void>;
  deregister(serviceName: string, group: string, instance: RustInstance): Promise<void>;
  batchRegister(serviceName: string, group: string, instances: RustInstance[]): Promise<void>;
  getAll(serviceName: string, group: string, subscribe?: boolean): Promise<RustInstance[]>;
  subscribe(serviceName: string, group: string): Promise<void>;
}

const DRIVER = fileURLToPath(new URL('./rust-client-driver.mjs', import.meta.url));

export async function startRustClients(): Promise<RustClients> {
  const home = await mkdtemp(join(tmpdir(), 'nacos-rust-client-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NACOS_CLIENT_CACHE_DIR: join(home, 'nacos') };
  // The binding reads NACOS_CLIENT_* before its options; nothing from the caller's shell may leak in.
  for (const name of Object.keys(env)) if (name.startsWith('NACOS_CLIENT_') && name !== 'NACOS_CLIENT_CACHE_DIR') delete env[name];
  const child: ChildProcess = fork(DRIVER, [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const events: ClientEvent[] = [];
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const waiters: { predicate: (event: ClientEvent) => boolean; since: number; resolve: (event: ClientEvent) => void }[] = [];
  let nextId = 0;
  const exited = once(child, 'exit');
  child.on('message', (message: Reply | ClientEvent | { event: 'ready' }) => {
    if ('id' in message) {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) call?.resolve(message.value);
      else call?.reject(new Error(`rust client: ${message.error}`));
      return;
    }
    if (message.event === 'ready') return;
    events.push(message);
    for (const waiter of [...waiters]) {
      if (events.length - 1 >= waiter.since && waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  void exited.then(() => {
    for (const call of pending.values()) call.reject(new Error('rust client process exited'));
    pending.clear();
  });
  await once(child, 'message');

  const call = <T>(client: string, method: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = (nextId += 1);
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, client, method, args });
    });

  return {
    home,
    events,
    config: async (name, options) => {
      await call(name, 'newConfigClient', { namespace: '', ...options });
      return {
        publish: (dataId, group, content) => call(name, 'publishConfig', dataId, group, content),
        get: (dataId, group) => call(name, 'getConfig', dataId, group),
        remove: (dataId, group) => call(name, 'removeConfig', dataId, group),
        listen: (dataId, group) => call(name, 'addListener', dataId, group),
      };
    },
    naming: async (name, options) => {
      await call(name, 'newNamingClient', { namespace: '', ...options });
      return {
        register: (serviceName, group, instance) => call(name, 'registerInstance', serviceName, group, instance),
        deregister: (serviceName, group, instance) => call(name, 'deregisterInstance', serviceName, group, instance),
        batchRegister: (serviceName, group, instances) => call(name, 'batchRegisterInstance', serviceName, group, instances),
        getAll: (serviceName, group, subscribe = false) => call(name, 'getAllInstances', serviceName, group, [], subscribe),
        subscribe: (serviceName, group) => call(name, 'subscribe', serviceName, group, []),
      };
    },
    waitForEvent: (predicate, since = 0) => {
      const seen = events.slice(since).find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ predicate, since, resolve }));
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await rm(home, { recursive: true, force: true });
    },
  };
}
