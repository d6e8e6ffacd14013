/** Where a generated config goes: stdout, or the file named by `--out`. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError, describeError } from '../../errors.js';
import type { CliIo } from '../io.js';

export async function writeGenerated(text: string, out: unknown, io: CliIo): Promise<void> {
  if (out === undefined) {
    io.stdout.write(text);
    return;
  }
  const path = String(out);
  try {
    // The config often goes into a directory made for it (--runtime-dir): create it.
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot write --out ${path}: ${describeError(error)}`, { code: 'ERR_OUTPUT', cause: error });
  }
}
