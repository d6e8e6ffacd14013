/**
 * Prints a doctor report the way every nacos-doctor command does: text for people (colour on a
 * TTY), the versioned JSON document with --json; returns the exit code the report calls for.
 */
import { exitCodeOf, type Report } from '../doctor/report.js';
import { renderJson } from '../doctor/render-json.js';
import { renderText, textStyleFor } from '../doctor/render-text.js';
import { VERSION } from '../version.js';
import type { CliIo } from './io.js';

export function writeReport(report: Report, options: { readonly json: boolean }, io: CliIo): number {
  io.stdout.write(options.json ? renderJson(report, { version: VERSION, now: new Date() }) : renderText(report, textStyleFor(io.stdout, io.env)));
  return exitCodeOf(report);
}
