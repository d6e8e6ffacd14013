/** nacos-doctor's command word: an unknown one is a usage error that names the commands. */
import { describe, expect, it } from 'vitest';
import { runDoctorCli } from '../../src/cli/doctor.js';
import type { CliIo } from '../../src/cli/io.js';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: {}, onSignal: () => {} };
  const code = await runDoctorCli(argv, io);
  return { code, stdout, stderr };
}

describe('nacos-doctor COMMAND', () => {
  it('suggests the nearest command for a typo and exits 2 without running anything', async () => {
    const result = await run(['chek', '127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'nacos-doctor: error: unknown command "chek" (did you mean check?); the commands are check, demo, nginx, haproxy, docker, lint-ports, upgrade, logs, lint (see nacos-doctor --help)\n',
    );
  });

  it('lists the commands when nothing is near', async () => {
    const result = await run(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command "frobnicate"; the commands are check, demo, /);
  });

  it('leaves flags and real commands to the parser', async () => {
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await run(['lint-ports', '--help'])).code).toBe(0);
  });
});
