/**
 * What each lint-ports cause means, in the words of the failure a user sees. Drawn from the
 * failure catalogue in NACOS-FACTS §4 (cases 1-14, 29) and the nginx facts of §5.
 */
import type { Finding } from '../doctor/report.js';
import { MIN_IDLE_TIMEOUT_MS } from '../generate/lb-options.js';

/** Below this a quiet gRPC connection is cut between heartbeats; the generators refuse it too. */
export const MIN_IDLE_MS = MIN_IDLE_TIMEOUT_MS;
/** Config listeners long-poll the HTTP API for 30 s (`long-pulling-timeout: 30000`, NACOS-FACTS §8). */
export const LONG_POLL_MS = 30_000;

export const LINT_CAUSES = [
  'GRPC_PORT_NOT_EXPOSED',
  'OFFSET_BROKEN',
  'GRPC_TO_MAIN_PORT',
  'GRPC_VIA_HTTP2_PROXY',
  'GRPC_VIA_HTTP1_PROXY',
  'MAIN_PORT_NOT_EXPOSED',
  'RANDOM_HOST_PORT',
  'IDLE_TIMEOUT_TOO_SHORT',
  'NO_TUNNEL_TIMEOUT',
  'LONG_POLL_TIMEOUT',
  'INGRESS_FOR_GRPC',
  'CONTAINER_PORT_MISSING',
  'APPLICATION_PORT_MISMATCH',
  'MEMBER_LEFT_OUT',
  'UNPARSABLE',
] as const;
export type LintCause = (typeof LINT_CAUSES)[number];

const EXPLANATIONS: Readonly<Record<LintCause, string>> = {
  GRPC_PORT_NOT_EXPOSED:
    'Nacos 2.x/3.x clients dial gRPC on the port they were given + 1000, on their side of every mapping. ' +
    'Without it they fail with "Client not connected, current status:STARTING" (Java clients also log "Server check fail").',
  OFFSET_BROKEN:
    'Clients compute the gRPC port as (the port they were given) + 1000, and members reach each other on +1001 and -1000, ' +
    'so the offsets must hold on the published side, not just inside the container: with 8082:8848 and 8083:9848 clients dial 9082, which goes nowhere.',
  GRPC_TO_MAIN_PORT:
    'The port clients dial for gRPC is forwarded to the member\'s HTTP port; the client fails with ' +
    '"Server check fail ... UNAVAILABLE: Network closed for unknown reason".',
  GRPC_VIA_HTTP2_PROXY:
    'Nacos binds a client\'s registration to its TCP connection. An HTTP/2-terminating proxy (nginx grpc_pass, HAProxy mode http, ' +
    'an Ingress) opens its own upstream connections, so the bi-stream and later requests land on different connections; Nacos answers ' +
    '"Connection is unregistered." (errorCode 301) and clients keep re-registering.',
  GRPC_VIA_HTTP1_PROXY:
    'An HTTP/1 proxy answers the client\'s HTTP/2 preface with "HTTP/1.1 400 Bad Request"; clients fail with ' +
    '"INTERNAL: http2 exception ... First received frame was not SETTINGS".',
  MAIN_PORT_NOT_EXPOSED:
    'Clients derive the gRPC port from the main port they are given, and log in and use the HTTP API on that main port; ' +
    'without it only clients configured with (gRPC port - 1000) and no login work.',
  RANDOM_HOST_PORT:
    'A port published without a fixed host port (or nodePort) gets a random one, so the gRPC port is not the main port + 1000 ' +
    'and changes on every restart.',
  IDLE_TIMEOUT_TOO_SHORT:
    'A healthy Nacos gRPC connection can be quiet for several seconds: the client sends its heartbeat only after 5 s idle ' +
    '(retried 3 x 3 s) and the server probes after 20 s. A shorter idle timeout closes it, and clients log ' +
    '"UNAVAILABLE: Network closed for unknown reason" every few seconds.',
  NO_TUNNEL_TIMEOUT:
    'In mode tcp HAProxy closes an established connection after timeout client/server of silence unless timeout tunnel is set; ' +
    'long-lived gRPC connections are then cut whenever they are quiet that long.',
  LONG_POLL_TIMEOUT:
    'Config listeners long-poll the HTTP API for 30 s (long-pulling-timeout 30000); a shorter read timeout answers them with 504 ' +
    'and they retry at once.',
  INGRESS_FOR_GRPC:
    'An Ingress routes HTTP only and splits gRPC over its own connections; clients dial (Ingress port) + 1000 and fail with ' +
    '"Client not connected, current status:STARTING".',
  CONTAINER_PORT_MISSING:
    'Old Nacos manifests list only 8848; Services that refer to the gRPC port by name, and readers of the manifest, need 9848 too.',
  APPLICATION_PORT_MISMATCH:
    'NACOS_APPLICATION_PORT sets the main port inside the container (server.port on 2.x, nacos.server.main.port on 3.x); Nacos ' +
    'listens on it and on its +1000, +1001 and -1000, not on 8848/9848/9849/7848 any more, so a mapping to a default port reaches nothing.',
  MEMBER_LEFT_OUT: 'A member that one port role is balanced to but another leaves out takes no share of that role.',
  UNPARSABLE: 'The file could not be read as the kind it looks like, so its port mappings could not be checked.',
};

export interface ProblemDetails {
  readonly status: 'fail' | 'warn';
  readonly title: string;
  /** The cause in the user's own ports; the general explanation of the cause otherwise. */
  readonly explanation?: string;
  readonly fix?: string;
  readonly evidence?: string;
  /** Undefined for a command line, which has no file to point into. */
  readonly file: string | undefined;
  readonly line?: number | undefined;
}

/** A finding for `cause`, with its explanation; the check id is the cause in kebab case. */
export function problem(cause: LintCause, details: ProblemDetails): Finding {
  return {
    check: `ports.${cause.toLowerCase().replaceAll('_', '-')}`,
    status: details.status,
    title: details.title,
    ...(details.evidence === undefined ? {} : { evidence: details.evidence }),
    cause,
    explanation: details.explanation ?? EXPLANATIONS[cause],
    ...(details.fix === undefined ? {} : { fix: details.fix }),
    ...(details.file === undefined ? {} : { location: { file: details.file, ...(details.line === undefined ? {} : { line: details.line }) } }),
  };
}
