import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/check-progress.js';
import type { CliIo } from '../../src/cli/io.js';

function io(isTTY: boolean, env: NodeJS.ProcessEnv = {}): CliIo & { written: string[] } {
  const written: string[] = [];
  return { written, stdout: { write: () => true }, stderr: { isTTY, write: (text: string) => written.push(text) }, env, onSignal: () => {} };
}

describe('check progress', () => {
  it('shows one updating line on a terminal and erases it before the report', () => {
    const tty = io(true);
    const line = progressLine(tty);
    line.update!({ done: 3, total: 8, target: '10.0.0.1:8848', probe: 'grpc' });
    line.clear();
    line.clear();
    expect(tty.written).toEqual(['\r\u001b[2Kchecking… 3/8 probes done (grpc of 10.0.0.1:8848)', '\r\u001b[2K']);
  });

  it('cuts the line to the terminal width, so that it never wraps', () => {
    const written: string[] = [];
    const narrow: CliIo = { stdout: { write: () => true }, stderr: { isTTY: true, columns: 30, write: (text: string) => written.push(text) }, env: {}, onSignal: () => {} };
    progressLine(narrow).update!({ done: 3, total: 8, target: 'nacos.example.com:8848 (10.0.0.1)', probe: 'grpc' });
    const shown = written[0]!.replace('\r\u001b[2K', '');
    expect(shown).toBe('checking… 3/8 probes done (g…');
    expect(shown.length).toBeLessThan(30);
  });

  it('stays silent in pipes and dumb terminals', () => {
    for (const target of [io(false), io(true, { TERM: 'dumb' })]) {
      const line = progressLine(target);
      expect(line.update).toBeUndefined();
      line.clear();
      expect(target.written).toEqual([]);
    }
  });
});
