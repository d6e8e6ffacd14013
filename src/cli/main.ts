/**
 * Entry point of both bins. Runs the command, then exits with its code explicitly: after a
 * drain or a finished report nothing is left to wait for, and an explicit exit guarantees a
 * stray timer can never keep a stopped process alive. pino flushes its logs on exit.
 */
import { runDoctorCli } from './doctor.js';
import { processIo } from './io.js';
import { runProxyCli } from './proxy.js';

export type CommandName = 'nacos-proxy' | 'nacos-doctor';

export async function main(command: CommandName, argv: readonly string[]): Promise<never> {
  const io = processIo();
  const code = command === 'nacos-proxy' ? await runProxyCli(argv, io) : await runDoctorCli(argv, io);
  process.exit(code);
}
