/** nginx configs whose servers live in included files (conf.d/, sites-enabled/), read from a real directory. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/doctor/report.js';
import { lintPorts } from '../../src/lint-ports/lint.js';
import { readNginxIncludes } from '../../src/lint-ports/nginx-includes.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir('nginx-includes-');

async function files(entries: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(entries)) {
    await mkdir(join(dir(), name, '..'), { recursive: true });
    await writeFile(join(dir(), name), text);
  }
}

async function lintFile(name: string): Promise<readonly Finding[]> {
  const path = join(dir(), name);
  const text = await readFile(path, 'utf8');
  return lintPorts({ name: path, text, kind: 'nginx', includes: await readNginxIncludes(path, text) }).findings;
}

const summary = (findings: readonly Finding[]): string[] =>
  findings.map((item) => `${item.status} ${item.cause ?? item.check} ${item.location?.file.replace(dir(), '.') ?? ''}:${item.location?.line ?? ''}`);

const MAIN = 'nginx.conf';

describe('nginx includes', () => {
  it('follows globbed and relative includes inside stream {}, and points findings into the included file', async () => {
    await files({
      [MAIN]: 'events {}\nstream {\n    include stream.d/*.conf;\n}\n',
      'stream.d/10-main.conf': 'server {\n    listen 8848;\n    proxy_pass 10.0.0.11:8848;\n}\n',
      'stream.d/20-grpc.conf': 'server {\n    listen 9848;\n    proxy_pass 10.0.0.11:9848;\n    proxy_timeout 3s;\n}\n',
      'stream.d/README': 'not a config; the glob does not match it',
    });
    expect(summary(await lintFile(MAIN))).toEqual(['info ports.include ./nginx.conf:', 'ok ports.offsets ./nginx.conf:', 'fail IDLE_TIMEOUT_TOO_SHORT ./stream.d/20-grpc.conf:4']);
  });

  it('says which includes it could not read, and only warns that a port seems missing', async () => {
    await files({ [MAIN]: 'stream {\n    server { listen 8848; proxy_pass 10.0.0.11:8848; }\n    include /nonexistent/nacos-grpc.conf;\n}\n' });
    const findings = await lintFile(MAIN);
    expect(summary(findings)).toEqual(['info ports.include ./nginx.conf:3', 'warn GRPC_PORT_NOT_EXPOSED ./nginx.conf:2']);
    expect(findings[0]!.title).toBe('include /nonexistent/nacos-grpc.conf is not followed: /nonexistent/nacos-grpc.conf: no such file');
    expect(findings[1]!.evidence).toContain('the server for it may be in /nonexistent/nacos-grpc.conf, which was not read');
  });

  it('fails the missing port when every include was read', async () => {
    await files({ [MAIN]: 'stream {\n    server { listen 8848; proxy_pass 10.0.0.11:8848; }\n    include empty.d/*.conf;\n}\n' });
    expect(summary(await lintFile(MAIN))).toEqual(['fail GRPC_PORT_NOT_EXPOSED ./nginx.conf:2']);
  });

  it('stops at include cycles', async () => {
    await files({ [MAIN]: 'stream {\n    include a.conf;\n}\n', 'a.conf': 'include b.conf;\nserver { listen 8848; proxy_pass 10.0.0.11:8848; }\n', 'b.conf': 'include a.conf;\nserver { listen 9848; proxy_pass 10.0.0.11:9848; }\n' });
    const findings = await lintFile(MAIN);
    expect(findings.find((item) => item.title.includes('includes itself'))).toMatchObject({ status: 'info', location: { line: 1 } });
    expect(findings.find((item) => item.check === 'ports.offsets')).toMatchObject({ status: 'ok', evidence: '8848->8848 main, 9848->9848 client-grpc' });
  });

  it('reports an included file it cannot parse, by its own name and line', async () => {
    await files({ [MAIN]: 'stream {\n    include broken.conf;\n}\n', 'broken.conf': 'server {\n    listen 8848\n' });
    expect(summary(await lintFile(MAIN))).toEqual(['fail UNPARSABLE ./broken.conf:2', 'info ports.none ./nginx.conf:']);
  });

  it('without the included files (a pasted or pure lint), notes includes at any depth', () => {
    const findings = lintPorts({ name: 'n.conf', text: 'http {\n    include /etc/nginx/conf.d/*.conf;\n}\n' }).findings;
    expect(findings[0]).toMatchObject({ check: 'ports.include', title: 'include /etc/nginx/conf.d/*.conf is not followed: lint that file too', location: { line: 2 } });
  });
});

describe('nginx: a member that one role leaves out', () => {
  it('names the member missing from the main-port upstream and adds it there, instead of a second listen 8848', () => {
    const config = [
      'stream {',
      '    upstream nacos_main { server 10.0.0.11:8848; }',
      '    upstream nacos_grpc { server 10.0.0.11:9848; server 10.0.0.12:9848; }',
      '    server { listen 8848; proxy_pass nacos_main; }',
      '    server { listen 9848; proxy_pass nacos_grpc; }',
      '}',
    ].join('\n');
    const findings = lintPorts({ name: 'n.conf', text: config }).findings;
    expect(findings.map((item) => `${item.status} ${item.cause ?? item.check} ${item.location?.line ?? ''}`)).toEqual(['ok ports.offsets ', 'warn MEMBER_LEFT_OUT 2']);
    expect(findings[1]!.title).toBe('member 10.0.0.12 gets client-grpc (listen 9848) but not main: listen 8848 -> proxy_pass nacos_main forwards to 10.0.0.11 only');
    expect(findings[1]!.fix).toBe('add the member to upstream nacos_main (line 2):\n    server 10.0.0.12:8848;');
    expect(findings.some((item) => item.fix?.includes('listen 8848;'))).toBe(false);
  });
});
