/** The generator commands as a user runs them: the built bin, stdout or --out, exit codes. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderNginx } from '../../src/generate/nginx.js';
import { resolveNginxOptions } from '../../src/generate/nginx-options.js';
import { loadNginxTemplates } from '../../src/generate/nginx-templates.js';
import { runBin } from '../helpers/spawn.js';

describe('nacos-doctor nginx / haproxy / docker', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes the rendered nginx config to stdout', async () => {
    const result = await runBin('nacos-doctor', ['nginx', '--upstream', '10.0.0.11:8848,10.0.0.12:8848', '--listen', '18848']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(renderNginx(resolveNginxOptions({ upstream: ['10.0.0.11:8848,10.0.0.12:8848'], listen: '18848' }), await loadNginxTemplates()));
  });

  it('writes --out FILE and nothing to stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nacos-gen-'));
    dirs.push(dir);
    const out = join(dir, 'nacos.cfg');
    const result = await runBin('nacos-doctor', ['haproxy', '--upstream', '10.0.0.11', '--full', '--out', out]);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await readFile(out, 'utf8')).toContain('    timeout tunnel 10m\n');
  });

  it('--k8s --out writes only the Services, a file of YAML documents kubectl accepts, creating its directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nacos-gen-'));
    dirs.push(dir);
    const out = join(dir, 'k8s', 'nacos-svc.yaml');
    const result = await runBin('nacos-doctor', ['docker', '--publish', '60001:8848', '--roles', 'main,client-grpc,cluster-grpc', '--k8s', '--headless', '--out', out]);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const documents = parseAllDocuments(await readFile(out, 'utf8'));
    expect(documents.flatMap((document) => document.errors)).toEqual([]);
    expect(documents.map((document) => document.toJS() as { kind: string; metadata: { name: string } }).map((manifest) => `${manifest.kind} ${manifest.metadata.name}`)).toEqual([
      'Service nacos',
      'Service nacos-headless',
    ]);
  });

  it('prints the docker flags that keep the offsets', async () => {
    const result = await runBin('nacos-doctor', ['docker', '--publish', '60001:8848', '--roles', 'main,client-grpc,cluster-grpc', '--format', 'run']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[1]).toBe('-p 60001:8848 -p 61001:9848 -p 61002:9849');
  });

  it('refuses an injection attempt with exit code 2 and one line naming the value', async () => {
    const result = await runBin('nacos-doctor', ['nginx', '--upstream', '10.0.0.11:8848;}', '--full']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'nacos-doctor: error: --upstream "10.0.0.11:8848;}" contains ";", which could inject configuration; it is refused, not escaped: give a plain host, port, path or name\n',
    );
  });

  it('refuses a missing --upstream as a usage error', async () => {
    const result = await runBin('nacos-doctor', ['haproxy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('nacos-doctor: error: missing --upstream: name every Nacos member by its main port, e.g. --upstream 10.0.0.11:8848 --upstream 10.0.0.12:8848\n');
  });
});
