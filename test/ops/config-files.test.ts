import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allFindings, exitCodeOf } from '../../src/doctor/report.js';
import { lintConfigDirectory } from '../../src/ops/config-files.js';
import { ROOT } from '../helpers/spawn.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir('nacos-conf-');

describe('lintConfigDirectory', () => {
  it('passes examples/nacos-conf/good', async () => {
    const report = await lintConfigDirectory(`${ROOT}examples/nacos-conf/good`);
    expect(allFindings(report).filter((finding) => finding.status !== 'ok' && finding.status !== 'info')).toEqual([]);
    expect(report.sections.map((section) => section.target)).toEqual([
      `${ROOT}examples/nacos-conf/good/application.properties`,
      `${ROOT}examples/nacos-conf/good/cluster.conf`,
    ]);
  });

  it('finds what examples/nacos-conf/broken documents', async () => {
    const report = await lintConfigDirectory(`${ROOT}examples/nacos-conf/broken`, { upgradeFrom1x: true });
    const causes = allFindings(report).map((finding) => finding.cause).filter((cause) => cause !== undefined);
    expect(new Set(causes)).toEqual(
      new Set([
        'DUPLICATE_KEY',
        'DEPRECATED_KEY',
        'BAD_VALUE',
        'UPGRADE_FROM_1X_OFF',
        'BAD_MEMBER',
        'DUPLICATE_MEMBER',
        'PORT_COLLISION',
        'SERVER_IP_IGNORED',
        'CHANGING_MEMBER_IPS',
      ]),
    );
    expect(allFindings(report).filter((finding) => finding.cause === 'PORT_COLLISION').map((finding) => finding.title)).toEqual([
      '192.168.1.10:8848 and 192.168.1.10:8849 both need port 9849',
      '192.168.1.10:8849 and 192.168.1.10:8850 both need port 9850',
    ]);
    expect(exitCodeOf(report)).toBe(1);
  });

  it('finds conf/ inside a Nacos home and lints a lone cluster.conf', async () => {
    await mkdir(join(tempDir(), 'conf'));
    await writeFile(join(tempDir(), 'conf', 'cluster.conf'), '10.0.0.1:8848\n10.0.0.1:8849\n10.0.0.2:8848\n');
    const report = await lintConfigDirectory(tempDir());
    expect(report.sections.map((section) => section.target)).toEqual([join(tempDir(), 'conf', 'cluster.conf')]);
    expect(exitCodeOf(report)).toBe(1);
  });

  it('refuses a missing directory, one without config files, and a file too large to be a config', async () => {
    await expect(lintConfigDirectory(join(tempDir(), 'nope'))).rejects.toMatchObject({ code: 'ERR_CONF_DIR', exitCode: 2, message: expect.stringContaining('does not exist') });
    await expect(lintConfigDirectory(tempDir())).rejects.toMatchObject({ code: 'ERR_CONF_DIR', message: expect.stringContaining('neither application.properties nor cluster.conf') });
    await writeFile(join(tempDir(), 'application.properties'), '');
    await truncate(join(tempDir(), 'application.properties'), 64 * 1024 * 1024);
    await expect(lintConfigDirectory(tempDir())).rejects.toMatchObject({ code: 'ERR_CONF_FILE', message: expect.stringContaining('not a Nacos application.properties') });
  });

  it('refuses a config path that is a directory', async () => {
    await mkdir(join(tempDir(), 'cluster.conf'));
    await expect(lintConfigDirectory(tempDir())).rejects.toMatchObject({ code: 'ERR_CONF_FILE', message: expect.stringContaining('is not a file') });
  });
});
