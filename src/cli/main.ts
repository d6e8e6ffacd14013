/**
 * Entry point of every bin. Runs the command, then exits with its code explicitly: after a
 * drain or a finished report nothing is left to wait for, and an explicit exit guarantees a
 * stray timer can never keep a stopped process alive. Before that, output still queued for a
 * slow pipe gets a bounded time to be written (a reader that has gone is not waited for).
 */
import { flushStdio } from '../output-stream.js';
import { runDoctorCli } from './doctor.js';
import { processIo, type CliIo } from './io.js';
import { runProxyCli } from './proxy.js';
import { runSimCli } from './sim.js';

/** How long a stopped process waits for a slow stdout/stderr reader before it exits anyway. */
const OUTPUT_FLUSH_MS = 2000;

export type CommandName = 'nacos-proxy' | 'nacos-doctor' | 'nacos-sim';

const COMMANDS: Readonly<Record<CommandName, (argv: readonly string[], io: CliIo) => Promise<number>>> = {
  'nacos-proxy': runProxyCli,
  'nacos-doctor': runDoctorCli,
  'nacos-sim': runSimCli,
};

export async function main(command: CommandName, argv: readonly string[]): Promise<never> {
  const code = await COMMANDS[command](argv, processIo());
  await flushStdio(OUTPUT_FLUSH_MS);
  process.exit(code);
}
