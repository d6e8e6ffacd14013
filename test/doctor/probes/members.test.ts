import { describe, expect, it } from 'vitest';
import { classifyMembers, raftViews } from '../../../src/doctor/probes/members.js';
import { failed, members, node, only, target } from '../factories.js';

describe('classifyMembers', () => {
  it('lists the members with their states and the Raft leaders', () => {
    const findings = classifyMembers({ members: members(node('10.0.0.1:8848'), node('10.0.0.2:8848')) }, target());
    expect(only(findings, 'cluster.members')).toMatchObject({ status: 'ok', title: '2 members, all UP' });
    expect(only(findings, 'cluster.raft')).toMatchObject({ status: 'ok', evidence: '2 groups led by 10.0.0.1:7848' });
  });

  it('warns about a member that is not UP', () => {
    const finding = only(classifyMembers({ members: members(node('10.0.0.1:8848'), node('10.0.0.2:8848', { state: 'DOWN' })) }, target()), 'cluster.members');
    expect(finding).toMatchObject({ status: 'warn', cause: 'MEMBER_NOT_UP' });
    expect(finding.title).toContain('10.0.0.2:8848 DOWN');
  });

  it('fails Raft groups without a leader and names who sees none', () => {
    const finding = only(classifyMembers({ members: members(node('10.0.0.1:8848'), node('10.0.0.2:8848', {}, null)) }, target()), 'cluster.raft');
    expect(finding).toMatchObject({ status: 'fail', cause: 'RAFT_NO_LEADER' });
    expect(finding.evidence).toContain('no leader seen by 10.0.0.2:8848');
    expect(finding.fix).toContain('data/protocol');
  });

  it('skips the list when it needs a login, pointing at auth', () => {
    const denied = failed<never>({ code: 'ERR_NACOS_AUTH', status: 403, reason: 'no-token', body: 'user not found!' });
    expect(classifyMembers({ members: { v1: denied, v3: denied } }, target())).toEqual([expect.objectContaining({ status: 'skipped' })]);
  });

  it('groups leaders by Raft group across members', () => {
    expect(raftViews([node('a:1', {}, 'x:7848'), node('b:1', {}, 'y:7848')])).toEqual([
      { group: 'naming_instance_metadata', leaders: ['x:7848', 'y:7848'], leaderless: [] },
      { group: 'naming_persistent_service_v2', leaders: ['x:7848', 'y:7848'], leaderless: [] },
    ]);
  });
});
