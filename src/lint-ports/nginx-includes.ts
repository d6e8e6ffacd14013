/**
 * The I/O behind nginx `include`: reads every file an nginx config includes (and what those
 * include), so the pure linter can check a stream {} whose servers live in conf.d/ or
 * sites-enabled/. Patterns are resolved as nginx does: absolute, or relative to the directory of
 * the main config (nginx's conf prefix, also for includes inside included files); `*`, `?` and
 * `[...]` are globbed per path component. Bounded in depth, files and bytes; a file reached
 * twice is read once, so include cycles end.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { describeError, errnoCode } from '../errors.js';
import { binaryReason } from '../text.js';
import { NginxParseError, parseNginx, type NginxDirective } from './nginx-parser.js';

export interface IncludedFile {
  readonly path: string;
  readonly text: string;
}

/** What one include argument resolved to: the files read (none for a glob that matches nothing), and why some were not. */
export interface IncludeResolution {
  readonly files: readonly IncludedFile[];
  readonly notFollowed?: string;
}

/** Resolutions by include argument, as written. */
export type NginxIncludes = ReadonlyMap<string, IncludeResolution>;

/** nginx nests includes a few levels at most (nginx.conf -> sites-enabled -> snippets). */
export const MAX_INCLUDE_DEPTH = 8;
const MAX_INCLUDED_FILES = 200;
const MAX_INCLUDED_BYTES = 1024 * 1024;

const GLOB = /[*?[]/;

function globRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const close = pattern.indexOf(']', index + 1);
      if (close < 0) source += '\\[';
      else {
        source += `[${pattern.slice(index + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        index = close;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The files a glob pattern names, sorted as glob(3) sorts them; hidden files only when the pattern asks. */
async function expandGlob(pattern: string): Promise<string[]> {
  const parts = pattern.split(sep).filter((part, index) => part !== '' || index === 0);
  let paths = [parts[0] === '' ? sep : parts[0]!];
  for (const part of parts.slice(1)) {
    if (!GLOB.test(part)) {
      paths = paths.map((path) => join(path, part));
      continue;
    }
    const matcher = globRegExp(part);
    const next: string[] = [];
    for (const path of paths) {
      const names = await readdir(path).catch(() => []);
      next.push(...names.filter((name) => matcher.test(name) && (part.startsWith('.') || !name.startsWith('.'))).sort().map((name) => join(path, name)));
    }
    paths = next;
  }
  const files: string[] = [];
  for (const path of paths) if ((await stat(path).catch(() => undefined))?.isFile()) files.push(path);
  return files;
}

async function readIncluded(path: string): Promise<IncludedFile | string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return `${path} is not a file`;
    if (info.size > MAX_INCLUDED_BYTES) return `${path} is ${info.size} bytes, more than an nginx config`;
    const text = await readFile(path, 'utf8');
    const binary = binaryReason(text);
    return binary === undefined ? { path, text } : `${path} is not a text file (${binary})`;
  } catch (error) {
    return errnoCode(error) === 'ENOENT' ? `${path}: no such file` : `${path}: ${describeError(error)}`;
  }
}

function includesIn(directives: readonly NginxDirective[]): string[] {
  return directives.flatMap((directive) => (directive.block ? includesIn(directive.block) : directive.name === 'include' && directive.args[0] !== undefined ? [directive.args[0]] : []));
}

function parsedIncludes(text: string): string[] {
  try {
    return includesIn(parseNginx(text));
  } catch (error) {
    if (error instanceof NginxParseError) return [];
    throw error;
  }
}

/** Reads what `text` (the config at `file`) includes, transitively, for lintNginx. */
export async function readNginxIncludes(file: string, text: string): Promise<NginxIncludes> {
  const prefix = dirname(resolve(file));
  const resolutions = new Map<string, IncludeResolution>();
  const seen = new Set<string>([resolve(file)]);
  let queue = parsedIncludes(text);
  for (let depth = 0; depth < MAX_INCLUDE_DEPTH && queue.length > 0; depth += 1) {
    const next: string[] = [];
    for (const pattern of queue) {
      if (resolutions.has(pattern)) continue;
      const absolute = isAbsolute(pattern) ? pattern : join(prefix, pattern);
      if (seen.size > MAX_INCLUDED_FILES) {
        resolutions.set(pattern, { files: [], notFollowed: `more than ${MAX_INCLUDED_FILES} included files` });
        continue;
      }
      const paths = GLOB.test(pattern) ? await expandGlob(absolute) : [absolute];
      const files: IncludedFile[] = [];
      let problem: string | undefined;
      for (const path of paths) {
        const read = await readIncluded(path);
        if (typeof read === 'string') problem ??= read;
        else {
          files.push(read);
          if (!seen.has(path)) next.push(...parsedIncludes(read.text));
          seen.add(path);
        }
      }
      resolutions.set(pattern, problem === undefined ? { files } : { files, notFollowed: problem });
    }
    queue = next;
  }
  for (const pattern of queue) if (!resolutions.has(pattern)) resolutions.set(pattern, { files: [], notFollowed: `includes nested deeper than ${MAX_INCLUDE_DEPTH} levels` });
  return resolutions;
}
