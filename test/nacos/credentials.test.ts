import { describe, expect, it } from 'vitest';
import { resolveCredentials, type CredentialFlags } from '../../src/nacos/credentials.js';

const args = (flags: Record<string, string | string[]> = {}): CredentialFlags => flags;

describe('resolveCredentials', () => {
  it('is undefined without flags or environment', () => {
    expect(resolveCredentials(args(), {})).toBeUndefined();
    expect(resolveCredentials(args(), { NACOS_USERNAME: '', NACOS_ACCESS_TOKEN: '' })).toBeUndefined();
  });

  it('takes a user from the flags, the environment, or both', () => {
    expect(resolveCredentials(args({ username: 'nacos', password: 'pw' }), {})).toEqual({ username: 'nacos', password: 'pw' });
    expect(resolveCredentials(args(), { NACOS_USERNAME: 'nacos', NACOS_PASSWORD: 'pw' })).toEqual({ username: 'nacos', password: 'pw' });
    expect(resolveCredentials(args({ username: 'admin' }), { NACOS_USERNAME: 'nacos', NACOS_PASSWORD: 'pw' })).toEqual({ username: 'admin', password: 'pw' });
  });

  it('takes a token from the flag or the environment', () => {
    expect(resolveCredentials(args({ 'access-token': 'eyJ.flag' }), {})).toEqual({ accessToken: 'eyJ.flag' });
    expect(resolveCredentials(args(), { NACOS_ACCESS_TOKEN: 'eyJ.env' })).toEqual({ accessToken: 'eyJ.env' });
  });

  it('lets a flag win over the other kind of credential from the environment', () => {
    expect(resolveCredentials(args({ 'access-token': 'eyJ.flag' }), { NACOS_USERNAME: 'nacos', NACOS_PASSWORD: 'pw' })).toEqual({ accessToken: 'eyJ.flag' });
    expect(resolveCredentials(args({ username: 'nacos' }), { NACOS_PASSWORD: 'pw', NACOS_ACCESS_TOKEN: 'eyJ.env' })).toEqual({ username: 'nacos', password: 'pw' });
  });

  it('refuses a token and a user from the same place, and half a user, without repeating secrets', () => {
    const refused = (flags: Record<string, string>, env: NodeJS.ProcessEnv): Error => {
      try {
        resolveCredentials(args(flags), env);
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected a usage error');
    };
    expect(refused({ 'access-token': 'eyJ.secret', username: 'nacos', password: 'hunter2' }, {})).toMatchObject({ code: 'ERR_AUTH_OPTIONS', exitCode: 2, message: 'give --access-token or --username/--password, not both' });
    expect(refused({}, { NACOS_ACCESS_TOKEN: 'eyJ.secret', NACOS_USERNAME: 'nacos' }).message).toMatch(/^NACOS_ACCESS_TOKEN and NACOS_USERNAME\/NACOS_PASSWORD are both set/);
    expect(refused({ username: 'nacos' }, {}).message).toBe('--username nacos needs a password: set NACOS_PASSWORD (or --password)');
    const noUser = refused({ password: 'hunter2' }, {});
    expect(noUser.message).toBe('a password was given without a user: add --username (or NACOS_USERNAME)');
    expect(noUser.message).not.toContain('hunter2');
  });

  it('refuses a flag given twice without repeating its value', () => {
    expect(() => resolveCredentials(args({ password: ['a', 'secret'] }), {})).toThrow(/--password was given 2 times; give it once/);
    expect(() => resolveCredentials(args({ password: ['a', 'secret'] }), {})).not.toThrow(/secret/);
  });
});
