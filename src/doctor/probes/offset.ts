/**
 * Port-offset reasoning, no I/O of its own: clients compute the gRPC port as (the port they were
 * given) + 1000 on their side of every VIP or mapping (NACOS-FACTS §2.1). Comparing the dialled
 * port with the member's own `server_port` (2.3+) tells whether something translates ports, and
 * the TCP and gRPC observations whether P+1000 then reaches the member's gRPC port. A VIP on a
 * port like 80 makes clients dial 1080 (§4 case 5).
 */
import { safeRolePort } from '../../ops/upgrade-guide.js';
import { advice } from '../advice.js';
import { observedDial, observedGrpcOnMainPort, observedServerPort } from '../observed.js';
import type { Observations, ReasoningProbe, Target } from '../probe.js';
import type { Finding } from '../report.js';

/** Ports a VIP or load balancer typically listens on, where + 1000 surprises people. */
export function isVipPort(port: number): boolean {
  return port < 1024;
}

/**
 * Whether clients' P+1000 reaches a Nacos gRPC server: true once a ServerCheck was answered
 * (even through a proxy that then splits the connection, which other findings report), false
 * when the port does not even accept connections, undefined when it cannot be told.
 */
function grpcReached(observed: Observations): boolean | undefined {
  const grpc = observed.grpc?.ports.find((port) => port.role === 'client-grpc');
  if (grpc?.serverCheck?.ok) return true;
  const dialed = observedDial(observed, 'client-grpc');
  return dialed === undefined || dialed.outcome === 'open' ? undefined : false;
}

export function classifyOffset(observed: Observations, target: Target): Finding[] {
  // Nothing to reason about without the main port (the TCP finding says why), or when the port given is a gRPC port (the address finding).
  if (observed.tcp === undefined || observedDial(observed, 'main')?.outcome !== 'open' || observedGrpcOnMainPort(observed) !== undefined) return [];
  const dialled = target.port;
  const clientGrpc = safeRolePort(dialled, 'client-grpc');
  if (clientGrpc === undefined) return [];
  const serverPort = observedServerPort(observed);
  const works = grpcReached(observed);
  const data = { dialledPort: dialled, clientGrpcPort: clientGrpc, serverPort: serverPort ?? null };
  if (serverPort === dialled) {
    if (works === false) {
      // The offset is right; that P+1000 is not reachable here is the TCP finding's to explain.
      return [
        {
          check: 'offset',
          status: 'info',
          title: `${dialled} is the member's own main port, so the offset is kept; but ${clientGrpc} on this address does not reach its gRPC port (see tcp.client-grpc)`,
          evidence: `server_port ${serverPort}`,
          data,
        },
      ];
    }
    return [
      {
        check: 'offset',
        status: 'ok',
        title: `${dialled} is the member's own main port, so clients' gRPC port ${clientGrpc} is the member's`,
        evidence: `server_port ${serverPort}`,
        data,
      },
    ];
  }
  if (serverPort !== undefined) {
    const mapping = `${dialled} -> ${serverPort}, clients dial ${clientGrpc} for gRPC`;
    if (works === true) {
      return [
        {
          check: 'offset',
          status: 'ok',
          title: `a VIP or mapping translates ${dialled} to the member's ${serverPort} and keeps the offset: ${clientGrpc} reaches gRPC`,
          evidence: `server_port ${serverPort}; ${mapping}`,
          data,
        },
      ];
    }
    if (works === false) {
      const { explanation, fix } = advice('OFFSET_NOT_KEPT', { target, observed, role: 'client-grpc', port: clientGrpc });
      return [
        {
          check: 'offset',
          status: 'fail',
          title: `a VIP or mapping translates ${dialled} to the member's ${serverPort}, but clients' gRPC port ${clientGrpc} does not reach the member's gRPC port`,
          evidence: `server_port ${serverPort}; ${mapping}`,
          cause: 'OFFSET_NOT_KEPT',
          explanation,
          fix,
          data,
        },
      ];
    }
    return [{ check: 'offset', status: 'info', title: `a VIP or mapping translates ${dialled} to the member's ${serverPort}; clients dial ${clientGrpc} for gRPC`, evidence: `server_port ${serverPort}`, data }];
  }
  const unreported = 'the member does not report its own port (Nacos before 2.3, or no HTTP answer)';
  if (isVipPort(dialled) && works === false) {
    // No member runs on a port like 80, so something translates it; say what it must expose.
    const { explanation, fix } = advice('OFFSET_NOT_KEPT', { target, observed, role: 'client-grpc', port: clientGrpc });
    return [
      {
        check: 'offset',
        status: 'fail',
        title: `a VIP on ${dialled} makes clients dial ${clientGrpc} for gRPC, and ${clientGrpc} does not reach a member's gRPC port: the VIP must expose ${clientGrpc}`,
        evidence: `${dialled} + 1000 = ${clientGrpc}; ${unreported}`,
        cause: 'OFFSET_NOT_KEPT',
        explanation,
        fix,
        data,
      },
    ];
  }
  if (works === true) {
    return [{ check: 'offset', status: 'ok', title: `clients given port ${dialled} dial ${clientGrpc} for gRPC, and it reaches a Nacos gRPC server`, evidence: unreported, data }];
  }
  const vip = isVipPort(dialled) ? ` (a VIP on ${dialled} makes clients dial ${clientGrpc}, not 9848)` : '';
  return [{ check: 'offset', status: 'info', title: `clients given port ${dialled} dial ${clientGrpc} for gRPC${vip}; ${unreported}`, data }];
}

export const offsetProbe: ReasoningProbe = { name: 'offset', classify: classifyOffset };
