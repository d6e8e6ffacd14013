/**
 * A Java `.properties` parser that keeps line numbers, for linting Nacos' application.properties.
 * Follows java.util.Properties#load: `#`/`!` comments, `=`, `:` or whitespace between key and
 * value, lines continued by an odd number of trailing backslashes (leading whitespace of the next
 * line dropped), and the escapes \t \n \r \f \uXXXX and \<char>. Hand-written because the npm
 * parsers we looked at drop line numbers, which a linter needs in every message.
 */

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based line where the logical line starts. */
  readonly line: number;
}

export interface PropertiesProblem {
  readonly line: number;
  readonly message: string;
}

export interface ParsedProperties {
  /** In file order, duplicates included (the last one wins, as in Java and Spring). */
  readonly entries: readonly PropertyEntry[];
  readonly problems: readonly PropertiesProblem[];
}

const WHITESPACE = new Set([' ', '\t', '\f']);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

interface LogicalLine {
  readonly text: string;
  readonly line: number;
}

function endsWithContinuation(text: string): boolean {
  let backslashes = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === '\\'; i -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && WHITESPACE.has(text[i]!)) i += 1;
  return i;
}

function logicalLines(text: string): LogicalLine[] {
  const natural = text.split(/\r\n|\r|\n/);
  const result: LogicalLine[] = [];
  for (let index = 0; index < natural.length; index += 1) {
    const first = natural[index]!;
    const start = skipWhitespace(first, 0);
    if (start === first.length || first[start] === '#' || first[start] === '!') continue;
    let joined = first.slice(start);
    const line = index + 1;
    while (endsWithContinuation(joined) && index + 1 < natural.length) {
      index += 1;
      const next = natural[index]!;
      joined = joined.slice(0, -1) + next.slice(skipWhitespace(next, 0));
    }
    if (endsWithContinuation(joined)) joined = joined.slice(0, -1);
    result.push({ text: joined, line });
  }
  return result;
}

/** Decodes escapes; reports a malformed \uXXXX the way Java refuses it. */
function unescape(text: string, line: number, problems: PropertiesProblem[]): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char !== '\\' || i + 1 >= text.length) {
      out += char;
      continue;
    }
    const next = text[(i += 1)]!;
    if (next === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        problems.push({ line, message: `malformed \\uxxxx escape "\\u${hex}": Java refuses to load the file; write four hex digits or escape the backslash (\\\\)` });
        out += `\\u${hex}`;
        i += hex.length;
        continue;
      }
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}

function splitKeyValue(text: string): { key: string; value: string } {
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\\') {
      i += 2;
      continue;
    }
    if (char === '=' || char === ':' || WHITESPACE.has(char)) break;
    i += 1;
  }
  const key = text.slice(0, Math.min(i, text.length));
  let v = skipWhitespace(text, i);
  if (v < text.length && (text[v] === '=' || text[v] === ':')) v = skipWhitespace(text, v + 1);
  return { key, value: text.slice(v) };
}

export function parseProperties(text: string): ParsedProperties {
  const entries: PropertyEntry[] = [];
  const problems: PropertiesProblem[] = [];
  for (const logical of logicalLines(text)) {
    const { key, value } = splitKeyValue(logical.text);
    entries.push({ key: unescape(key, logical.line, problems), value: unescape(value, logical.line, problems), line: logical.line });
  }
  return { entries, problems };
}

/** The effective value of each key (the last assignment), with its line. */
export function effectiveProperties(parsed: ParsedProperties): Map<string, PropertyEntry> {
  return new Map(parsed.entries.map((entry) => [entry.key, entry]));
}

/**
 * A Spring `${NAME:default}` placeholder, as the nacos/nacos-server image writes
 * `server.port=${NACOS_APPLICATION_PORT:8848}`; undefined for a plain value.
 */
export function parsePlaceholder(value: string): { readonly name: string; readonly fallback: string | undefined } | undefined {
  const match = /^\$\{([^:}]+)(?::([^}]*))?\}$/.exec(value.trim());
  return match ? { name: match[1]!, fallback: match[2] } : undefined;
}

/** Nacos' ConvertUtils.toBoolean: y, yes, on, true, t (any case) are true. */
export function isTrue(value: string): boolean {
  return ['y', 'yes', 'on', 'true', 't'].includes(value.trim().toLowerCase());
}
