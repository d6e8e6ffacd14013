/** nacos-proxy --help and the README option table say the same, both from PROXY_OPTION_SPECS. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderProxyHelp, wrapWords } from '../../src/cli/proxy-help.js';
import { PROXY_OPTION_SPECS, envName } from '../../src/proxy/options.js';
import { ROOT } from '../helpers/spawn.js';

const OPTIONS = Object.entries(PROXY_OPTION_SPECS);

describe('renderProxyHelp', () => {
  const help = renderProxyHelp(100);
  const lines = help.split('\n');

  it.each(OPTIONS)('shows --%s with its placeholder, default and variable', (name, spec) => {
    const at = lines.indexOf(`  --${name} ${spec.arg}`);
    expect(at, `--${name} ${spec.arg}`).toBeGreaterThan(0);
    const text = lines.slice(at + 1).join(' ').split(/ {2}--/)[0]!.replace(/\s+/g, ' ');
    if (spec.default !== undefined) expect(text).toContain(`Default: ${spec.default}.`);
    if (spec.required) expect(text).toContain('Required.');
    expect(text).toContain(`Env: ${envName(name)}.`);
    expect(text).toContain(spec.reloadable ? 'SIGHUP applies a change' : 'Restart to change.');
  });

  it('never says [string], and fits the width', () => {
    expect(help).not.toContain('[string]');
    const wrappedProse = lines.filter((line) => !line.startsWith('  nacos-proxy ') && !line.startsWith('Usage: '));
    for (const line of wrappedProse) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('wraps at spaces and keeps a word longer than the width whole', () => {
    expect(wrapWords('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrapWords('abcdefgh ij', 4)).toEqual(['abcdefgh', 'ij']);
  });
});

describe('README option table', async () => {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  it.each(OPTIONS)('documents --%s with the same placeholder, variable and default', (name, spec) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`--${name} `));
    expect(row, `README row of --${name}`).toBeDefined();
    const [flag, env, fallback, reload] = row!.split(' | ').map((cell) => cell.replace(/^\| /, ''));
    expect(flag).toBe(`\`--${name} ${spec.arg}\``);
    expect(env).toBe(`\`${envName(name)}\``);
    if (spec.default !== undefined) expect(fallback).toBe(`\`${spec.default}\``);
    else expect(fallback).toMatch(/^—/);
    expect(reload).toBe(spec.reloadable ? 'yes' : 'no');
  });
});
