import { describe, expect, it } from 'vitest';
import { AddressError } from '../src/errors.js';
import {
  formatHostPort,
  isLoopbackHost,
  isValidHost,
  normalizeIp,
  parseCidr,
  parseHostPort,
  parseListenAddress,
  parseServerAddressList,
  splitList,
} from '../src/address.js';

describe('parseHostPort', () => {
  it('reads IPv4, hostnames and bracketed IPv6', () => {
    expect(parseHostPort('10.0.0.1:8848')).toEqual({ host: '10.0.0.1', port: 8848 });
    expect(parseHostPort('nacos-0.nacos.svc.cluster.local:8848')).toEqual({ host: 'nacos-0.nacos.svc.cluster.local', port: 8848 });
    expect(parseHostPort('[::1]:18848')).toEqual({ host: '::1', port: 18848 });
  });

  it('applies a default port only when asked to', () => {
    expect(parseHostPort('nacos1', { defaultPort: 8848 })).toEqual({ host: 'nacos1', port: 8848 });
    expect(parseHostPort('fd00::5', { defaultPort: 8848 })).toEqual({ host: 'fd00::5', port: 8848 });
    expect(() => parseHostPort('nacos1')).toThrow(/"nacos1" has no port: expected HOST:PORT/);
  });

  it('names the bad part of a malformed address', () => {
    expect(() => parseHostPort('10.0.0.1:99999')).toThrow(AddressError);
    expect(() => parseHostPort('10.0.0.1:99999')).toThrow(/port 99999 is not a TCP port/);
    expect(() => parseHostPort('10.0.0.1:http')).toThrow(/port "http" is not a number/);
    expect(() => parseHostPort('fd00::1:8848')).toThrow('address "fd00::1:8848": an IPv6 address with a port must be written in brackets: [fd00::1]:8848 (or [fd00::1:8848] if 8848 is part of the address)');
    expect(() => parseHostPort('nacos:8848:1')).toThrow(/must be written in brackets/);
    expect(() => parseHostPort('[fd00::1:8848')).toThrow(/missing "]"/);
    expect(() => parseHostPort('[10.0.0.1]:8848')).toThrow(/not an IPv6 address/);
    expect(() => parseHostPort('evil;host:8848')).toThrow(/"evil;host" is not a valid IP address or hostname/);
    expect(() => parseHostPort('')).toThrow(/empty/);
  });

  it('says a URL is not accepted, and shows the HOST:PORT inside it', () => {
    expect(() => parseHostPort('http://127.0.0.1:8848', { what: '--upstream member' })).toThrow(
      '--upstream member "http://127.0.0.1:8848": a URL is not accepted here; write HOST:PORT without "scheme://", e.g. 127.0.0.1:8848',
    );
    expect(() => parseHostPort('https://[::1]:8848/nacos')).toThrow(/e\.g\. \[::1\]:8848$/);
    expect(() => parseHostPort('http://nacos-0', { defaultPort: 8848 })).toThrow(/a URL is not accepted here/);
  });
});

describe('hosts that only look valid', () => {
  it('refuses all-numeric hosts as mistyped IPv4 addresses, naming the bad part', () => {
    expect(() => parseHostPort('999.1.1.1:8848')).toThrow('address "999.1.1.1:8848": "999.1.1.1" is not a valid IPv4 address: "999" is not a number from 0 to 255, and a hostname cannot end in a number');
    expect(() => parseHostPort('1.2.3', { defaultPort: 8848 })).toThrow('"1.2.3" is not a valid IPv4 address: it has 3 parts instead of 4');
    expect(() => parseHostPort('12345', { defaultPort: 8848 })).toThrow('"12345" is a number, not a host; to give a port, write HOST:12345');
    expect(() => parseHostPort('nacos.123:8848')).toThrow('"nacos.123" is not a valid hostname: its last label is a number');
    for (const host of ['999.1.1.1', '1.2.3', '12345', 'a.1']) expect(isValidHost(host), host).toBe(false);
    for (const host of ['10.0.0.1', '3com.example', 'nacos-0', 'node1.k8s']) expect(isValidHost(host), host).toBe(true);
  });

  it('refuses an unbracketed IPv6 address ending in a port-like group, and shows both bracketed forms', () => {
    expect(() => parseHostPort('::1:8848', { defaultPort: 8848, what: '--upstream member' })).toThrow(
      '--upstream member "::1:8848": an IPv6 address with a port must be written in brackets: [::1]:8848 (or [::1:8848] if 8848 is part of the address)',
    );
    expect(parseHostPort('[::1:8848]', { defaultPort: 8848 })).toEqual({ host: '::1:8848', port: 8848 });
    expect(parseHostPort('fd00::a', { defaultPort: 8848 })).toEqual({ host: 'fd00::a', port: 8848 });
    expect(() => parseListenAddress('::1:18848')).toThrow(/\[::1\]:18848/);
  });
});

describe('parseListenAddress', () => {
  it('accepts a bare port, :port, host:port and [v6]:port', () => {
    expect(parseListenAddress('8848')).toEqual({ host: undefined, port: 8848 });
    expect(parseListenAddress(':8848')).toEqual({ host: undefined, port: 8848 });
    expect(parseListenAddress('0.0.0.0:18848')).toEqual({ host: '0.0.0.0', port: 18848 });
    expect(parseListenAddress('[::]:18848')).toEqual({ host: '::', port: 18848 });
  });

  it('refuses a listen address without a port', () => {
    expect(() => parseListenAddress('0.0.0.0')).toThrow(/has no port/);
  });
});

describe('parseServerAddressList', () => {
  it('reads what users put in serverAddr', () => {
    const list = parseServerAddressList('nacos.example.com, 10.0.0.1:8848,[::1]:18848,https://vip.example.com:443/nacos/', 8848);
    expect(list.map(({ host, port, scheme, contextPath, portDefaulted }) => ({ host, port, scheme, contextPath, portDefaulted }))).toEqual([
      { host: 'nacos.example.com', port: 8848, scheme: 'http', contextPath: undefined, portDefaulted: true },
      { host: '10.0.0.1', port: 8848, scheme: 'http', contextPath: undefined, portDefaulted: false },
      { host: '::1', port: 18848, scheme: 'http', contextPath: undefined, portDefaulted: false },
      { host: 'vip.example.com', port: 443, scheme: 'https', contextPath: '/nacos', portDefaulted: false },
    ]);
  });

  it('defaults the port of a URL without one, as clients do', () => {
    expect(parseServerAddressList('http://nacos.dev.company.com', 8848)[0]).toMatchObject({ port: 8848, portDefaulted: true });
  });

  it('refuses a path without a scheme', () => {
    expect(() => parseServerAddressList('host:8848/nacos', 8848)).toThrow(/a path needs a scheme/);
  });
});

describe('helpers', () => {
  it('formats IPv6 with brackets', () => {
    expect(formatHostPort('::1', 8848)).toBe('[::1]:8848');
    expect(formatHostPort('10.0.0.1', 8848)).toBe('10.0.0.1:8848');
  });

  it('unwraps IPv4-mapped IPv6 client addresses', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('::1')).toBe('::1');
  });

  it('validates hostnames strictly', () => {
    expect(isValidHost('nacos_1')).toBe(true);
    expect(isValidHost('-bad.example')).toBe(false);
    expect(isValidHost('a b')).toBe(false);
    expect(isValidHost('x'.repeat(64))).toBe(false);
  });

  it('splits lists given as repeated flags, commas or spaces', () => {
    expect(splitList(['a:1,b:2', 'c:3  d:4'])).toEqual(['a:1', 'b:2', 'c:3', 'd:4']);
    expect(splitList(undefined)).toEqual([]);
  });

  it('parses CIDR blocks and single IPs', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix length "33" must be 0-32/);
    expect(() => parseCidr('nacos/8')).toThrow(/"nacos" is not an IP address/);
  });
});

describe('isLoopbackHost', () => {
  it('is this machine whatever the spelling; the wildcards only when asked', () => {
    expect(['localhost', 'nacos.localhost', '127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'].map((host) => isLoopbackHost(host))).toEqual(Array(7).fill(true));
    expect(['10.0.0.1', 'nacos-0', '::2', '0.0.0.0', '::'].map((host) => isLoopbackHost(host))).toEqual(Array(5).fill(false));
    expect(['0.0.0.0', '::', '0:0:0:0:0:0:0:0'].map((host) => isLoopbackHost(host, { wildcard: true }))).toEqual([true, true, true]);
  });
});
