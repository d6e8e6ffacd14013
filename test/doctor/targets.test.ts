import { describe, expect, it } from 'vitest';
import { expandAddress, targetKey, targetsOf } from '../../src/doctor/targets.js';
import { parseServerAddress } from '../../src/address.js';

describe('targets', () => {
  it('keeps IP literals as they are, with the context path of the URL or the option', () => {
    expect(targetsOf(parseServerAddress('[::1]:8848', 8848), '/nacos')).toEqual([
      { target: expect.objectContaining({ ip: '::1', port: 8848, contextPath: '/nacos', label: '[::1]:8848' }) },
    ]);
    expect(targetsOf(parseServerAddress('http://10.0.0.1:8848/ctx', 8848), '/nacos')[0]!.target.contextPath).toBe('/ctx');
  });

  it('checks every record of a name, and keeps an unresolved name as one target without IP', async () => {
    const resolver = async (host: string): Promise<string[]> => {
      if (host === 'nacos.example') return ['10.0.0.1', '10.0.0.2'];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const run = { timeoutMs: 1000, signal: new AbortController().signal, resolver };
    const name = await expandAddress(parseServerAddress('nacos.example:8848', 8848), '/nacos', run);
    expect(name.map(({ target }) => [target.label, target.ip])).toEqual([
      ['nacos.example:8848 (10.0.0.1)', '10.0.0.1'],
      ['nacos.example:8848 (10.0.0.2)', '10.0.0.2'],
    ]);
    const [unresolved] = await expandAddress(parseServerAddress('nope.example', 8848), '/nacos', run);
    expect(unresolved!.target).toMatchObject({ label: 'nope.example:8848', ip: undefined });
    expect(unresolved!.dns?.lookup).toMatchObject({ ok: false, failure: { errno: 'ENOTFOUND' } });
  });

  it('expands an IP literal at once, without a lookup', () => {
    const expanded = expandAddress(parseServerAddress('10.0.0.1:8848', 8848), '/nacos', { timeoutMs: 1000, signal: new AbortController().signal });
    expect(Array.isArray(expanded)).toBe(true);
  });

  it('keys targets by scheme, dialled address and context path', () => {
    const [plain] = targetsOf(parseServerAddress('10.0.0.1:8848', 8848), '/nacos');
    const [tls] = targetsOf(parseServerAddress('https://10.0.0.1:8848', 8848), '/nacos');
    const [other] = targetsOf(parseServerAddress('http://10.0.0.1:8848/ctx', 8848), '/nacos');
    expect(new Set([plain, tls, other].map((item) => targetKey(item!.target))).size).toBe(3);
    expect(targetKey(targetsOf(parseServerAddress('http://10.0.0.1:8848', 8848), '/nacos')[0]!.target)).toBe(targetKey(plain!.target));
  });
});
