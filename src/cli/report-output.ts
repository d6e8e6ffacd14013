/**
 * Prints a doctor report the way every nacos-doctor command does: text for people (colour on a
 * TTY), the versioned JSON document with --json; returns the exit code the report calls for.
 */
import { exitCodeOf, type Finding, type Report, type Section } from '../doctor/report.js';
import { renderJson } from '../doctor/render-json.js';
import { renderText, textStyleFor } from '../doctor/render-text.js';
import { escapeControlCharacters } from '../text.js';
import { VERSION } from '../version.js';
import type { CliIo } from './io.js';

function escapeFinding(finding: Finding): Finding {
  const escaped: Record<string, unknown> = { ...finding };
  for (const key of ['title', 'evidence', 'explanation', 'fix'] as const) {
    const value = finding[key];
    if (value !== undefined) escaped[key] = escapeControlCharacters(value);
  }
  if (finding.location) escaped.location = { ...finding.location, file: escapeControlCharacters(finding.location.file) };
  return escaped as unknown as Finding;
}

function escapeSection(section: Section): Section {
  return {
    ...section,
    target: escapeControlCharacters(section.target),
    ...(section.title === undefined ? {} : { title: escapeControlCharacters(section.title) }),
    findings: section.findings.map(escapeFinding),
  };
}

/**
 * The report with every control character in its texts made visible: findings quote file lines,
 * log lines and server answers, and an ESC or CR in them must not reach the terminal.
 */
export function escapeReport(report: Report): Report {
  return { ...report, sections: report.sections.map(escapeSection), ...(report.summary === undefined ? {} : { summary: report.summary.map(escapeFinding) }) };
}

export function writeReport(report: Report, options: { readonly json: boolean }, io: CliIo): number {
  io.stdout.write(options.json ? renderJson(report, { version: VERSION, now: new Date() }) : renderText(escapeReport(report), textStyleFor(io.stdout, io.env)));
  return exitCodeOf(report);
}
