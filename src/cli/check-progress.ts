/**
 * The one-line progress of `nacos-doctor check` on stderr, shown only on a terminal (never in
 * pipes, CI logs or tests) and erased before the report is printed.
 */
import type { CheckProgress } from '../doctor/check.js';
import type { CliIo } from './io.js';

export interface ProgressLine {
  readonly update: ((progress: CheckProgress) => void) | undefined;
  clear(): void;
}

const ERASE_LINE = '\r\u001b[2K';

/** Cut to the terminal's width: a line that wraps cannot be erased with one carriage return. */
function fitted(text: string, columns: number | undefined): string {
  if (columns === undefined || columns < 2 || text.length < columns) return text;
  return `${text.slice(0, columns - 2)}…`;
}

export function progressLine(io: CliIo): ProgressLine {
  if (io.stderr.isTTY !== true || io.env.TERM === 'dumb') return { update: undefined, clear: () => {} };
  let shown = false;
  return {
    update: (progress) => {
      shown = true;
      io.stderr.write(`${ERASE_LINE}${fitted(`checking… ${progress.done}/${progress.total} probes done (${progress.probe} of ${progress.target})`, io.stderr.columns)}`);
    },
    clear: () => {
      if (shown) io.stderr.write(ERASE_LINE);
      shown = false;
    },
  };
}
