/**
 * The nacos-doctor command: yargs parses into a command name and its options (pure), then the
 * command's module is imported lazily and run. Commands are listed in src/cli/doctor-commands.ts.
 */
import yargs, { type Argv } from 'yargs';
import { DOCTOR_COMMANDS } from './doctor-commands.js';
import { ArgumentsError } from '../errors.js';
import { closestMatch } from '../text.js';
import { parseArgs, withStandardFlags } from './parse.js';
import { printError, type CliIo } from './io.js';

export function createDoctorCli(): Argv<Record<string, unknown>> {
  let parser = yargs()
    .scriptName('nacos-doctor')
    .usage('Usage: $0 <command> [options]\n\nFinds why Nacos clients cannot connect, and writes load-balancer configs that keep the Nacos port offsets.');
  for (const command of DOCTOR_COMMANDS) {
    parser = parser.command(command.usage, command.describe, command.builder);
  }
  return withStandardFlags(parser.demandCommand(1, 'give a command, e.g. nacos-doctor check 10.0.0.1:8848'));
}

/** A first word that names no command: said as such, with the nearest command, before yargs calls it an unknown argument. */
function checkCommandName(argv: readonly string[]): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return;
  const names = DOCTOR_COMMANDS.map((command) => command.name);
  if (names.includes(first)) return;
  const hint = closestMatch(first, names);
  throw new ArgumentsError(`unknown command "${first}"${hint === undefined ? '' : ` (did you mean ${hint}?)`}; the commands are ${names.join(', ')}`);
}

export async function runDoctorCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    checkCommandName(argv);
    const parsed = await parseArgs(createDoctorCli(), argv);
    if (parsed.kind === 'output') {
      io.stdout.write(`${parsed.text}\n`);
      return 0;
    }
    const name = String(parsed.args._[0]);
    const command = DOCTOR_COMMANDS.find((candidate) => candidate.name === name);
    if (command === undefined) throw new Error(`command ${name} parsed but not registered`);
    return await command.run(parsed.args, io);
  } catch (error) {
    return printError('nacos-doctor', error, io);
  }
}
