/**
 * A small HAProxy configuration reader: sections (global, defaults, frontend, backend, listen,
 * and the rest) holding keyword lines with their words and line numbers, and the defaults
 * section each proxy inherits from. Quotes, backslash escapes and `#` comments as HAProxy reads
 * them. Pure; nothing on npm parses HAProxy configs with line numbers.
 */
import { splitWords } from './words.js';

export interface HaproxyLine {
  readonly keyword: string;
  readonly args: readonly string[];
  readonly line: number;
}

export type SectionKind = 'global' | 'defaults' | 'frontend' | 'backend' | 'listen' | 'other';

export interface HaproxySection {
  readonly kind: SectionKind;
  readonly name: string | undefined;
  readonly line: number;
  readonly lines: readonly HaproxyLine[];
  /** The defaults section this proxy takes unset settings from. */
  readonly defaults: HaproxySection | undefined;
  /** Extra words on the section line (`listen name ADDRESS`). */
  readonly headerArgs: readonly string[];
}

const PROXY_KINDS = new Set(['defaults', 'frontend', 'backend', 'listen']);
const OTHER_SECTIONS = new Set(['resolvers', 'peers', 'userlist', 'program', 'http-errors', 'ring', 'mailers', 'cache', 'log-forward', 'crt-store', 'traces', 'fcgi-app']);

/** True when `keyword` starts a section in HAProxy's grammar. */
export function isSectionKeyword(keyword: string): boolean {
  return keyword === 'global' || PROXY_KINDS.has(keyword) || OTHER_SECTIONS.has(keyword);
}

export function parseHaproxy(source: string): HaproxySection[] {
  const sections: { kind: SectionKind; name: string | undefined; line: number; lines: HaproxyLine[]; from: string | undefined; headerArgs: string[] }[] = [];
  source.split('\n').forEach((raw, index) => {
    const words = splitWords(raw);
    if (words.length === 0) return;
    const [keyword, ...args] = words as [string, ...string[]];
    if (isSectionKeyword(keyword)) {
      const fromAt = args.indexOf('from');
      const from = fromAt >= 0 ? args[fromAt + 1] : undefined;
      const rest = fromAt >= 0 ? args.slice(0, fromAt) : args;
      const kind: SectionKind = keyword === 'global' || PROXY_KINDS.has(keyword) ? (keyword as SectionKind) : 'other';
      sections.push({ kind, name: rest[0], line: index + 1, lines: [], from, headerArgs: rest.slice(1) });
    } else {
      sections.at(-1)?.lines.push({ keyword, args, line: index + 1 });
    }
  });
  const result: HaproxySection[] = [];
  let lastDefaults: HaproxySection | undefined;
  for (const section of sections) {
    const named = section.from === undefined ? undefined : result.find((candidate) => candidate.kind === 'defaults' && candidate.name === section.from);
    const parsed: HaproxySection = {
      kind: section.kind,
      name: section.name,
      line: section.line,
      lines: section.lines,
      defaults: section.kind === 'defaults' ? named : (named ?? lastDefaults),
      headerArgs: section.headerArgs,
    };
    result.push(parsed);
    if (section.kind === 'defaults') lastDefaults = parsed;
  }
  return result;
}

/** The last line with `keyword` (and `first` as its first word, for `timeout client`), own or inherited. */
export function setting(section: HaproxySection | undefined, keyword: string, first?: string): HaproxyLine | undefined {
  for (let current = section; current !== undefined; current = current.defaults) {
    const found = current.lines.filter((line) => line.keyword === keyword && (first === undefined || line.args[0] === first)).at(-1);
    if (found) return found;
  }
  return undefined;
}
