/** The README documents every flag of nacos-doctor check and every check id it reports. */
import { readFile } from 'node:fs/promises';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { DOCTOR_COMMANDS } from '../../src/cli/doctor-commands.js';
import { CHECK_DEFAULTS } from '../../src/doctor/check-options.js';
import { ROOT } from '../helpers/spawn.js';

describe('README: nacos-doctor check', async () => {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  const start = readme.indexOf('## nacos-doctor check');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

  it('has its section before the generators', () => {
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThan(readme.indexOf('## nacos-doctor: load-balancer configs'));
  });

  it('documents every flag and the defaults', () => {
    const command = DOCTOR_COMMANDS.find((candidate) => candidate.name === 'check')!;
    // getOptions() is public yargs API that @types/yargs does not declare.
    const options = (command.builder(yargs()) as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions();
    for (const name of Object.keys(options.key).filter((key) => !['help', 'version', 'address'].includes(key) && !/[A-Z]/.test(key))) {
      expect(section, `--${name}`).toContain(`--${name}`);
    }
    for (const value of [CHECK_DEFAULTS.contextPath, CHECK_DEFAULTS.timeout, CHECK_DEFAULTS.address]) expect(section).toContain(`\`${value}\``);
    expect(section).toContain('docs/report.schema.json');
    expect(section).toContain('npm run demo');
  });

  it('names every check id in its table', () => {
    const ids = ['dns', 'address', 'tcp.main', 'tcp.client-grpc', 'tcp.cluster-grpc', 'tcp.raft', 'http.readiness', 'http.state', 'http.naming', 'http.v1-api', 'auth', 'cluster.members', 'cluster.raft', 'offset', 'h2.client-grpc', 'grpc.client-grpc', 'grpc.client-grpc.path', 'hold'];
    for (const id of ids) expect(section, id).toContain(`\`${id}\``);
  });
});
