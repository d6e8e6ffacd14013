/**
 * The credential flags of doctor commands that talk to Nacos members; they are resolved by
 * src/nacos/credentials.ts (flags beat NACOS_USERNAME/NACOS_PASSWORD/NACOS_ACCESS_TOKEN).
 */
import type { Argv } from 'yargs';

export function nacosAuthOptions(yargs: Argv): Argv {
  return yargs
    .option('username', { type: 'string', requiresArg: true, describe: 'Nacos user to log in as (POST /nacos/v1/auth/login); also NACOS_USERNAME' })
    .option('password', { type: 'string', requiresArg: true, describe: "That user's password; better NACOS_PASSWORD, which stays out of ps and history" })
    .option('access-token', { type: 'string', requiresArg: true, describe: 'A Nacos access token to send instead of logging in; also NACOS_ACCESS_TOKEN' });
}
