/**
 * Every nacos-doctor command, in the order --help lists them. A command is data: its usage,
 * description, a yargs builder for its options, and `run`, which imports the implementation
 * lazily so `nacos-doctor nginx` never loads the probe code.
 */
import type { Argv } from 'yargs';
import type { CliIo } from './io.js';
import type { ParsedArgs } from './parse.js';
import { LOAD_BALANCER_COMMANDS } from './commands/load-balancer-commands.js';

export interface DoctorCommand {
  readonly name: string;
  readonly usage: string;
  readonly describe: string;
  readonly builder: (yargs: Argv) => Argv;
  readonly run: (args: ParsedArgs, io: CliIo) => Promise<number>;
}

export const DOCTOR_COMMANDS: readonly DoctorCommand[] = [...LOAD_BALANCER_COMMANDS];
