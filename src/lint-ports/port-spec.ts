/**
 * Docker's port publishing syntax, as `docker run -p` and compose `ports:` write it:
 * `[IP:][HOSTPORT[-END]:]CONTAINERPORT[-END][/PROTOCOL]`, IPv6 host addresses in brackets.
 * Pure; returns a description of what is wrong instead of throwing, so callers can report it.
 */
import { isIP } from 'node:net';
import { isValidPort } from '../ports.js';

export interface PortSpec {
  readonly hostIp: string | undefined;
  /** Undefined when docker picks the host port. */
  readonly hostPorts: readonly [number, number] | undefined;
  readonly containerPorts: readonly [number, number];
  readonly protocol: string;
}

export interface PublishedPort {
  /** Undefined when docker picks the host port. */
  readonly hostPort: number | undefined;
  readonly containerPort: number;
}

function range(text: string): [number, number] | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!match) return undefined;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return isValidPort(low) && isValidPort(high) && low <= high ? [low, high] : undefined;
}

export function parsePortSpec(input: string): PortSpec | string {
  const slash = input.lastIndexOf('/');
  const protocol = slash < 0 ? 'tcp' : input.slice(slash + 1).toLowerCase();
  let text = slash < 0 ? input : input.slice(0, slash);
  let hostIp: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return `"${input}": expected [IPv6]:HOSTPORT:CONTAINERPORT`;
    hostIp = text.slice(1, close);
    text = text.slice(close + 2);
  }
  const parts = text.split(':');
  if (hostIp === undefined && parts.length > 2) hostIp = parts.splice(0, parts.length - 2).join(':');
  if (hostIp !== undefined && isIP(hostIp) === 0) return `"${input}": "${hostIp}" is not an IP address`;
  if (parts.length > 2) return `"${input}": too many ":"`;
  const containerPorts = range(parts[parts.length - 1]!);
  if (containerPorts === undefined) return `"${input}": "${parts[parts.length - 1]}" is not a container port or range`;
  const hostText = parts.length === 2 ? parts[0]! : '';
  const hostPorts = hostText === '' ? undefined : range(hostText);
  if (hostText !== '' && hostPorts === undefined) return `"${input}": "${hostText}" is not a host port or range`;
  return { hostIp, hostPorts, containerPorts, protocol };
}

/** The host -> container pairs a spec publishes; a host range for one container port picks any, so it counts as random. */
export function publishedPorts(spec: PortSpec): PublishedPort[] {
  const [low, high] = spec.containerPorts;
  const pairs: PublishedPort[] = [];
  for (let port = low; port <= high; port += 1) {
    const host = spec.hostPorts !== undefined && spec.hostPorts[1] - spec.hostPorts[0] === high - low ? spec.hostPorts[0] + (port - low) : undefined;
    pairs.push({ hostPort: host, containerPort: port });
  }
  return pairs;
}
