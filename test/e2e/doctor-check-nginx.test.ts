/**
 * nacos-doctor check through the real nginx in front of a 3-member nacos-sim: the working TCP
 * (stream) front, and the broken ones users post (NACOS-FACTS §5.1): HTTP/2 termination with
 * grpc_pass, grpc_pass without http2, only the main port forwarded, a VIP on another port
 * without its +1000, idle timeouts that cut the connection. One nginx serves every front.
 * Skipped, with the reason in its name and on stderr, only where nginx or its stream module is
 * not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHostPort } from '../../src/address.js';
import { resolveCheckOptions, type CheckFlags } from '../../src/doctor/check-options.js';
import { runCheck } from '../../src/doctor/check.js';
import { exitCodeOf, type Finding, type Report } from '../../src/doctor/report.js';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { rolePort } from '../../src/ports.js';
import { startNginx, type RunningLoadBalancer } from '../helpers/load-balancers.js';
import { nginxSupport, skippedBecause } from '../helpers/lb-support.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';
import { startSim, type SimHarness } from '../helpers/sim.js';
import { runBin } from '../helpers/spawn.js';

const NGINX = nginxSupport();
const HOST = '127.0.0.1';
/** A second loopback address, so a front can listen on the members' own port number. */
const OTHER_HOST = '127.0.0.2';

function finding(report: Report, check: string): Finding {
  const found = report.sections.flatMap((section) => section.findings).filter((item) => item.check === check);
  expect(found, check).toHaveLength(1);
  return found[0]!;
}

function problems(report: Report): string[] {
  return report.sections.flatMap((section) => section.findings).filter((item) => item.status === 'warn' || item.status === 'fail').map((item) => `${item.check} ${item.cause ?? ''}`);
}

function check(flags: CheckFlags): Promise<Report> {
  return runCheck(resolveCheckOptions(flags, {}));
}

interface Fronts {
  readonly stream: number;
  readonly http2: number;
  readonly http1: number;
  readonly vip: number;
  readonly shortIdle: number;
  readonly http2ShortRead: number;
  readonly toMain: number;
}

function config(dir: string, sim: SimHarness, fronts: Fronts): string {
  const members = sim.cluster.members;
  const upstream = (name: string, role: 'main' | 'client-grpc'): string =>
    `upstream ${name} { ${members.map((member) => `server ${formatHostPort(member.host, rolePort(member.mainPort, role))};`).join(' ')} }`;
  const at = (port: number, role: 'main' | 'client-grpc' = 'main'): string => formatHostPort(HOST, rolePort(port, role));
  const first = members[0]!;
  return `
${NGINX.loadStream}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 256; }
stream {
  ${upstream('main', 'main')}
  ${upstream('grpc', 'client-grpc')}
  # What works: both ports as plain TCP.
  server { listen ${at(fronts.stream)}; proxy_pass main; }
  server { listen ${at(fronts.stream, 'client-grpc')}; proxy_pass grpc; }
  # Main ports of the broken fronts, fine on their own.
  server { listen ${at(fronts.http2)}; proxy_pass main; }
  server { listen ${at(fronts.http1)}; proxy_pass main; }
  server { listen ${at(fronts.http2ShortRead)}; proxy_pass main; }
  # Only P forwarded, on another address with the member's own port number.
  server { listen ${formatHostPort(OTHER_HOST, first.mainPort)}; proxy_pass ${formatHostPort(first.host, first.mainPort)}; }
  # A VIP on another port that forwards only the main port.
  server { listen ${at(fronts.vip)}; proxy_pass main; }
  # TCP, but an idle timeout shorter than the client heartbeat (failure case 10).
  server { listen ${at(fronts.shortIdle)}; proxy_pass main; }
  server { listen ${at(fronts.shortIdle, 'client-grpc')}; proxy_pass grpc; proxy_timeout 1s; }
  # Y+1000 forwarded to the members' main port instead of their gRPC port (failure case 6).
  server { listen ${at(fronts.toMain)}; proxy_pass main; }
  server { listen ${at(fronts.toMain, 'client-grpc')}; proxy_pass main; }
}
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  ${upstream('grpc', 'client-grpc')}
  # HTTP/2 termination with grpc_pass (failure cases 8, 9).
  server { listen ${at(fronts.http2, 'client-grpc')} http2; location / { grpc_pass grpc://grpc; } }
  # grpc_pass without http2 (failure case 7).
  server { listen ${at(fronts.http1, 'client-grpc')}; location / { grpc_pass grpc://grpc; } }
  # HTTP/2 termination whose read timeout is short enough to watch it cut an idle bi-stream.
  server { listen ${at(fronts.http2ShortRead, 'client-grpc')} http2; grpc_read_timeout 2s; client_body_timeout 2s; location / { grpc_pass grpc://grpc; } }
}
`;
}

describe.skipIf(NGINX.noStream !== undefined)(skippedBecause('check through nginx in front of a 3-member nacos-sim', NGINX.noStream), () => {
  let sim: SimHarness;
  let nginx: RunningLoadBalancer;
  let fronts: Fronts;

  beforeAll(async () => {
    sim = await startSim({ nodes: 3 });
    const free = (): Promise<number> => findFreeBasePort({ host: HOST, roles: ['main', 'client-grpc', 'cluster-grpc'] });
    fronts = { stream: await free(), http2: await free(), http1: await free(), vip: await free(), shortIdle: await free(), http2ShortRead: await free(), toMain: await free() };
    nginx = await startNginx((dir) => config(dir, sim, fronts));
  });

  afterAll(async () => {
    await nginx?.stop();
    await sim?.close();
  });

  it('nginx stream {} (plain TCP) in front: every check passes', async () => {
    const report = await check({ address: [formatHostPort(HOST, fronts.stream)] });
    // Clients need no P+1001; the front does not forward it, which only warns.
    expect(problems(report)).toEqual(['tcp.cluster-grpc SERVER_PORT_CLOSED']);
    expect(exitCodeOf(report)).toBe(0);
    expect(finding(report, 'h2.client-grpc').data).toMatchObject({ verdict: 'grpc-java' });
    expect(finding(report, 'grpc.client-grpc').status).toBe('ok');
    expect(finding(report, 'offset').status).toBe('ok');
  });

  it('nginx http2 + grpc_pass on P+1000: "HTTP/2 termination", proven by 301 and a new connectionId', async () => {
    const report = await check({ address: [formatHostPort(HOST, fronts.http2)] });
    const h2 = finding(report, 'h2.client-grpc');
    expect(h2).toMatchObject({ status: 'fail', cause: 'H2_TERMINATING_PROXY', data: { verdict: 'nginx-h2' } });
    expect(h2.title).toContain('nginx HTTP/2 termination');
    expect(h2.evidence).toMatch(/max_frame_size=16777215.*server: nginx\/\d/);
    expect(h2.fix).toContain(`nacos-doctor nginx --listen ${fronts.http2} ${sim.cluster.members.map((member) => `--upstream ${member.addresses.serverAddr}`).join(' ')}`);
    const grpc = finding(report, 'grpc.client-grpc');
    expect(grpc).toMatchObject({ status: 'fail', cause: 'CONNECTION_SPLIT', data: { healthCheckErrorCode: 301 } });
    expect(grpc.evidence).toContain('errorCode 301 "Connection is unregistered."');
    expect(grpc.evidence).toContain('different connectionIds');
    expect(exitCodeOf(report)).toBe(1);
  });

  it('nginx grpc_pass without http2 on P+1000: "HTTP/1 proxy" from its 400 answer', async () => {
    const report = await check({ address: [formatHostPort(HOST, fronts.http1)] });
    const h2 = finding(report, 'h2.client-grpc');
    expect(h2).toMatchObject({ status: 'fail', cause: 'HTTP1_PROXY', data: { verdict: 'http1' } });
    expect(h2.title).toContain('HTTP/1 proxy');
    expect(h2.evidence).toMatch(/"HTTP\/1\.1 400 Bad Request", Server: nginx/);
    expect(finding(report, 'grpc.client-grpc')).toMatchObject({ status: 'fail', cause: 'HTTP1_PROXY' });
  });

  it('only P forwarded: P+1000 refused, and the fix names the port', async () => {
    const member = sim.cluster.member(0);
    const report = await check({ address: [formatHostPort(OTHER_HOST, member.mainPort)] });
    const grpcPort = rolePort(member.mainPort, 'client-grpc');
    const tcp = finding(report, 'tcp.client-grpc');
    expect(tcp).toMatchObject({ status: 'fail', cause: 'GRPC_PORT_CLOSED', data: { outcome: 'refused', port: grpcPort } });
    expect(tcp.title).toContain(formatHostPort(OTHER_HOST, grpcPort));
    expect(tcp.fix).toContain(`open port ${grpcPort} of ${OTHER_HOST}`);
    // The offset itself is right (P is the member's own port); it must not claim P+1000 works.
    const offset = finding(report, 'offset');
    expect(offset.status).toBe('info');
    expect(offset.title).toContain(`${grpcPort} on this address does not reach its gRPC port`);
  });

  it('a VIP on another main port without its +1000: the offset explanation', async () => {
    const report = await check({ address: [formatHostPort(HOST, fronts.vip)] });
    const offset = finding(report, 'offset');
    const clientPort = rolePort(fronts.vip, 'client-grpc');
    expect(offset).toMatchObject({ status: 'fail', cause: 'OFFSET_NOT_KEPT' });
    expect(offset.explanation).toContain(`${fronts.vip} + 1000 = ${clientPort}`);
    expect(offset.fix).toContain(`forward ${clientPort}`);
    expect(finding(report, 'tcp.client-grpc').cause).toBe('GRPC_PORT_CLOSED');
  });

  it('stream forwarding Y+1000 to the members\' main port: P+1000 answers the Nacos HTTP API, named as the cause with the fix', async () => {
    const report = await check({ address: [formatHostPort(HOST, fronts.toMain)] });
    const h2 = finding(report, 'h2.client-grpc');
    expect(h2).toMatchObject({ status: 'fail', cause: 'GRPC_TO_MAIN_PORT', data: { answersHttpApi: true } });
    // nginx balances P and P+1000 on their own, so P+1000 may reach another member than P did.
    expect(h2.evidence).toMatch(/answers Nacos 2\.5\.1 \(server_port \d+\), (the same server as P|the main port of a listed member)/);
    expect(h2.fix).toContain(`make ${rolePort(fronts.toMain, 'client-grpc')} forward to each member's gRPC port`);
    expect(finding(report, 'grpc.client-grpc')).toMatchObject({ status: 'fail', cause: 'GRPC_TO_MAIN_PORT' });
  });

  it('--hold: a stream proxy_timeout shorter than the heartbeat cuts the registered connection', async () => {
    const report = await check({ address: [formatHostPort(HOST, fronts.shortIdle)], hold: '4s' });
    const hold = finding(report, 'hold');
    expect(hold).toMatchObject({ status: 'fail', cause: 'CONNECTION_CUT' });
    expect(hold.explanation).toContain('shorter than the 5 s client heartbeat');
  });

  it('--hold through nginx http2 + grpc_pass: heartbeats refused with 301 fail the hold with the split-connection cause', async () => {
    // Just over one heartbeat interval (5 s): the first heartbeat goes out on a fresh upstream connection.
    const report = await check({ address: [formatHostPort(HOST, fronts.http2)], hold: '5.5s' });
    const hold = finding(report, 'hold');
    expect(hold).toMatchObject({ status: 'fail', cause: 'CONNECTION_SPLIT', data: { heartbeats: 1, unregisteredHeartbeats: 1 } });
    expect(hold.evidence).toContain('1 heartbeat (0 failed, 1 with errorCode 301)');
  });

  it('--hold: nginx terminating HTTP/2 ends the idle bi-stream at its read timeout', async () => {
    const report = await check({ address: [formatHostPort(HOST, fronts.http2ShortRead)], hold: '5s' });
    const hold = finding(report, 'hold');
    expect(hold).toMatchObject({ status: 'fail', cause: 'CONNECTION_CUT' });
    expect(hold.explanation).toContain('nginx ended the idle bi-stream because it terminates HTTP/2');
  });

  it('the bin exits 1 on the broken front and its --json matches the schema', async () => {
    const result = await runBin('nacos-doctor', ['check', formatHostPort(HOST, fronts.http2), '--json']);
    expect(result).toMatchObject({ code: 1, stderr: '' });
    const document = JSON.parse(result.stdout) as { status: string; sections: { findings: { cause?: string }[] }[] };
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document.status).toBe('fail');
    expect(document.sections[0]!.findings.map((item) => item.cause)).toEqual(expect.arrayContaining(['H2_TERMINATING_PROXY', 'CONNECTION_SPLIT']));
  });
});
