/**
 * TCP, the "telnet check": connect to P, P+1000, P+1001 (and P-1000 with --cluster) and close.
 * Refused, timed out, reset and unreachable are told apart, because each has its own cause: no
 * listener, a firewall that drops, a proxy that gives up, no route. From a client network the
 * server-to-server ports need not be reachable, so they only warn unless --cluster.
 */
import { formatHostPort } from '../../address.js';
import { ConnectError, dial, type ConnectFailure } from '../../net/dial.js';
import { safeRolePort } from '../../ops/upgrade-guide.js';
import { formatOffset, type Role } from '../../ports.js';
import { advice, type CheckCause } from '../advice.js';
import type { CheckOptions } from '../check-options.js';
import { failureOf, formatMs } from '../failure.js';
import { observedGrpcOnMainPort } from '../observed.js';
import type { ObservingProbe, Observations, Target } from '../probe.js';
import type { Finding, Status } from '../report.js';

export type DialOutcome = 'open' | 'refused' | 'timeout' | 'reset' | 'unreachable' | 'error' | 'no-port';

export interface PortDial {
  readonly role: Role;
  /** Undefined when P + offset is not a TCP port (outcome `no-port`). */
  readonly port: number | undefined;
  readonly outcome: DialOutcome;
  readonly elapsedMs: number;
  readonly errno?: string;
}

export interface TcpObservation {
  readonly dials: readonly PortDial[];
}

const OUTCOME_OF: Readonly<Record<ConnectFailure, DialOutcome>> = {
  ERR_CONNECT_REFUSED: 'refused',
  ERR_CONNECT_TIMEOUT: 'timeout',
  ERR_CONNECT_RESET: 'reset',
  ERR_CONNECT_UNREACHABLE: 'unreachable',
  ERR_CONNECT_DNS: 'error',
  ERR_CONNECT: 'error',
};

/** The roles whose ports a client (or, with --cluster, a member) needs. */
export function checkedRoles(options: Pick<CheckOptions, 'cluster'>): Role[] {
  return options.cluster ? ['main', 'client-grpc', 'cluster-grpc', 'raft'] : ['main', 'client-grpc', 'cluster-grpc'];
}

async function dialOnce(host: string, port: number | undefined, role: Role, timeoutMs: number, signal: AbortSignal): Promise<PortDial> {
  if (port === undefined) return { role, port, outcome: 'no-port', elapsedMs: 0 };
  const started = performance.now();
  try {
    const socket = await dial({ host, port, timeoutMs, signal });
    socket.destroy();
    return { role, port, outcome: 'open', elapsedMs: performance.now() - started };
  } catch (error) {
    const elapsedMs = performance.now() - started;
    if (error instanceof ConnectError) return { role, port, outcome: OUTCOME_OF[error.code as ConnectFailure] ?? 'error', elapsedMs, errno: error.errno };
    return { role, port, outcome: 'error', elapsedMs, errno: failureOf(error).errno ?? failureOf(error).code };
  }
}

/** Server-to-server ports: a client never needs them, so missing them is only fatal with --cluster. */
function serverSide(role: Role): boolean {
  return role === 'cluster-grpc' || role === 'raft';
}

const CAUSE_OF: Readonly<Record<Exclude<DialOutcome, 'open'>, (role: Role) => CheckCause>> = {
  refused: (role) => (role === 'main' ? 'MAIN_PORT_CLOSED' : role === 'client-grpc' ? 'GRPC_PORT_CLOSED' : 'SERVER_PORT_CLOSED'),
  timeout: () => 'PORT_FILTERED',
  reset: () => 'PORT_RESET',
  unreachable: () => 'HOST_UNREACHABLE',
  error: () => 'PORT_FILTERED',
  'no-port': () => 'NO_SUCH_PORT',
};

const WHAT_HAPPENED: Readonly<Record<Exclude<DialOutcome, 'open'>, string>> = {
  refused: 'refused',
  timeout: 'no answer (timed out)',
  reset: 'reset by peer',
  unreachable: 'unreachable',
  error: 'failed',
  'no-port': 'is not a TCP port',
};

const PORT_NAMES: Readonly<Record<Role, string>> = { main: 'main port', 'client-grpc': 'client gRPC port', 'cluster-grpc': 'cluster gRPC port', raft: 'Raft port' };

function portName(target: Target, dialed: PortDial): string {
  const where = dialed.port === undefined ? '' : ` ${formatHostPort(target.ip ?? target.address.host, dialed.port)}`;
  return `${PORT_NAMES[dialed.role]} ${formatOffset(dialed.role)}${where}`;
}

export function classifyTcp(observed: Observations, target: Target, options: CheckOptions): Finding[] {
  const tcp = observed.tcp;
  if (tcp === undefined) return [];
  return tcp.dials.map((dialed): Finding => {
    const data = { role: dialed.role, port: dialed.port ?? null, outcome: dialed.outcome, errno: dialed.errno ?? null };
    if (dialed.outcome === 'open') {
      return {
        check: `tcp.${dialed.role}`,
        status: 'ok',
        title: `${portName(target, dialed)} accepts connections`,
        evidence: `connected in ${formatMs(dialed.elapsedMs)}`,
        elapsedMs: dialed.elapsedMs,
        data,
      };
    }
    if (dialed.role !== 'main' && observedGrpcOnMainPort(observed) !== undefined) {
      // P is itself a gRPC port: P+1000 and beyond are not what clients need; the address finding says what is.
      return {
        check: `tcp.${dialed.role}`,
        status: 'info',
        title: `${portName(target, dialed)} ${WHAT_HAPPENED[dialed.outcome]}: expected, the address is itself a gRPC port (see address)`,
        evidence: `${dialed.errno ?? dialed.outcome} after ${formatMs(dialed.elapsedMs)}`,
        elapsedMs: dialed.elapsedMs,
        data,
      };
    }
    const cause = CAUSE_OF[dialed.outcome](dialed.role);
    const status: Status = serverSide(dialed.role) && !options.cluster ? 'warn' : 'fail';
    const { explanation, fix } = advice(cause, { target, observed, options, role: dialed.role, ...(dialed.port === undefined ? {} : { port: dialed.port }) });
    return {
      check: `tcp.${dialed.role}`,
      status,
      title: `${portName(target, dialed)} ${WHAT_HAPPENED[dialed.outcome]}`,
      evidence: dialed.outcome === 'no-port' ? `P=${target.port}` : `${dialed.errno ?? dialed.outcome} after ${formatMs(dialed.elapsedMs)}`,
      cause,
      explanation,
      fix,
      elapsedMs: dialed.elapsedMs,
      data,
    };
  });
}

export const tcpProbe: ObservingProbe<'tcp'> = {
  name: 'tcp',
  async observe(target, context) {
    const timeoutMs = context.remaining();
    const dials = await Promise.all(
      checkedRoles(context.options).map((role) => dialOnce(target.ip, safeRolePort(target.port, role), role, timeoutMs, context.signal)),
    );
    return { dials };
  },
  classify: classifyTcp,
};
