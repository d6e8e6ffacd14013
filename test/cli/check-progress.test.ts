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

  it('stays silent in pipes and dumb terminals', () => {
    for (const target of [io(false), io(true, { TERM: 'dumb' })]) {
      const line = progressLine(target);
      expect(line.update).toBeUndefined();
      line.clear();
      expect(target.written).toEqual([]);
    }
  });
});
