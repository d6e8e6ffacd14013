import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, test } from 'vitest';
import { advertisedHost, isWildcardHost, type InterfaceTable } from '../../src/net/advertised-host.js';

function entry(address: string, internal = false): NetworkInterfaceInfo {
  const v6 = address.includes(':');
  return { address, internal, family: v6 ? 'IPv6' : 'IPv4', netmask: v6 ? 'ffff:ffff:ffff:ffff::' : '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null, ...(v6 ? { scopeid: 0 } : {}) } as NetworkInterfaceInfo;
}

const CONTAINER: InterfaceTable = { lo: [entry('127.0.0.1', true), entry('::1', true)], eth0: [entry('fe80::1'), entry('172.17.0.2'), entry('2001:db8::2')] };
const LOOPBACK_ONLY: InterfaceTable = { lo: [entry('127.0.0.1', true), entry('::1', true)] };
const V6_ONLY: InterfaceTable = { lo: [entry('::1', true)], eth0: [entry('fe80::1'), entry('2001:db8::2')] };

describe('the advertised address', () => {
  test('a specific host is advertised as it is', () => {
    expect(advertisedHost('127.0.0.1', CONTAINER)).toBe('127.0.0.1');
    expect(advertisedHost('nacos-1', CONTAINER)).toBe('nacos-1');
  });

  test('0.0.0.0 advertises the first non-internal IPv4 address, else 127.0.0.1', () => {
    expect(advertisedHost('0.0.0.0', CONTAINER)).toBe('172.17.0.2');
    expect(advertisedHost('0.0.0.0', LOOPBACK_ONLY)).toBe('127.0.0.1');
    expect(advertisedHost('0.0.0.0', V6_ONLY)).toBe('127.0.0.1');
  });

  test(':: advertises IPv4 first, then a global IPv6 address (never link-local), else ::1', () => {
    expect(advertisedHost('::', CONTAINER)).toBe('172.17.0.2');
    expect(advertisedHost('::', V6_ONLY)).toBe('2001:db8::2');
    expect(advertisedHost('::', LOOPBACK_ONLY)).toBe('::1');
  });

  test('wildcards in every spelling', () => {
    expect(['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::0'].map(isWildcardHost)).toEqual([true, true, true, true]);
    expect(['127.0.0.1', '::1', 'localhost', '10.0.0.0'].map(isWildcardHost)).toEqual([false, false, false, false]);
  });
});
