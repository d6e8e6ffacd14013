/**
 * Whether the address itself names the wrong port, no I/O of its own: a client given a gRPC
 * port (P+1000, e.g. 9848) as its serverAddr sends HTTP to it, and the server logs
 * `Unexpected HTTP/1.x request` (NACOS-FACTS §4 case 17, §5.4). The HTTP probe saw the port
 * answer HTTP/1.1 with HTTP/2; this finding leads the section, because every other failure of
 * the address (P+1000 refused, no HTTP API) follows from it.
 */
import { isValidPort, mainPortOf } from '../../ports.js';
import { advice } from '../advice.js';
import { observedGrpcOnMainPort } from '../observed.js';
import type { Observations, ReasoningProbe, Target } from '../probe.js';
import type { Finding } from '../report.js';

export function classifyAddress(observed: Observations, target: Target): Finding[] {
  const evidence = observedGrpcOnMainPort(observed);
  if (evidence === undefined) return [];
  const main = mainPortOf(target.port, 'client-grpc');
  const { explanation, fix } = advice('ADDRESS_IS_GRPC_PORT', { target, observed, detail: evidence });
  return [
    {
      check: 'address',
      status: 'fail',
      title: `${target.port} is a Nacos gRPC port, not the main port: give the clients ${isValidPort(main) ? main : 'the main port'} (${target.port} - 1000)`,
      evidence,
      cause: 'ADDRESS_IS_GRPC_PORT',
      explanation,
      fix,
      data: { port: target.port, mainPort: isValidPort(main) ? main : null },
    },
  ];
}

export const addressProbe: ReasoningProbe = { name: 'address', classify: classifyAddress };
