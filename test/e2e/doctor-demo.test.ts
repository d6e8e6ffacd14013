/** `nacos-doctor demo` (npm run demo) as a user runs it after npm ci: real sim, nacos-proxy and nginx. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNginx } from '../../src/demo/nginx-front.js';
import { skippedBecause } from '../helpers/lb-support.js';
import { runBin, startBin } from '../helpers/spawn.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Why the demo runs without its nginx part here, if it does (it looks for nginx as the demo does). */
const NGINX = findNginx();
const NO_NGINX = 'missing' in NGINX ? NGINX.missing : undefined;

describe('nacos-doctor demo', () => {
  it.skipIf(NO_NGINX !== undefined)(skippedBecause('checks the sim directly, through nacos-proxy and through the broken nginx front, and says it went as expected', NO_NGINX), async () => {
    const result = await runBin('nacos-doctor', ['demo'], { timeoutMs: 25_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const headings = result.stdout.split('\n').filter((line) => line.startsWith('== '));
    expect(headings.map((line) => line.slice(0, 24))).toEqual(['== 1. directly to member', '== 2. through nacos-prox', '== 3. through nginx with']);
    const [, direct, proxied, nginx] = result.stdout.split(/^== /m);
    expect(direct).not.toMatch(/\[(FAIL|WARN)\]/);
    expect(proxied).not.toMatch(/\[FAIL\]/);
    expect(nginx).toMatch(/\[FAIL\] \d+ \(P\+1000\): nginx HTTP\/2 termination/);
    expect(nginx).toContain('errorCode 301 "Connection is unregistered."');
    expect(result.stdout).toMatch(/demo: every report as expected\. Run it on your own setup/);
  });

  it.skipIf(NO_NGINX !== undefined)(skippedBecause('Ctrl-C once nginx runs: stops nginx and removes its directory, prints no half report, exits 130', NO_NGINX), async () => {
    // A temporary directory of its own, so only this demo's nginx directory is looked at.
    const tmp = await mkdtemp(join(tmpdir(), 'demo-sigint-'));
    let nginxPid: number | undefined;
    try {
      const running = startBin('nacos-doctor', ['demo'], { TMPDIR: tmp });
      // The first check starts once the simulator, nacos-proxy and nginx all run.
      await running.waitForStdout((stdout) => stdout.includes('== 1. '));
      const [front] = (await readdir(tmp)).filter((name) => name.startsWith('nacos-doctor-demo-'));
      nginxPid = Number((await readFile(join(tmp, front!, 'nginx.pid'), 'utf8')).trim());
      expect(alive(nginxPid)).toBe(true);
      running.child.kill('SIGINT');
      const result = await running.exited;
      expect(result.code).toBe(130);
      expect(result.stderr).toContain('nacos-doctor: demo interrupted; stopped nginx, nacos-proxy and the simulated cluster');
      expect(result.stdout).not.toContain('demo: every report as expected');
      expect(alive(nginxPid)).toBe(false);
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      // Should the demo have left it running, stop this nginx's process group (never any other).
      if (nginxPid !== undefined && alive(nginxPid)) process.kill(-nginxPid, 'SIGKILL');
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
