import { describe, expect, it } from 'vitest';
import { classifyMembers, raftViews, showEndpoint } from '../../../src/doctor/probes/members.js';
import { failed, http, members, node, ok, only, state, target } from '../factories.js';

describe('classifyMembers', () => {
  it('lists the members with their states and the Raft leaders', () => {
    const findings = classifyMembers({ members: members(node('10.0.0.1:8848'), node('10.0.0.2:8848')) }, target());
    expect(only(findings, 'cluster.members')).toMatchObject({ status: 'ok', title: '2 members, all UP' });
    expect(only(findings, 'cluster.raft')).toMatchObject({ status: 'ok', title: 'every Raft group has a leader the members agree on', evidence: '2 groups led by 10.0.0.1:7848' });
  });

  it('warns about a member that is not UP', () => {
    const finding = only(classifyMembers({ members: members(node('10.0.0.1:8848'), node('10.0.0.2:8848', { state: 'DOWN' })) }, target()), 'cluster.members');
    expect(finding).toMatchObject({ status: 'warn', cause: 'MEMBER_NOT_UP' });
    expect(finding.title).toContain('10.0.0.2:8848 DOWN');
  });

  it('says so when the member checked is the one that is not UP, instead of "another member"', () => {
    const observed = { members: members(node('10.0.0.1:8848', { state: 'STARTING' }), node('10.0.0.2:8848')), http: http() };
    const finding = only(classifyMembers(observed, target()), 'cluster.members');
    expect(finding.title).toContain('(including the member checked here)');
    expect(finding.explanation).toContain('the member checked here lists itself as not UP (10.0.0.1:8848 STARTING)');
    expect(finding.explanation).not.toContain('another member');
    expect(finding.fix).toContain('nacos-doctor check 10.0.0.1:8848 --cluster');
    const other = only(classifyMembers({ members: members(node('10.0.0.1:8848'), node('10.0.0.2:8848', { state: 'DOWN' })), http: http() }, target()), 'cluster.members');
    expect(other.explanation).toContain('this member sees 10.0.0.2:8848 as not UP');
  });

  it('writes IPv6 members and leaders with brackets', () => {
    const v6 = node('::1:8848', { ip: '::1', port: 8848, state: 'DOWN' }, '::1:7848');
    const findings = classifyMembers({ members: members(v6) }, target('[::1]:8848'));
    expect(only(findings, 'cluster.members').evidence).toBe('[::1]:8848 DOWN');
    expect(only(findings, 'cluster.raft').evidence).toBe('2 groups led by [::1]:7848');
    expect(showEndpoint('10.0.0.1:7848')).toBe('10.0.0.1:7848');
    expect(showEndpoint('[::1]:7848')).toBe('[::1]:7848');
    expect(showEndpoint('nacos-0.nacos:7848')).toBe('nacos-0.nacos:7848');
  });

  it('blames no version for a member list that is absent where no Nacos answers at all (a wrong context path)', () => {
    const absent = failed<never>({ code: 'ERR_NACOS_API_ABSENT', status: 404 });
    const nowhere = http({ state: { v1: absent, v3: absent } });
    expect(classifyMembers({ members: { v1: absent, v3: absent }, http: nowhere }, target())).toEqual([]);
    const old = classifyMembers({ members: { v1: absent, v3: absent }, http: http({ state: { v1: ok(state({ version: '1.2.1', server_port: undefined })) } }) }, target());
    expect(old).toEqual([expect.objectContaining({ status: 'skipped', title: expect.stringContaining('Nacos 1.2.1 answers HTTP 404') })]);
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

  it('groups leaders by Raft group across members, with who names each', () => {
    expect(raftViews([node('10.0.0.1:1', {}, 'x:7848'), node('10.0.0.2:1', {}, 'y:7848'), node('10.0.0.3:1', {}, 'x:7848')])).toEqual([
      { group: 'naming_instance_metadata', leaders: [{ leader: 'x:7848', seenBy: ['10.0.0.1:1', '10.0.0.3:1'] }, { leader: 'y:7848', seenBy: ['10.0.0.2:1'] }], leaderless: [] },
      { group: 'naming_persistent_service_v2', leaders: [{ leader: 'x:7848', seenBy: ['10.0.0.1:1', '10.0.0.3:1'] }, { leader: 'y:7848', seenBy: ['10.0.0.2:1'] }], leaderless: [] },
    ]);
  });

  it('reports members that disagree on a group\'s leader instead of passing them', () => {
    const split = [node('10.0.0.1:8848', {}, '10.0.0.1:7848'), node('10.0.0.2:8848', {}, '10.0.0.1:7848'), node('10.0.0.3:8848', {}, '10.0.0.3:7848')];
    const finding = only(classifyMembers({ members: members(...split) }, target()), 'cluster.raft');
    expect(finding).toMatchObject({ status: 'warn', cause: 'RAFT_LEADER_DISAGREEMENT', data: { disagreeing: 2 } });
    expect(finding.evidence).toContain('naming_instance_metadata: 10.0.0.1:7848 (per 10.0.0.1:8848, 10.0.0.2:8848) vs 10.0.0.3:7848 (per 10.0.0.3:8848)');
    expect(finding.fix).toContain('cluster.conf');
  });
});
