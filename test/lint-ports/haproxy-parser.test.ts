import { describe, expect, it } from 'vitest';
import { parseHaproxy, setting } from '../../src/lint-ports/haproxy-parser.js';
import { splitWords } from '../../src/lint-ports/words.js';

describe('parseHaproxy', () => {
  const config = [
    'global',
    '    log stderr local0',
    'defaults base',
    '    mode tcp',
    '    timeout client 30s',
    'defaults',
    '    timeout client 5s   # shorter',
    'frontend f1',
    '    bind :8848',
    'backend b1 from base',
    '    server s1 10.0.0.1:8848',
    'listen l1 0.0.0.0:9848',
    '    timeout tunnel 1h',
  ].join('\n');
  const sections = parseHaproxy(config);

  it('splits sections with their lines', () => {
    expect(sections.map((section) => [section.kind, section.name, section.line])).toEqual([
      ['global', undefined, 1],
      ['defaults', 'base', 3],
      ['defaults', undefined, 6],
      ['frontend', 'f1', 8],
      ['backend', 'b1', 10],
      ['listen', 'l1', 12],
    ]);
    expect(sections[5]!.headerArgs).toEqual(['0.0.0.0:9848']);
    expect(sections[3]!.lines).toEqual([{ keyword: 'bind', args: [':8848'], line: 9 }]);
  });

  it('inherits from the last defaults section, or the one named with from', () => {
    expect(setting(sections[3], 'timeout', 'client')?.args).toEqual(['client', '5s']);
    expect(setting(sections[4], 'timeout', 'client')?.args).toEqual(['client', '30s']);
    expect(setting(sections[4], 'mode')?.args).toEqual(['tcp']);
    expect(setting(sections[5], 'timeout', 'tunnel')?.line).toBe(13);
    expect(setting(sections[5], 'timeout', 'server')).toBeUndefined();
  });

  it('splits words with quotes, escapes and comments', () => {
    expect(splitWords(`  acl x "a b" 'c#d' e\\ f # comment`)).toEqual(['acl', 'x', 'a b', 'c#d', 'e f']);
  });
});
