/**
 * Auth, told apart from the network: log in with the given credentials (POST /v1/auth/login,
 * /v3/auth/user/login where v1 is gone), then read secured APIs with the token, or without one:
 * a config that does not exist (v1, 1.x-3.1) and the member list (v3 admin API, 3.x). 403
 * `user not found!`, `unknown user!`, `token expired!`, `token invalid!` are auth answers from a
 * server that is reachable: the fix is in the credentials, not the network.
 *
 * Only a Nacos answer proves the auth state: `config data not exist` (404) from behind the auth
 * filter, a v3 Result, or a 401/403. A 404 page of a wrong context path, of a 3.2+ server
 * without v1, or of another HTTP server proves nothing; then the server state's `auth_enabled`
 * is the evidence, if there is one.
 */
import { CLUSTER_NODES_PATHS } from '../../nacos/cluster-nodes.js';
import { NacosHttpError, NacosResponseError } from '../../nacos/http-errors.js';
import { isRecord, unwrapResult } from '../../nacos/server-state.js';
import { advice, type CheckCause } from '../advice.js';
import { attempt, isNetworkFailure, type Failure, type Outcome } from '../failure.js';
import { observedState } from '../observed.js';
import type { ObservingProbe, Observations, Target } from '../probe.js';
import type { Finding } from '../report.js';
import type { CheckOptions } from '../check-options.js';

export type AuthMode = 'login' | 'token' | 'none';

export type SecuredApi = 'v1' | 'v3';

export interface AuthObservation {
  readonly mode: AuthMode;
  /** The login, when credentials were given. */
  readonly login?: Outcome<void>;
  /** Each secured read: ok when a Nacos answer came from behind the auth filter. */
  readonly secured: Readonly<Record<SecuredApi, Outcome<void>>>;
}

/** The secured reads: a config that does not exist (v1) and the member list (v3 admin API). */
export const SECURED_PATHS: Readonly<Record<SecuredApi, string>> = Object.freeze({ v1: '/v1/cs/configs', v3: CLUSTER_NODES_PATHS.v3 });
export const SECURED_QUERY = Object.freeze({ dataId: 'nacos-doctor.auth-check', group: 'DEFAULT_GROUP' });
/** What Nacos answers (HTTP 404) for a config that does not exist, past the auth filter. */
const NO_SUCH_CONFIG = /config data not exist/i;

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

/** No secured read proved anything: the server state may still say whether auth is on. */
function unproven(auth: AuthObservation, failures: readonly Failure[], observed: Observations, target: Target, who: string | undefined): Finding[] {
  if (failures.every(isNetworkFailure)) return [];
  const tried = (Object.keys(SECURED_PATHS) as SecuredApi[]).map((api) => {
    const outcome = auth.secured[api];
    return `${SECURED_PATHS[api]}: ${outcome.ok ? 'ok' : outcome.failure.status === undefined ? outcome.failure.code : `HTTP ${outcome.failure.status}`}`;
  });
  const evidence = `no secured Nacos API answered (${tried.join(', ')})`;
  if (auth.mode === 'login') return [{ check: 'auth', status: 'ok', title: `login as ${who} works; its token could not be tried on a secured API`, evidence, data: { mode: 'login' } }];
  const enabled = observedState(observed)?.authEnabled;
  if (auth.mode === 'none' && enabled === true) {
    const { explanation, fix } = advice('AUTH_REQUIRED', { target, observed, detail: 'server state: auth_enabled true' });
    return [{ check: 'auth', status: 'warn', title: 'auth is on (the server state says so): clients need credentials', evidence: `auth_enabled true; ${evidence}`, cause: 'AUTH_REQUIRED', explanation, fix, data: { mode: 'none' } }];
  }
  if (auth.mode === 'none' && enabled === false) {
    return [{ check: 'auth', status: 'ok', title: 'auth is off (the server state says so)', evidence: `auth_enabled false; ${evidence}`, data: { mode: 'none' } }];
  }
  return [{ check: 'auth', status: 'skipped', title: 'auth not checked: no Nacos API here says whether it is on (see http.readiness)', evidence, data: { mode: auth.mode } }];
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
  const reads = Object.values(auth.secured);
  const passed = reads.some((outcome) => outcome.ok);
  const failures = reads.flatMap((outcome) => (outcome.ok ? [] : [outcome.failure]));
  const denied = failures.find(isAuthFailure);
  if (!passed && denied) {
    if (auth.mode === 'none') return [failed('AUTH_REQUIRED', 'auth is on: a request without credentials is refused', denied, observed, target)];
    const what = auth.mode === 'login' ? `the token from the login as ${who}` : 'the access token';
    if (denied.reason === 'forbidden') {
      // Accepted, but the user may not read this API (3.x admin APIs need an admin).
      return [{ check: 'auth', status: 'info', title: `${what} is accepted, but this user may not read the admin API used for this check`, evidence: serverSaid(denied), data: { mode: auth.mode } }];
    }
    return [failed('AUTH_TOKEN_REJECTED', `${what} is refused`, denied, observed, target)];
  }
  if (!passed) return unproven(auth, failures, observed, target, who);
  if (auth.mode === 'login') return [{ check: 'auth', status: 'ok', title: `login as ${who} works and its token is accepted`, data: { mode: 'login' } }];
  if (auth.mode === 'token') return [{ check: 'auth', status: 'ok', title: 'the access token is accepted', data: { mode: 'token' } }];
  if (observedState(observed)?.authEnabled === true) {
    return [{ check: 'auth', status: 'info', title: 'auth is on, but this API answered without credentials; clients still need them for the others', data: { mode: 'none' } }];
  }
  return [{ check: 'auth', status: 'ok', title: 'auth is off: a secured API answers without credentials', data: { mode: 'none' } }];
}

/** A v3 `Result` with code 0: the proof that a Nacos 3 API answered. */
function isNacosResult(body: string, url: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) && parsed.code === 0 && unwrapResult(parsed, url) !== undefined;
  } catch {
    return false;
  }
}

export const authProbe: ObservingProbe<'auth'> = {
  name: 'auth',
  async observe(_target, context) {
    const { http, signal } = context;
    const mode = authMode(context.options);
    const login = mode === 'login' ? await attempt(async () => void (await http.login(signal))) : undefined;
    if (login && !login.ok) return { mode, login, secured: { v1: login, v3: login } };
    const [v1, v3] = await Promise.all([
      attempt(async () => {
        const answer = await http.request(SECURED_PATHS.v1, { query: SECURED_QUERY, timeoutMs: context.remaining(), signal }).then(
          (response) => new NacosResponseError(response.url, `answered HTTP ${response.status}, not Nacos' 404 "config data not exist" for a missing config`),
          (error: unknown) => error,
        );
        if (!(answer instanceof NacosHttpError && answer.status === 404 && NO_SUCH_CONFIG.test(answer.body))) throw answer;
      }),
      attempt(async () => {
        const response = await http.request(SECURED_PATHS.v3, { timeoutMs: context.remaining(), signal });
        if (!isNacosResult(response.body, response.url)) throw new NacosResponseError(response.url, 'answered, but not with a Nacos Result');
      }),
    ]);
    return { mode, ...(login ? { login } : {}), secured: { v1: v1!, v3: v3! } };
  },
  classify: classifyAuth,
};
