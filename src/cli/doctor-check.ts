/** `nacos-doctor check [ADDRESS ...]`: flags and environment to options, the probes, the report. */
import { resolveCheckOptions } from '../doctor/check-options.js';
import { runCheck } from '../doctor/check.js';
import { createLogger, parseLogLevel } from '../log.js';
import { progressLine } from './check-progress.js';
import type { CliIo } from './io.js';
import type { ParsedArgs } from './parse.js';
import { writeReport } from './report-output.js';

export async function runCheckCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const options = resolveCheckOptions(
    {
      address: (args.address as string[] | undefined)?.map(String),
      'context-path': args['context-path'],
      username: args.username,
      password: args.password,
      'access-token': args['access-token'],
      timeout: args.timeout,
      cluster: args.cluster === true,
      hold: args.hold,
    },
    io.env,
  );
  const logger = createLogger({ level: parseLogLevel(String(args['log-level'] ?? 'warn'), '--log-level'), name: 'nacos-doctor' });
  const interrupt = new AbortController();
  io.onSignal('SIGINT', () => interrupt.abort(new Error('interrupted')));
  const progress = progressLine(io);
  let report;
  try {
    report = await runCheck(options, { logger, signal: interrupt.signal, ...(progress.update ? { onProgress: progress.update } : {}) });
  } finally {
    progress.clear();
  }
  if (interrupt.signal.aborted) {
    // Probes stopped half-way report failures that are not the network's: print none of them.
    io.stderr.write('nacos-doctor: check interrupted; no report\n');
    return 130;
  }
  return writeReport(report, { json: args.json === true }, io);
}
