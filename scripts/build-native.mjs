#!/usr/bin/env node
// Builds the optional splice(2) data path (native/splice_engine.c) into build/splice_engine.node.
// Optional by design: on a platform without Linux splice, or without a C compiler, this prints
// why and exits 0, and nacos-proxy uses its pure-JavaScript data path.
// Compiled with the system C compiler against the N-API headers of the node-api-headers
// package (ABI-stable across Node versions), so it needs no network and no node-gyp.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'splice_engine.c');
const output = join(root, 'build', 'splice_engine.node');

function skip(reason) {
  console.warn(`nacos-proxy: native splice data path not built (${reason}); the JavaScript data path will be used.`);
  process.exit(0);
}

if (process.argv.includes('--if-missing') && existsSync(output)) process.exit(0);
if (process.platform !== 'linux') skip(`splice(2) is Linux-only, this is ${process.platform}`);
if (process.env.NACOS_PROXY_NO_NATIVE) skip('NACOS_PROXY_NO_NATIVE is set');

function headerDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('node-api-headers/include/node_api.h'));
  } catch {
    for (const dir of [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node']) {
      if (existsSync(join(dir, 'node_api.h'))) return dir;
    }
    return undefined;
  }
}

const include = headerDir();
if (include === undefined) skip('no N-API headers found (node-api-headers package or <node>/include/node)');
const compiler = process.env.CC || 'cc';
mkdirSync(dirname(output), { recursive: true });
const args = ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-fPIC', '-shared', '-fvisibility=hidden', `-I${include}`, source, '-o', output, '-lpthread'];
const result = spawnSync(compiler, args, { stdio: 'inherit' });
if (result.error) skip(`${compiler}: ${result.error.message}`);
if (result.status !== 0) skip(`${compiler} exited with ${result.status}`);
