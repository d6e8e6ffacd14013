/** The shipped example configs must stay valid for the current option set. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/proxy/config-file.js';
import { PROXY_OPTION_SPECS, resolveProxyOptions } from '../../src/proxy/options.js';
import { ROOT } from '../helpers/spawn.js';

describe('examples/nacos-proxy.yaml', () => {
  it('resolves without errors and sets what it documents', async () => {
    const file = await readConfigFile(`${ROOT}examples/nacos-proxy.yaml`);
    const { options } = resolveProxyOptions({ flags: {}, env: {}, file });
    expect(options.listen).toEqual({ host: '0.0.0.0', port: 8848 });
    expect(options.upstream).toHaveLength(3);
    expect(options.maxConnectionsPerIp).toBe(500);
  });
});

describe('README', () => {
  it('documents every nacos-proxy option with its default', async () => {
    const readme = await readFile(`${ROOT}README.md`, 'utf8');
    for (const [name, spec] of Object.entries(PROXY_OPTION_SPECS)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`--${name}`));
      expect(row, `README row for --${name}`).toBeDefined();
      expect(row).toContain(`\`NACOS_PROXY_${name.toUpperCase().replaceAll('-', '_')}\``);
      if (spec.default !== undefined) expect(row, `default of --${name}`).toContain(`\`${spec.default}\``);
    }
  });
});
