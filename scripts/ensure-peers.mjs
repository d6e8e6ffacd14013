#!/usr/bin/env node
// Makes sure the real peers the tests and the benchmark run against are installed: nginx with
// its stream module, and HAProxy (Debian packages). Run by `npm test` (pretest), `.ci/run` and
// `npm run bench`, so "one command runs the tests" holds on a fresh Debian machine with Node.
//
// Installs with apt-get only when it is missing something and may (root, apt-get present, a
// non-interactive install). Otherwise it says what is missing and how to install it, and exits 0:
// the tests that need a missing peer then report themselves skipped with that reason.
// `--require` (CI) exits 1 instead, so a CI run can never pass by skipping.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
const PACKAGES = ['nginx', 'libnginx-mod-stream', 'haproxy'];
const required = process.argv.includes('--require');

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** nginx's stream module is either built in (`--with-stream`) or Debian's loadable module. */
function nginxHasStream() {
  if (existsSync(STREAM_MODULE)) return true;
  const version = spawnSync('nginx', ['-V'], { encoding: 'utf8' });
  return /--with-stream(\s|$)/.test(`${version.stderr ?? ''}${version.stdout ?? ''}`);
}

function missing() {
  const out = [];
  if (!has('nginx')) out.push('nginx');
  else if (!nginxHasStream()) out.push('the nginx stream module');
  if (!has('haproxy')) out.push('haproxy');
  return out;
}

function aptInstall() {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0;
  if (install()) return;
  // A fresh image often has empty package lists: refresh once and retry.
  spawnSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  install();
}

let absent = missing();
if (absent.length > 0 && process.getuid?.() === 0 && has('apt-get')) {
  console.error(`nacos-proxy tests: installing ${PACKAGES.join(' ')} from Debian (missing: ${absent.join(', ')})`);
  aptInstall();
  absent = missing();
}
if (absent.length > 0) {
  console.error(
    `nacos-proxy tests: ${absent.join(' and ')} not installed; the tests that run real nginx/HAProxy ` +
      `${required ? 'cannot run' : 'will be reported as skipped'}. Install with: sudo apt-get install -y ${PACKAGES.join(' ')}`,
  );
  process.exit(required ? 1 : 0);
}
