import { describe, expect, it } from 'vitest';
import { PortRangeError } from '../src/errors.js';
import {
  DEFAULT_ROLES,
  ROLES,
  highestMainPort,
  lowestMainPort,
  mainPortOf,
  parseRoles,
  roleOfPort,
  rolePort,
  rolePorts,
} from '../src/ports.js';

describe('port roles', () => {
  it('derives the Nacos ports from the main port', () => {
    expect(Object.fromEntries(rolePorts(8848, ROLES))).toEqual({ main: 8848, 'client-grpc': 9848, 'cluster-grpc': 9849, raft: 7848 });
  });

  it('leaves raft out of the default roles', () => {
    expect(DEFAULT_ROLES).toEqual(['main', 'client-grpc', 'cluster-grpc']);
  });

  it('refuses a base port whose client-grpc port would pass 65535, naming role and port', () => {
    expect(() => rolePort(65000, 'client-grpc')).toThrow(PortRangeError);
    expect(() => rolePort(65000, 'client-grpc')).toThrow(/client-grpc port \(P\+1000\) would be 66000/);
  });

  it('refuses a base port whose raft port would fall below 1', () => {
    expect(() => rolePorts(500, ['main', 'raft'])).toThrow(/raft port \(P-1000\) would be -500/);
  });

  it('suggests the range that works for every role in use', () => {
    expect(() => rolePorts(64600, ROLES)).toThrow(/choose a main port from 1001 to 64534/);
    expect(lowestMainPort(['main', 'client-grpc'])).toBe(1);
    expect(highestMainPort(['main', 'client-grpc', 'cluster-grpc'])).toBe(64534);
  });

  it('refuses a main port that is not a port at all', () => {
    expect(() => rolePort(0, 'main')).toThrow(/main port 0 is not a TCP port/);
    expect(() => rolePort(1.5, 'main')).toThrow(PortRangeError);
  });

  it('maps ports back to roles', () => {
    expect(roleOfPort(8848, 9849)).toBe('cluster-grpc');
    expect(roleOfPort(8848, 9850)).toBeUndefined();
    expect(mainPortOf(1080 + 1000, 'client-grpc')).toBe(1080);
  });

  it('parses role lists from flags', () => {
    expect(parseRoles('client-grpc,main')).toEqual(['main', 'client-grpc']);
    expect(parseRoles(['raft', 'main', 'raft'])).toEqual(['main', 'raft']);
    expect(parseRoles('all')).toEqual([...ROLES]);
    expect(() => parseRoles('grpc')).toThrow(/unknown port role "grpc": use one or more of main, client-grpc, cluster-grpc, raft/);
    expect(() => parseRoles(' , ')).toThrow(/no port role given/);
  });
});
