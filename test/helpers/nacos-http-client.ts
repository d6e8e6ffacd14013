/**
 * The real `nacos` npm clients (HTTP v1 open API) set up for tests: config snapshots in a temp
 * dir, and no cross-process leader election. The config client is a cluster-client
 * APIClientBase, which by default seizes TCP port 7777 so that processes share one leader;
 * parallel test files would then talk through each other. APIClientBase takes a `cluster`
 * factory, and this one simply builds the plain DataClient in this process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export interface HttpConfigClient {
  publishSingle(dataId: string, group: string, content: string): Promise<boolean>;
  getConfig(dataId: string, group: string): Promise<string | null>;
  remove(dataId: string, group: string): Promise<boolean>;
  subscribe(info: { dataId: string; group: string }, listener: (content: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  ready(): Promise<void>;
  close(): Promise<void> | void;
}

export interface HttpHost {
  readonly ip: string;
  readonly port: number;
  readonly healthy: boolean;
  readonly metadata?: Record<string, string>;
}

export interface HttpNamingClient {
  ready(): Promise<void>;
  registerInstance(serviceName: string, instance: { ip: string; port: number; metadata?: Record<string, string> }, groupName?: string): Promise<void>;
  deregisterInstance(serviceName: string, instance: { ip: string; port: number }, groupName?: string): Promise<void>;
  getAllInstances(serviceName: string, groupName?: string, clusters?: string, subscribe?: boolean): Promise<HttpHost[]>;
  subscribe(info: { serviceName: string; groupName?: string }, listener: (hosts: HttpHost[]) => void): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
}

const { NacosConfigClient, NacosNamingClient } = require('nacos') as {
  NacosConfigClient: new (options: Record<string, unknown>) => HttpConfigClient;
  NacosNamingClient: new (options: Record<string, unknown>) => HttpNamingClient;
};

/** cluster-client's `cluster` option: no leader election, the data client lives here. */
function singleProcess(dataClient: new (options: object) => object): { delegate(): void; create(options: object): object } {
  return { delegate: () => {}, create: (options) => new dataClient(options) };
}

const quiet = { info() {}, warn() {}, error() {}, debug() {}, log() {} };

export interface HttpClients {
  config(serverAddr: string): Promise<HttpConfigClient>;
  naming(serverAddr: string): Promise<HttpNamingClient>;
  /** Errors the clients emitted (they report failures as events, not throws). */
  readonly errors: Error[];
  close(): Promise<void>;
}

export async function startHttpClients(): Promise<HttpClients> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'nacos-http-client-'));
  const open: { close(): Promise<void> | void }[] = [];
  const errors: Error[] = [];
  return {
    errors,
    config: async (serverAddr) => {
      const client = new NacosConfigClient({ serverAddr, namespace: '', cacheDir, requestTimeout: 5000, cluster: singleProcess });
      client.on('error', (error) => errors.push(error));
      open.push(client);
      await client.ready();
      return client;
    },
    naming: async (serverAddr) => {
      const client = new NacosNamingClient({ serverList: serverAddr, namespace: 'public', logger: quiet });
      client.on('error', (error) => errors.push(error));
      open.push(client);
      await client.ready();
      return client;
    },
    close: async () => {
      for (const client of open.splice(0)) await client.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
