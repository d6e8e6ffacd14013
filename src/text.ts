/** Small text helpers for messages. */

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The candidate closest to `name` for a "did you mean" hint, if one is close enough to be a typo. */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

/** Share of control characters (or invalid UTF-8, decoded as U+FFFD) above which text is binary data. */
const BINARY_RATIO = 0.1;
/** NUL, the control characters that text never holds, or invalid UTF-8. */
const SUSPECT_CHARACTER = /[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/;
/** Enough of a file to tell text from binary data. */
const BINARY_SAMPLE_CHARS = 8192;

/**
 * Why `text` looks like binary data rather than a text file, or undefined: NUL bytes (no config
 * or log has them; UTF-16 files do), or more than 10% control characters or invalid UTF-8 in
 * the first 8 KiB. Tabs, newlines and form feeds are text.
 */
export function binaryReason(text: string): string | undefined {
  // The common case, a clean line of a multi-gigabyte log, costs one scan and no allocation.
  if (!SUSPECT_CHARACTER.test(text)) return undefined;
  const sample = text.slice(0, BINARY_SAMPLE_CHARS);
  if (sample.includes('\u0000')) return 'it contains NUL bytes';
  const controls = sample.match(/[\u0001-\u0008\u000e-\u001f\u007f\ufffd]/g)?.length ?? 0;
  if (sample.length > 0 && controls / sample.length > BINARY_RATIO) {
    return `${Math.round((controls / sample.length) * 100)}% of its first ${sample.length} characters are control characters or invalid UTF-8`;
  }
  return undefined;
}

/** C0/C1 controls (but tab and newline), DEL, and the Unicode line separators and bidi overrides. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a file or a server made safe to print: every control character becomes a visible
 * `\xNN` (or `\u{NNNN}`), so an ESC sequence in a quoted line cannot move the cursor, recolour or
 * retitle the terminal, or hide what follows.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (char) => {
    const code = char.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** `1 heartbeat`, `2 heartbeats`: a count with its noun, singular for exactly one. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
