/**
 * The I/O of `nacos-doctor lint CONFDIR`: reads application.properties and cluster.conf from a
 * Nacos conf/ directory (or a Nacos home holding conf/) and lints them.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, errnoCode } from '../errors.js';
import type { Report } from '../doctor/report.js';
import { lintConfig, type ConfigText } from './config-lint.js';

export const PROPERTIES_FILE = 'application.properties';
export const CLUSTER_FILE = 'cluster.conf';
/** Nacos configs are a few KiB; anything this large is not one and is not read whole. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

async function readConfig(name: string, path: string): Promise<ConfigText | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path} is not a file`, { code: 'ERR_CONF_FILE' });
    if (info.size > MAX_CONFIG_BYTES) {
      throw new UsageError(`${path} is ${info.size} bytes, not a Nacos ${name} (those are a few KiB)`, { code: 'ERR_CONF_FILE' });
    }
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${path}: ${errnoCode(error) ?? String(error)}; run as a user who may read it`, { code: 'ERR_CONF_FILE', cause: error });
  }
}

export async function lintConfigDirectory(path: string, options: { readonly upgradeFrom1x?: boolean } = {}): Promise<Report> {
  if (!(await isDirectory(path))) {
    throw new UsageError(`config directory "${path}" does not exist or is not a directory: give the Nacos conf directory, e.g. /home/nacos/conf`, {
      code: 'ERR_CONF_DIR',
    });
  }
  const dir = (await isDirectory(join(path, 'conf'))) ? join(path, 'conf') : path;
  const properties = await readConfig(PROPERTIES_FILE, join(dir, PROPERTIES_FILE));
  const clusterConf = await readConfig(CLUSTER_FILE, join(dir, CLUSTER_FILE));
  if (!properties && !clusterConf) {
    throw new UsageError(`neither ${PROPERTIES_FILE} nor ${CLUSTER_FILE} in "${dir}": give the Nacos conf directory, e.g. /home/nacos/conf`, { code: 'ERR_CONF_DIR' });
  }
  return lintConfig({ ...(properties ? { properties } : {}), ...(clusterConf ? { clusterConf } : {}), upgradeFrom1x: options.upgradeFrom1x === true });
}
