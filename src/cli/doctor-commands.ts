/**
 * Every nacos-doctor command, in the order --help lists them. A command is data: its usage,
 * description, a yargs builder for its options, and `run`, which imports the implementation
 * lazily so `nacos-doctor nginx` never loads the probe code.
 */
import type { Argv } from 'yargs';
import type { CliIo } from './io.js';
import type { ParsedArgs } from './parse.js';
import { LOAD_BALANCER_COMMANDS } from './commands/load-balancer-commands.js';
import { nacosAuthOptions } from './nacos-auth.js';
import { CHECK_DEFAULTS } from '../doctor/check-options.js';

export interface DoctorCommand {
  readonly name: string;
  readonly usage: string;
  readonly describe: string;
  readonly builder: (yargs: Argv) => Argv;
  readonly run: (args: ParsedArgs, io: CliIo) => Promise<number>;
}

const JSON_OPTION = { type: 'boolean', describe: 'Print the report as JSON (schema nacos-doctor/report@1)' } as const;

const CHECK_COMMAND: DoctorCommand = {
  name: 'check',
  usage: 'check [address..]',
  describe:
    'Find why Nacos clients cannot connect: DNS, TCP on P/P+1000/P+1001, the HTTP API, auth, the Nacos gRPC handshake and what answers on the gRPC port; per address the evidence, the cause and the fix',
  builder: (yargs) =>
    nacosAuthOptions(
      yargs.positional('address', {
        type: 'string',
        array: true,
        default: [CHECK_DEFAULTS.address],
        describe: "The client's serverAddr: host, host:port, [v6]:port, http(s)://host:port/context, comma-separated lists",
      }),
    )
      .option('context-path', { type: 'string', requiresArg: true, describe: 'Context path of the HTTP API when the address has none (default /nacos; / for none)' })
      .option('timeout', { type: 'string', requiresArg: true, describe: 'Time budget of the whole check (all probes run at once, DNS included), e.g. 3s, 500ms (default 3s)' })
      .option('cluster', { type: 'boolean', describe: 'Also require the member-to-member ports P+1001 and P-1000 and run the gRPC checks on P+1001' })
      .option('hold', { type: 'string', requiresArg: true, describe: 'Keep a registered connection open this long, e.g. 90s, and report when something cuts it or refuses its heartbeats' })
      .option('log-level', { type: 'string', requiresArg: true, describe: 'Probe logs on stderr: fatal, error, warn, info, debug, trace, silent (default warn)' })
      .option('json', JSON_OPTION)
      .example('$0 check 10.0.0.11:8848,10.0.0.12:8848', 'check every member of a client serverAddr')
      .example('$0 check nacos.example.com:80 --hold 90s', 'through a VIP, and keep a connection open for 90 s')
      .example('NACOS_PASSWORD=… $0 check 127.0.0.1:8848 --username nacos --json', 'with auth, for CI'),
  run: async (args, io) => (await import('./doctor-check.js')).runCheckCommand(args, io),
};

const DEMO_COMMAND: DoctorCommand = {
  name: 'demo',
  usage: 'demo',
  describe: 'See check work in one command: a 3-member nacos-sim cluster checked directly, through nacos-proxy and through a broken nginx HTTP/2 front (when nginx is installed)',
  builder: (yargs) => yargs,
  run: async (_args, io) => (await import('./doctor-demo.js')).runDemoCommand(io),
};

const OPS_COMMANDS: readonly DoctorCommand[] = [
  {
    name: 'upgrade',
    usage: 'upgrade <addresses..>',
    describe: 'Where a 1.x -> 2.x rolling upgrade stands, from the members\' upgrade ops API (2.0.2-2.1.x): who is not ready, double write, Raft, and with --diff the 1.x/2.x differences',
    builder: (yargs) =>
      nacosAuthOptions(
        yargs
          .positional('addresses', { type: 'string', array: true, describe: 'The members by their main port: HOST[:PORT] (8848 if omitted), [v6]:PORT or http(s)://HOST:PORT/context' })
          .option('diff', { type: 'boolean', describe: 'Also list the services (and their instances) that differ between the 1.x and 2.x data of each member' })
          .option('context-path', { type: 'string', requiresArg: true, describe: "The members' context path ('' for none)", defaultDescription: '/nacos' })
          .option('timeout', { type: 'string', requiresArg: true, describe: 'Time allowed for each HTTP request', defaultDescription: '5s' }),
      )
        .option('json', JSON_OPTION)
        .example('$0 upgrade 10.0.0.11:8848 10.0.0.12:8848 10.0.0.13:8848', 'where is the cluster in the upgrade guide')
        .example('NACOS_USERNAME=nacos NACOS_PASSWORD=… $0 upgrade 10.0.0.11 --diff', 'with auth on: which services differ between the 1.x and 2.x data'),
    run: async (args, io) => (await import('./doctor-upgrade.js')).runUpgrade(args, io),
  },
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

export const DOCTOR_COMMANDS: readonly DoctorCommand[] = [CHECK_COMMAND, DEMO_COMMAND, ...LOAD_BALANCER_COMMANDS, ...OPS_COMMANDS];
