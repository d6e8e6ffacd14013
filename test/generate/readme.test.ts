/** The README documents every flag of the generator and lint commands, with its default. */
import { readFile } from 'node:fs/promises';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { LOAD_BALANCER_COMMANDS } from '../../src/cli/commands/load-balancer-commands.js';
import { ROOT } from '../helpers/spawn.js';

interface OptionsView {
  key: Record<string, unknown>;
  defaultDescription: Record<string, string | undefined>;
}

describe('README', async () => {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  for (const command of LOAD_BALANCER_COMMANDS) {
    it(`documents every flag of nacos-doctor ${command.name}`, () => {
      const start = readme.indexOf(`### nacos-doctor ${command.name}\n`);
      expect(start, `README section for ${command.name}`).toBeGreaterThan(0);
      const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
      // getOptions() is public yargs API that @types/yargs does not declare.
      const options = (command.builder(yargs()) as unknown as { getOptions(): OptionsView }).getOptions();
      for (const name of Object.keys(options.key).filter((key) => !['help', 'version', 'target'].includes(key) && !/[A-Z]/.test(key))) {
        expect(section, `--${name}`).toContain(`--${name}`);
        const fallback = options.defaultDescription[name];
        if (fallback !== undefined && !fallback.includes(' ')) expect(section, `default of --${name}`).toContain(`\`${fallback}\``);
      }
    });
  }
});
