import { describe, expect, it } from 'vitest';
import { resolveCheckOptions } from '../../src/doctor/check-options.js';
import { NacosToolError } from '../../src/errors.js';

function usageError(run: () => unknown): NacosToolError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NacosToolError);
    expect((error as NacosToolError).exitCode).toBe(2);
    return error as NacosToolError;
  }
  throw new Error('expected a usage error');
}

describe('check options', () => {
  it('defaults to 127.0.0.1:8848, /nacos, 3 s per probe, no cluster ports, no hold, no credentials', () => {
    const options = resolveCheckOptions({}, {});
    expect(options.addresses.map((address) => `${address.host}:${address.port}`)).toEqual(['127.0.0.1:8848']);
    expect(options).toMatchObject({ contextPath: '/nacos', timeoutMs: 3000, cluster: false, holdMs: 0, credentials: {} });
  });

  it('reads serverAddr lists, URLs with a context path and default ports as clients do', () => {
    const options = resolveCheckOptions({ address: ['10.0.0.1:8848,10.0.0.2', 'http://[::1]:9000/ctx'] }, {});
    expect(options.addresses.map((address) => [address.host, address.port, address.contextPath])).toEqual([
      ['10.0.0.1', 8848, undefined],
      ['10.0.0.2', 8848, undefined],
      ['::1', 9000, '/ctx'],
    ]);
  });

  it('normalises the context path and takes / as none', () => {
    expect(resolveCheckOptions({ 'context-path': 'nacos/' }, {}).contextPath).toBe('/nacos');
    expect(resolveCheckOptions({ 'context-path': '/' }, {}).contextPath).toBe('');
    expect(usageError(() => resolveCheckOptions({ 'context-path': '/a b' }, {})).message).toContain('--context-path');
  });

  it('takes credentials from flags first, then NACOS_USERNAME / NACOS_PASSWORD / NACOS_ACCESS_TOKEN', () => {
    expect(resolveCheckOptions({}, { NACOS_USERNAME: 'nacos', NACOS_PASSWORD: 'pw' }).credentials).toEqual({ username: 'nacos', password: 'pw' });
    expect(resolveCheckOptions({ password: 'flag' }, { NACOS_USERNAME: 'nacos', NACOS_PASSWORD: 'env' }).credentials.password).toBe('flag');
    expect(resolveCheckOptions({}, { NACOS_ACCESS_TOKEN: 'tok' }).credentials).toEqual({ accessToken: 'tok' });
  });

  it('refuses half a login and a login together with a token, without echoing secrets', () => {
    expect(usageError(() => resolveCheckOptions({ username: 'nacos' }, {})).message).toContain('--password');
    const both = usageError(() => resolveCheckOptions({ username: 'nacos', password: 'secret-pw', 'access-token': 'secret-token' }, {}));
    expect(both.message).toContain('not both');
    expect(both.message).not.toMatch(/secret/);
    // A flag beats the environment, as for every doctor command.
    expect(resolveCheckOptions({ username: 'nacos', password: 'pw' }, { NACOS_ACCESS_TOKEN: 't' }).credentials).toEqual({ username: 'nacos', password: 'pw' });
    expect(usageError(() => resolveCheckOptions({ password: ['a-secret', 'b-secret'] as unknown as string, username: 'x' }, {})).message).not.toContain('secret');
  });

  it('parses --timeout and --hold as durations within their ranges', () => {
    expect(resolveCheckOptions({ timeout: '500ms', hold: '90' }, {})).toMatchObject({ timeoutMs: 500, holdMs: 90_000 });
    expect(resolveCheckOptions({ hold: '2m' }, {}).holdMs).toBe(120_000);
    expect(usageError(() => resolveCheckOptions({ timeout: '10ms' }, {})).message).toMatch(/--timeout 10ms is out of range/);
    expect(usageError(() => resolveCheckOptions({ hold: 'soon' }, {})).message).toContain('--hold');
  });

  it('refuses an address that is not one', () => {
    expect(usageError(() => resolveCheckOptions({ address: ['nacos:99999'] }, {})).code).toBe('ERR_ADDRESS');
  });
});
