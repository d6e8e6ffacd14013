// Child process that runs the real nacos-sdk-rust-binding-node client for tests.
// The binding's constructors block the JavaScript thread until the first connection is up
// (or failed), so the client cannot share an event loop with the simulator it talks to.
// Protocol over IPC: {id, client, method, args} -> {id, ok, value | error};
// listener callbacks come back as {event, client, key, value}.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { NacosConfigClient, NacosNamingClient } = require('nacos-sdk-rust-binding-node');

const clients = new Map();

function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

async function run(message) {
  const { client, method, args = [] } = message;
  if (method === 'newConfigClient') {
    clients.set(client, new NacosConfigClient(args[0]));
    return true;
  }
  if (method === 'newNamingClient') {
    clients.set(client, new NacosNamingClient(args[0]));
    return true;
  }
  const target = clients.get(client);
  if (!target) throw new Error(`no client ${client}`);
  if (method === 'addListener') {
    const [dataId, group] = args;
    await target.addListener(dataId, group, (error, response) => {
      process.send({ event: 'config', client, key: `${group}/${dataId}`, value: error ? { error: describe(error) } : response });
    });
    return true;
  }
  if (method === 'subscribe') {
    const [serviceName, group, clusters] = args;
    await target.subscribe(serviceName, group, clusters ?? [], (error, instances) => {
      process.send({ event: 'naming', client, key: `${group}/${serviceName}`, value: error ? { error: describe(error) } : instances });
    });
    return true;
  }
  return await target[method](...args);
}

process.on('message', (message) => {
  run(message).then(
    (value) => process.send({ id: message.id, ok: true, value: value ?? null }),
    (error) => process.send({ id: message.id, ok: false, error: describe(error) }),
  );
});
process.send({ event: 'ready' });
