/** Where a generated config goes: stdout, or the file named by `--out`. */
import { writeFile } from 'node:fs/promises';
import { UsageError, describeError } from '../../errors.js';
import type { CliIo } from '../io.js';

export async function writeGenerated(text: string, out: unknown, io: CliIo): Promise<void> {
  if (out === undefined) {
    io.stdout.write(text);
    return;
  }
  const path = String(out);
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot write --out ${path}: ${describeError(error)}`, { code: 'ERR_OUTPUT', cause: error });
  }
}
