import { describe, expect, it } from 'vitest';
import { UpstreamPool, type HealthChange, type HealthPolicy } from '../../src/proxy/upstream-pool.js';

const roles = ['main', 'client-grpc'] as const;
const active: HealthPolicy = { activeChecks: true, rise: 2, fall: 3, failTimeout: 10_000 };
const passive: HealthPolicy = { activeChecks: false, rise: 2, fall: 3, failTimeout: 10_000 };

function pool(policy: HealthPolicy, changes: HealthChange[] = []) {
  return new UpstreamPool({
    roles,
    members: [
      { host: 'a', port: 8848 },
      { host: 'b', port: 8848 },
    ],
    policy,
    now: 0,
    onChange: (change) => changes.push(change),
  });
}

describe('UpstreamPool with active checks', () => {
  it('keeps members out until their first check, which decides at once', () => {
    const p = pool(active);
    expect(p.candidates('main', 0)).toHaveLength(0);
    const [a, b] = p.members;
    p.recordCheck(a!, 'main', true, undefined, 1);
    p.recordCheck(b!, 'main', false, 'ECONNREFUSED', 1);
    expect(p.candidates('main', 1).map((m) => m.host)).toEqual(['a']);
  });

  it('needs fall failures to go down and rise successes to come back', () => {
    const changes: HealthChange[] = [];
    const p = pool(active, changes);
    const a = p.members[0]!;
    p.recordCheck(a, 'main', true, undefined, 0);
    p.recordCheck(a, 'main', false, 'x', 1);
    p.recordCheck(a, 'main', false, 'x', 2);
    expect(p.isAvailable(a, 'main', 2)).toBe(true);
    p.recordCheck(a, 'main', false, 'x', 3);
    expect(p.isAvailable(a, 'main', 3)).toBe(false);
    p.recordCheck(a, 'main', true, undefined, 4);
    expect(p.isAvailable(a, 'main', 4)).toBe(false);
    p.recordCheck(a, 'main', true, undefined, 5);
    expect(p.isAvailable(a, 'main', 5)).toBe(true);
    expect(changes.map((c) => [c.member.host, c.role, c.healthy])).toEqual([
      ['a', 'main', true],
      ['a', 'main', false],
      ['a', 'main', true],
    ]);
  });

  it('reports the first check result of every member, up or down', () => {
    const changes: HealthChange[] = [];
    const p = pool(active, changes);
    p.recordCheck(p.members[0]!, 'main', true, undefined, 0);
    p.recordCheck(p.members[1]!, 'main', false, 'ECONNREFUSED', 0);
    expect(changes.map((c) => [c.member.host, c.healthy, c.error])).toEqual([
      ['a', true, undefined],
      ['b', false, 'ECONNREFUSED'],
    ]);
  });

  it('does not report repeated failures of a member already down', () => {
    const changes: HealthChange[] = [];
    const p = pool(active, changes);
    const a = p.members[0]!;
    for (let i = 0; i < 5; i += 1) p.recordCheck(a, 'main', false, 'x', i);
    expect(changes.map((c) => [c.member.host, c.role, c.healthy])).toEqual([['a', 'main', false]]);
  });

  it('tracks each role on its own', () => {
    const p = pool(active);
    const a = p.members[0]!;
    p.recordCheck(a, 'main', true, undefined, 0);
    p.recordCheck(a, 'client-grpc', false, 'ECONNREFUSED', 0);
    expect(p.isAvailable(a, 'main', 0)).toBe(true);
    expect(p.isAvailable(a, 'client-grpc', 0)).toBe(false);
  });

  it('takes a member out at once on a failed connect', () => {
    const changes: HealthChange[] = [];
    const p = pool(active, changes);
    const a = p.members[0]!;
    p.recordCheck(a, 'main', true, undefined, 0);
    p.recordConnectFailure(a, 'main', 'ECONNREFUSED', 1);
    expect(p.isAvailable(a, 'main', 1)).toBe(false);
    expect(changes.at(-1)).toMatchObject({ healthy: false, cause: 'connect-failure', error: 'ECONNREFUSED' });
    p.recordCheck(a, 'main', true, undefined, 2);
    p.recordCheck(a, 'main', true, undefined, 3);
    expect(p.isAvailable(a, 'main', 3)).toBe(true);
  });
});

describe('UpstreamPool without active checks', () => {
  it('starts everyone healthy and keeps a failed member out for fail-timeout', () => {
    const p = pool(passive);
    const a = p.members[0]!;
    expect(p.candidates('main', 0)).toHaveLength(2);
    p.recordConnectFailure(a, 'main', 'ETIMEDOUT', 1000);
    expect(p.isAvailable(a, 'main', 10_999)).toBe(false);
    expect(p.isAvailable(a, 'main', 11_000)).toBe(true);
    expect(p.isAvailable(a, 'client-grpc', 1000)).toBe(true);
  });

  it('reports a member up when its fail-timeout ends, and says when the next mark ends', () => {
    const changes: HealthChange[] = [];
    const p = pool(passive, changes);
    const [a, b] = p.members;
    p.recordConnectFailure(a!, 'main', 'ECONNREFUSED', 1000);
    p.recordConnectFailure(b!, 'client-grpc', 'ETIMEDOUT', 5000);
    expect(p.expirePassiveMarks(2000)).toBe(11_000);
    expect(p.expirePassiveMarks(11_000)).toBe(15_000);
    expect(p.expirePassiveMarks(15_000)).toBeUndefined();
    expect(changes.map((c) => [c.member.host, c.role, c.healthy, c.cause])).toEqual([
      ['a', 'main', false, 'connect-failure'],
      ['b', 'client-grpc', false, 'connect-failure'],
      ['a', 'main', true, 'fail-timeout'],
      ['b', 'client-grpc', true, 'fail-timeout'],
    ]);
  });

  it('a failure after the mark ended but before it was expired reports up, then down again', () => {
    const changes: HealthChange[] = [];
    const p = pool(passive, changes);
    const a = p.members[0]!;
    p.recordConnectFailure(a, 'main', 'ECONNREFUSED', 1000);
    p.recordConnectFailure(a, 'main', 'ECONNREFUSED', 12_000);
    expect(changes.map((c) => [c.healthy, c.cause])).toEqual([
      [false, 'connect-failure'],
      [true, 'fail-timeout'],
      [false, 'connect-failure'],
    ]);
    expect(p.expirePassiveMarks(12_000)).toBe(22_000);
  });

  it('expires nothing with active checks on', () => {
    const p = pool(active);
    p.recordConnectFailure(p.members[0]!, 'main', 'ECONNREFUSED', 1000);
    expect(p.expirePassiveMarks(1_000_000)).toBeUndefined();
    expect(p.isAvailable(p.members[0]!, 'main', 1_000_000)).toBe(false);
  });
});

describe('UpstreamPool.update', () => {
  it('keeps state of kept members, adds checked new ones, and retires removed ones', () => {
    const p = pool(active);
    const [a, b] = p.members;
    p.recordCheck(a!, 'main', true, undefined, 0);
    a!.state('main').active = 4;
    const prepared = p.newMembers([{ host: 'a', port: 8848 }, { host: 'c', port: 8848 }], active, 1);
    expect(prepared.map((m) => m.host)).toEqual(['c']);
    p.recordCheck(prepared[0]!, 'main', true, undefined, 1);
    const { added, removed } = p.update([{ host: 'a', port: 8848 }, { host: 'c', port: 8848 }], active, 1, prepared);
    expect(added.map((m) => m.host)).toEqual(['c']);
    expect(removed).toEqual([b]);
    expect(b!.removed).toBe(true);
    expect(p.members[0]).toBe(a);
    expect(a!.state('main').active).toBe(4);
    expect(p.candidates('main', 1).map((m) => m.host)).toEqual(['a', 'c']);
  });
});
