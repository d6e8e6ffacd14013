/** `nacos-doctor lint CONFDIR`: flags to options, the lint, the report. */
import { lintConfigDirectory } from '../ops/config-files.js';
import type { CliIo } from './io.js';
import type { ParsedArgs } from './parse.js';
import { writeReport } from './report-output.js';

export async function runLint(args: ParsedArgs, io: CliIo): Promise<number> {
  const report = await lintConfigDirectory(String(args.confdir), { upgradeFrom1x: args['upgrade-from-1x'] === true });
  return writeReport(report, { json: args.json === true }, io);
}
