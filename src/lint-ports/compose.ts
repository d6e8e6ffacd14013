/**
 * lint-ports for docker compose files: every service's `ports:` (short and long syntax) is a
 * group of host -> container mappings; NACOS_APPLICATION_PORT tells the container main port.
 * Pure.
 */
import type { Finding } from '../doctor/report.js';
import { analyzeGroup, type FixStyle } from './mapping.js';
import { readPublished } from './published-ports.js';
import { child, entries, environmentNode, environmentValue, items, text, type YamlFile } from './yaml-source.js';

export function isCompose(yaml: YamlFile): boolean {
  return yaml.documents.some((document) => entries(child(document.contents, 'services')).length > 0);
}

/** Long syntax `{target, published, host_ip, protocol}` as the short form, for one parser. */
function longSyntax(node: unknown): string | undefined {
  const target = text(child(node, 'target'));
  if (target === undefined) return undefined;
  const published = text(child(node, 'published'));
  const hostIp = text(child(node, 'host_ip'));
  const ip = hostIp === undefined ? '' : hostIp.includes(':') ? `[${hostIp}]:` : `${hostIp}:`;
  const protocol = text(child(node, 'protocol'));
  return `${published === undefined ? '' : `${ip}${published}:`}${target}${protocol === undefined ? '' : `/${protocol}`}`;
}

/** How the long syntax is shown in titles, and recognised in fixes. */
function longLabel(node: unknown): string | undefined {
  const target = text(child(node, 'target'));
  if (target === undefined) return undefined;
  const published = text(child(node, 'published'));
  return `{target: ${target}${published === undefined ? '' : `, published: "${published}"`}}`;
}

function fixFor(service: string): FixStyle {
  return {
    add: (front, back) => `add to services.${service}.ports:\n  - "${front}:${back}"`,
    change: (mapping, front, back) =>
      mapping.text.startsWith('{') ? `change ${mapping.text} to {target: ${back}, published: "${front}"}` : `change ${mapping.text} to "${front}:${back}"`,
  };
}

export function lintCompose(yaml: YamlFile, file: string): Finding[] {
  const findings: Finding[] = [];
  for (const document of yaml.documents) {
    for (const [name, service] of entries(child(document.contents, 'services'))) {
      const portsNode = child(service, 'ports');
      if (text(child(service, 'network_mode')) === 'host') {
        findings.push({ check: 'ports.host-network', status: 'ok', title: `service ${name}: host networking, ports are not remapped`, location: { file, line: yaml.lineOf(service) } });
        continue;
      }
      const declared = environmentValue(child(service, 'environment'), 'NACOS_APPLICATION_PORT');
      const mainPort = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
      const published = readPublished(
        items(portsNode).map((item) => {
          const label = text(item) === undefined ? longLabel(item) : undefined;
          return { written: text(item) ?? longSyntax(item), line: yaml.lineOf(item), ...(label === undefined ? {} : { label }) };
        }),
        {
          file,
          label: (written) => `"${written}"`,
          owner: `service ${name}: `,
          mainPort,
          randomFix: (containerPort, main) =>
            `give the host port: "HOSTPORT:${containerPort}"${main === undefined ? '' : ` (nacos-doctor docker --host-port HOSTPORT --container-port ${main} prints the whole set)`}`,
        },
      );
      findings.push(...published.findings);
      findings.push(
        ...analyzeGroup({
          file,
          subject: `service ${name}`,
          frontName: 'host port',
          mappings: published.mappings,
          line: yaml.lineOf(portsNode) ?? yaml.lineOf(service),
          fix: fixFor(name),
          randomBacks: published.randomBacks,
          ...(mainPort === undefined ? {} : { mainPort, mainPortSource: { text: `NACOS_APPLICATION_PORT: ${mainPort}`, line: yaml.lineOf(environmentNode(child(service, 'environment'), 'NACOS_APPLICATION_PORT')) } }),
        }),
      );
    }
  }
  return findings;
}
