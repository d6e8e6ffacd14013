/** `nacos-doctor lint` as a user runs it: the built bin on the shipped examples. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runBin } from '../helpers/spawn.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir('doctor-lint-');

describe('nacos-doctor lint', () => {
  it('exits 0 on the good example', async () => {
    const result = await runBin('nacos-doctor', ['lint', `${ROOT}examples/nacos-conf/good`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('main port 8848: 8848 main, 9848 client-grpc, 9849 cluster-grpc, 7848 raft');
  });

  it('exits 1 on the broken example and proposes main ports, as JSON too', async () => {
    const text = await runBin('nacos-doctor', ['lint', `${ROOT}examples/nacos-conf/broken`, '--upgrade-from-1x']);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('192.168.1.10:8848 and 192.168.1.10:8849 both need port 9849');
    expect(text.stdout).toContain('192.168.1.10:8852   # was 8850');
    const json = await runBin('nacos-doctor', ['lint', `${ROOT}examples/nacos-conf/broken`, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ command: 'lint', status: 'fail', exitCode: 1 });
  });

  it('reports a binary file once and never prints the control bytes of a file', async () => {
    await writeFile(join(tempDir(), 'application.properties'), Buffer.concat([Buffer.from('server.port=8848\n\u001b[2J'), Buffer.alloc(32), Buffer.from([0x9b, 0x07])]));
    await writeFile(join(tempDir(), 'cluster.conf'), '10.0.0.1:8848\n10.0.0.2:8848\n\u001b]0;owned\u0007host:8848\n');
    const result = await runBin('nacos-doctor', ['lint', tempDir()]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(result.stdout.match(/BINARY_FILE|not a text file/g)).toHaveLength(1);
    expect(result.stdout).toContain('cannot read member "\\x1b]0;owned\\x07host:8848"');
  });

  it('exits 2 with one line for a missing directory', async () => {
    const result = await runBin('nacos-doctor', ['lint', `${ROOT}examples/nope`]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^nacos-doctor: error: config directory ".*nope" does not exist or is not a directory/);
  });
});
