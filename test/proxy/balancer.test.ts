import { describe, expect, it } from 'vitest';
import { Balancer, hash32, pickIpHash } from '../../src/proxy/balancer.js';
import { Member } from '../../src/proxy/upstream-pool.js';

const roles = ['main', 'client-grpc'] as const;
const members = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((host) => new Member({ host, port: 8848 }, roles, true, 0));

describe('Balancer', () => {
  it('round-robins per role', () => {
    const balancer = new Balancer('round-robin');
    const picks = Array.from({ length: 6 }, () => balancer.pick('main', members, '1.1.1.1')!.host);
    expect(picks).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(balancer.pick('client-grpc', members, '1.1.1.1')!.host).toBe('10.0.0.1');
  });

  it('prefers the member with the fewest open connections of that role', () => {
    const local = ['a', 'b', 'c'].map((host) => new Member({ host, port: 8848 }, roles, true, 0));
    local[0]!.state('main').active = 3;
    local[1]!.state('main').active = 1;
    local[2]!.state('main').active = 2;
    const balancer = new Balancer('least-connections');
    expect(balancer.pick('main', local, 'x')!.host).toBe('b');
    local[1]!.state('main').active = 5;
    expect(balancer.pick('main', local, 'x')!.host).toBe('c');
    expect(balancer.pick('client-grpc', local, 'x')).toBeDefined();
  });

  it('spreads ties of least-connections round-robin', () => {
    const balancer = new Balancer('least-connections');
    const picks = new Set(Array.from({ length: 3 }, () => balancer.pick('main', members, 'x')!.host));
    expect(picks.size).toBe(3);
  });

  it('ip-hash sends one client IP to the same member on every role', () => {
    const balancer = new Balancer('ip-hash');
    for (let i = 0; i < 50; i += 1) {
      const ip = `192.168.${i}.${(i * 7) % 255}`;
      expect(balancer.pick('client-grpc', members, ip)).toBe(balancer.pick('main', members, ip));
    }
  });

  it('ip-hash spreads clients and moves only the clients of a removed member', () => {
    const ips = Array.from({ length: 600 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
    const before = new Map(ips.map((ip) => [ip, pickIpHash(members, ip)!.host]));
    const counts = new Map<string, number>();
    for (const host of before.values()) counts.set(host, (counts.get(host) ?? 0) + 1);
    for (const count of counts.values()) expect(count).toBeGreaterThan(120);
    const remaining = members.filter((member) => member.host !== '10.0.0.2');
    for (const ip of ips) {
      const after = pickIpHash(remaining, ip)!.host;
      if (before.get(ip) !== '10.0.0.2') expect(after).toBe(before.get(ip));
    }
  });

  it('returns nothing when no member is available', () => {
    expect(new Balancer('round-robin').pick('main', [], 'x')).toBeUndefined();
    expect(new Balancer('ip-hash').pick('main', [], 'x')).toBeUndefined();
    expect(new Balancer('least-connections').pick('main', [], 'x')).toBeUndefined();
  });

  it('hashes deterministically', () => {
    expect(hash32('a')).toBe(hash32('a'));
    expect(hash32('a')).not.toBe(hash32('b'));
  });
});
