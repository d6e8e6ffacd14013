/**
 * lint-ports entry point: decide what kind of text this is (docker compose, Kubernetes
 * manifests, nginx config, HAProxy config, a docker run command line) and turn it into one
 * report section of findings. Pure: text in, Section out.
 */
import type { Section } from '../doctor/report.js';
import { UsageError } from '../errors.js';
import { binaryReason, escapeControlCharacters } from '../text.js';
import { problem } from './advice.js';
import { isCompose, lintCompose } from './compose.js';
import { isContainerCommand, lintDockerRun } from './docker-run.js';
import { isSectionKeyword } from './haproxy-parser.js';
import { lintHaproxy } from './haproxy.js';
import { isKubernetes, lintKubernetes } from './kubernetes.js';
import { lintNginx } from './nginx.js';
import type { NginxIncludes } from './nginx-includes.js';
import { splitWords } from './words.js';
import { readYaml } from './yaml-source.js';

export const LINT_KINDS = ['compose', 'kubernetes', 'nginx', 'haproxy', 'docker-run'] as const;
export type LintKind = (typeof LINT_KINDS)[number];

export const KIND_TITLES: Readonly<Record<LintKind, string>> = {
  compose: 'docker compose file',
  kubernetes: 'Kubernetes manifests',
  nginx: 'nginx config',
  haproxy: 'HAProxy config',
  'docker-run': 'docker run command',
};

/** Directives that start an nginx config line: the top-level blocks and what Nacos setups use in them. */
const NGINX_DIRECTIVES = new Set([
  'user', 'worker_processes', 'pid', 'error_log', 'load_module', 'include', 'events', 'worker_connections', 'http', 'stream',
  'upstream', 'server', 'listen', 'location', 'proxy_pass', 'grpc_pass', 'server_name', 'root', 'access_log', 'map', 'resolver',
  'proxy_timeout', 'proxy_connect_timeout', 'proxy_read_timeout', 'keepalive', 'sendfile', 'default_type',
]);

/**
 * HAProxy and nginx share words (`listen`, `server`), so the grammar decides: nginx ends
 * directives with ";" and opens blocks with "{", HAProxy starts sections at column 0 and
 * never needs ";". A line counts only when it starts with a directive of that program, so a
 * README or a script with a ";" somewhere is neither.
 */
function configKind(text: string): 'nginx' | 'haproxy' | undefined {
  const lines = text.split('\n').map((line) => line.replace(/#.*$/, '').trimEnd());
  const nginxScore = lines.filter((line) => NGINX_DIRECTIVES.has(splitWords(line.replace(/[;{}]/g, ' '))[0] ?? '') && /[;{]/.test(line)).length;
  const haproxyScore = lines.filter((line) => /^[a-z]/.test(line) && isSectionKeyword(splitWords(line)[0] ?? '')).length * 3;
  if (nginxScore === 0 && haproxyScore === 0) return undefined;
  return haproxyScore > nginxScore ? 'haproxy' : 'nginx';
}

export function detectKind(text: string): LintKind | undefined {
  if (isContainerCommand(text)) return 'docker-run';
  const yaml = readYaml(text);
  if (yaml.error === undefined) {
    if (isCompose(yaml)) return 'compose';
    if (isKubernetes(yaml)) return 'kubernetes';
  }
  return configKind(text);
}

/** The kinds as the refusal of an unknown file lists them. */
const UNDERSTOOD = 'docker compose files, Kubernetes manifests, nginx and HAProxy configs, and docker run commands or scripts';

export interface LintInput {
  /** The file name, or a short label for a pasted command. */
  readonly name: string;
  readonly text: string;
  readonly kind?: LintKind;
  /** The text was given on the command line, not read from a file: findings point at `<argument>`. */
  readonly pasted?: boolean;
  /** For an nginx config: the files its includes name, read by readNginxIncludes. */
  readonly includes?: NginxIncludes;
}

const PASTED_SOURCE = '<argument>';

/** The kind of `input`: as given, or detected; a binary or unrecognisable file is a UsageError. */
export function lintKind(input: Pick<LintInput, 'name' | 'text' | 'kind'>): LintKind {
  const binary = binaryReason(input.text);
  if (binary !== undefined) {
    throw new UsageError(`${escapeControlCharacters(input.name)} is not a text file (${binary}); lint-ports reads ${UNDERSTOOD}`, { code: 'ERR_LINT_KIND' });
  }
  const kind = input.kind ?? detectKind(input.text);
  if (kind === undefined) {
    throw new UsageError(
      `cannot tell what kind of file ${escapeControlCharacters(input.name)} is: it looks like none of ${UNDERSTOOD}; if it is one, say which with --kind ${LINT_KINDS.join('|')}`,
      { code: 'ERR_LINT_KIND' },
    );
  }
  return kind;
}

export function lintPorts(input: LintInput): Section {
  const kind = lintKind(input);
  const title = KIND_TITLES[kind];
  if (kind === 'docker-run') {
    const source = input.pasted === true ? { file: PASTED_SOURCE, lines: false } : { file: input.name, lines: true };
    const findings = lintDockerRun(input.text, source);
    if (findings.length === 0) findings.push({ check: 'ports.none', status: 'info', title: 'no docker run or podman run command found', location: { file: source.file } });
    return { target: input.name, title, findings };
  }
  if (kind === 'nginx') return { target: input.name, title, findings: lintNginx(input.text, input.name, input.includes) };
  if (kind === 'haproxy') return { target: input.name, title, findings: lintHaproxy(input.text, input.name) };
  const yaml = readYaml(input.text);
  if (yaml.error) {
    return {
      target: input.name,
      title,
      findings: [
        problem('UNPARSABLE', { status: 'fail', title: `cannot parse YAML: ${yaml.error.message}`, file: input.name, line: yaml.error.line }),
      ],
    };
  }
  const findings = kind === 'compose' ? lintCompose(yaml, input.name) : lintKubernetes(yaml, input.name);
  if (findings.length === 0) findings.push({ check: 'ports.none', status: 'info', title: 'no Nacos port mapping found', location: { file: input.name } });
  return { target: input.name, title, findings };
}
