/** GuardedOutput against real Writable streams: a reader that has gone, one that falls behind. */
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GuardedOutput, stdioTarget } from '../src/output-stream.js';
import { useTempDir } from './helpers/temp-dir.js';

/** A stream whose writes complete only when `release()` is called, like a pipe nobody reads. */
function stalledStream(): { stream: Writable; written: string[]; release(): void } {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString());
      pending.push(callback);
    },
  });
  return {
    stream,
    written,
    release: () => {
      while (pending.length > 0) pending.shift()!();
    },
  };
}

describe('GuardedOutput', () => {
  it('stops writing, without throwing, once the stream failed (EPIPE)', async () => {
    const { stream, written } = stalledStream();
    const output = new GuardedOutput(stream);
    output.write('first\n');
    const closed = new Promise((resolve) => stream.on('close', resolve));
    stream.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await closed;
    expect(output.broken).toBe(true);
    expect(output.write('second\n')).toBe(false);
    expect(written).toEqual(['first\n']);
    await output.flushed(60_000);
  });

  it('drops lines past maxQueuedBytes and reports how many once the reader caught up', async () => {
    const { stream, written, release } = stalledStream();
    const output = new GuardedOutput(stream, { maxQueuedBytes: 20 });
    // 7 bytes a line: the third write is still taken (14 bytes queued), the rest are dropped.
    for (let i = 0; i < 10; i += 1) output.write(`line ${i}\n`);
    expect(output.dropped).toBe(7);
    const drained = once(stream, 'drain');
    release();
    await drained;
    release();
    expect(written.slice(0, 3)).toEqual(['line 0\n', 'line 1\n', 'line 2\n']);
    expect(JSON.parse(written[3]!)).toMatchObject({ level: 'warn', dropped: 7 });
    expect(output.dropped).toBe(0);
  });

  it('flushed() waits for queued text, and gives up on a reader that never reads', async () => {
    const slow = stalledStream();
    const output = new GuardedOutput(slow.stream);
    output.write('queued\n');
    let done = false;
    const flushed = output.flushed(60_000).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    slow.release();
    await flushed;

    const stuck = stalledStream();
    const stuckOutput = new GuardedOutput(stuck.stream);
    stuckOutput.write('never read\n');
    await stuckOutput.flushed(10);
    expect(stuck.stream.writableLength).toBeGreaterThan(0);
  });

  it('a stream that throws on write (a file on a full disk) is treated as gone', () => {
    const stream = new Writable({
      write() {
        throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      },
    });
    const output = new GuardedOutput(stream);
    expect(output.write('x\n')).toBe(false);
    expect(output.broken).toBe(true);
  });
});

describe('stdioTarget', () => {
  const dir = useTempDir('stdio-target-');

  it('writes a regular file through an fs.WriteStream (off the event loop), every line in order', async () => {
    const file = join(dir(), 'proxy.log');
    const fd = openSync(file, 'a');
    try {
      const target = stdioTarget(process.stderr, fd);
      expect(target).toBeInstanceOf(WriteStream);
      const output = new GuardedOutput(target);
      const lines = Array.from({ length: 500 }, (_, i) => `line ${i}\n`);
      for (const line of lines) output.write(line);
      await output.flushed(5000);
      expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
    } finally {
      closeSync(fd);
    }
  });

  it('keeps the given stream for anything that is not a regular file', () => {
    const pipeLike = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    expect(stdioTarget(pipeLike, -1)).toBe(pipeLike);
  });
});
