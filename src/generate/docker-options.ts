/**
 * Options of `nacos-doctor docker`: which host port carries the Nacos main port, derived from
 * `--host-port H` or from one or more `--publish [IP:]HOST:CONTAINER` mappings, and what to
 * print. Every `--publish` anchors the host main port through the role of its container port;
 * mappings that disagree break the offset rule and are refused with the mapping that would fit.
 */
import { isIP } from 'node:net';
import { parsePortSpec } from '../lint-ports/port-spec.js';
import { UsageError } from '../errors.js';
import { DEFAULT_MAIN_PORT, ROLES, ROLE_OFFSETS, formatOffset, highestMainPort, isValidPort, lowestMainPort, mainPortOf, parseRoles, roleOfPort, rolePort, rolePorts, type Role } from '../ports.js';
import { CLIENT_ROLES, choiceFlag, integerFlag, safeFlagValues, singleFlag, type RawFlag } from './lb-options.js';
import { assertNoZoneId, assertSafeValue } from './safe-value.js';

export const DOCKER_FORMATS = ['all', 'run', 'compose', 'k8s'] as const;
export type DockerFormat = (typeof DOCKER_FORMATS)[number];

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export interface KubernetesOptions {
  readonly name: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly serviceType: ServiceType;
  /** Also emit the headless Service a StatefulSet cluster uses for peer discovery. */
  readonly headless: boolean;
}

export interface DockerOptions {
  /** Host address the ports are bound to; undefined publishes on every interface. */
  readonly hostIp: string | undefined;
  readonly hostMainPort: number;
  readonly containerMainPort: number;
  readonly roles: readonly Role[];
  readonly format: DockerFormat;
  /** Set when a Kubernetes Service is wanted (`--k8s` or `--format k8s`). */
  readonly kubernetes: KubernetesOptions | undefined;
}

export interface PublishMapping {
  readonly hostIp: string | undefined;
  readonly hostPort: number;
  readonly containerPort: number;
}

/** `HOST:CONTAINER`, `IP:HOST:CONTAINER`, `[v6]:HOST:CONTAINER`, each optionally with `/tcp`. */
export function parsePublish(input: string): PublishMapping {
  const spec = parsePortSpec(input);
  const refuse = (why: string): never => {
    throw new UsageError(`--publish ${why}`, { code: 'ERR_OPTION_VALUE' });
  };
  if (typeof spec === 'string') return refuse(`${spec}; expected [IP:]HOSTPORT:CONTAINERPORT, e.g. 18848:8848`);
  if (spec.protocol !== 'tcp') refuse(`"${input}": Nacos ports are TCP; drop /${spec.protocol}`);
  if (spec.hostPorts === undefined) refuse(`"${input}": a bare container port gets a random host port, which breaks the offsets; give HOSTPORT:CONTAINERPORT, e.g. 18848:8848`);
  if (spec.hostPorts![0] !== spec.hostPorts![1] || spec.containerPorts[0] !== spec.containerPorts[1]) refuse(`"${input}": give one port per --publish, not a range`);
  assertNoZoneId(spec.hostIp, '--publish address');
  return { hostIp: spec.hostIp, hostPort: spec.hostPorts![0], containerPort: spec.containerPorts[0] };
}

interface Anchor {
  readonly mapping: PublishMapping;
  readonly role: Role;
  readonly hostMainPort: number;
  readonly input: string;
}

function anchorOf(input: string, containerMainPort: number): Anchor {
  const mapping = parsePublish(input);
  const role = roleOfPort(containerMainPort, mapping.containerPort);
  if (role === undefined) {
    const ports = ROLES.map((r) => `${rolePort(containerMainPort, r, ROLES)} (${r})`).join(', ');
    throw new UsageError(
      `--publish "${input}": container port ${mapping.containerPort} is not a Nacos port of a server on ${containerMainPort}: those are ${ports}; ` +
        'if Nacos listens on another main port (NACOS_APPLICATION_PORT), pass --container-port',
      { code: 'ERR_OPTION_VALUE' },
    );
  }
  const hostMainPort = mainPortOf(mapping.hostPort, role);
  if (!isValidPort(hostMainPort)) {
    throw new UsageError(
      `--publish "${input}": ${role} is published on ${formatOffset(role).replace('P', 'H')}, so the host main port H would be ${hostMainPort}, which does not exist; ` +
        `publish container port ${mapping.containerPort} on a host port from ${rolePort(lowestMainPort(['main', role]), role, ['main', role])} to ${rolePort(highestMainPort(['main', role]), role, ['main', role])}`,
      { code: 'ERR_PORT_RANGE' },
    );
  }
  return { mapping, role, hostMainPort, input };
}

/** All anchors must name the same host main port and host IP, or the offsets are broken. */
function agree(anchors: readonly Anchor[]): Anchor {
  const first = anchors[0]!;
  for (const anchor of anchors.slice(1)) {
    if (anchor.hostMainPort !== first.hostMainPort) {
      const expected = first.hostMainPort + (anchor.mapping.hostPort - anchor.hostMainPort);
      throw new UsageError(
        `--publish "${first.input}" and --publish "${anchor.input}" break the offset rule: clients dial host port ${formatOffset(anchor.role).replace('P', 'H')} ` +
          `for ${anchor.role}, so with ${first.mapping.hostPort}:${first.mapping.containerPort} it must be ${expected}:${anchor.mapping.containerPort}`,
        { code: 'ERR_OFFSET' },
      );
    }
    if (anchor.mapping.hostIp !== first.mapping.hostIp) {
      throw new UsageError(`--publish "${first.input}" and --publish "${anchor.input}" bind different host addresses; clients need all ports on one address`, {
        code: 'ERR_OFFSET',
      });
    }
  }
  return first;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,52}[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function parseSelector(values: readonly string[], name: string): Record<string, string> {
  if (values.length === 0) return { app: name };
  const selector: Record<string, string> = {};
  for (const item of values.flatMap((value) => value.split(','))) {
    const [key, value, extra] = item.split('=');
    if (key === undefined || value === undefined || extra !== undefined || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
      throw new UsageError(`--selector "${item}" is not a Kubernetes label KEY=VALUE, e.g. app=nacos`, { code: 'ERR_OPTION_VALUE' });
    }
    selector[key] = value;
  }
  return selector;
}

/** Kubernetes' default NodePort range (kube-apiserver --service-node-port-range). */
export const NODE_PORT_RANGE = Object.freeze([30000, 32767] as const);

/** A NodePort Service keeps the offsets only if every nodePort is H+offset inside the range. */
function assertNodePorts(hostMainPort: number, roles: readonly Role[]): void {
  const [low, high] = NODE_PORT_RANGE;
  const ports = [...rolePorts(hostMainPort, roles)];
  const outside = ports.find(([, port]) => port < low || port > high);
  if (outside) {
    const offsets = roles.map((role) => ROLE_OFFSETS[role]);
    const first = low - Math.min(...offsets);
    const last = high - Math.max(...offsets);
    throw new UsageError(
      `--service-type NodePort: the ${outside[0]} nodePort would be ${outside[1]}, outside Kubernetes' NodePort range ${low}-${high}; ` +
        `use a --host-port from ${first} to ${last} so every nodePort (H, H+1000, ...) fits`,
      { code: 'ERR_PORT_RANGE' },
    );
  }
}

export interface DockerFlags {
  readonly 'host-port'?: RawFlag;
  readonly publish?: RawFlag;
  readonly 'container-port'?: RawFlag;
  readonly 'host-ip'?: RawFlag;
  readonly roles?: RawFlag;
  readonly format?: RawFlag;
  readonly k8s?: boolean;
  readonly name?: RawFlag;
  readonly selector?: RawFlag;
  readonly 'service-type'?: RawFlag;
  readonly headless?: boolean;
}

export function resolveDockerOptions(flags: DockerFlags): DockerOptions {
  const containerMainPort = integerFlag(flags['container-port'], '--container-port', DEFAULT_MAIN_PORT, 1, 65535);
  const publishes = safeFlagValues(flags.publish, '--publish');
  const hostPortFlag = singleFlag(flags['host-port'], '--host-port');
  if (publishes.length > 0 && hostPortFlag !== undefined) {
    throw new UsageError('give either --host-port or --publish, not both', { code: 'ERR_OPTION_VALUE' });
  }
  let hostMainPort: number;
  let hostIp: string | undefined;
  const anchoredRoles: Role[] = [];
  if (publishes.length > 0) {
    const anchors = publishes.map((input) => anchorOf(input, containerMainPort));
    const anchor = agree(anchors);
    hostMainPort = anchor.hostMainPort;
    hostIp = anchor.mapping.hostIp;
    anchoredRoles.push(...anchors.map((a) => a.role));
  } else if (hostPortFlag !== undefined) {
    hostMainPort = integerFlag(hostPortFlag, '--host-port', 0, 1, 65535);
  } else {
    throw new UsageError('missing --host-port or --publish: e.g. --host-port 18848 or --publish 18848:8848', { code: 'ERR_MISSING_OPTION' });
  }
  const ipFlag = singleFlag(flags['host-ip'], '--host-ip');
  if (ipFlag !== undefined) {
    if (isIP(assertSafeValue(ipFlag, '--host-ip')) === 0) throw new UsageError(`--host-ip "${ipFlag}" is not an IP address`, { code: 'ERR_OPTION_VALUE' });
    assertNoZoneId(ipFlag, '--host-ip');
    if (hostIp !== undefined && hostIp !== ipFlag) throw new UsageError(`--host-ip ${ipFlag} contradicts --publish address ${hostIp}`, { code: 'ERR_OPTION_VALUE' });
    hostIp = ipFlag;
  }
  const roleValues = safeFlagValues(flags.roles, '--roles');
  const roles = parseRoles([...(roleValues.length > 0 ? roleValues : CLIENT_ROLES), ...anchoredRoles]);
  rolePorts(hostMainPort, roles);
  rolePorts(containerMainPort, roles);
  // With --k8s the manifests alone by default, so `--k8s --out svc.yaml` is a file kubectl applies.
  const format = choiceFlag(flags.format, '--format', DOCKER_FORMATS, flags.k8s === true ? 'k8s' : 'all');
  if (flags.k8s === true && (format === 'run' || format === 'compose')) {
    throw new UsageError(`--k8s prints Kubernetes Services, but --format ${format} prints none; drop --k8s, or use --format all (everything) or k8s`, { code: 'ERR_OPTION_VALUE' });
  }
  const wantsKubernetes = flags.k8s === true || format === 'k8s';
  for (const flag of ['name', 'selector', 'service-type', 'headless'] as const) {
    if (flags[flag] !== undefined && flags[flag] !== false && !wantsKubernetes) {
      throw new UsageError(`--${flag} only applies with --k8s`, { code: 'ERR_OPTION_VALUE' });
    }
  }
  let kubernetes: KubernetesOptions | undefined;
  if (wantsKubernetes) {
    const name = assertSafeValue(singleFlag(flags.name, '--name') ?? 'nacos', '--name');
    if (!DNS_LABEL.test(name)) {
      throw new UsageError(`--name "${name}" is not a Kubernetes Service name: lower-case letters, digits and "-", starting with a letter, at most 54 characters`, {
        code: 'ERR_OPTION_VALUE',
      });
    }
    const serviceType = choiceFlag(flags['service-type'], '--service-type', SERVICE_TYPES, 'ClusterIP');
    if (serviceType === 'NodePort') assertNodePorts(hostMainPort, roles);
    kubernetes = {
      name,
      selector: parseSelector(safeFlagValues(flags.selector, '--selector'), name),
      serviceType,
      headless: flags.headless === true,
    };
  }
  return Object.freeze({ hostIp, hostMainPort, containerMainPort, roles, format, kubernetes });
}
