/**
 * A small nginx configuration parser: a tokenizer that knows nginx's quoting, escapes and
 * comments, and a tree of directives with their line numbers and blocks. Pure.
 * Hand-written: the maintained parser that keeps line numbers is crossplane (Python); the npm
 * packages are unmaintained or made for editing files (nginx-conf), and this takes ~100 lines.
 */

export interface NginxDirective {
  readonly name: string;
  readonly args: readonly string[];
  /** 1-based line of the directive name. */
  readonly line: number;
  /** Present for block directives (`stream { ... }`). */
  readonly block?: readonly NginxDirective[];
  /** The file it comes from, when it was read through an include. */
  readonly file?: string;
}

export class NginxParseError extends Error {
  override name = 'NginxParseError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

interface Token {
  readonly text: string;
  readonly line: number;
  /** `{`, `}` and `;` outside quotes. */
  readonly special: boolean;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (char === '\n') {
      line += 1;
      index += 1;
    } else if (/\s/.test(char)) {
      index += 1;
    } else if (char === '#') {
      while (index < source.length && source[index] !== '\n') index += 1;
    } else if (char === '{' || char === '}' || char === ';') {
      tokens.push({ text: char, line, special: true });
      index += 1;
    } else {
      const start = line;
      let text = '';
      if (char === '"' || char === "'") {
        index += 1;
        while (index < source.length && source[index] !== char) {
          if (source[index] === '\\' && index + 1 < source.length) index += 1;
          if (source[index] === '\n') line += 1;
          text += source[index];
          index += 1;
        }
        if (index >= source.length) throw new NginxParseError(`unterminated ${char} quote`, start);
        index += 1;
      } else {
        while (index < source.length && !/[\s{};]/.test(source[index]!)) {
          // `${name}` is a variable, not a block.
          if (source[index] === '$' && source[index + 1] === '{') {
            const close = source.indexOf('}', index);
            if (close < 0) throw new NginxParseError('unterminated ${ variable', line);
            text += source.slice(index, close + 1);
            index = close + 1;
            continue;
          }
          if (source[index] === '\\' && index + 1 < source.length) index += 1;
          text += source[index];
          index += 1;
        }
      }
      tokens.push({ text, line: start, special: false });
    }
  }
  return tokens;
}

export function parseNginx(source: string): NginxDirective[] {
  const tokens = tokenize(source);
  let position = 0;
  const parseBlock = (depth: number, openedAt: number): NginxDirective[] => {
    const directives: NginxDirective[] = [];
    while (position < tokens.length) {
      const token = tokens[position]!;
      if (token.special && token.text === '}') {
        if (depth === 0) throw new NginxParseError('unexpected "}"', token.line);
        position += 1;
        return directives;
      }
      if (token.special) throw new NginxParseError(`unexpected "${token.text}"`, token.line);
      const args: string[] = [];
      position += 1;
      while (position < tokens.length && !tokens[position]!.special) args.push(tokens[position++]!.text);
      const end = tokens[position];
      if (end === undefined) throw new NginxParseError(`directive "${token.text}" has no ending ";" or "{"`, token.line);
      position += 1;
      if (end.text === ';') directives.push({ name: token.text, args, line: token.line });
      else if (end.text === '{') directives.push({ name: token.text, args, line: token.line, block: parseBlock(depth + 1, token.line) });
      else throw new NginxParseError(`unexpected "}" after directive "${token.text}"`, end.line);
    }
    if (depth > 0) throw new NginxParseError('block is not closed with "}"', openedAt);
    return directives;
  };
  return parseBlock(0, 1);
}

/** The first directive named `name` directly inside `block`. */
export function findDirective(block: readonly NginxDirective[], name: string): NginxDirective | undefined {
  return block.find((directive) => directive.name === name);
}
