/**
 * `nacos-doctor demo` (`npm run demo`): nacos-doctor check against a real wire-level setup in
 * one command. It starts a 3-member nacos-sim cluster on loopback, nacos-proxy in front of it
 * and, where nginx is installed, an nginx front that terminates HTTP/2 on the gRPC port (a
 * known way to break Nacos); then checks each and prints the reports. The demo fails (exit 1)
 * if a report is not what it should be: the first two clean, the nginx one naming the cause.
 */
import { formatHostPort } from '../address.js';
import { resolveCheckOptions } from '../doctor/check-options.js';
import { runCheck } from '../doctor/check.js';
import { renderText, type TextStyle } from '../doctor/render-text.js';
import { allFindings, exitCodeOf, type Report } from '../doctor/report.js';
import { describeError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { findFreeBasePort } from '../net/free-port.js';
import { resolveProxyOptions } from '../proxy/options.js';
import { NacosProxy } from '../proxy/proxy.js';
import { SimCluster } from '../sim/cluster.js';
import { brokenFrontConfig, findNginx, startNginx, type RunningNginx } from './nginx-front.js';

export interface DemoIo {
  readonly out: { write(text: string): unknown };
  readonly style: TextStyle;
  readonly logger?: Logger;
  /** Ctrl-C: stops the check under way, then everything the demo started is stopped and removed. */
  readonly signal?: AbortSignal;
}

/** The demo's exit code when it was interrupted (128 + SIGINT, as a shell reports it). */
export const DEMO_INTERRUPTED = 130;

const HOST = '127.0.0.1';

interface Scenario {
  readonly title: string;
  readonly address: string;
  /** What the report must show for the demo to have worked. */
  readonly expect: (report: Report) => boolean;
  readonly expected: string;
}

const clean = (report: Report): boolean => exitCodeOf(report) === 0;

function rule(text: string, style: TextStyle): string {
  const line = `== ${text} `.padEnd(100, '=');
  return style.color ? `\u001b[1m${line}\u001b[0m` : line;
}

async function check(address: string, logger: Logger, signal: AbortSignal): Promise<Report> {
  return runCheck(resolveCheckOptions({ address: [address] }, {}), { logger, signal });
}

export async function runDemo(io: DemoIo): Promise<number> {
  const logger = io.logger ?? silentLogger();
  const signal = io.signal ?? new AbortController().signal;
  const write = (text: string): void => void io.out.write(text);
  write(`nacos-doctor demo: a 3-member nacos-sim cluster on ${HOST}, checked directly, through nacos-proxy, and through a broken nginx front.\n\n`);
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const cluster = await SimCluster.start({ nodes: 3, host: HOST, logger });
    cleanup.push(() => cluster.close());
    if (signal.aborted) return DEMO_INTERRUPTED;
    const member = cluster.member(0).addresses;
    const scenarios: Scenario[] = [
      {
        title: `1. directly to member 0 (nacos-sim, Nacos 2.5.1 on the wire): ${member.serverAddr}`,
        address: member.serverAddr,
        expect: clean,
        expected: 'no failure',
      },
    ];

    const proxyBase = await findFreeBasePort({ host: HOST, roles: ['main', 'client-grpc', 'cluster-grpc'] });
    const { options } = resolveProxyOptions({ flags: { listen: formatHostPort(HOST, proxyBase), upstream: cluster.serverAddr.split(',') }, env: {} });
    const proxy = new NacosProxy(options, { logger });
    await proxy.start();
    cleanup.push(() => proxy.close());
    if (signal.aborted) return DEMO_INTERRUPTED;
    scenarios.push({
      title: `2. through nacos-proxy (plain TCP, offsets kept): ${formatHostPort(HOST, proxyBase)} -> the 3 members`,
      address: formatHostPort(HOST, proxyBase),
      expect: clean,
      expected: 'no failure: the proxy is invisible except as L4',
    });

    const nginx = findNginx();
    let nginxSkipped: string | undefined;
    if ('missing' in nginx) {
      nginxSkipped = nginx.missing;
    } else {
      const frontBase = await findFreeBasePort({ host: HOST, roles: ['main', 'client-grpc'] });
      try {
        const running: RunningNginx = await startNginx(nginx.path, (dir) =>
          brokenFrontConfig(dir, HOST, frontBase, cluster.members.map((m) => ({ host: m.host, mainPort: m.mainPort }))),
        );
        cleanup.push(() => running.stop());
        if (signal.aborted) return DEMO_INTERRUPTED;
        scenarios.push({
          title: `3. through nginx with "listen … http2; grpc_pass" on the gRPC port: ${formatHostPort(HOST, frontBase)}`,
          address: formatHostPort(HOST, frontBase),
          expect: (report) => allFindings(report).some((finding) => finding.cause === 'H2_TERMINATING_PROXY' || finding.cause === 'CONNECTION_SPLIT'),
          expected: 'the HTTP/2 termination and the split connection found, with the fix',
        });
      } catch (error) {
        nginxSkipped = `nginx did not start: ${describeError(error)}`;
      }
    }

    const surprises: string[] = [];
    for (const scenario of scenarios) {
      write(`${rule(scenario.title, io.style)}\n$ nacos-doctor check ${scenario.address}\n\n`);
      const report = await check(scenario.address, logger, signal);
      // A check stopped half-way reports failures that are not the setup's: print none of it.
      if (signal.aborted) return DEMO_INTERRUPTED;
      write(renderText(report, io.style));
      write('\n');
      if (!scenario.expect(report)) surprises.push(`${scenario.title}: expected ${scenario.expected}`);
    }
    if (nginxSkipped !== undefined) write(`${rule('3. nginx HTTP/2 front: skipped', io.style)}\n${nginxSkipped}\n\n`);
    if (surprises.length > 0) {
      write(`demo: ${surprises.length} report(s) not as expected:\n${surprises.map((line) => `  ${line}`).join('\n')}\n`);
      return 1;
    }
    write(
      `demo: every report as expected${nginxSkipped === undefined ? '' : ' (the nginx part was skipped)'}. ` +
        'Run it on your own setup: nacos-doctor check <serverAddr> [--hold 90s] [--json]\n',
    );
    return 0;
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}
