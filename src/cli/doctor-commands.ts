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

const JSON_OPTION = { type: 'boolean', describe: 'Print the report as JSON (schema nacos-doctor/report@1)' } as const;

const OPS_COMMANDS: readonly DoctorCommand[] = [
  {
    name: 'logs',
    usage: 'logs <dir>',
    describe: 'Read a Nacos logs/ directory (rotated and .gz files too): timeline of start and 1.x->2.x upgrade, Raft, port and gRPC problems with their fixes',
    builder: (yargs) =>
      yargs
        .positional('dir', { type: 'string', describe: 'The Nacos logs directory (or the Nacos home that holds logs/, or one log file)' })
        .option('main-port', { type: 'string', requiresArg: true, describe: "The member's main port P, to name the role of a port (default: from the logs, else 8848)" })
        .option('json', JSON_OPTION)
        .example('$0 logs /home/nacos/logs', 'where is this member in the upgrade, and what went wrong'),
    run: async (args, io) => (await import('./doctor-logs.js')).runLogs(args, io),
  },
  {
    name: 'lint',
    usage: 'lint <confdir>',
    describe: "Check a member's application.properties and cluster.conf: deprecated keys, ports and the ports they imply, colliding members, member addresses",
    builder: (yargs) =>
      yargs
        .positional('confdir', { type: 'string', describe: 'The Nacos conf directory (or the Nacos home that holds conf/)' })
        .option('upgrade-from-1x', { type: 'boolean', describe: 'This cluster is being upgraded from 1.x: require what the rolling upgrade needs' })
        .option('json', JSON_OPTION)
        .example('$0 lint /home/nacos/conf', 'lint one member\'s configuration'),
    run: async (args, io) => (await import('./doctor-lint.js')).runLint(args, io),
  },
];

export const DOCTOR_COMMANDS: readonly DoctorCommand[] = [...LOAD_BALANCER_COMMANDS, ...OPS_COMMANDS];
