import { describe, expect, it } from 'vitest';
import { parseClusterConf } from '../../src/ops/cluster-conf.js';
import { collidingDifferences, findCollisions, portSet, proposeMainPorts } from '../../src/ops/port-plan.js';

const owners = (...ports: number[]) => ports.map((port) => ({ label: `h:${port}`, port }));

describe('port plan', () => {
  it('finds the port two members on one host would share, with each role', () => {
    expect(findCollisions(owners(8848, 8849))).toEqual([
      { first: { label: 'h:8848', port: 8848 }, second: { label: 'h:8849', port: 8849 }, port: 9849, firstRole: 'cluster-grpc', secondRole: 'client-grpc' },
    ]);
    expect(findCollisions(owners(8848, 9848))[0]).toMatchObject({ port: 8848, firstRole: 'main', secondRole: 'raft' });
    expect(findCollisions(owners(8848, 10849))[0]).toMatchObject({ port: 9849, firstRole: 'cluster-grpc', secondRole: 'raft' });
    expect(findCollisions(owners(8848, 8850, 8948))).toEqual([]);
  });

  it('knows which differences collide', () => {
    expect(collidingDifferences()).toEqual([1, 1000, 1001, 2000, 2001]);
  });

  it('proposes main ports that keep the first and move the others up to the nearest free set', () => {
    expect(proposeMainPorts([8848, 8849, 8850])).toEqual([8848, 8850, 8852]);
    expect(proposeMainPorts([8848, 9848])).toEqual([8848, 9850]);
    const proposal = proposeMainPorts([8848, 8849, 8850, 9848, 9849])!;
    expect(findCollisions(proposal.map((port) => ({ label: String(port), port })))).toEqual([]);
  });

  it('moves a port whose role ports would not exist into range', () => {
    expect(portSet(500)).toBeInstanceOf(Error);
    expect(proposeMainPorts([500])).toEqual([1001]);
    expect(proposeMainPorts([65000])).toEqual([64534]);
    expect(proposeMainPorts([64534, 64534])).toBeUndefined();
  });
});

describe('parseClusterConf', () => {
  it('reads members as Nacos does: comments anywhere, commas, default port', () => {
    const parsed = parseClusterConf('# members\n10.0.0.1:8848 # A\n10.0.0.2,10.0.0.3:18848\n[fd00::1]:8848\n\n', 7777);
    expect(parsed.members.map((member) => [member.host, member.port, member.portDefaulted, member.line])).toEqual([
      ['10.0.0.1', 8848, false, 2],
      ['10.0.0.2', 7777, true, 3],
      ['10.0.0.3', 18848, false, 3],
      ['fd00::1', 8848, false, 4],
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it('reports malformed entries with their line', () => {
    const parsed = parseClusterConf('10.0.0.1:8848\n10.0.0.2:99999\nnacos-1 8848\na,,b\nfd00::1:8848\n', 8848);
    expect(parsed.problems.map((problem) => [problem.line, problem.input])).toEqual([
      [2, '10.0.0.2:99999'],
      [3, 'nacos-1 8848'],
      [4, 'a,,b'],
      [5, 'fd00::1:8848'],
    ]);
    expect(parsed.problems[0]!.message).toContain('not a TCP port');
    expect(parsed.problems[3]!.message).toContain('[fd00::1]:8848');
  });
});
