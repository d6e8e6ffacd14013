/** nacos-doctor lint-ports as a user runs it: the built bin on the example files and on command lines. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA } from '../../src/doctor/render-json.js';
import { runBin } from '../helpers/spawn.js';
import { useTempDir } from '../helpers/temp-dir.js';

const EXAMPLES = 'examples/lint-ports';
const tempDir = useTempDir('lint-ports-cli-');

describe('nacos-doctor lint-ports', () => {
  it('exits 1 on a broken file and prints each problem with file:line, cause and fix', async () => {
    const result = await runBin('nacos-doctor', ['lint-ports', `${EXAMPLES}/compose-broken.yml`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${EXAMPLES}/compose-broken.yml — docker compose file\n`);
    expect(result.stdout).toContain(`  [FAIL] ${EXAMPLES}/compose-broken.yml:8: "8083:9848" breaks the offset rule`);
    expect(result.stdout).toContain('         fix:   change "8083:9848" to "9082:9848"\n');
  });

  it('exits 0 on correct files, several at once', async () => {
    const result = await runBin('nacos-doctor', ['lint-ports', `${EXAMPLES}/compose-ok.yml`, `${EXAMPLES}/nginx-ok.conf`, `${EXAMPLES}/k8s-ok.yaml`]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/\[(FAIL|WARN)\]/);
    expect(result.stdout.match(/^\S.* — /gm)).toHaveLength(3);
  });

  it('writes the versioned JSON report with --json', async () => {
    const result = await runBin('nacos-doctor', ['lint-ports', '--json', `${EXAMPLES}/haproxy-broken.cfg`]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ schema: REPORT_SCHEMA, command: 'lint-ports', status: 'fail', exitCode: 1 });
    expect(report.sections[0].findings[0]).toMatchObject({ status: 'fail', cause: 'GRPC_VIA_HTTP2_PROXY', location: { file: `${EXAMPLES}/haproxy-broken.cfg`, line: 18 } });
  });

  it('checks a quoted docker run command, and one given after --', async () => {
    const quoted = await runBin('nacos-doctor', ['lint-ports', 'docker run -d -p 60001:8848 nacos/nacos-server']);
    expect(quoted.code).toBe(1);
    expect(quoted.stdout).toContain('fix:   add  -p 61001:9848');
    const unquoted = await runBin('nacos-doctor', ['lint-ports', '--', 'docker', 'run', '-p', '18848:8848', '-p', '19848:9848', 'nacos/nacos-server']);
    expect(unquoted.code).toBe(0);
    expect(unquoted.stdout).toContain('[ok  ] <argument>: container: offsets kept  (18848->8848 main, 19848->9848 client-grpc)');
  });

  it('exits 2 for a binary or unrecognised file, naming it and the kinds it reads, and echoes no raw bytes', async () => {
    const dir = tempDir();
    const binary = join(dir, 'blob.conf');
    await writeFile(binary, Buffer.concat([Buffer.from('server { listen 9848; }\n\u001b]0;owned\u0007'), Buffer.alloc(64)]));
    const refused = await runBin('nacos-doctor', ['lint-ports', binary]);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(`nacos-doctor: error: ${binary} is not a text file (it contains NUL bytes); lint-ports reads docker compose files, Kubernetes manifests, nginx and HAProxy configs, and docker run commands or scripts\n`);
    const named = await runBin('nacos-doctor', ['lint-ports', join(dir, 'x\u001b[31m.yml')]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('x\\x1b[31m.yml: no such file');
    expect(named.stderr).not.toContain('\u001b');
    const unknown = await runBin('nacos-doctor', ['lint-ports', 'README.md']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^nacos-doctor: error: cannot tell what kind of file README\.md is: .* say which with --kind compose\|kubernetes\|nginx\|haproxy\|docker-run\n$/);
  });

  it('exits 2 for a file that does not exist, hinting at quoting commands', async () => {
    const result = await runBin('nacos-doctor', ['lint-ports', 'no-such-file.yml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^nacos-doctor: error: cannot read no-such-file\.yml: no such file \(to check a docker run command, quote it/);
  });
});
