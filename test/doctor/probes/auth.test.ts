import { describe, expect, it } from 'vitest';
import { classifyAuth } from '../../../src/doctor/probes/auth.js';
import { failed, http, ok, options, state, target } from '../factories.js';

const passed = ok<void>(undefined);

describe('classifyAuth', () => {
  it('calls a refused login an auth problem, not a network one', () => {
    const refused = failed<void>({ code: 'ERR_NACOS_AUTH', status: 403, reason: 'bad-credentials', body: 'unknown user!' });
    const [finding] = classifyAuth({ auth: { mode: 'login', login: refused, secured: refused } }, target(), options({ username: 'nacos', password: 'x' }));
    expect(finding).toMatchObject({ status: 'fail', cause: 'AUTH_BAD_CREDENTIALS', title: 'login as nacos refused' });
    expect(finding!.explanation).toContain('The network path works');
    expect(JSON.stringify(finding)).not.toContain('"x"');
  });

  it('warns that clients need credentials when a secured API says "user not found!"', () => {
    const denied = failed<void>({ code: 'ERR_NACOS_AUTH', status: 403, reason: 'no-token', body: 'user not found!' });
    const [finding] = classifyAuth({ auth: { mode: 'none', secured: denied } }, target(), options());
    expect(finding).toMatchObject({ status: 'warn', cause: 'AUTH_REQUIRED' });
    expect(finding!.evidence).toBe('HTTP 403 "user not found!"');
  });

  it('fails an expired or foreign token with the clock and secret-key advice', () => {
    const expired = failed<void>({ code: 'ERR_NACOS_AUTH', status: 403, reason: 'token-expired', body: 'token expired!' });
    const [finding] = classifyAuth({ auth: { mode: 'token', secured: expired } }, target(), options({ 'access-token': 't' }));
    expect(finding).toMatchObject({ status: 'fail', cause: 'AUTH_TOKEN_REJECTED' });
    expect(finding!.fix).toContain('token.secret.key');
  });

  it('passes a working login, and says when auth is off', () => {
    expect(classifyAuth({ auth: { mode: 'login', login: passed, secured: passed } }, target(), options({ username: 'nacos', password: 'x' }))[0]!.status).toBe('ok');
    expect(classifyAuth({ auth: { mode: 'none', secured: passed } }, target(), options())[0]!.title).toContain('auth is off');
    const authOn = { auth: { mode: 'none' as const, secured: passed }, http: http({ state: { v1: ok(state({ auth_enabled: true })) } }) };
    expect(classifyAuth(authOn, target(), options())[0]!.status).toBe('info');
  });

  it('leaves network failures to the TCP and HTTP findings', () => {
    const down = failed<void>({ code: 'ERR_CONNECT_REFUSED' });
    expect(classifyAuth({ auth: { mode: 'login', login: down, secured: down } }, target(), options({ username: 'nacos', password: 'x' }))).toEqual([]);
  });
});
