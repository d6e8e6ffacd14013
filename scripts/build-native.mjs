#!/usr/bin/env node
// Builds the optional splice(2) data path (native/splice_engine.c) into build/splice_engine.node.
// Optional by design: on a platform without Linux splice, without a C compiler or without the
// headers, this prints why and exits 0, and nacos-proxy uses its pure-JavaScript data path.
// Compiled with the system C compiler against the N-API and libuv headers of the running Node
// (N-API and libuv 1.x are ABI-stable, so one build serves every Node of the engines range); it
// needs no network and no node-gyp.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
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

// Official Node builds ship their headers in <prefix>/include/node; Debian's nodejs in /usr/include/node.
const nodeHeaders = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find((dir) => existsSync(join(dir, 'uv.h')));
if (nodeHeaders === undefined) skip('no libuv headers found (<node prefix>/include/node/uv.h)');
const compiler = process.env.CC || 'cc';
mkdirSync(dirname(output), { recursive: true });
const args = ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-fPIC', '-shared', '-fvisibility=hidden', `-I${nodeHeaders}`, source, '-o', output];
const result = spawnSync(compiler, args, { stdio: 'inherit' });
if (result.error) skip(`${compiler}: ${result.error.message}`);
if (result.status !== 0) skip(`${compiler} exited with ${result.status}`);
