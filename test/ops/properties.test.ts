import { describe, expect, it } from 'vitest';
import { effectiveProperties, isTrue, parsePlaceholder, parseProperties } from '../../src/ops/properties.js';

const entries = (text: string): [string, string, number][] => parseProperties(text).entries.map((entry) => [entry.key, entry.value, entry.line]);

describe('parseProperties', () => {
  it('reads the three separators and the whitespace around them', () => {
    expect(entries('a=1\nb : 2\nc 3\n  d\t=\t4  \ne=\nf')).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
      ['c', '3', 3],
      ['d', '4  ', 4],
      ['e', '', 5],
      ['f', '', 6],
    ]);
  });

  it('skips # and ! comments and blank lines, keeping line numbers', () => {
    expect(entries('# c\n\n   ! c2\n\t\nkey=value # not a comment\n')).toEqual([['key', 'value # not a comment', 5]]);
  });

  it('joins continued lines and drops the next line\'s leading whitespace', () => {
    expect(entries('url=jdbc:mysql://h:3306/n?a=1\\\n     &b=2\\\n\t&c=3\nnext=x')).toEqual([
      ['url', 'jdbc:mysql://h:3306/n?a=1&b=2&c=3', 1],
      ['next', 'x', 4],
    ]);
  });

  it('does not continue a line ending in an even number of backslashes', () => {
    expect(entries('path=C:\\\\\nnext=1')).toEqual([
      ['path', 'C:\\', 1],
      ['next', '1', 2],
    ]);
  });

  it('continues into a line that starts with # (it is value, not comment)', () => {
    expect(entries('a=x\\\n#y')).toEqual([['a', 'x#y', 1]]);
  });

  it('does not continue a comment line', () => {
    expect(entries('# comment \\\nkey=1')).toEqual([['key', '1', 2]]);
  });

  it('decodes escapes in keys and values, and escaped separators stay in the key', () => {
    expect(entries('my\\ key\\=x=tab\\there\\u0041\\q')).toEqual([['my key=x', 'tab\there' + 'Aq', 1]]);
  });

  it('handles CRLF and CR line ends', () => {
    expect(entries('a=1\r\nb=2\rc=3')).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
      ['c', '3', 3],
    ]);
  });

  it('reports a malformed \\u escape with its line, as Java refuses it', () => {
    const parsed = parseProperties('ok=1\nbad=\\u12G4\n');
    expect(parsed.problems).toEqual([{ line: 2, message: expect.stringContaining('malformed \\uxxxx escape "\\u12G4"') }]);
  });

  it('keeps duplicates in order; the effective value is the last', () => {
    const parsed = parseProperties('k=1\nk=2');
    expect(parsed.entries).toHaveLength(2);
    expect(effectiveProperties(parsed).get('k')).toEqual({ key: 'k', value: '2', line: 2 });
  });
});

describe('property values', () => {
  it('reads Spring placeholders with and without a default', () => {
    expect(parsePlaceholder('${NACOS_APPLICATION_PORT:8848}')).toEqual({ name: 'NACOS_APPLICATION_PORT', fallback: '8848' });
    expect(parsePlaceholder('${PORT}')).toEqual({ name: 'PORT', fallback: undefined });
    expect(parsePlaceholder('8848')).toBeUndefined();
  });

  it('reads booleans as Nacos does', () => {
    for (const value of ['true', 'TRUE', 'on', 'Yes', 'y', 't']) expect(isTrue(value)).toBe(true);
    for (const value of ['false', 'off', '1', '', 'enable']) expect(isTrue(value)).toBe(false);
  });
});
