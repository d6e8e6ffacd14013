/**
 * lint-ports for Kubernetes manifests (multi-document YAML): Service ports (port -> targetPort,
 * and nodePort -> targetPort for NodePort Services), container hostPorts, Nacos containers that
 * do not declare the gRPC port, and Ingresses that route to a gRPC port. Named targetPorts are
 * resolved through the containers in the same file. Pure.
 */
import type { Finding } from '../doctor/report.js';
import { K8S_PORT_NAMES } from '../generate/kubernetes.js';
import { DEFAULT_MAIN_PORT, roleOfPort } from '../ports.js';
import { problem } from './advice.js';
import { analyzeGroup, memberMainPort, shiftPort, type FixStyle, type MappingGroup, type PortMapping } from './mapping.js';
import { child, childAt, environmentValue, integer, items, text, type YamlFile } from './yaml-source.js';

export function isKubernetes(yaml: YamlFile): boolean {
  return yaml.documents.some((document) => text(child(document.contents, 'apiVersion')) !== undefined && text(child(document.contents, 'kind')) !== undefined);
}

interface ContainerPort {
  readonly containerPort: number;
  readonly name: string | undefined;
  readonly hostPort: number | undefined;
  readonly line: number | undefined;
}

interface Container {
  readonly workload: string;
  readonly name: string;
  readonly image: string;
  readonly ports: readonly ContainerPort[];
  readonly mainPort: number | undefined;
  readonly line: number | undefined;
}

interface ServicePort {
  readonly name: string | undefined;
  readonly port: number | undefined;
  readonly target: number | string | undefined;
  readonly nodePort: number | undefined;
  readonly line: number | undefined;
}

interface Service {
  readonly name: string;
  readonly type: string;
  readonly headless: boolean;
  readonly ports: readonly ServicePort[];
  readonly line: number | undefined;
}

/** Pod spec of a workload, by kind. */
function podSpec(kind: string, contents: unknown): unknown {
  if (kind === 'Pod') return child(contents, 'spec');
  if (kind === 'CronJob') return childAt(contents, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
  return childAt(contents, 'spec', 'template', 'spec');
}

function readContainers(yaml: YamlFile): Container[] {
  const containers: Container[] = [];
  for (const document of yaml.documents) {
    const kind = text(child(document.contents, 'kind')) ?? '';
    const workload = `${kind} ${text(childAt(document.contents, 'metadata', 'name')) ?? ''}`.trim();
    const spec = podSpec(kind, document.contents);
    for (const node of [...items(child(spec, 'containers')), ...items(child(spec, 'initContainers'))]) {
      const main = environmentValue(child(node, 'env'), 'NACOS_APPLICATION_PORT');
      containers.push({
        workload,
        name: text(child(node, 'name')) ?? '',
        image: text(child(node, 'image')) ?? '',
        ports: items(child(node, 'ports')).flatMap((port) => {
          const containerPort = integer(child(port, 'containerPort'));
          return containerPort === undefined ? [] : [{ containerPort, name: text(child(port, 'name')), hostPort: integer(child(port, 'hostPort')), line: yaml.lineOf(port) }];
        }),
        mainPort: main !== undefined && /^\d+$/.test(main) ? Number(main) : undefined,
        line: yaml.lineOf(node),
      });
    }
  }
  return containers;
}

function readServices(yaml: YamlFile): Service[] {
  return yaml.documents
    .filter((document) => text(child(document.contents, 'kind')) === 'Service')
    .map((document) => {
      const spec = child(document.contents, 'spec');
      return {
        name: text(childAt(document.contents, 'metadata', 'name')) ?? '(unnamed)',
        type: text(child(spec, 'type')) ?? 'ClusterIP',
        headless: text(child(spec, 'clusterIP')) === 'None',
        line: yaml.lineOf(document.contents),
        ports: items(child(spec, 'ports')).map((port) => ({
          name: text(child(port, 'name')),
          port: integer(child(port, 'port')),
          target: integer(child(port, 'targetPort')) ?? text(child(port, 'targetPort')),
          nodePort: integer(child(port, 'nodePort')),
          line: yaml.lineOf(port),
        })),
      };
    });
}

function serviceFix(service: string, nodePorts: boolean): FixStyle {
  return {
    add: (front, back, role) =>
      `add to spec.ports of Service ${service}:\n- name: ${K8S_PORT_NAMES[role]}\n  port: ${nodePorts ? 'PORT' : front}\n  targetPort: ${back}${nodePorts ? `\n  nodePort: ${front}` : ''}`,
    change: (mapping, front, back) => `make ${mapping.text} ${nodePorts ? `nodePort: ${front}` : `port: ${front}`}, targetPort: ${back}`,
  };
}

/** The port number behind a targetPort: itself, or the containerPort of that name in this file. */
function resolveTarget(target: number | string | undefined, port: number | undefined, containers: readonly Container[]): number | undefined {
  if (target === undefined) return port;
  if (typeof target === 'number') return target;
  return containers.flatMap((container) => container.ports).find((candidate) => candidate.name === target)?.containerPort;
}

function lintService(service: Service, containers: readonly Container[], file: string, mainPort: number | undefined): Finding[] {
  const findings: Finding[] = [];
  const resolved = service.ports.map((port) => ({ port, back: resolveTarget(port.target, port.port, containers) }));
  for (const { port } of resolved.filter((entry) => entry.back === undefined && typeof entry.port.target === 'string')) {
    findings.push({
      check: 'ports.unresolved-target',
      status: 'info',
      title: `Service ${service.name}: targetPort "${String(port.target)}" names no containerPort in this file; not checked`,
      location: { file, line: port.line },
    });
  }
  const withBack = resolved.filter((entry): entry is { port: ServicePort; back: number } => entry.back !== undefined);
  const label = (port: ServicePort): string => `Service ${service.name} port ${port.name ?? port.port ?? ''}`.trim();
  const group = (frontName: string, nodePorts: boolean, mappings: PortMapping[], randomBacks: number[] = []): MappingGroup => ({
    file,
    subject: `Service ${service.name}${nodePorts ? ' nodePorts' : ''}`,
    frontName,
    mappings,
    line: service.line,
    fix: serviceFix(service.name, nodePorts),
    randomBacks,
    ...(mainPort === undefined ? {} : { mainPort }),
  });
  const portFindings = analyzeGroup(
    group(
      'Service port',
      false,
      withBack.flatMap(({ port, back }) => (port.port === undefined ? [] : [{ front: port.port, back, layer: 'tcp' as const, line: port.line, text: label(port) }])),
    ),
  );
  const nodePortFindings = service.type === 'NodePort' ? lintNodePorts(withBack, mainPort, group, label, file) : [];
  // "Offsets kept" for the Service ports would read as an all-clear next to nodePort problems.
  const problems = nodePortFindings.some((item) => item.status === 'fail' || item.status === 'warn');
  return [...findings, ...portFindings.filter((item) => !(problems && item.status === 'ok')), ...nodePortFindings];
}

/** A NodePort Service keeps the offsets only with every Nacos nodePort fixed, gRPC at main + 1000. */
function lintNodePorts(
  withBack: readonly { port: ServicePort; back: number }[],
  mainPort: number | undefined,
  group: (frontName: string, nodePorts: boolean, mappings: PortMapping[], randomBacks: number[]) => MappingGroup,
  label: (port: ServicePort) => string,
  file: string,
): Finding[] {
  const findings: Finding[] = [];
  const main = memberMainPort(
    withBack.map((entry) => entry.back),
    mainPort,
  );
  const randomBacks: number[] = [];
  for (const { port, back } of withBack) {
    const role = main === undefined ? undefined : roleOfPort(main, back);
    if (port.nodePort !== undefined || role === undefined) continue;
    randomBacks.push(back);
    findings.push(
      problem('RANDOM_HOST_PORT', {
        status: 'fail',
        title: `${label(port)} has no fixed nodePort, so Kubernetes picks a random one for ${role} (${back})`,
        fix: 'set nodePort on every Nacos port, with the gRPC nodePort = main nodePort + 1000 (nacos-doctor docker --host-port 30848 --k8s --service-type NodePort prints them)',
        file,
        line: port.line,
      }),
    );
  }
  const mappings = withBack.flatMap(({ port, back }) => (port.nodePort === undefined ? [] : [{ front: port.nodePort, back, layer: 'tcp' as const, line: port.line, text: label(port) }]));
  findings.push(...analyzeGroup(group('nodePort', true, mappings, randomBacks)).filter((item) => item.status !== 'ok'));
  return findings;
}

function lintContainers(containers: readonly Container[], file: string): Finding[] {
  const findings: Finding[] = [];
  for (const container of containers) {
    const subject = `${container.workload} container ${container.name}`;
    const hostPorts = container.ports.filter((port) => port.hostPort !== undefined);
    if (hostPorts.length > 0) {
      findings.push(
        ...analyzeGroup({
          file,
          subject,
          frontName: 'hostPort',
          mappings: hostPorts.map((port) => ({ front: port.hostPort!, back: port.containerPort, layer: 'tcp', line: port.line, text: `${subject} hostPort ${port.hostPort}` })),
          line: container.line,
          fix: {
            add: (front, back, role) => `add to ${subject} ports:\n- name: ${K8S_PORT_NAMES[role]}\n  containerPort: ${back}\n  hostPort: ${front}`,
            change: (mapping, front, back) => `make ${mapping.text} hostPort: ${front}, containerPort: ${back}`,
          },
          ...(container.mainPort === undefined ? {} : { mainPort: container.mainPort }),
        }),
      );
    }
    const main = container.mainPort ?? DEFAULT_MAIN_PORT;
    const grpc = shiftPort(main, 'client-grpc');
    const declared = container.ports.map((port) => port.containerPort);
    if (/nacos/i.test(container.image) && grpc !== undefined && declared.includes(main) && !declared.includes(grpc)) {
      findings.push(
        problem('CONTAINER_PORT_MISSING', {
          status: 'warn',
          title: `${subject} (${container.image}) declares containerPort ${main} but not the gRPC port ${grpc}`,
          fix: `add to its ports:\n- name: client-rpc\n  containerPort: ${grpc}`,
          file,
          line: container.ports.find((port) => port.containerPort === main)?.line ?? container.line,
        }),
      );
    }
  }
  return findings;
}

interface IngressBackend {
  readonly service: string;
  readonly port: number | string | undefined;
  readonly line: number | undefined;
}

function ingressBackends(yaml: YamlFile, contents: unknown): IngressBackend[] {
  const spec = child(contents, 'spec');
  const backends = [
    child(spec, 'defaultBackend'),
    child(spec, 'backend'),
    ...items(child(spec, 'rules')).flatMap((rule) => items(childAt(rule, 'http', 'paths')).map((path) => child(path, 'backend'))),
  ].filter((node) => node !== undefined);
  return backends.flatMap((backend) => {
    const service = child(backend, 'service');
    const name = text(child(service, 'name')) ?? text(child(backend, 'serviceName'));
    if (name === undefined) return [];
    const port = integer(childAt(service, 'port', 'number')) ?? text(childAt(service, 'port', 'name')) ?? integer(child(backend, 'servicePort')) ?? text(child(backend, 'servicePort'));
    return [{ service: name, port, line: yaml.lineOf(backend) }];
  });
}

function lintIngresses(yaml: YamlFile, services: readonly Service[], containers: readonly Container[], file: string, mainPort: number | undefined): Finding[] {
  const findings: Finding[] = [];
  for (const document of yaml.documents.filter((candidate) => text(child(candidate.contents, 'kind')) === 'Ingress')) {
    const ingress = text(childAt(document.contents, 'metadata', 'name')) ?? '(unnamed)';
    for (const backend of ingressBackends(yaml, document.contents)) {
      const service = services.find((candidate) => candidate.name === backend.service);
      const entry = service?.ports.find((port) => port.port === backend.port || (port.name !== undefined && port.name === backend.port));
      const back = entry ? resolveTarget(entry.target, entry.port, containers) : typeof backend.port === 'number' ? backend.port : undefined;
      if (back === undefined) continue;
      const targets = service ? service.ports.map((port) => resolveTarget(port.target, port.port, containers)).filter((port) => port !== undefined) : [back];
      const main = memberMainPort(targets, mainPort) ?? DEFAULT_MAIN_PORT;
      const role = roleOfPort(main, back);
      if (role !== 'client-grpc' && role !== 'cluster-grpc') continue;
      findings.push(
        problem('INGRESS_FOR_GRPC', {
        status: 'fail',
        title: `Ingress ${ingress} routes to ${backend.service}:${String(backend.port)}, which is Nacos ${role} (${back})`,
        fix:
          'keep the Ingress for the HTTP API/console only; expose gRPC as TCP with a LoadBalancer or NodePort Service whose gRPC port is the main port + 1000\n' +
          '(nacos-doctor docker --host-port 8848 --k8s --service-type LoadBalancer prints one), or an nginx stream {} proxy (nacos-doctor nginx)',
        file,
        line: backend.line,
      }),
      );
    }
  }
  return findings;
}

export function lintKubernetes(yaml: YamlFile, file: string): Finding[] {
  const containers = readContainers(yaml);
  const services = readServices(yaml);
  const mainPort = containers.find((container) => container.mainPort !== undefined)?.mainPort;
  const findings = [
    ...services.filter((service) => !service.headless).flatMap((service) => lintService(service, containers, file, mainPort)),
    ...lintContainers(containers, file),
    ...lintIngresses(yaml, services, containers, file, mainPort),
  ];
  const headless = services.filter((service) => service.headless);
  for (const service of headless) {
    findings.push({
      check: 'ports.headless',
      status: 'ok',
      title: `Service ${service.name} is headless: clients reach pods on their own ports, nothing is remapped`,
      location: { file, line: service.line },
    });
  }
  return findings;
}
