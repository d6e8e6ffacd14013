/**
 * Renders Kubernetes Service manifests for Nacos: a client-facing Service whose ports keep the
 * offsets (port H+offset -> targetPort C+offset, and nodePort H+offset for NodePort), and the
 * headless Service a StatefulSet cluster uses for peer discovery, with all four named ports.
 * Pure: options in, YAML text (built with the `yaml` package) out.
 */
import { Document } from 'yaml';
import { ROLES, ROLE_DESCRIPTIONS, rolePort, type Role } from '../ports.js';
import type { DockerOptions, KubernetesOptions } from './docker-options.js';

/** Port names as the nacos-k8s manifests use them (nacos-group/nacos-k8s deploy/nacos/*.yaml). */
export const K8S_PORT_NAMES: Readonly<Record<Role, string>> = Object.freeze({
  main: 'http',
  'client-grpc': 'client-rpc',
  'cluster-grpc': 'raft-rpc',
  raft: 'old-raft-rpc',
});

function service(kubernetes: KubernetesOptions, spec: Record<string, unknown>, name: string, comment: string): string {
  const document = new Document({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { ...kubernetes.selector } },
    spec: { ...spec, selector: { ...kubernetes.selector } },
  });
  document.commentBefore = comment;
  return document.toString();
}

export function renderClientService(options: DockerOptions, kubernetes: KubernetesOptions): string {
  const ports = options.roles.map((role) => ({
    name: K8S_PORT_NAMES[role],
    protocol: 'TCP',
    port: rolePort(options.hostMainPort, role, options.roles),
    targetPort: rolePort(options.containerMainPort, role, options.roles),
    ...(kubernetes.serviceType === 'NodePort' ? { nodePort: rolePort(options.hostMainPort, role, options.roles) } : {}),
  }));
  const comment = [
    ` Service for Nacos clients (${kubernetes.serviceType}): port H+offset -> targetPort C+offset, so a client`,
    ` given <service>:${options.hostMainPort} dials ${rolePort(options.hostMainPort, 'client-grpc', ['client-grpc'])} for gRPC and reaches the pod's gRPC port.`,
    ...(kubernetes.serviceType === 'NodePort' ? [' nodePorts are fixed to the same offsets; random nodePorts would break them.'] : []),
    ' gRPC must stay TCP: do not route it through an Ingress (HTTP only).',
  ].join('\n');
  return service(kubernetes, { type: kubernetes.serviceType, ports }, kubernetes.name, comment);
}

export function renderHeadlessService(options: DockerOptions, kubernetes: KubernetesOptions): string {
  const ports = ROLES.map((role) => {
    const port = rolePort(options.containerMainPort, role, ROLES);
    return { name: K8S_PORT_NAMES[role], protocol: 'TCP', port, targetPort: port };
  });
  const comment = [
    ' Headless Service for the cluster members (StatefulSet serviceName): stable pod DNS names for',
    ' cluster.conf, and every port a member uses:',
    ...ROLES.map((role) => `   ${K8S_PORT_NAMES[role].padEnd(13)} ${ROLE_DESCRIPTIONS[role]}`),
  ].join('\n');
  // Members must find each other while starting, before they are ready.
  return service(kubernetes, { clusterIP: 'None', publishNotReadyAddresses: true, ports }, `${kubernetes.name}-headless`, comment);
}
