/**
 * How doctor commands that talk to Nacos members get credentials: `--username/--password` or
 * `--access-token`, each also from the environment (NACOS_USERNAME, NACOS_PASSWORD,
 * NACOS_ACCESS_TOKEN) so secrets stay out of shell history and `ps`. A flag beats the
 * environment; a token and a user from the same place are refused. Messages never repeat a
 * password or token.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { NacosAuth } from '../ops/upgrade-observe.js';
import type { ParsedArgs } from './parse.js';

export function nacosAuthOptions(yargs: Argv): Argv {
  return yargs
    .option('username', { type: 'string', requiresArg: true, describe: 'Nacos user to log in as (POST /nacos/v1/auth/login); also NACOS_USERNAME' })
    .option('password', { type: 'string', requiresArg: true, describe: "That user's password; better NACOS_PASSWORD, which stays out of ps and history" })
    .option('access-token', { type: 'string', requiresArg: true, describe: 'A Nacos access token to send instead of logging in; also NACOS_ACCESS_TOKEN' });
}

interface Picked {
  readonly value: string;
  readonly fromFlag: boolean;
}

function pick(args: ParsedArgs, env: NodeJS.ProcessEnv, flag: string, variable: string): Picked | undefined {
  const flagged = args[flag];
  if (flagged !== undefined && String(flagged) !== '') return { value: String(flagged), fromFlag: true };
  const set = env[variable];
  return set === undefined || set === '' ? undefined : { value: set, fromFlag: false };
}

export function resolveNacosAuth(args: ParsedArgs, env: NodeJS.ProcessEnv): NacosAuth | undefined {
  const token = pick(args, env, 'access-token', 'NACOS_ACCESS_TOKEN');
  const username = pick(args, env, 'username', 'NACOS_USERNAME');
  const password = pick(args, env, 'password', 'NACOS_PASSWORD');
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
