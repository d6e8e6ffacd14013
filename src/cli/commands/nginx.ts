/** `nacos-doctor nginx`: resolve the flags, read the templates, render, write. */
import { loadNginxTemplates } from '../../generate/nginx-templates.js';
import { renderNginx } from '../../generate/nginx.js';
import { resolveNginxOptions, type NginxFlags } from '../../generate/nginx-options.js';
import type { CliIo } from '../io.js';
import type { ParsedArgs } from '../parse.js';
import { writeGenerated } from './output.js';

export async function runNginx(args: ParsedArgs, io: CliIo): Promise<number> {
  const options = resolveNginxOptions(args as NginxFlags);
  const templateDir = args['template-dir'] as string | undefined;
  const templates = await loadNginxTemplates(...(templateDir === undefined ? [] : [templateDir]));
  await writeGenerated(renderNginx(options, templates), args.out, io);
  return 0;
}
