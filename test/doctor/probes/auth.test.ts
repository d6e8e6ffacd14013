import { describe, expect, it } from 'vitest';
import { classifyAuth, type AuthObservation } from '../../../src/doctor/probes/auth.js';
import { failed, http, ok, options, state, target } from '../factories.js';

const passed = ok<void>(undefined);
/** A 404 that is not Nacos' "config data not exist": a 3.2+ server without v1, a wrong context path, another server. */
const notFound = failed<never>({ code: 'ERR_NACOS_API_ABSENT', status: 404, body: '{"status":404,"error":"Not Found"}' });

function both(outcome: AuthObservation['secured']['v1']): AuthObservation['secured'] {
  return { v1: outcome, v3: outcome };
}

describe('classifyAuth', () => {
  it('calls a refused login an auth problem, not a network one', () => {
    const refused = failed<void>({ code: 'ERR_NACOS_AUTH', status: 403, reason: 'bad-credentials', body: 'unknown user!' });
    const [finding] = classifyAuth({ auth: { mode: 'login', login: refused, secured: both(refused) } }, target(), options({ username: 'nacos', password: 'x' }));
    expect(finding).toMatchObject({ status: 'fail', cause: 'AUTH_BAD_CREDENTIALS', title: 'login as nacos refused' });
    expect(finding!.explanation).toContain('The network path works');
    expect(JSON.stringify(finding)).not.toContain('"x"');
  });

  it('warns that clients need credentials when a secured API says "user not found!", on v1 (2.x) or on v3 only (3.2+)', () => {
    const denied = failed<void>({ code: 'ERR_NACOS_AUTH', status: 403, reason: 'no-token', body: 'user not found!' });
    const [v1] = classifyAuth({ auth: { mode: 'none', secured: { v1: denied, v3: notFound } } }, target(), options());
    expect(v1).toMatchObject({ status: 'warn', cause: 'AUTH_REQUIRED', evidence: 'HTTP 403 "user not found!"' });
    const [v3] = classifyAuth({ auth: { mode: 'none', secured: { v1: notFound, v3: denied } } }, target(), options());
    expect(v3).toMatchObject({ status: 'warn', cause: 'AUTH_REQUIRED' });
  });

  it('fails an expired or foreign token with the clock and secret-key advice', () => {
    const expired = failed<void>({ code: 'ERR_NACOS_AUTH', status: 403, reason: 'token-expired', body: 'token expired!' });
    const [finding] = classifyAuth({ auth: { mode: 'token', secured: { v1: expired, v3: notFound } } }, target(), options({ 'access-token': 't' }));
    expect(finding).toMatchObject({ status: 'fail', cause: 'AUTH_TOKEN_REJECTED' });
    expect(finding!.fix).toContain('token.secret.key');
  });

  it('does not call a token rejected when the user only lacks the admin rights of the v3 API', () => {
    const forbidden = failed<void>({ code: 'ERR_NACOS_AUTH', status: 403, reason: 'forbidden', body: 'authorization failed!' });
    const [finding] = classifyAuth({ auth: { mode: 'login', login: passed, secured: { v1: notFound, v3: forbidden } } }, target(), options({ username: 'app', password: 'x' }));
    expect(finding).toMatchObject({ status: 'info' });
    expect(finding!.cause).toBeUndefined();
  });

  it('passes a working login, and says when auth is off', () => {
    expect(classifyAuth({ auth: { mode: 'login', login: passed, secured: { v1: passed, v3: notFound } } }, target(), options({ username: 'nacos', password: 'x' }))[0]!.status).toBe('ok');
    expect(classifyAuth({ auth: { mode: 'none', secured: { v1: passed, v3: notFound } } }, target(), options())[0]!.title).toContain('auth is off');
    const authOn = { auth: { mode: 'none' as const, secured: { v1: passed, v3: notFound } }, http: http({ state: { v1: ok(state({ auth_enabled: true })) } }) };
    expect(classifyAuth(authOn, target(), options())[0]!.status).toBe('info');
  });

  it('proves nothing from 404 pages: a wrong context path or another HTTP server is not "auth is off"', () => {
    const absent = http({ state: { v1: notFound, v3: notFound } });
    const [finding] = classifyAuth({ auth: { mode: 'none', secured: both(notFound) }, http: absent }, target(), options());
    expect(finding).toMatchObject({ status: 'skipped' });
    expect(finding!.title).not.toContain('auth is off');
    expect(finding!.evidence).toContain('/v1/cs/configs: HTTP 404');
  });

  it('falls back on the server state when no secured API answers: auth on means clients need credentials', () => {
    const on = http({ state: { v1: notFound, v3: ok(state({ version: '3.2.4', auth_enabled: true })) } });
    const [finding] = classifyAuth({ auth: { mode: 'none', secured: both(notFound) }, http: on }, target(), options());
    expect(finding).toMatchObject({ status: 'warn', cause: 'AUTH_REQUIRED' });
    expect(finding!.evidence).toContain('auth_enabled true');
    const off = http({ state: { v1: notFound, v3: ok(state({ version: '3.2.4', auth_enabled: false })) } });
    expect(classifyAuth({ auth: { mode: 'none', secured: both(notFound) }, http: off }, target(), options())[0]).toMatchObject({ status: 'ok', title: 'auth is off (the server state says so)' });
  });

  it('leaves network failures to the TCP and HTTP findings', () => {
    const down = failed<void>({ code: 'ERR_CONNECT_REFUSED' });
    expect(classifyAuth({ auth: { mode: 'login', login: down, secured: both(down) } }, target(), options({ username: 'nacos', password: 'x' }))).toEqual([]);
    expect(classifyAuth({ auth: { mode: 'none', secured: both(down) } }, target(), options())).toEqual([]);
  });
});
