/**
 * The machine-readable report (`--json`). Schema version 1; fields are only ever added. The
 * JSON Schema is docs/report.schema.json (tests validate every command's output against it).
 *
 * {
 *   "schema": "nacos-doctor/report@1",
 *   "tool": {"name": "nacos-doctor", "version": "x.y.z"},
 *   "command": "check",
 *   "generatedAt": "2026-11-22T10:00:00.000Z",
 *   "status": "ok" | "info" | "skipped" | "warn" | "fail",   // worst over all findings
 *   "exitCode": 0 | 1,
 *   "sections": [{"target": "...", "title"?: "...", "status": "...", "data"?: {...}, "findings": [Finding...]}],
 *   "summary": [Finding...]
 * }
 * Finding = {"check", "status", "title", "evidence"?, "cause"?, "explanation"?, "fix"?,
 *            "location"? {"file", "line"?}, "elapsedMs"?, "data"? {name: string|number|boolean|null}}
 */
import { exitCodeOf, worstStatus, allFindings, type Report } from './report.js';

export const REPORT_SCHEMA = 'nacos-doctor/report@1';

export function renderJson(report: Report, meta: { version: string; now: Date }): string {
  const document = {
    schema: REPORT_SCHEMA,
    tool: { name: 'nacos-doctor', version: meta.version },
    command: report.command,
    generatedAt: meta.now.toISOString(),
    status: worstStatus(allFindings(report)),
    exitCode: exitCodeOf(report),
    sections: report.sections.map((section) => ({
      target: section.target,
      ...(section.title === undefined ? {} : { title: section.title }),
      status: worstStatus(section.findings),
      ...(section.data === undefined ? {} : { data: section.data }),
      findings: section.findings,
    })),
    summary: report.summary ?? [],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
