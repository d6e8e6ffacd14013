/**
 * Mustache templates for generated configs (https://mustache.github.io/mustache.5.html), used
 * through the `mustache` package rather than a hand-written filler. Two rules on top of it:
 * values are inserted verbatim (they were checked by assertSafeValue, and HTML escaping would
 * corrupt `$remote_addr`), and a template may only use the variables and partials its renderer
 * fills, because Mustache renders an unknown name as an empty string and a typo in an adapted
 * template would otherwise turn into a silently broken directive.
 */
import Mustache from 'mustache';
import { UsageError } from '../errors.js';
import { closestMatch } from '../text.js';

type Span = [string, string, number, number, Span[]?, ...unknown[]];

function collect(spans: readonly Span[], names: Map<string, number>, partials: Map<string, number>): void {
  for (const [kind, value, start, , children] of spans) {
    if (kind === 'name' || kind === '&' || kind === '#' || kind === '^') {
      if (value !== '.' && !names.has(value)) names.set(value, start);
    } else if (kind === '>' && !partials.has(value)) {
      partials.set(value, start);
    }
    if ((kind === '#' || kind === '^') && children) collect(children, names, partials);
  }
}

/** The variable and partial names a template uses, each with the offset of its first use. */
export function templateNames(template: string): { names: Map<string, number>; partials: Map<string, number> } {
  const names = new Map<string, number>();
  const partials = new Map<string, number>();
  collect(Mustache.parse(template) as unknown as Span[], names, partials);
  return { names, partials };
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Throws a UsageError (ERR_TEMPLATE) naming the file, line and unknown name. */
export function checkTemplate(template: string, file: string, variables: readonly string[], partials: readonly string[] = []): void {
  let used: ReturnType<typeof templateNames>;
  try {
    used = templateNames(template);
  } catch (error) {
    throw new UsageError(`template ${file}: ${(error as Error).message}`, { code: 'ERR_TEMPLATE', cause: error });
  }
  const problems: [string, number, readonly string[], string][] = [
    ...[...used.names].map(([name, at]) => [name, at, variables, 'variable'] as [string, number, readonly string[], string]),
    ...[...used.partials].map(([name, at]) => [name, at, partials, 'partial'] as [string, number, readonly string[], string]),
  ];
  for (const [name, at, known, what] of problems) {
    if (known.includes(name)) continue;
    const hint = closestMatch(name, known);
    throw new UsageError(
      `template ${file}:${lineAt(template, at)}: unknown ${what} "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; ` +
        `this template can use ${known.length > 0 ? known.join(', ') : `no ${what}s`}`,
      { code: 'ERR_TEMPLATE' },
    );
  }
}

export function renderTemplate(template: string, view: object, partials: Record<string, string> = {}): string {
  return Mustache.render(template, view, partials, { escape: (value: unknown) => String(value) });
}
