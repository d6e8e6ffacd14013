/**
 * Renders port publishing for one Nacos container: `docker run` `-p` flags, a compose `ports:`
 * snippet and, when asked, Kubernetes Services. Host port H+offset always carries container
 * port C+offset, because clients dial the gRPC port as (the port they were given) + 1000.
 * Pure: options in, text out.
 */
import { Document } from 'yaml';
import { formatOffset, rolePort, type Role } from '../ports.js';
import type { DockerOptions } from './docker-options.js';
import { renderClientService, renderHeadlessService } from './kubernetes.js';

export interface PortPublication {
  readonly role: Role;
  readonly hostPort: number;
  readonly containerPort: number;
  /** Docker's `[IP:]HOST:CONTAINER` form. */
  readonly spec: string;
}

export function publications(options: DockerOptions): PortPublication[] {
  const ip = options.hostIp === undefined ? '' : options.hostIp.includes(':') ? `[${options.hostIp}]:` : `${options.hostIp}:`;
  return options.roles.map((role) => {
    const hostPort = rolePort(options.hostMainPort, role, options.roles);
    const containerPort = rolePort(options.containerMainPort, role, options.roles);
    return { role, hostPort, containerPort, spec: `${ip}${hostPort}:${containerPort}` };
  });
}

export function renderRunFlags(options: DockerOptions): string {
  const list = publications(options);
  const roles = list.map((p) => `${p.role} ${formatOffset(p.role).replace('P', 'H')}=${p.hostPort}`).join(', ');
  return `# docker run: publish every Nacos port on host port H+offset (${roles})\n${list.map((p) => `-p ${p.spec}`).join(' ')}\n`;
}

export function renderComposePorts(options: DockerOptions): string {
  // Quoted, as the compose docs advise: YAML 1.1 reads some unquoted a:b values as base-60 numbers.
  const snippet = new Document({ ports: publications(options).map((p) => p.spec) }).toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
  return `# docker compose: under the Nacos service\n${snippet}`;
}

export function renderDocker(options: DockerOptions): string {
  const parts: string[] = [];
  if (options.format === 'all' || options.format === 'run') parts.push(renderRunFlags(options));
  if (options.format === 'all' || options.format === 'compose') parts.push(renderComposePorts(options));
  if (options.kubernetes && (options.format === 'all' || options.format === 'k8s')) {
    const manifests = [renderClientService(options, options.kubernetes)];
    if (options.kubernetes.headless) manifests.push(renderHeadlessService(options, options.kubernetes));
    parts.push(`---\n${manifests.join('---\n')}`);
  }
  return parts.join('\n');
}
