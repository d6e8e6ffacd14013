/**
 * Where the members of a simulated cluster listen: member i on main port P + i*step, with its
 * P+1000 and P+1001. Pure checks of a layout, shared by the library and the nacos-sim CLI (which
 * checks before it listens anywhere).
 */
import { UsageError } from '../errors.js';
import { MAX_PORT, ROLE_OFFSETS, highestMainPort, lowestMainPort, type Role } from '../ports.js';

/** The ports of one member. */
export const SIM_ROLES = ['main', 'client-grpc', 'cluster-grpc'] as const satisfies readonly Role[];
export type SimRole = (typeof SIM_ROLES)[number];

export const DEFAULT_STEP = 10;
export const MAX_NODES = 50;

/**
 * Refuses member layouts where one member's port would be another's: with k members apart,
 * k*step must not be 1 (P+1000 vs P+1001), 1000 (P vs P+1000) or 1001 (P vs P+1001).
 */
export function checkLayout(nodes: number, step: number): void {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new UsageError(`--nodes ${nodes} is not a member count: use 1 to ${MAX_NODES}`, { code: 'ERR_SIM_NODES' });
  }
  if (!Number.isInteger(step) || step < 2) throw new UsageError(`--step ${step} is too small: use 2 or more (10 is the default)`, { code: 'ERR_SIM_STEP' });
  for (let k = 1; k < nodes; k += 1) {
    if ([ROLE_OFFSETS['client-grpc'], ROLE_OFFSETS['cluster-grpc']].includes(k * step)) {
      throw new UsageError(`--step ${step} makes member ${k}'s main port equal another member's gRPC port: choose a step that no multiple up to ${(nodes - 1) * step} hits 1000 or 1001`, {
        code: 'ERR_SIM_STEP',
      });
    }
  }
}

/**
 * Refuses a main port P that leaves a member's ports outside 1-65535: the last member listens
 * on P+(N-1)*step up to P+(N-1)*step+1001.
 */
export function checkBasePort(basePort: number, nodes: number, step: number): void {
  const spread = (nodes - 1) * step;
  const highest = highestMainPort(SIM_ROLES) - spread;
  const lowest = lowestMainPort(SIM_ROLES);
  const layout = nodes === 1 ? '' : ` for ${nodes} members ${step} apart`;
  if (highest < lowest) {
    throw new UsageError(`${nodes} members ${step} apart do not fit below port ${MAX_PORT} whatever --port is: use fewer --nodes or a smaller --step`, { code: 'ERR_PORT_RANGE' });
  }
  if (!Number.isInteger(basePort) || basePort < lowest) {
    throw new UsageError(`--port ${basePort} is not a TCP port: choose --port from ${lowest} to ${highest}${layout}`, { code: 'ERR_PORT_RANGE' });
  }
  if (basePort > highest) {
    const whose = nodes === 1 ? 'its' : `member ${nodes - 1}'s`;
    const last = basePort + spread + ROLE_OFFSETS['cluster-grpc'];
    throw new UsageError(`--port ${basePort} puts ${whose} cluster gRPC port (P+1001) at ${last}, past ${MAX_PORT}: choose --port from ${lowest} to ${highest}${layout}`, {
      code: 'ERR_PORT_RANGE',
    });
  }
}

/** The extra offsets (from P) the other members need free, for findFreeBasePort. */
export function memberOffsets(nodes: number, step: number): number[] {
  const offsets: number[] = [];
  for (let i = 1; i < nodes; i += 1) for (const role of SIM_ROLES) offsets.push(i * step + ROLE_OFFSETS[role]);
  return offsets;
}

