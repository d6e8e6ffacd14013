import { describe, expect, it } from 'vitest';
import { expandTargets, targetsOf } from '../../src/doctor/targets.js';
import { parseServerAddress } from '../../src/address.js';
import { options } from './factories.js';

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
    const expanded = await expandTargets(options({ address: ['nacos.example:8848', 'nope.example', '10.0.0.1:8848', '10.0.0.1:8848'] }), { signal: new AbortController().signal, resolver });
    expect(expanded.map(({ target }) => [target.label, target.ip])).toEqual([
      ['nacos.example:8848 (10.0.0.1)', '10.0.0.1'],
      ['nacos.example:8848 (10.0.0.2)', '10.0.0.2'],
      ['nope.example:8848', undefined],
      ['10.0.0.1:8848', '10.0.0.1'],
    ]);
    expect(expanded[2]!.dns?.lookup).toMatchObject({ ok: false, failure: { errno: 'ENOTFOUND' } });
  });
});
