/**
 * Facts several classifiers need from other probes' observations: the server's own state, the
 * member list, the main port as the server sees it. Pure accessors, so every classifier reads
 * them the same way.
 */
import type { ClusterNode } from '../nacos/cluster-nodes.js';
import type { ServerState } from '../nacos/server-state.js';
import { parseNacosVersion } from '../nacos/server-version.js';
import type { Role } from '../ports.js';
import { formatSettings, readServerHello, startsWithSettings } from './h2-fingerprint.js';
import type { Observations } from './probe.js';
import type { PortDial } from './probes/tcp.js';

/** The server state from the v3 API, else v1 (1.x-3.1). */
export function observedState(observed: Observations): ServerState | undefined {
  const state = observed.http?.state;
  if (state === undefined) return undefined;
  if (state.v3.ok) return state.v3.value;
  if (state.v1.ok) return state.v1.value;
  return undefined;
}

/** The member's own main port as it reports it (2.3+ `server_port`). */
export function observedServerPort(observed: Observations): number | undefined {
  return observedState(observed)?.serverPort;
}

export function observedMembers(observed: Observations): readonly ClusterNode[] | undefined {
  const members = observed.members;
  if (members === undefined) return undefined;
  if (members.v1.ok) return members.v1.value;
  if (members.v3.ok) return members.v3.value;
  return undefined;
}

export function observedDial(observed: Observations, role: Role): PortDial | undefined {
  return observed.tcp?.dials.find((dialed) => dialed.role === role);
}

/** The major version of the server, when it said. */
export function observedMajorVersion(observed: Observations): number | undefined {
  const version = observedState(observed)?.version;
  return version === undefined ? undefined : parseNacosVersion(version)?.major;
}

/**
 * When the dialled port answered an HTTP/1.1 request with HTTP/2 (a SETTINGS frame, as a gRPC
 * server that speaks first does): the evidence. The address is then a gRPC port (§4 case 17).
 */
export function observedGrpcOnMainPort(observed: Observations): string | undefined {
  for (const outcome of Object.values(observed.http?.readiness ?? {})) {
    if (outcome.ok || outcome.failure.received === undefined) continue;
    const bytes = Buffer.from(outcome.failure.received, 'hex');
    if (!startsWithSettings(bytes)) continue;
    const hello = readServerHello(bytes);
    const settings = hello.settings ? ` ${formatSettings(hello.settings)}` : '';
    return `an HTTP/1.1 request was answered with an HTTP/2 SETTINGS frame${settings}${hello.goaway ? `, GOAWAY "${hello.goaway}"` : ''}`;
  }
  return undefined;
}
