import { describe, expect, it } from 'vitest';
import { escapeReport } from '../src/cli/report-output.js';
import { binaryReason, escapeControlCharacters } from '../src/text.js';

describe('binaryReason', () => {
  it('calls text with NUL bytes or many control characters binary, and leaves text with tabs, CRLF and some colour alone', () => {
    expect(binaryReason('a\u0000b')).toBe('it contains NUL bytes');
    expect(binaryReason('\u0001\u0002\u0003abcdefg')).toBe('30% of its first 10 characters are control characters or invalid UTF-8');
    expect(binaryReason('\ufffd\ufffdab')).toMatch(/^50% /);
    expect(binaryReason('key=value\r\n\tindented\f\n')).toBeUndefined();
    expect(binaryReason(`\u001b[32mINFO\u001b[0m Nacos started successfully in cluster mode. use embedded storage\n`)).toBeUndefined();
    expect(binaryReason('')).toBeUndefined();
  });
});

describe('escapeControlCharacters', () => {
  it('makes ESC, CR, BEL, DEL, C1 controls and bidi overrides visible, and keeps tabs and newlines', () => {
    expect(escapeControlCharacters('a\u001b[2Jb\rc\u0007d\u007fe\u009bf\u202eg\th\n')).toBe('a\\x1b[2Jb\\x0dc\\x07d\\x7fe\\x9bf\\u{202e}g\th\n');
    expect(escapeControlCharacters('plain text: ü, 中文')).toBe('plain text: ü, 中文');
  });

  it('escapes every text of a report', () => {
    const evil = 'x\u001b]0;t\u0007';
    const report = escapeReport({
      command: 'lint',
      sections: [{ target: evil, title: evil, findings: [{ check: 'c', status: 'fail', title: evil, evidence: evil, explanation: evil, fix: evil, location: { file: evil, line: 3 } }] }],
      summary: [{ check: 's', status: 'warn', title: evil }],
    });
    // JSON.stringify writes a raw control character as \u00XX: none may be left.
    expect(JSON.stringify(report)).not.toContain('\\u00');
    expect(report.sections[0]!.findings[0]).toEqual({ check: 'c', status: 'fail', title: 'x\\x1b]0;t\\x07', evidence: 'x\\x1b]0;t\\x07', explanation: 'x\\x1b]0;t\\x07', fix: 'x\\x1b]0;t\\x07', location: { file: 'x\\x1b]0;t\\x07', line: 3 } });
    expect(report.summary![0]!.title).toBe('x\\x1b]0;t\\x07');
  });
});
