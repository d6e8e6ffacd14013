import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/ops/line-splitter.js';

function split(chunks: readonly (string | Buffer)[], maxLineBytes = 16): { lines: [string, boolean][]; truncated: number } {
  const splitter = new LineSplitter(maxLineBytes);
  const lines: [string, boolean][] = [];
  const onLine = (text: string, truncated: boolean): void => {
    lines.push([text, truncated]);
  };
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, onLine);
  splitter.end(onLine);
  return { lines, truncated: splitter.truncatedLines };
}

describe('LineSplitter', () => {
  it('splits on LF and CRLF, across chunk boundaries', () => {
    expect(split(['ab\ncd', '\r\n', 'e', 'f\n\ng']).lines).toEqual([
      ['ab', false],
      ['cd', false],
      ['ef', false],
      ['', false],
      ['g', false],
    ]);
  });

  it('emits no phantom line after a final newline', () => {
    expect(split(['a\n']).lines).toEqual([['a', false]]);
    expect(split([]).lines).toEqual([]);
  });

  it('cuts lines at the cap and drops the rest of them, however long', () => {
    const long = 'x'.repeat(100);
    const result = split([`${long.slice(0, 30)}`, `${long.slice(30)}\nnext\n`], 16);
    expect(result.lines).toEqual([
      ['x'.repeat(16), true],
      ['next', false],
    ]);
    expect(result.truncated).toBe(1);
  });

  it('keeps multi-byte UTF-8 characters split across chunks intact', () => {
    const text = Buffer.from('地址已在使用\n');
    expect(split([text.subarray(0, 4), text.subarray(4)], 64).lines).toEqual([['地址已在使用', false]]);
  });

  it('survives binary junk without newlines', () => {
    const junk = Buffer.alloc(10_000, 0);
    const result = split([junk, junk, Buffer.from('\nafter\n')], 32);
    expect(result.lines.map(([text]) => text.length)).toEqual([32, 5]);
    expect(result.lines[1]).toEqual(['after', false]);
  });

  it('refuses a nonsensical cap', () => {
    expect(() => new LineSplitter(0)).toThrow(RangeError);
  });
});
