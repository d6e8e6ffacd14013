/**
 * The server-side keepalive (NACOS-FACTS.md §1.3 step 7): when a registered connection has
 * shown no activity for `clientDetectionAfterMs` (Nacos: 20 s), the server pushes
 * ClientDetectionRequest on the bi-stream; without a ClientDetectionResponse within
 * `clientDetectionTimeoutMs` (5 s) the connection is unregistered and closed.
 *
 * Nacos scans every 3 s; here each connection gets its own timer at the exact idle deadline,
 * so tests can use short times without waiting for a scan.
 */
import type { SimConnection } from './connection.js';
import type { SimContext } from './sim-context.js';

/** Starts watching `connection`; returns the function that stops it. */
export function watchClientActivity(connection: SimConnection, context: SimContext, onDead: (connection: SimConnection) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    if (stopped) return;
    const idle = Date.now() - connection.lastActive;
    timer = setTimeout(check, Math.max(0, context.timing.clientDetectionAfterMs - idle));
    timer.unref();
  };
  const check = (): void => {
    if (stopped) return;
    // A frozen (black-holed) member does not run its ejector either.
    if (context.settings.faults.blackHole || Date.now() - connection.lastActive < context.timing.clientDetectionAfterMs) {
      schedule();
      return;
    }
    context.log.debug({ connectionId: connection.id }, 'client idle: pushing ClientDetectionRequest');
    connection.push('ClientDetectionRequest', {}, context.timing.clientDetectionTimeoutMs).then(
      () => {
        connection.touch();
        schedule();
      },
      (error: unknown) => {
        if (stopped) return;
        context.log.info({ connectionId: connection.id, err: error }, 'client did not answer ClientDetectionRequest: unregistering the connection');
        onDead(connection);
      },
    );
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
