/**
 * Where doctor commands that talk to Nacos get credentials: `--username/--password` or
 * `--access-token`, each also from the environment (NACOS_USERNAME, NACOS_PASSWORD,
 * NACOS_ACCESS_TOKEN) so secrets stay out of shell history and `ps`. A flag beats the
 * environment; a token and a user from the same place are refused. Messages never repeat a
 * password or token. Pure.
 */
import { UsageError } from '../errors.js';

export type NacosCredentials = { readonly username: string; readonly password: string } | { readonly accessToken: string };

export interface CredentialFlags {
  readonly username?: unknown;
  readonly password?: unknown;
  readonly 'access-token'?: unknown;
}

interface Picked {
  readonly value: string;
  readonly fromFlag: boolean;
}

function pick(flags: CredentialFlags, env: NodeJS.ProcessEnv, flag: keyof CredentialFlags, variable: string): Picked | undefined {
  const flagged = flags[flag];
  // No value in this message: the flag may be a password.
  if (Array.isArray(flagged)) throw new UsageError(`--${flag} was given ${flagged.length} times; give it once`, { code: 'ERR_AUTH_OPTIONS' });
  if (flagged !== undefined && flagged !== null && String(flagged) !== '') return { value: String(flagged), fromFlag: true };
  const set = env[variable];
  return set === undefined || set === '' ? undefined : { value: set, fromFlag: false };
}

export function resolveCredentials(flags: CredentialFlags, env: NodeJS.ProcessEnv): NacosCredentials | undefined {
  const token = pick(flags, env, 'access-token', 'NACOS_ACCESS_TOKEN');
  const username = pick(flags, env, 'username', 'NACOS_USERNAME');
  const password = pick(flags, env, 'password', 'NACOS_PASSWORD');
  let useToken = token !== undefined;
  let useUser = username !== undefined || password !== undefined;
  if (useToken && useUser) {
    const userFlagged = username?.fromFlag === true || password?.fromFlag === true;
    if (token!.fromFlag && !userFlagged) useUser = false;
    else if (userFlagged && !token!.fromFlag) useToken = false;
    else {
      throw new UsageError(
        token!.fromFlag
          ? 'give --access-token or --username/--password, not both'
          : 'NACOS_ACCESS_TOKEN and NACOS_USERNAME/NACOS_PASSWORD are both set: unset one, or choose with --access-token or --username',
        { code: 'ERR_AUTH_OPTIONS' },
      );
    }
  }
  if (useToken) return { accessToken: token!.value };
  if (!useUser) return undefined;
  if (username === undefined) throw new UsageError('a password was given without a user: add --username (or NACOS_USERNAME)', { code: 'ERR_AUTH_OPTIONS' });
  if (password === undefined) {
    throw new UsageError(`--username ${username.value} needs a password: set NACOS_PASSWORD (or --password)`, { code: 'ERR_AUTH_OPTIONS' });
  }
  return { username: username.value, password: password.value };
}
