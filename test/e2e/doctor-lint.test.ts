/** `nacos-doctor lint` as a user runs it: the built bin on the shipped examples. */
import { describe, expect, it } from 'vitest';
import { ROOT, runBin } from '../helpers/spawn.js';

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

  it('exits 2 with one line for a missing directory', async () => {
    const result = await runBin('nacos-doctor', ['lint', `${ROOT}examples/nope`]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^nacos-doctor: error: config directory ".*nope" does not exist or is not a directory/);
  });
});
