/**
 * Runs a yargs parser without letting yargs print or exit: help and version text come back as
 * output, parse failures as a UsageError. Keeps argument parsing a pure, testable step.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { closestMatch } from '../text.js';
import { VERSION } from '../version.js';

/** What every bin's parser ends with: strict flags, -h/--help, --version, a readable width. */
export function withStandardFlags<T>(parser: Argv<T>): Argv<T> {
  return parser
    .strict()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns ?? 110));
}

export type ParsedArgs = Record<string, unknown> & { _: (string | number)[] };

export type ParseOutcome = { readonly kind: 'args'; readonly args: ParsedArgs } | { readonly kind: 'output'; readonly text: string };

export async function parseArgs(parser: Argv<Record<string, unknown>>, argv: readonly string[]): Promise<ParseOutcome> {
  let failure: string | undefined;
  parser.exitProcess(false).fail((message: string | undefined, error: Error | undefined) => {
    failure = message ?? error?.message ?? 'invalid arguments';
  });
  let output = '';
  const args = await new Promise<ParsedArgs>((resolve, reject) => {
    void parser.parse([...argv], {}, (error, parsed, text) => {
      output = text;
      if (error && failure === undefined) reject(error);
      else resolve(parsed as ParsedArgs);
    });
  });
  if (failure !== undefined) throw new UsageError(withSuggestions(failure, parser), { code: 'ERR_ARGUMENTS' });
  if (output !== '') return { kind: 'output', text: output };
  return { kind: 'args', args };
}

/** Adds "did you mean --listen?" to yargs' "Unknown argument: listne". */
function withSuggestions(message: string, parser: Argv<Record<string, unknown>>): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (!unknown) return message;
  // getOptions() is public yargs API that @types/yargs does not declare.
  const known = Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
  const hints = unknown[1]!
    .split(', ')
    .map((name) => [name, closestMatch(name, known)] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
    .map(([, hint]) => `--${hint}`);
  return hints.length > 0 ? `${message} (did you mean ${hints.join(', ')}?)` : message;
}
