/**
 * What a command may touch of its process, passed in so commands run the same under the real
 * bins and in tests. `processIo()` is the only place that reads `process` for them.
 */
import { ArgumentsError, NacosToolError, describeError } from '../errors.js';
import { guardedStdio } from '../output-stream.js';
import { escapeControlCharacters } from '../text.js';

export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  /** `columns`: the terminal's width, when stderr is one. */
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly env: NodeJS.ProcessEnv;
  onSignal(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void;
}

export function processIo(): CliIo {
  const { stdout, stderr } = guardedStdio();
  return {
    stdout,
    stderr,
    env: process.env,
    onSignal: (signal, handler) => {
      process.on(signal, handler);
    },
  };
}

/** One line on stderr; returns the exit code the error calls for (2 for usage errors). */
export function printError(command: string, error: unknown, io: CliIo): number {
  if (error instanceof NacosToolError) {
    const subcommand = error instanceof ArgumentsError ? error.command : [];
    const hint = error.code === 'ERR_ARGUMENTS' ? ` (see ${[command, ...subcommand].join(' ')} --help)` : '';
    // Messages quote what the user gave (file names, values), which may hold control characters.
    io.stderr.write(`${command}: error: ${escapeControlCharacters(error.message)}${hint}\n`);
    return error.exitCode;
  }
  io.stderr.write(`${command}: internal error: ${describeError(error)} (please report this with the command line you ran)\n`);
  return 1;
}
