/**
 * nacos-proxy --help, rendered from the option table (PROXY_OPTION_SPECS): each option with its
 * placeholder (`--listen [HOST:]P`), default, environment variable and whether SIGHUP applies
 * it, as the README table has them. yargs' own help can only say `[string]` for every option.
 * Pure: the text depends only on the width.
 */
import { ROLE_DESCRIPTIONS, ROLES } from '../ports.js';
import { CONFIG_ENV, PROXY_OPTION_SPECS, envName, type OptionGroup } from '../proxy/options.js';

const USAGE = 'Usage: nacos-proxy --listen [HOST:]P --upstream HOST:Q [--upstream HOST:Q ...] [options]';

const ABOUT =
  'Layer-4 forwarder for Nacos 2.x/3.x clusters that keeps the port offsets: one listener per port role on ' +
  'P+offset, each forwarded as plain TCP to the same role (Q+offset) of a healthy member. Clients configured ' +
  'with this address dial P+1000 for gRPC and find it.';

const EXAMPLES: readonly (readonly [string, string])[] = [
  ['nacos-proxy --listen 8848 --upstream 10.0.0.1:8848 --upstream 10.0.0.2:8848 --upstream 10.0.0.3:8848', 'VIP for a 3-member cluster: clients use <this host>:8848'],
  ['nacos-proxy --listen [::]:18848 --upstream nacos-0.nacos:8848,nacos-1.nacos:8848 --roles main,client-grpc', 'only the ports clients need'],
  ['nacos-proxy --config /etc/nacos-proxy.yaml --admin 127.0.0.1:9901', 'options from a file, metrics on :9901'],
];

const EPILOG = [
  'Durations are seconds, or take a unit: 500ms, 3s, 2m, 1h.',
  'Every option can also be set as NACOS_PROXY_<NAME> (e.g. NACOS_PROXY_MAX_CONNECTIONS=1000) or as "<name>: value" in the --config file. Flags win over variables, which win over the file.',
  'Signals: SIGTERM/SIGINT drain connections then exit 0 (twice: reset all, exit 1); SIGHUP reloads --config.',
  'Exit codes: 0 after a clean stop, 1 on a runtime failure, 2 on bad usage (one line on stderr says what to fix).',
];

const INDENT = '      ';

/** Splits text into lines of at most `width` characters at spaces (a longer word stays whole). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((item) => item !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function entry(head: string, text: string, width: number): string[] {
  return [`  ${head}`, ...wrapWords(text, width - INDENT.length).map((line) => `${INDENT}${line}`)];
}

function optionText(name: string): string {
  const spec = PROXY_OPTION_SPECS[name]!;
  const facts = [
    spec.required ? 'Required.' : spec.default === undefined ? undefined : `Default: ${spec.default}.`,
    `Env: ${envName(name)}.`,
    spec.reloadable ? 'SIGHUP applies a change from --config.' : 'Restart to change.',
  ];
  return [spec.describe, ...facts.filter((fact) => fact !== undefined)].join(' ');
}

export function renderProxyHelp(width: number): string {
  const groups = new Map<OptionGroup, string[]>();
  for (const [name, spec] of Object.entries(PROXY_OPTION_SPECS)) {
    const lines = groups.get(spec.group) ?? [];
    lines.push(...entry(`--${name} ${spec.arg}`, optionText(name), width));
    groups.set(spec.group, lines);
  }
  groups.get('Operations')!.push(
    ...entry('--config FILE', `Read options from this JSON or YAML file (keys are the flag names); SIGHUP re-reads it. Env: ${CONFIG_ENV}.`, width),
    ...entry('-h, --help', 'Show this help.', width),
    ...entry('--version', 'Show the version number.', width),
  );
  return [
    USAGE,
    '',
    ...wrapWords(ABOUT, width),
    '',
    'Port roles:',
    ...ROLES.map((role) => `  ${role.padEnd(13)} ${ROLE_DESCRIPTIONS[role]}`),
    ...[...groups].flatMap(([group, lines]) => ['', `${group}:`, ...lines]),
    '',
    'Examples:',
    ...EXAMPLES.flatMap(([command, what]) => entry(command, what, width)),
    '',
    ...EPILOG.flatMap((paragraph) => wrapWords(paragraph, width)),
  ].join('\n');
}
