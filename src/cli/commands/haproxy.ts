/** `nacos-doctor haproxy`: resolve the flags, render, write. */
import { renderHaproxy } from '../../generate/haproxy.js';
import { resolveHaproxyOptions, type HaproxyFlags } from '../../generate/haproxy-options.js';
import type { CliIo } from '../io.js';
import type { ParsedArgs } from '../parse.js';
import { writeGenerated } from './output.js';

export async function runHaproxy(args: ParsedArgs, io: CliIo): Promise<number> {
  await writeGenerated(renderHaproxy(resolveHaproxyOptions(args as HaproxyFlags)), args.out, io);
  return 0;
}
