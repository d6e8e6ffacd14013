/**
 * Reads the nginx templates: the shipped ones in nginx-templates/ or a user's adapted copies
 * (`--template-dir`). The only I/O of the nginx generator; rendering stays pure.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, errnoCode } from '../errors.js';

export interface NginxTemplates {
  readonly stream: string;
  readonly http: string;
  readonly full: string;
  /** Where they were read from, for messages. */
  readonly dir: string;
}

export const NGINX_TEMPLATE_FILES = Object.freeze({
  stream: 'nacos-stream.conf.mustache',
  http: 'nacos-http.conf.mustache',
  full: 'nginx.conf.mustache',
});

/** nginx-templates/ of this package: two levels up from src/generate/ and from dist/generate/. */
export const SHIPPED_TEMPLATE_DIR = fileURLToPath(new URL('../../nginx-templates/', import.meta.url));

async function readTemplate(dir: string, file: string): Promise<string> {
  const path = join(dir, file);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = errnoCode(error) === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`cannot read nginx template ${path}: ${reason}; a template directory needs ${Object.values(NGINX_TEMPLATE_FILES).join(', ')}`, {
      code: 'ERR_TEMPLATE',
      cause: error,
    });
  }
}

export async function loadNginxTemplates(dir: string = SHIPPED_TEMPLATE_DIR): Promise<NginxTemplates> {
  const [stream, http, full] = await Promise.all([
    readTemplate(dir, NGINX_TEMPLATE_FILES.stream),
    readTemplate(dir, NGINX_TEMPLATE_FILES.http),
    readTemplate(dir, NGINX_TEMPLATE_FILES.full),
  ]);
  return { stream, http, full, dir };
}
