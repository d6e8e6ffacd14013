/**
 * The I/O of `nacos-doctor logs`: finds the Nacos server logs in a directory (current and rotated,
 * plain or gzip) and streams each one line by line through LineSplitter, so memory stays flat for
 * files of any size. Unreadable files are reported, not fatal.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { UsageError, errnoCode } from '../errors.js';
import { binaryReason } from '../text.js';
import { LineSplitter } from './line-splitter.js';
import type { ScannedFile } from './log-verdict.js';

/** Longer lines are cut (the signatures sit in the first few hundred bytes of a line). */
export const MAX_LINE_BYTES = 16 * 1024;
const CHUNK_BYTES = 256 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
const GZIP_NAME = /\.gz$/i;

/** `nacos.log`, `naming-server.log.2024-03-01.0`, `start.out`, `alipay-jraft.log.1.gz`, … */
const LOG_NAME = /\.(?:log|out)(?:\.|$)/i;
/** Tomcat access logs and JVM GC logs hold none of the signatures and are often the largest files. */
const NOT_SERVER_LOG = /^access_log|(?:^|[_.-])gc\.log/i;

export interface LogDirectory {
  /** The directory actually scanned (DIR, or DIR/logs when DIR is a Nacos home). */
  readonly dir: string;
  /** File names relative to `dir`, oldest rotation first, the current file of each log last. */
  readonly files: readonly string[];
  readonly skipped: readonly string[];
}

function isLogName(name: string): boolean {
  return LOG_NAME.test(name) && !NOT_SERVER_LOG.test(name);
}

/** `nacos.log.2024-03-01.0.gz` -> [`nacos.log`, rotated]; `start.out` -> [`start.out`, current]. */
function rotationKey(name: string): [string, number] {
  const match = /^(.*?\.(?:log|out))(\..+)?$/i.exec(name);
  return [match?.[1] ?? name, match?.[2] === undefined ? 1 : 0];
}

export function sortLogNames(names: readonly string[]): string[] {
  return [...names].sort((a, b) => {
    const [baseA, currentA] = rotationKey(a);
    const [baseB, currentB] = rotationKey(b);
    return baseA.localeCompare(baseB) || currentA - currentB || a.localeCompare(b, 'en', { numeric: true });
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  // Symlinks are listed too: a link that cannot be followed is reported as unreadable.
  return entries.filter((entry) => entry.isFile() || entry.isSymbolicLink()).map((entry) => entry.name);
}

function directoryError(dir: string, error: unknown): UsageError {
  const code = errnoCode(error);
  const reason =
    code === 'ENOENT' ? 'does not exist' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(error)})`;
  return new UsageError(`logs directory "${dir}" ${reason}: give the Nacos logs directory, e.g. /home/nacos/logs`, { code: 'ERR_LOGS_DIR', cause: error });
}

/** Lists the logs to read in `dir`; a single file is accepted as well. */
export async function findLogFiles(dir: string): Promise<LogDirectory> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    throw directoryError(dir, error);
  }
  if (info.isFile()) return { dir: join(dir, '..'), files: [basename(dir)], skipped: [] };
  let names: string[];
  try {
    names = await listFiles(dir);
  } catch (error) {
    throw directoryError(dir, error);
  }
  if (!names.some(isLogName)) {
    // A Nacos home (or the docker volume above logs/) holds them in logs/.
    const nested = join(dir, 'logs');
    const nestedNames = await listFiles(nested).catch(() => []);
    if (nestedNames.some(isLogName)) return { dir: nested, files: sortLogNames(nestedNames.filter(isLogName)), skipped: nestedNames.filter((name) => !isLogName(name)) };
    throw new UsageError(
      `no Nacos log files in "${dir}": expected files such as nacos.log, naming-server.log, start.out, protocol-raft.log, alipay-jraft.log (rotated and .gz too)`,
      { code: 'ERR_LOGS_DIR' },
    );
  }
  return { dir, files: sortLogNames(names.filter(isLogName)), skipped: names.filter((name) => !isLogName(name)).sort() };
}

export interface ReadLogOptions {
  readonly maxLineBytes?: number;
  /** Called after each chunk with the bytes (decompressed) read so far in this file. */
  readonly onChunk?: (bytesRead: number) => void;
}

/**
 * Streams one file (gzip is recognised by its magic bytes, whatever the name) and calls `onLine`
 * for each line. Never throws for the file's own problems: they come back in `error`.
 */
export async function readLogFile(
  dir: string,
  name: string,
  onLine: (lineNumber: number, text: string) => void,
  options: ReadLogOptions = {},
): Promise<ScannedFile> {
  const splitter = new LineSplitter(options.maxLineBytes ?? MAX_LINE_BYTES);
  let lines = 0;
  let bytes = 0;
  let gzip = false;
  let read = 0;
  let binaryLines = 0;
  const handle = (text: string): void => {
    lines += 1;
    // Junk (random bytes, a core dump, a sparse hole) cannot hold a signature: count it, skip it.
    if (binaryReason(text) === undefined) onLine(lines, text);
    else binaryLines += 1;
  };
  const result = (error?: unknown): ScannedFile => ({
    name,
    bytes,
    gzip,
    lines,
    truncatedLines: splitter.truncatedLines,
    binaryLines,
    ...(!gzip && GZIP_NAME.test(name) ? { notGzip: true } : {}),
    ...(error === undefined ? {} : { error }),
  });
  let file;
  try {
    file = await open(join(dir, name), 'r');
  } catch (error) {
    return result(error);
  }
  try {
    bytes = (await file.stat()).size;
    const head = Buffer.alloc(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    gzip = bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
    const source = file.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES, autoClose: false });
    const sink = async (chunks: AsyncIterable<Buffer>): Promise<void> => {
      for await (const chunk of chunks) {
        splitter.push(chunk, handle);
        read += chunk.length;
        options.onChunk?.(read);
      }
    };
    if (gzip) await pipeline(source, createGunzip({ chunkSize: CHUNK_BYTES }), sink);
    else await pipeline(source, sink);
    splitter.end(handle);
    return result();
  } catch (error) {
    splitter.end(handle);
    return result(error);
  } finally {
    await file.close();
  }
}
