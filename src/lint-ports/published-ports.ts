/**
 * Docker-style published ports (compose `ports:` entries, `docker run -p` values) turned into
 * host -> container mappings, with a finding for each entry that cannot be read or that leaves
 * the host port to chance. Pure.
 */
import type { Finding } from '../doctor/report.js';
import { problem } from './advice.js';
import { memberMainPort, type PortMapping } from './mapping.js';
import { parsePortSpec, publishedPorts } from './port-spec.js';

export interface PublishEntry {
  /** The entry as written (`18848:8848`), undefined when it has no port at all. */
  readonly written: string | undefined;
  readonly line: number | undefined;
  /** How titles and fixes show the entry, when not as `style.label(written)` (compose long syntax). */
  readonly label?: string;
}

export interface PublishStyle {
  readonly file: string | undefined;
  /** How an entry is shown in titles and fixes: `"18848:8848"`, `-p 18848:8848`. */
  label(written: string): string;
  /** What the entries belong to, opening titles of this module's own findings: `service nacos: `. */
  readonly owner: string;
  /** What to write instead of an entry whose host port docker picks; `mainPort` is the container's, when known. */
  randomFix(containerPort: number, mainPort: number | undefined): string;
  /** The container's main port when the source states it (NACOS_APPLICATION_PORT). */
  readonly mainPort?: number | undefined;
}

export interface Published {
  readonly mappings: PortMapping[];
  /** Container ports published on a random host port (already reported). */
  readonly randomBacks: number[];
  readonly findings: Finding[];
}

export function readPublished(entries: readonly PublishEntry[], style: PublishStyle): Published {
  const published: Published = { mappings: [], randomBacks: [], findings: [] };
  const random: { containerPort: number; label: string; line: number | undefined }[] = [];
  for (const { written, line, label: given } of entries) {
    const spec = written === undefined ? 'an entry without a container port' : parsePortSpec(written);
    if (typeof spec === 'string') {
      published.findings.push(problem('UNPARSABLE', { status: 'warn', title: `${style.owner}cannot read ${spec}`, file: style.file, line }));
      continue;
    }
    if (spec.protocol !== 'tcp') continue;
    const label = given ?? style.label(written!);
    for (const pair of publishedPorts(spec)) {
      if (pair.hostPort === undefined) {
        published.randomBacks.push(pair.containerPort);
        random.push({ containerPort: pair.containerPort, label, line });
      } else {
        published.mappings.push({ front: pair.hostPort, back: pair.containerPort, layer: 'tcp', line, text: label });
      }
    }
  }
  const main = memberMainPort([...published.mappings.map((mapping) => mapping.back), ...published.randomBacks], style.mainPort);
  for (const { containerPort, label, line } of random) {
    published.findings.push(
      problem('RANDOM_HOST_PORT', {
        status: 'fail',
        title: `${style.owner}${label} publishes container port ${containerPort} on a random host port`,
        fix: style.randomFix(containerPort, main),
        file: style.file,
        line,
      }),
    );
  }
  return published;
}
