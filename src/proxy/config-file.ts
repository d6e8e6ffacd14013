/**
 * Reads a --config file. JSON is valid YAML 1.2, so one parser handles both; errors name the
 * file and, for syntax errors, the line.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConfigError, errnoCode } from '../errors.js';

export interface ConfigFile {
  readonly path: string;
  readonly content: unknown;
}

export async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error);
    throw new ConfigError(`cannot read config file ${path}: ${why}`, { cause: error });
  }
  try {
    return { path, content: parseYaml(text) as unknown };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new ConfigError(`config file ${path} is neither valid YAML nor JSON: ${reason}`, { cause: error });
  }
}
