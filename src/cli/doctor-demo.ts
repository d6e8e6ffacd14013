/** `nacos-doctor demo`: the check against a simulated cluster, nacos-proxy and a broken nginx front. */
import { runDemo } from '../demo/demo.js';
import { textStyleFor } from '../doctor/render-text.js';
import { createLogger } from '../log.js';
import type { CliIo } from './io.js';

export async function runDemoCommand(io: CliIo): Promise<number> {
  return runDemo({ out: io.stdout, style: textStyleFor(io.stdout, io.env), logger: createLogger({ level: 'warn', name: 'nacos-doctor' }) });
}
