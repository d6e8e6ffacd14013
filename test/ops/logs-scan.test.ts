import { mkdir, open, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NacosToolError } from '../../src/errors.js';
import { allFindings, exitCodeOf, type Finding, type Report } from '../../src/doctor/report.js';
import { findLogFiles, readLogFile, sortLogNames } from '../../src/ops/log-files.js';
import { scanLogsDirectory } from '../../src/ops/logs-scan.js';
import { ROOT } from '../helpers/spawn.js';
import { useTempDir } from '../helpers/temp-dir.js';

const FIXTURES = `${ROOT}test/fixtures/nacos-logs`;

function verdict(report: Report, check: string): Finding[] {
  return (report.summary ?? []).filter((finding) => finding.check === check);
}

const tempDir = useTempDir('nacos-logs-');

describe('scanLogsDirectory on recorded logs', () => {
  it('follows an upgrade through a rotated .gz into the current file: upgraded, double write on', async () => {
    const report = await scanLogsDirectory(`${FIXTURES}/upgrading`);
    const files = report.sections[0]!.findings;
    expect(files.find((finding) => finding.location?.file === 'naming-server.log.2024-03-01.0.gz')?.title).toMatch(/^25 lines, .* \(gzip\)$/);
    expect(files.find((finding) => finding.check === 'logs.skipped')?.title).toContain('access_log.2024-03-01.log');
    const timeline = report.sections[1]!.findings.map((finding) => finding.title);
    expect(timeline).toContainEqual(expect.stringMatching(/upgrade check result false \(×27, until 2024-03-01 10:01:52\.142\)$/));
    expect(timeline.findIndex((title) => title.includes('result true'))).toBeLessThan(timeline.findIndex((title) => title.includes('Upgrade to 2.0.X')));
    const [upgrade] = verdict(report, 'logs.upgrade');
    expect(upgrade).toMatchObject({ status: 'warn', cause: 'UPGRADE_DOUBLE_WRITE_ON' });
    expect(upgrade!.fix).toContain("curl -X PUT 'http://<member>:8848/nacos/v1/ns/operator/switches?entry=doubleWriteEnabled&value=false'");
    expect(upgrade!.fix).toContain('downgrade to 1.x is no longer possible');
    expect(verdict(report, 'logs.raft')).toMatchObject([{ status: 'info', title: expect.stringContaining('naming_persistent_service_v2') }]);
    expect(verdict(report, 'logs.start')).toMatchObject([{ status: 'ok', title: 'Nacos started in cluster mode with embedded storage' }]);
    expect(exitCodeOf(report)).toBe(0);
  });

  it('reports a finished upgrade', async () => {
    const report = await scanLogsDirectory(`${FIXTURES}/upgraded`);
    expect(verdict(report, 'logs.upgrade')).toMatchObject([{ status: 'ok', title: expect.stringContaining('double write is off') }]);
    expect(exitCodeOf(report)).toBe(0);
  });

  it('reads the 3.x start line and explains the 2.1 upgrade switch', async () => {
    const report = await scanLogsDirectory(`${FIXTURES}/fresh`);
    expect(verdict(report, 'logs.start')).toMatchObject([{ status: 'ok', title: 'Nacos started in cluster mode with external storage' }]);
    expect(verdict(report, 'logs.upgrade')[0]!.fix).toContain('nacos.core.support.upgrade.from.1x=true');
  });

  it('finds every problem of a broken member, each with its fix', async () => {
    const report = await scanLogsDirectory(`${FIXTURES}/broken`);
    expect(verdict(report, 'logs.start')).toMatchObject([{ status: 'fail', cause: 'START_INCOMPLETE' }]);
    expect(verdict(report, 'logs.upgrade')).toMatchObject([{ status: 'warn', cause: 'UPGRADE_DOWNGRADED' }]);
    const [raft] = verdict(report, 'logs.raft');
    expect(raft).toMatchObject({ status: 'fail', cause: 'RAFT_NO_LEADER', title: 'no Raft leader: naming_instance_metadata, naming_persistent_service, naming_persistent_service_v2' });
    expect(raft!.fix).toContain('delete its data/protocol directory');
    expect(verdict(report, 'logs.port-bind').map((finding) => [finding.status, finding.title])).toEqual([
      ['fail', 'Nacos could not listen on port 8848 (main, HTTP API and console (P))'],
      ['fail', 'Nacos could not listen on port 9849 (cluster-grpc, server-to-server gRPC (P+1001))'],
      ['fail', 'Nacos could not listen on port 7848 (raft, JRaft consensus (P-1000); the port follows from the main port, the log names only the server)'],
    ]);
    expect(verdict(report, 'logs.grpc-unregistered')).toMatchObject([{ status: 'fail', cause: 'GRPC_CONNECTION_SPLIT', evidence: expect.stringMatching(/^12 times/) }]);
    const http = verdict(report, 'logs.http-on-grpc-port');
    expect(http.map((finding) => finding.title)).toEqual([
      'HTTP/1.x arrived on a gRPC port: POST /nacos/v1/auth/users/login?username=nacos',
      'HTTP/1.x arrived on a gRPC port: GET /',
    ]);
    expect(http[0]!.fix).toContain('<host>:8848');
    expect(http[1]!.explanation).toContain('health check');
    expect(verdict(report, 'logs.grpc-preface')).toMatchObject([{ status: 'warn' }]);
    expect(verdict(report, 'logs.self-not-member')).toMatchObject([{ status: 'fail', title: expect.stringContaining('172.17.0.5:8848') }]);
    expect(report.sections[1]!.findings.map((finding) => finding.title)).toContain('2024-03-02 08:06:30.101  naming module reported DOWN');
    expect(exitCodeOf(report)).toBe(1);
  });

  it('gives the Raft advice for a DOWN status when no Raft message names a group', async () => {
    await writeFile(join(tempDir(), 'naming-server.log'), '2024-03-02 08:06:30,101 WARN sync failed, code:503, msg:server is DOWN now, please try again later!\n');
    const [down] = verdict(await scanLogsDirectory(tempDir()), 'logs.naming-down');
    expect(down).toMatchObject({ status: 'fail', cause: 'NAMING_DOWN', title: 'the naming module reported DOWN (503 "server is … now")' });
    expect(down!.fix).toContain('data/protocol');
  });

  it('names the role of a bound port from the main port, and says when the port fits none', async () => {
    await writeFile(join(tempDir(), 'start.out'), 'Caused by: java.io.IOException: Failed to bind to address 0.0.0.0/0.0.0.0:9848\n');
    const title = async (mainPort?: number): Promise<string | undefined> =>
      verdict(await scanLogsDirectory(tempDir(), mainPort === undefined ? {} : { mainPort }), 'logs.port-bind')[0]?.title;
    expect(await title()).toBe('Nacos could not listen on port 9848 (client-grpc, client/SDK gRPC (P+1000))');
    expect(await title(8847)).toContain('port 9848 (cluster-grpc');
    expect(await title(18848)).toContain('not a port of main port 18848');
  });
});

describe('scanLogsDirectory on bad input', () => {
  it('refuses a missing directory with a usage error', async () => {
    const error = await scanLogsDirectory(join(tempDir(), 'nope')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NacosToolError);
    expect(error).toMatchObject({ code: 'ERR_LOGS_DIR', exitCode: 2 });
    expect((error as Error).message).toContain('does not exist');
  });

  it('refuses a directory without Nacos logs, and finds them in a Nacos home', async () => {
    await writeFile(join(tempDir(), 'README'), 'x');
    await expect(scanLogsDirectory(tempDir())).rejects.toMatchObject({ code: 'ERR_LOGS_DIR', message: expect.stringContaining('no Nacos log files') });
    await mkdir(join(tempDir(), 'logs'));
    await writeFile(join(tempDir(), 'logs', 'nacos.log'), '2024-01-01 00:00:00,000 INFO Nacos started successfully in standalone mode. use embedded storage\n');
    const report = await scanLogsDirectory(tempDir());
    expect(report.sections[0]!.target).toBe(join(tempDir(), 'logs'));
    expect(verdict(report, 'logs.start')[0]!.status).toBe('ok');
  });

  it('reports an unreadable file and goes on with the others', async () => {
    await symlink(join(tempDir(), 'gone'), join(tempDir(), 'naming-server.log'));
    await writeFile(join(tempDir(), 'nacos.log'), 'Unexpected HTTP/1.x request: GET / \n');
    const report = await scanLogsDirectory(tempDir());
    const unreadable = report.sections[0]!.findings.find((finding) => finding.location?.file === 'naming-server.log');
    expect(unreadable).toMatchObject({ status: 'warn', title: 'could not read the file', evidence: expect.stringContaining('ENOENT') });
    expect(verdict(report, 'logs.http-on-grpc-port')).toHaveLength(1);
  });

  it('reports a corrupt .gz after the lines it could read', async () => {
    const whole = gzipSync(Buffer.from('Unexpected HTTP/1.x request: GET / \n'.repeat(200)));
    await writeFile(join(tempDir(), 'nacos.log.1.gz'), whole.subarray(0, whole.length - 12));
    const report = await scanLogsDirectory(tempDir());
    const file = report.sections[0]!.findings[0]!;
    expect(file.status).toBe('warn');
    expect(file.evidence).toMatch(/unexpected end of file/i);
  });

  it('calls a file of random bytes binary data in one finding, plain or gzipped, and finds nothing in it', async () => {
    // Deterministic noise: an LCG, so the test reads the same bytes every run.
    let state = 12345;
    const noise = Buffer.alloc(2 * 1024 * 1024, 0);
    for (let i = 0; i < noise.length; i += 1) noise[i] = (state = (state * 1103515245 + 12345) >>> 0) >>> 24;
    await writeFile(join(tempDir(), 'nacos.log'), noise);
    await writeFile(join(tempDir(), 'naming-server.log.1.gz'), gzipSync(noise));
    const report = await scanLogsDirectory(tempDir());
    const files = report.sections[0]!.findings;
    expect(files.map((finding) => [finding.status, finding.location?.file])).toEqual([
      ['warn', 'nacos.log'],
      ['warn', 'naming-server.log.1.gz'],
    ]);
    for (const finding of files) expect(finding.title).toMatch(/^binary data, not a log: \d+ of its \d+ lines are not text and were skipped$/);
    expect(report.sections[1]!.findings.map((finding) => finding.title)).toEqual(['no known Nacos messages in these logs']);
  });

  it('says when a .gz file is no gzip data (and reads it as text), and when gzip data is broken', async () => {
    await writeFile(join(tempDir(), 'nacos.log.1.gz'), 'Unexpected HTTP/1.x request: GET / \n');
    const whole = gzipSync(Buffer.from('Unexpected HTTP/1.x request: GET /x \n'.repeat(200)));
    await writeFile(join(tempDir(), 'nacos.log.2.gz'), whole.subarray(0, whole.length - 12));
    const report = await scanLogsDirectory(tempDir());
    const [plain, broken] = report.sections[0]!.findings;
    expect(plain).toMatchObject({ status: 'warn', location: { file: 'nacos.log.1.gz' }, title: 'named .gz but not gzip data (no gzip header): read as plain text, 1 line, 36 bytes' });
    expect(broken).toMatchObject({ status: 'warn', location: { file: 'nacos.log.2.gz' }, title: expect.stringMatching(/^broken gzip file: read \d+ lines, .* before the damage$/), fix: expect.stringContaining('gzip -t') });
    expect(verdict(report, 'logs.http-on-grpc-port').length).toBeGreaterThan(0);
  });

  it('cuts binary junk into bounded lines and still finds the text around it', async () => {
    const junk = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < junk.length; i += 1) junk[i] = (i * 7919) % 251 === 10 ? 0 : (i * 7919) % 251;
    await writeFile(join(tempDir(), 'nacos.log'), Buffer.concat([Buffer.from('Unexpected HTTP/1.x request: GET /a \n'), junk, Buffer.from('\nUnexpected HTTP/1.x request: GET /b \n')]));
    const report = await scanLogsDirectory(tempDir());
    expect(report.sections[0]!.findings[0]!.title).toMatch(/1 over-long or binary lines cut; 1 line of binary data skipped$/);
    expect(verdict(report, 'logs.http-on-grpc-port').map((finding) => finding.title)).toEqual([
      'HTTP/1.x arrived on a gRPC port: GET /a',
      'HTTP/1.x arrived on a gRPC port: GET /b',
    ]);
  });

  it('streams a 1 GB log with flat memory and finds the lines before and after the gigabyte', async () => {
    const path = join(tempDir(), 'naming-server.log');
    const gigabyte = 1024 ** 3;
    const file = await open(path, 'w');
    // A sparse file: real log lines, a 1 GiB hole (NUL bytes, no newline), real log lines.
    await file.write('2024-01-01 00:00:00,000 INFO upgrade check result false\n', 0);
    await file.write('\n2024-01-01 00:10:00,000 INFO upgrade check result true\n2024-01-01 00:10:00,001 INFO Upgrade to 2.0.X\n', gigabyte);
    await file.close();
    global.gc?.();
    const baseline = process.memoryUsage();
    let peak = 0;
    let bytesSeen = 0;
    const report = await scanLogsDirectory(tempDir(), {
      onChunk: (bytes) => {
        bytesSeen = bytes;
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed + now.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers);
      },
    });
    expect(bytesSeen).toBeGreaterThan(gigabyte);
    expect(peak).toBeLessThan(128 * 1024 * 1024);
    expect(report.sections[1]!.findings.map((finding) => finding.title)).toEqual([
      '2024-01-01 00:00:00.000  upgrade check result false',
      '2024-01-01 00:10:00.000  upgrade check result true',
      '2024-01-01 00:10:00.001  upgraded to the 2.x protocol (Upgrade to 2.0.X)',
    ]);
    expect(report.sections[0]!.findings[0]!.title).toContain('1 over-long or binary lines cut');
  });
});

describe('log files', () => {
  it('orders rotated files before the current one, numerically', () => {
    expect(sortLogNames(['nacos.log', 'start.out', 'nacos.log.2024-01-01.10', 'nacos.log.2024-01-01.2.gz', 'alipay-jraft.log'])).toEqual([
      'alipay-jraft.log',
      'nacos.log.2024-01-01.2.gz',
      'nacos.log.2024-01-01.10',
      'nacos.log',
      'start.out',
    ]);
  });

  it('skips access and GC logs, reads a single file given directly', async () => {
    for (const name of ['access_log.2024-01-01.log', 'nacos_gc.log.0.current', 'nacos.log', 'notes.txt']) await writeFile(join(tempDir(), name), 'x\n');
    expect(await findLogFiles(tempDir())).toEqual({ dir: tempDir(), files: ['nacos.log'], skipped: ['access_log.2024-01-01.log', 'nacos_gc.log.0.current', 'notes.txt'] });
    expect(await findLogFiles(join(tempDir(), 'notes.txt'))).toEqual({ dir: tempDir(), files: ['notes.txt'], skipped: [] });
  });

  it('recognises gzip by its magic bytes, whatever the name', async () => {
    await writeFile(join(tempDir(), 'nacos.log.1'), gzipSync(Buffer.from('a\nb\nc')));
    const lines: string[] = [];
    const file = await readLogFile(tempDir(), 'nacos.log.1', (_, text) => lines.push(text));
    expect(file).toMatchObject({ gzip: true, lines: 3 });
    expect(lines).toEqual(['a', 'b', 'c']);
  });

  it('counts nothing in an empty file', async () => {
    await writeFile(join(tempDir(), 'start.out'), '');
    expect(await readLogFile(tempDir(), 'start.out', () => {})).toMatchObject({ gzip: false, lines: 0, bytes: 0 });
  });

  it('sees no finding in a log without known messages', async () => {
    await writeFile(join(tempDir(), 'nacos.log'), 'hello\nworld\n');
    const report = await scanLogsDirectory(tempDir());
    expect(allFindings(report).filter((finding) => finding.status === 'fail' || finding.status === 'warn')).toEqual([]);
    expect(report.sections[1]!.findings[0]!.title).toBe('no known Nacos messages in these logs');
  });
});
