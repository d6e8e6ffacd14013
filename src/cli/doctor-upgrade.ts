/** `nacos-doctor upgrade ADDRESS…`: flags to options, the members' answers, the report. */
import { parseServerAddressList } from '../address.js';
import { parseDuration } from '../duration.js';
import { ArgumentsError, UsageError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS } from '../nacos/http-client.js';
import { observeUpgrade } from '../ops/upgrade-observe.js';
import { upgradeReport } from '../ops/upgrade-stage.js';
import { DEFAULT_MAIN_PORT } from '../ports.js';
import type { CliIo } from './io.js';
import { resolveCredentials } from '../nacos/credentials.js';
import type { ParsedArgs } from './parse.js';
import { writeReport } from './report-output.js';

/** A URL path of plain segments (`/nacos`, `/ns/nacos`) or empty for none. */
export function parseContextPath(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^(?:\/?[A-Za-z0-9._~-]+)*\/?$/.test(text)) {
    throw new UsageError(`--context-path "${text}" is not a URL path: give e.g. /nacos, or '' for none`, { code: 'ERR_CONTEXT_PATH' });
  }
  return text;
}

export function parseTimeoutFlag(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = parseDuration(String(value), '--timeout');
  if (ms <= 0) throw new UsageError('--timeout must be above 0, e.g. --timeout 5s', { code: 'ERR_DURATION' });
  return ms;
}

export async function runUpgrade(args: ParsedArgs, io: CliIo): Promise<number> {
  const inputs = ((args.addresses as unknown[] | undefined) ?? []).map(String);
  const members = parseServerAddressList(inputs, DEFAULT_MAIN_PORT);
  if (members.length === 0) throw new ArgumentsError('give at least one member, e.g. nacos-doctor upgrade 10.0.0.11:8848', { command: ['upgrade'] });
  const contextPath = parseContextPath(args['context-path']);
  const timeoutMs = parseTimeoutFlag(args.timeout);
  const auth = resolveCredentials({ username: args.username, password: args.password, 'access-token': args['access-token'] }, io.env);
  const input = await observeUpgrade({
    members,
    timeoutMs,
    diff: args.diff === true,
    ...(contextPath === undefined ? {} : { contextPath }),
    ...(auth ? { auth } : {}),
  });
  return writeReport(upgradeReport({ ...input, diff: args.diff === true }), { json: args.json === true }, io);
}
