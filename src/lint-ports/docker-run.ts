/**
 * lint-ports for `docker run ...` (or `docker create`, `podman run`) command lines, pasted or in a
 * shell script: each command is one container with its -p/--publish mappings, -P, --network host
 * and NACOS_APPLICATION_PORT. Pure.
 */
import type { Finding } from '../doctor/report.js';
import { DEFAULT_MAIN_PORT, ROLE_OFFSETS, isValidPort } from '../ports.js';
import { problem } from './advice.js';
import { analyzeGroup, memberMainPort, type FixStyle } from './mapping.js';
import { readPublished } from './published-ports.js';
import { splitCommands, type Word } from './words.js';

/** Words that may come before `docker run` in a script line: `sudo`, `exec`, `then`, `VAR=value`. */
const PREFIXES = new Set(['sudo', 'exec', 'time', 'nohup', 'then', 'do', 'else', '{', '(', '!']);

export interface ContainerCommand {
  /** The words after `run`/`create`. */
  readonly words: readonly Word[];
  /** Line of `docker`. */
  readonly line: number;
}

/** Every docker/podman run or create command in `text`, wherever it stands in a script. */
function containerCommands(text: string): ContainerCommand[] {
  return splitCommands(text).flatMap((words) => {
    let index = 0;
    let sudo = false;
    const skippable = (word: string): boolean => PREFIXES.has(word) || /^[A-Za-z_]\w*=/.test(word) || (sudo && word.startsWith('-'));
    while (index < words.length && skippable(words[index]!.text)) {
      sudo ||= words[index]!.text === 'sudo';
      index += 1;
    }
    if (!['docker', 'podman'].includes(words[index]?.text ?? '')) return [];
    const line = words[index]!.line;
    index += 1;
    if (words[index]?.text === 'container') index += 1;
    if (!['run', 'create'].includes(words[index]?.text ?? '')) return [];
    return [{ words: words.slice(index + 1), line }];
  });
}

/** True when `text` holds a docker/podman run or create command (a pasted one, or a script). */
export function isContainerCommand(text: string): boolean {
  return containerCommands(text).length > 0;
}

interface RunOptions {
  readonly publishes: readonly Word[];
  readonly publishAll: Word | undefined;
  readonly hostNetwork: boolean;
  readonly name: string | undefined;
  /** NACOS_APPLICATION_PORT, with the word that sets it. */
  readonly mainPort: { readonly port: number; readonly line: number } | undefined;
}

const ENV_ASSIGNMENT = /^NACOS_APPLICATION_PORT=(\d{1,5})$/;

/**
 * `-p`, `-pVALUE`, `--publish VALUE`, `--publish=VALUE`, short clusters ending in p (`-dp 8848:8848`);
 * `-e`/`--env` in the forms `-e X=1`, `-eX=1`, `-e=X=1`, `--env X=1`, `--env=X=1`.
 */
function readOptions(words: readonly Word[]): RunOptions {
  const publishes: Word[] = [];
  let publishAll: Word | undefined;
  let hostNetwork = false;
  let name: string | undefined;
  let mainPort: RunOptions['mainPort'];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    const text = word.text;
    const value = (): Word => words[++index] ?? { text: '', line: word.line };
    if (!text.startsWith('-')) break;
    if (text === '--publish' || /^-[a-zA-Z]*p$/.test(text)) publishes.push(value());
    else if (text.startsWith('--publish=')) publishes.push({ text: text.slice('--publish='.length), line: word.line });
    else if (/^-p[[\d]/.test(text)) publishes.push({ text: text.slice(2), line: word.line });
    else if (text === '--publish-all' || /^-[a-zA-Z]*P$/.test(text)) publishAll = word;
    else if (text === '--network' || text === '--net') hostNetwork ||= value().text === 'host';
    else if (text === '--network=host' || text === '--net=host') hostNetwork = true;
    else if (text === '--name') name = value().text;
    else if (text.startsWith('--name=')) name = text.slice('--name='.length);
    else if (text === '-e' || text === '--env' || text.startsWith('--env=') || /^-e=?[A-Za-z_]/.test(text)) {
      const assignment = text === '-e' || text === '--env' ? value() : { text: text.replace(/^(--env=|-e=?)/, ''), line: word.line };
      const match = ENV_ASSIGNMENT.exec(assignment.text);
      if (match) mainPort = { port: Number(match[1]), line: assignment.line };
    } else if (/^--?[a-zA-Z-]+$/.test(text) && !FLAGS_WITHOUT_VALUE.has(text) && !/^-[a-zA-Z]{2,}$/.test(text)) {
      // Any other option with a separate value: skip the value, so `--label x` is not read as the image.
      index += 1;
    }
  }
  return { publishes, publishAll, hostNetwork, name, mainPort };
}

/** Options of docker run that take no value (the ones that appear in Nacos how-tos, and the common ones). */
const FLAGS_WITHOUT_VALUE = new Set([
  '-d', '--detach', '-i', '--interactive', '-t', '--tty', '--rm', '--privileged', '--init', '--read-only', '-q', '--quiet', '--help',
  '--no-healthcheck', '--oom-kill-disable', '--disable-content-trust', '--use-api-socket',
]);

const FIX: FixStyle = {
  add: (front, back) => `add  -p ${front}:${back}`,
  change: (mapping, front, back) => `replace  ${mapping.text}  with  -p ${front}:${back}`,
};

/** How findings point at the source: a file and line, or the command-line argument. */
export interface CommandSource {
  /** The file name, or `<argument>` for a pasted command. */
  readonly file: string;
  /** False for a pasted command, whose lines mean nothing to the user. */
  readonly lines: boolean;
}

function lintOne(command: ContainerCommand, subject: string, source: CommandSource): Finding[] {
  const line = (at: number): number | undefined => (source.lines ? at : undefined);
  const options = readOptions(command.words);
  if (options.hostNetwork) {
    return [{ check: 'ports.host-network', status: 'ok', title: `${subject}: host networking, Nacos ports are not remapped`, location: { file: source.file, ...(source.lines ? { line: command.line } : {}) } }];
  }
  const declared = options.mainPort?.port;
  const published = readPublished(
    options.publishes.map((word) => ({ written: word.text, line: line(word.line) })),
    { file: source.file, owner: '', label: (written) => `-p ${written}`, randomFix: (containerPort) => `give the host port:  -p HOSTPORT:${containerPort}` },
  );
  const findings: Finding[] = [];
  if (options.publishAll) {
    const main = memberMainPort([...published.mappings.map((mapping) => mapping.back), ...published.randomBacks], declared) ?? DEFAULT_MAIN_PORT;
    findings.push(
      problem('RANDOM_HOST_PORT', {
        status: 'fail',
        title: `${subject}: -P publishes every exposed port on a random host port`,
        fix: `publish fixed ports instead${fixedPortsExample(main)}  (nacos-doctor docker --host-port ${main} --container-port ${main} prints them)`,
        file: source.file,
        line: line(options.publishAll.line),
      }),
    );
  }
  findings.push(...published.findings);
  findings.push(
    ...analyzeGroup({
      file: source.file,
      subject,
      frontName: 'host port',
      mappings: published.mappings,
      line: line(command.line),
      fix: FIX,
      randomBacks: published.randomBacks,
      ...(options.mainPort === undefined ? {} : { mainPort: options.mainPort.port, mainPortSource: { text: `-e NACOS_APPLICATION_PORT=${options.mainPort.port}`, line: line(options.mainPort.line) } }),
    }),
  );
  if (findings.length === 0) {
    findings.push({ check: 'ports.none', status: 'info', title: `${subject}: no Nacos port is published (-p)`, location: { file: source.file, ...(source.lines ? { line: command.line } : {}) } });
  }
  return findings;
}

/** Findings for every container command in `text`, each checked on its own. */
export function lintDockerRun(text: string, source: CommandSource): Finding[] {
  const commands = containerCommands(text);
  return commands.flatMap((command) => {
    const name = readOptions(command.words).name;
    const where = source.lines ? ` (line ${command.line})` : '';
    const subject = name !== undefined ? `container ${name}` : commands.length > 1 ? `docker run${where}` : 'container';
    return lintOne(command, subject, source);
  });
}

/** `, e.g.  -p 8848:8848 -p 9848:9848` for a main port whose gRPC port exists; nothing otherwise. */
function fixedPortsExample(main: number): string {
  const grpc = main + ROLE_OFFSETS['client-grpc'];
  return isValidPort(grpc) ? `, e.g.  -p ${main}:${main} -p ${grpc}:${grpc}` : '';
}
