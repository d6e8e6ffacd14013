/** `nacos-doctor logs` as a user runs it: the built bin on recorded logs. */
import { describe, expect, it } from 'vitest';
import { ROOT, runBin } from '../helpers/spawn.js';

const FIXTURES = `${ROOT}test/fixtures/nacos-logs`;

describe('nacos-doctor logs', () => {
  it('prints the timeline and verdict and exits 1 when problems are found', async () => {
    const result = await runBin('nacos-doctor', ['logs', `${FIXTURES}/broken`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('timeline (69 lines read; main port 8848 from start.out:1)');
    expect(result.stdout).toContain('[FAIL] start.out:24: Nacos could not listen on port 7848 (raft');
    expect(result.stdout).toContain("ss -ltnp 'sport = :7848'");
  });

  it('exits 0 for a member waiting for double write to be switched off, and prints the command', async () => {
    const result = await runBin('nacos-doctor', ['logs', `${FIXTURES}/upgrading`, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ schema: 'nacos-doctor/report@1', command: 'logs', status: 'warn', exitCode: 0 });
    expect(report.summary.find((finding: { check: string }) => finding.check === 'logs.upgrade').fix).toContain('entry=doubleWriteEnabled&value=false');
  });

  it('exits 2 with one line for a missing directory or a bad --main-port', async () => {
    const missing = await runBin('nacos-doctor', ['logs', `${FIXTURES}/nope`]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^nacos-doctor: error: logs directory ".*nope" does not exist: give the Nacos logs directory, e\.g\. \/home\/nacos\/logs\n$/);
    const port = await runBin('nacos-doctor', ['logs', `${FIXTURES}/fresh`, '--main-port', 'http']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--main-port "http" is not a port');
  });
});
