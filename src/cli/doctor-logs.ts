/** `nacos-doctor logs DIR`: flags to options, the scan, the report. */
import { UsageError } from '../errors.js';
import { scanLogsDirectory } from '../ops/logs-scan.js';
import { assertPort } from '../ports.js';
import type { CliIo } from './io.js';
import type { ParsedArgs } from './parse.js';
import { writeReport } from './report-output.js';

export function parseMainPortFlag(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^\d{1,5}$/.test(text)) {
    throw new UsageError(`--main-port "${text}" is not a port: give the members' main port, e.g. --main-port 8848`, { code: 'ERR_PORT_RANGE' });
  }
  return assertPort(Number(text), '--main-port');
}

export async function runLogs(args: ParsedArgs, io: CliIo): Promise<number> {
  const mainPort = parseMainPortFlag(args['main-port']);
  const report = await scanLogsDirectory(String(args.dir), mainPort === undefined ? {} : { mainPort });
  return writeReport(report, { json: args.json === true }, io);
}
