/**
 * `nacos-doctor demo`: the check against a simulated cluster, nacos-proxy and a broken nginx
 * front. Ctrl-C or SIGTERM stop the demo cleanly: nginx runs in its own process group (so that
 * it can be stopped with its workers) and would not see a terminal's Ctrl-C, and its temporary
 * directory would stay behind; the demo stops everything it started, then exits 130.
 */
import { DEMO_INTERRUPTED, runDemo } from '../demo/demo.js';
import { textStyleFor } from '../doctor/render-text.js';
import { createLogger } from '../log.js';
import type { CliIo } from './io.js';

export async function runDemoCommand(io: CliIo): Promise<number> {
  const interrupt = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) io.onSignal(signal, () => interrupt.abort(new Error(`${signal}`)));
  const code = await runDemo({ out: io.stdout, style: textStyleFor(io.stdout, io.env), logger: createLogger({ level: 'warn', name: 'nacos-doctor' }), signal: interrupt.signal });
  if (code === DEMO_INTERRUPTED) io.stderr.write('nacos-doctor: demo interrupted; stopped nginx, nacos-proxy and the simulated cluster\n');
  return code;
}
