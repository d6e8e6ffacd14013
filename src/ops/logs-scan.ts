/**
 * `nacos-doctor logs DIR`: reads every Nacos server log in DIR (oldest first) through the
 * signature matcher and builds the report with its timeline and verdict.
 */
import type { Report } from '../doctor/report.js';
import { findLogFiles, readLogFile, type ReadLogOptions } from './log-files.js';
import { LogScanAccumulator } from './log-timeline.js';
import { buildLogsReport, type ScannedFile } from './log-verdict.js';

export interface LogsScanOptions extends ReadLogOptions {
  readonly mainPort?: number;
}

export async function scanLogsDirectory(path: string, options: LogsScanOptions = {}): Promise<Report> {
  const directory = await findLogFiles(path);
  const accumulator = new LogScanAccumulator();
  const files: ScannedFile[] = [];
  for (const name of directory.files) {
    accumulator.startFile(name);
    files.push(await readLogFile(directory.dir, name, (line, text) => accumulator.observe(line, text), options));
  }
  return buildLogsReport({
    dir: directory.dir,
    files,
    skipped: directory.skipped,
    scan: accumulator.result(),
    ...(options.mainPort === undefined ? {} : { mainPort: options.mainPort }),
  });
}
