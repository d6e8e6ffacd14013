/** `nacos-doctor demo` (npm run demo) as a user runs it after npm ci: real sim, nacos-proxy and nginx. */
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/spawn.js';

describe('nacos-doctor demo', () => {
  it('checks the sim directly, through nacos-proxy and through the broken nginx front, and says it went as expected', async () => {
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
});
