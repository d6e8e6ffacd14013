import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../src/address.js';
import { AccessControl } from '../../src/proxy/access-control.js';

function acl(allow: string[], deny: string[], maxConnections = 0, maxConnectionsPerIp = 0) {
  return new AccessControl({ allow: allow.map(parseCidr), deny: deny.map(parseCidr), maxConnections, maxConnectionsPerIp });
}

describe('AccessControl', () => {
  it('lets everyone in without lists', () => {
    expect(acl([], []).admit('203.0.113.9', 0, 0)).toBe('ok');
  });

  it('admits only allowed blocks, and deny wins', () => {
    const policy = acl(['10.0.0.0/8', 'fd00::/8'], ['10.9.0.0/16']);
    expect(policy.admit('10.1.2.3', 0, 0)).toBe('ok');
    expect(policy.admit('fd00::1', 0, 0)).toBe('ok');
    expect(policy.admit('10.9.1.1', 0, 0)).toBe('denied');
    expect(policy.admit('192.168.1.1', 0, 0)).toBe('denied');
    expect(policy.admit('::1', 0, 0)).toBe('denied');
  });

  it('enforces total and per-IP limits', () => {
    const policy = acl([], [], 10, 2);
    expect(policy.admit('10.0.0.1', 9, 1)).toBe('ok');
    expect(policy.admit('10.0.0.1', 10, 0)).toBe('limit');
    expect(policy.admit('10.0.0.1', 3, 2)).toBe('limit-per-ip');
  });
});
