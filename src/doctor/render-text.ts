/**
 * The human report: one block per section, one line per finding with its status and evidence,
 * then the cause and the fix of each problem, indented under it. Colour only on a TTY without
 * NO_COLOR.
 */
import type { Finding, Report, Section, Status } from './report.js';

export interface TextStyle {
  readonly color: boolean;
}

const LABEL: Readonly<Record<Status, string>> = { ok: 'ok', info: 'info', skipped: 'skip', warn: 'WARN', fail: 'FAIL' };
const COLOR: Readonly<Record<Status, string>> = { ok: '32', info: '36', skipped: '90', warn: '33', fail: '31' };

/** Decides colour from the stream and environment, as the NO_COLOR convention asks. */
export function textStyleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): TextStyle {
  return { color: stream.isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb' };
}

function paint(text: string, code: string, style: TextStyle): string {
  return style.color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

export function renderFinding(finding: Finding, style: TextStyle): string {
  const label = paint(LABEL[finding.status].padEnd(4), COLOR[finding.status], style);
  const where = finding.location ? `${finding.location.file}${finding.location.line === undefined ? '' : `:${finding.location.line}`}: ` : '';
  const evidence = finding.evidence ? paint(`  (${finding.evidence})`, '90', style) : '';
  const lines = [`  [${label}] ${where}${finding.title}${evidence}`];
  if (finding.explanation) lines.push(indent(`cause: ${finding.explanation}`, '         '));
  if (finding.fix) lines.push(indent(`fix:   ${finding.fix.split('\n').join('\n       ')}`, '         '));
  return lines.join('\n');
}

function renderSection(section: Section, style: TextStyle): string {
  const heading = paint(section.title ? `${section.target} — ${section.title}` : section.target, '1', style);
  return [heading, ...section.findings.map((finding) => renderFinding(finding, style))].join('\n');
}

export function renderText(report: Report, style: TextStyle): string {
  const blocks = report.sections.map((section) => renderSection(section, style));
  if (report.summary && report.summary.length > 0) {
    blocks.push([paint('Summary', '1', style), ...report.summary.map((finding) => renderFinding(finding, style))].join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}
