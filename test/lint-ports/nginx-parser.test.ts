import { describe, expect, it } from 'vitest';
import { NginxParseError, parseNginx } from '../../src/lint-ports/nginx-parser.js';

describe('parseNginx', () => {
  it('builds the directive tree with line numbers', () => {
    const tree = parseNginx('events {}\n# comment ; {\nstream {\n  server {\n    listen 9848;\n    proxy_pass a;  # trailing\n  }\n}\n');
    expect(tree).toEqual([
      { name: 'events', args: [], line: 1, block: [] },
      {
        name: 'stream',
        args: [],
        line: 3,
        block: [
          {
            name: 'server',
            args: [],
            line: 4,
            block: [
              { name: 'listen', args: ['9848'], line: 5 },
              { name: 'proxy_pass', args: ['a'], line: 6 },
            ],
          },
        ],
      },
    ]);
  });

  it('reads quoted arguments, escapes and ${variables} as single words', () => {
    const [directive] = parseNginx(`log_format main '$remote_addr "x;y" {z}' "a\\"b" \${host}x;`);
    expect(directive).toEqual({ name: 'log_format', args: ['main', '$remote_addr "x;y" {z}', 'a"b', '${host}x'], line: 1 });
  });

  it('counts lines inside quoted strings', () => {
    const tree = parseNginx('a "1\n2";\nb;');
    expect(tree.map((directive) => directive.line)).toEqual([1, 3]);
  });

  it('names the line of a structural error', () => {
    const failure = (source: string): NginxParseError => {
      try {
        parseNginx(source);
      } catch (error) {
        if (error instanceof NginxParseError) return error;
      }
      throw new Error('parsed');
    };
    expect(failure('stream {\n  server {\n    listen 1;\n}\n')).toMatchObject({ message: 'block is not closed with "}"', line: 1 });
    expect(failure('a;\n}\n')).toMatchObject({ message: 'unexpected "}"', line: 2 });
    expect(failure('a;\nlisten 9848\n')).toMatchObject({ line: 2 });
    expect(failure("a 'open;\n")).toMatchObject({ message: "unterminated ' quote", line: 1 });
  });
});
