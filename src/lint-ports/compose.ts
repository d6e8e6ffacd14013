/**
 * lint-ports for docker compose files: every service's `ports:` (short and long syntax) is a
 * group of host -> container mappings; NACOS_APPLICATION_PORT tells the container main port.
 * Pure.
 */
import type { Finding } from '../doctor/report.js';
import { analyzeGroup, type FixStyle } from './mapping.js';
import { readPublished } from './published-ports.js';
import { child, entries, environmentValue, items, text, type YamlFile } from './yaml-source.js';

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

function fixFor(service: string): FixStyle {
  return {
    add: (front, back) => `add to services.${service}.ports:\n  - "${front}:${back}"`,
    change: (mapping, front, back) => `change ${mapping.text} to "${front}:${back}"`,
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
      const published = readPublished(
        items(portsNode).map((item) => ({ written: text(item) ?? longSyntax(item), line: yaml.lineOf(item) })),
        {
          file,
          label: (written) => `"${written}"`,
          owner: `service ${name}: `,
          randomFix: (containerPort) => `give the host port: "HOSTPORT:${containerPort}" (nacos-doctor docker --host-port HOSTPORT prints the whole set)`,
        },
      );
      findings.push(...published.findings);
      const declared = environmentValue(child(service, 'environment'), 'NACOS_APPLICATION_PORT');
      findings.push(
        ...analyzeGroup({
          file,
          subject: `service ${name}`,
          frontName: 'host port',
          mappings: published.mappings,
          line: yaml.lineOf(portsNode) ?? yaml.lineOf(service),
          fix: fixFor(name),
          randomBacks: published.randomBacks,
          ...(declared !== undefined && /^\d+$/.test(declared) ? { mainPort: Number(declared) } : {}),
        }),
      );
    }
  }
  return findings;
}
