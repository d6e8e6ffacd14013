/** `nacos-doctor upgrade` as a user runs it: the built bin against a 3-member nacos-sim. */
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/spawn.js';
import { simsClosedAfterEach } from '../helpers/sim.js';

const { sim } = simsClosedAfterEach();

describe('nacos-doctor upgrade', () => {
  it('logs in from the environment, compares the data and prints the double-write command as JSON', async () => {
    const user = { username: 'nacos', password: 'e2e-Secret-9' };
    const upgrade = { metrics: { isDoubleWriteEnabled: true }, servicesV1: ['public##DEFAULT_GROUP@@leftover'] };
    const { cluster } = await sim({ nodes: 3, members: { version: '2.1.1', auth: user, upgrade } });
    const addresses = cluster.members.map((member) => member.addresses.serverAddr);
    const result = await runBin('nacos-doctor', ['upgrade', ...addresses, '--diff', '--json'], { env: { NACOS_USERNAME: user.username, NACOS_PASSWORD: user.password } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(user.password);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ schema: 'nacos-doctor/report@1', command: 'upgrade', status: 'warn', exitCode: 0 });
    expect(report.sections).toHaveLength(3);
    expect(report.sections[2].findings[2]).toMatchObject({ title: 'public##DEFAULT_GROUP@@leftover: only in 1.x data', cause: 'UPGRADE_SERVICE_ONLY_V1' });
    expect(report.summary[0].fix).toContain(`curl -X PUT 'http://${addresses[0]}/nacos/v1/ns/operator/switches?entry=doubleWriteEnabled&value=false'`);
  });

  it('exits 1 with the Raft advice when a member answers server is DOWN', async () => {
    const { cluster } = await sim({ nodes: 2, members: [{ version: '2.0.3' }, { version: '2.0.3', faults: { noRaftLeader: true } }] });
    const result = await runBin('nacos-doctor', ['upgrade', ...cluster.members.map((member) => member.addresses.serverAddr)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('[FAIL] answers 503: server is DOWN');
    expect(result.stdout).toContain('delete its data/protocol directory');
  });
});
