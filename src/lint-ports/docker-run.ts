/**
 * lint-ports for a pasted `docker run ...` (or `docker create`, `podman run`) command line: the
 * -p/--publish mappings of the container, -P, --network host and NACOS_APPLICATION_PORT. Pure.
 */
import type { Finding } from '../doctor/report.js';
import { problem } from './advice.js';
import { analyzeGroup, type FixStyle } from './mapping.js';
import { readPublished } from './published-ports.js';
import { splitWords } from './words.js';

/** The text without `#` comment lines, so a saved script (`#!/bin/sh` ...) reads like the command. */
function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
}

/** True when `text` is a docker/podman run or create command line (a pasted one, or a saved script). */
export function isContainerCommand(text: string): boolean {
  return /^\s*(sudo\s+)?(docker|podman)(\s+container)?\s+(run|create)\b/.test(withoutComments(text));
}

interface RunOptions {
  readonly publishes: readonly string[];
  readonly publishAll: boolean;
  readonly hostNetwork: boolean;
  readonly mainPort: number | undefined;
}

/** `-p`, `-pVALUE`, `--publish VALUE`, `--publish=VALUE`, and short clusters ending in p (`-dp 8848:8848`). */
function readOptions(words: readonly string[]): RunOptions {
  const publishes: string[] = [];
  let publishAll = false;
  let hostNetwork = false;
  let mainPort: number | undefined;
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    const value = (): string => words[++index] ?? '';
    if (word === '--publish' || /^-[a-zA-Z]*p$/.test(word)) publishes.push(value());
    else if (word.startsWith('--publish=')) publishes.push(word.slice('--publish='.length));
    else if (/^-p[[\d]/.test(word)) publishes.push(word.slice(2));
    else if (word === '--publish-all' || /^-[a-zA-Z]*P$/.test(word)) publishAll = true;
    else if (word === '--network' || word === '--net') hostNetwork ||= value() === 'host';
    else if (word === '--network=host' || word === '--net=host') hostNetwork = true;
    else if (word === '-e' || word === '--env' || word.startsWith('--env=') || /^-e[A-Z_]/.test(word)) {
      const assignment = word === '-e' || word === '--env' ? value() : word.replace(/^(--env=|-e)/, '');
      const match = /^NACOS_APPLICATION_PORT=(\d{1,5})$/.exec(assignment);
      if (match) mainPort = Number(match[1]);
    }
  }
  return { publishes, publishAll, hostNetwork, mainPort };
}

const FIX: FixStyle = {
  add: (front, back) => `add  -p ${front}:${back}`,
  change: (mapping, front, back) => `replace  ${mapping.text}  with  -p ${front}:${back}`,
};

export function lintDockerRun(command: string): Finding[] {
  const options = readOptions(splitWords(command));
  if (options.hostNetwork) {
    return [{ check: 'ports.host-network', status: 'ok', title: 'host networking: Nacos ports are not remapped' }];
  }
  const findings: Finding[] = [];
  if (options.publishAll) {
    findings.push(
      problem('RANDOM_HOST_PORT', {
        status: 'fail',
        title: '-P publishes every exposed port on a random host port',
        fix: 'publish fixed ports instead, e.g.  -p 8848:8848 -p 9848:9848  (nacos-doctor docker --host-port 8848 prints them)',
        file: undefined,
      }),
    );
  }
  const published = readPublished(
    options.publishes.map((written) => ({ written, line: undefined })),
    { file: undefined, owner: '', label: (written) => `-p ${written}`, randomFix: (containerPort) => `give the host port:  -p HOSTPORT:${containerPort}` },
  );
  findings.push(...published.findings);
  findings.push(
    ...analyzeGroup({ file: undefined, subject: 'container', frontName: 'host port', mappings: published.mappings, line: undefined, fix: FIX, randomBacks: published.randomBacks, ...(options.mainPort === undefined ? {} : { mainPort: options.mainPort }) }),
  );
  if (findings.length === 0) {
    findings.push({ check: 'ports.none', status: 'info', title: 'no Nacos port is published (-p)' });
  }
  return findings;
}
