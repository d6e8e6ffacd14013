import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NacosToolError } from '../../src/errors.js';
import { NGINX_TEMPLATE_VARIABLES, renderNginx } from '../../src/generate/nginx.js';
import { resolveNginxOptions } from '../../src/generate/nginx-options.js';
import { NGINX_TEMPLATE_FILES, SHIPPED_TEMPLATE_DIR, loadNginxTemplates } from '../../src/generate/nginx-templates.js';
import { templateNames } from '../../src/generate/template.js';

/** Variable names listed in the documentation comment at the top of a template. */
function documentedVariables(template: string): string[] {
  const comment = /^\{\{!([\s\S]*?)\}\}/.exec(template)?.[1] ?? '';
  const section = comment.split(/\n\s*Variables:\n/)[1]?.split(/\n\s*Partials:\n/)[0] ?? '';
  return [...section.matchAll(/^ {4,}([a-z_]+) {2,}/gm)].map((match) => match[1]!);
}

describe('nginx templates', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function copyTemplates(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'nacos-templates-'));
    dirs.push(dir);
    await cp(SHIPPED_TEMPLATE_DIR, dir, { recursive: true });
    return dir;
  }

  for (const kind of ['stream', 'http', 'full'] as const) {
    it(`${NGINX_TEMPLATE_FILES[kind]} documents exactly the variables it is given, and uses only those`, async () => {
      const text = await readFile(join(SHIPPED_TEMPLATE_DIR, NGINX_TEMPLATE_FILES[kind]), 'utf8');
      expect(documentedVariables(text).sort()).toEqual([...NGINX_TEMPLATE_VARIABLES[kind]].sort());
      expect([...templateNames(text).names.keys()].every((name) => (NGINX_TEMPLATE_VARIABLES[kind] as readonly string[]).includes(name))).toBe(true);
    });
  }

  it('renders an adapted copy from --template-dir', async () => {
    const dir = await copyTemplates();
    const file = join(dir, NGINX_TEMPLATE_FILES.stream);
    await writeFile(file, (await readFile(file, 'utf8')).replace('proxy_socket_keepalive on;', 'proxy_socket_keepalive on;\n        proxy_protocol on;'));
    const text = renderNginx(resolveNginxOptions({ upstream: ['10.0.0.1'] }), await loadNginxTemplates(dir));
    expect(text.match(/proxy_protocol on;/g)).toHaveLength(2);
  });

  it('refuses an adapted template that uses a variable nothing fills, naming file and line', async () => {
    const dir = await copyTemplates();
    const file = join(dir, NGINX_TEMPLATE_FILES.stream);
    await writeFile(file, (await readFile(file, 'utf8')).replace('proxy_timeout {{proxy_timeout}};', 'proxy_timeout {{proxy_timout}};'));
    const templates = await loadNginxTemplates(dir);
    const line = templates.stream.split('\n').findIndex((text) => text.includes('proxy_timout')) + 1;
    let error: unknown;
    try {
      renderNginx(resolveNginxOptions({ upstream: ['10.0.0.1'] }), templates);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NacosToolError);
    expect((error as NacosToolError).code).toBe('ERR_TEMPLATE');
    expect((error as NacosToolError).message).toBe(
      `template ${file}:${line}: unknown variable "proxy_timout" (did you mean "proxy_timeout"?); this template can use ${NGINX_TEMPLATE_VARIABLES.stream.join(', ')}`,
    );
  });

  it('says which file is missing from a template directory', async () => {
    const dir = await copyTemplates();
    await rm(join(dir, NGINX_TEMPLATE_FILES.http));
    await expect(loadNginxTemplates(dir)).rejects.toThrow(`cannot read nginx template ${join(dir, NGINX_TEMPLATE_FILES.http)}: no such file`);
  });
});
