/**
 * Auth, told apart from the network: log in with the given credentials (POST /v1/auth/login,
 * open on 1.x-3.x), then read a secured API (a config that does not exist) with the token, or
 * without one. 403 `user not found!`, `unknown user!`, `token expired!`, `token invalid!` are
 * auth answers from a server that is reachable: the fix is in the credentials, not the network.
 */
import { advice, type CheckCause } from '../advice.js';
import { attempt, type Failure, type Outcome } from '../failure.js';
import { observedState } from '../observed.js';
import type { ObservingProbe, Observations, Target } from '../probe.js';
import type { Finding } from '../report.js';
import type { CheckOptions } from '../check-options.js';

export type AuthMode = 'login' | 'token' | 'none';

export interface AuthObservation {
  readonly mode: AuthMode;
  /** The login, when credentials were given. */
  readonly login?: Outcome<void>;
  /** The secured read: passes the auth filter (any answer but 401/403) or fails. */
  readonly secured: Outcome<void>;
}

/** A secured config read; a config that does not exist answers 404 once past the auth filter. */
export const SECURED_PATH = '/v1/cs/configs';
export const SECURED_QUERY = Object.freeze({ dataId: 'nacos-doctor.auth-check', group: 'DEFAULT_GROUP' });

export function authMode(options: Pick<CheckOptions, 'credentials'>): AuthMode {
  if (options.credentials.username !== undefined) return 'login';
  if (options.credentials.accessToken !== undefined) return 'token';
  return 'none';
}

function isAuthFailure(failure: Failure): boolean {
  return failure.code === 'ERR_NACOS_AUTH';
}

function serverSaid(failure: Failure): string {
  return `HTTP ${failure.status ?? 403} "${failure.body ?? ''}"`;
}

function failed(cause: CheckCause, title: string, failure: Failure, observed: Observations, target: Target): Finding {
  const { explanation, fix } = advice(cause, { target, observed, detail: serverSaid(failure) });
  return { check: 'auth', status: cause === 'AUTH_REQUIRED' ? 'warn' : 'fail', title, evidence: serverSaid(failure), cause, explanation, fix, data: { reason: failure.reason ?? null } };
}

export function classifyAuth(observed: Observations, target: Target, options: CheckOptions): Finding[] {
  const auth = observed.auth;
  if (auth === undefined) return [];
  const who = options.credentials.username;
  if (auth.login && !auth.login.ok) {
    const failure = auth.login.failure;
    if (isAuthFailure(failure)) return [failed('AUTH_BAD_CREDENTIALS', `login as ${who} refused`, failure, observed, target)];
    if (failure.code === 'ERR_NACOS_API_ABSENT') {
      return [{ check: 'auth', status: 'skipped', title: `no login API on this server (${serverSaid(failure)})` }];
    }
    return [];
  }
  if (!auth.secured.ok) {
    const failure = auth.secured.failure;
    if (!isAuthFailure(failure)) return [];
    if (auth.mode === 'none') return [failed('AUTH_REQUIRED', 'auth is on: a request without credentials is refused', failure, observed, target)];
    const what = auth.mode === 'login' ? `the token from the login as ${who}` : 'the access token';
    return [failed('AUTH_TOKEN_REJECTED', `${what} is refused`, failure, observed, target)];
  }
  if (auth.mode === 'login') return [{ check: 'auth', status: 'ok', title: `login as ${who} works and its token is accepted`, data: { mode: 'login' } }];
  if (auth.mode === 'token') return [{ check: 'auth', status: 'ok', title: 'the access token is accepted', data: { mode: 'token' } }];
  const enabled = observedState(observed)?.authEnabled;
  if (enabled === true) {
    return [{ check: 'auth', status: 'info', title: 'auth is on, but this API answered without credentials; clients still need them for the others', data: { mode: 'none' } }];
  }
  return [{ check: 'auth', status: 'ok', title: 'auth is off: a secured API answers without credentials', data: { mode: 'none' } }];
}

export const authProbe: ObservingProbe<'auth'> = {
  name: 'auth',
  async observe(_target, context) {
    const { http, signal } = context;
    const mode = authMode(context.options);
    const login = mode === 'login' ? await attempt(async () => void (await http.login(signal))) : undefined;
    if (login && !login.ok) return { mode, login, secured: login };
    const secured = await attempt(async () => {
      try {
        await http.request(SECURED_PATH, { query: SECURED_QUERY, timeoutMs: context.remaining(), signal });
      } catch (error) {
        // Any answer but 401/403 means the request passed the auth filter.
        if ((error as { code?: unknown }).code === 'ERR_NACOS_AUTH' || (error as { status?: unknown }).status === undefined) throw error;
      }
    });
    return { mode, ...(login ? { login } : {}), secured };
  },
  classify: classifyAuth,
};
