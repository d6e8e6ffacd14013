/**
 * Runs a yargs parser without letting yargs print or exit: help and version text come back as
 * output, parse failures as a UsageError. Keeps argument parsing a pure, testable step.
 */
import type { Argv } from 'yargs';
import { ArgumentsError } from '../errors.js';
import { closestMatch } from '../text.js';
import { VERSION } from '../version.js';

/** Columns for --help text: the terminal's, at most 110. */
export function helpWidth(): number {
  return Math.min(110, process.stdout.columns ?? 110);
}

/**
 * What every bin's parser ends with: strict flags, -h/--help, --version, a readable width.
 * `--no-X` and `--X.key` are plain unknown flags: no option of ours is an object, and a negated
 * list or address would reach the option parsers as `false` instead of an error.
 */
export function withStandardFlags<T>(parser: Argv<T>): Argv<T> {
  return parser
    .parserConfiguration({ 'boolean-negation': false, 'dot-notation': false })
    .strict()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .wrap(helpWidth());
}

export type ParsedArgs = Record<string, unknown> & { _: (string | number)[] };

export type ParseOutcome = { readonly kind: 'args'; readonly args: ParsedArgs } | { readonly kind: 'output'; readonly text: string };

/** The parts of the parser at the moment it fails: the failing (sub)command's options and path. */
interface ParserInternals {
  getOptions(): { key: Record<string, unknown> };
  getInternalMethods?(): { getContext?(): { commands?: string[] } };
}

export async function parseArgs(parser: Argv<Record<string, unknown>>, argv: readonly string[]): Promise<ParseOutcome> {
  let failure: ArgumentsError | undefined;
  // getOptions() is public yargs API that @types/yargs does not declare; the command context is
  // internal, hence optional: without it the hint falls back to the top-level --help.
  const internals = parser as unknown as ParserInternals;
  parser.exitProcess(false).fail((message: string | undefined, error: Error | undefined) => {
    // Read while yargs still holds the failing command's options (it resets them afterwards).
    const known = Object.keys(internals.getOptions().key);
    const command = [...(internals.getInternalMethods?.().getContext?.().commands ?? [])];
    failure = new ArgumentsError(withSuggestions(message ?? error?.message ?? 'invalid arguments', known), { command });
  });
  let output = '';
  const args = await new Promise<ParsedArgs>((resolve, reject) => {
    void parser.parse([...argv], {}, (error, parsed, text) => {
      output = text;
      if (error && failure === undefined) reject(error);
      else resolve(parsed as ParsedArgs);
    });
  });
  if (failure !== undefined) throw failure;
  if (output !== '') return { kind: 'output', text: output };
  return { kind: 'args', args };
}

/** Adds "did you mean --listen?" to yargs' "Unknown argument: listne", from the options of the command that failed. */
function withSuggestions(message: string, known: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (!unknown) return message;
  // yargs lists `no-allow` and its camel-case twin `noAllow`; the user typed only the first.
  const typed = unknown[1]!.split(', ');
  const names = typed.filter((name) => !typed.some((other) => other !== name && camelCase(other) === name));
  const hints = names.flatMap((name) => {
    const negated = /^no-(.+)$/.exec(name);
    if (negated && known.includes(negated[1]!)) return [`--${negated[1]} cannot be negated: leave it out for its default`];
    const hint = closestMatch(name, known);
    return hint === undefined ? [] : [`did you mean --${hint}?`];
  });
  const text = `Unknown argument${names.length === 1 ? '' : 's'}: ${names.join(', ')}`;
  return hints.length > 0 ? `${text} (${hints.join('; ')})` : text;
}

function camelCase(name: string): string {
  return name.replace(/-+([^-])/g, (_, letter: string) => letter.toUpperCase());
}
