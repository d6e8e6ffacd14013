/**
 * Splits a byte stream into lines with a hard cap on line length, so memory stays flat whatever
 * the input: a 1 GB log without a single newline (a sparse file, binary junk, a core dump copied
 * into logs/) costs at most `maxLineBytes` of buffer. node:readline would buffer such a line whole,
 * which is why this is hand-written.
 *
 * Pure: chunks in, lines out through a callback (a callback, not an async iterator, because a log
 * has millions of lines and a promise per line would dominate the scan).
 */

export type LineHandler = (text: string, truncated: boolean) => void;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  readonly #maxLineBytes: number;
  /** Bytes of the current line kept so far (never more than maxLineBytes in total). */
  #pieces: Buffer[] = [];
  #kept = 0;
  /** True once the current line went over the cap: the rest of it is dropped. */
  #overflow = false;
  /** Lines cut at the cap, for the report. */
  truncatedLines = 0;

  constructor(maxLineBytes: number) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    this.#maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer, onLine: LineHandler): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline < 0 ? chunk.length : newline;
      this.#keep(chunk, start, end);
      if (newline < 0) return;
      this.#emit(onLine);
      start = newline + 1;
    }
  }

  /** Emits the last line when the input does not end with a newline. */
  end(onLine: LineHandler): void {
    if (this.#kept > 0 || this.#overflow) this.#emit(onLine);
  }

  #keep(chunk: Buffer, start: number, end: number): void {
    if (this.#overflow || end === start) return;
    const room = this.#maxLineBytes - this.#kept;
    const take = Math.min(room, end - start);
    // Copy: the caller's chunk is released after push(), and a view would pin all of it.
    this.#pieces.push(Buffer.from(chunk.subarray(start, start + take)));
    this.#kept += take;
    if (take < end - start) this.#overflow = true;
  }

  #emit(onLine: LineHandler): void {
    let line = this.#pieces.length === 1 ? this.#pieces[0]! : Buffer.concat(this.#pieces, this.#kept);
    if (line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN && !this.#overflow) line = line.subarray(0, line.length - 1);
    const truncated = this.#overflow;
    if (truncated) this.truncatedLines += 1;
    this.#pieces = [];
    this.#kept = 0;
    this.#overflow = false;
    onLine(line.toString('utf8'), truncated);
  }
}
