/**
 * `nacos-doctor lint-ports FILE... | 'docker run ...'`: read each file (or take the pasted
 * command line), lint it, print the report as text or --json; exit 1 when a problem was found.
 */
import { readFile } from 'node:fs/promises';
import type { Report, Section } from '../../doctor/report.js';
import { UsageError, describeError, errnoCode } from '../../errors.js';
import { isContainerCommand } from '../../lint-ports/docker-run.js';
import { LINT_KINDS, lintKind, lintPorts, type LintKind } from '../../lint-ports/lint.js';
import { readNginxIncludes } from '../../lint-ports/nginx-includes.js';
import type { CliIo } from '../io.js';
import type { ParsedArgs } from '../parse.js';
import { writeReport } from '../report-output.js';

async function readTarget(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const hint = errnoCode(error) === 'ENOENT' ? ": no such file (to check a docker run command, quote it: nacos-doctor lint-ports 'docker run -p 18848:8848 ...')" : `: ${describeError(error)}`;
    throw new UsageError(`cannot read ${path}${hint}`, { code: 'ERR_LINT_INPUT', cause: error });
  }
}

/** The command itself as the section's target, shortened for the heading. */
function commandLabel(command: string): string {
  const flat = command.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}

export async function runLintPorts(args: ParsedArgs, io: CliIo): Promise<number> {
  const kindFlag = args.kind as string | undefined;
  if (kindFlag !== undefined && !(LINT_KINDS as readonly string[]).includes(kindFlag)) {
    throw new UsageError(`--kind "${kindFlag}" is not one of ${LINT_KINDS.join(', ')}`, { code: 'ERR_OPTION_VALUE' });
  }
  const kind = kindFlag as LintKind | undefined;
  // Words after `--` arrive in `_`; an unquoted `-- docker run -p ...` is joined back into one command.
  const targets = [...((args.target as string[] | undefined) ?? []), ...args._.slice(1).map(String)];
  if (targets.length === 0) {
    throw new UsageError("give a file to check, or a quoted command: nacos-doctor lint-ports docker-compose.yml, nacos-doctor lint-ports 'docker run -p 18848:8848 ...'", {
      code: 'ERR_MISSING_OPTION',
    });
  }
  const joined = targets.join(' ');
  const sections: Section[] = [];
  if (isContainerCommand(joined)) {
    sections.push(lintPorts({ name: commandLabel(joined), text: joined, pasted: true, ...(kind ? { kind } : {}) }));
  } else {
    for (const target of targets) {
      if (isContainerCommand(target)) sections.push(lintPorts({ name: commandLabel(target), text: target, pasted: true }));
      else {
        const text = await readTarget(target);
        const fileKind = lintKind({ name: target, text, ...(kind ? { kind } : {}) });
        sections.push(lintPorts({ name: target, text, kind: fileKind, ...(fileKind === 'nginx' ? { includes: await readNginxIncludes(target, text) } : {}) }));
      }
    }
  }
  const report: Report = { command: 'lint-ports', sections };
  return writeReport(report, { json: args.json === true }, io);
}
