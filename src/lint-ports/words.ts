/**
 * Splits text into words the way a POSIX shell and HAProxy both do: single quotes are literal,
 * double quotes allow backslash escapes, a backslash escapes the next character (and joins
 * lines), and `#` at the start of a word comments out the rest of the line. No expansion.
 * Hand-written: the job is small, and the common npm splitters also expand variables.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '\\') {
      const next = text[index + 1];
      index += 1;
      if (next === '\n' || next === undefined) continue;
      word += next;
      inWord = true;
    } else if (char === "'") {
      const close = text.indexOf("'", index + 1);
      const end = close < 0 ? text.length : close;
      word += text.slice(index + 1, end);
      index = end;
      inWord = true;
    } else if (char === '"') {
      index += 1;
      while (index < text.length && text[index] !== '"') {
        if (text[index] === '\\' && /["\\$`\n]/.test(text[index + 1] ?? '')) index += 1;
        word += text[index];
        index += 1;
      }
      inWord = true;
    } else if (char === '#' && !inWord) {
      while (index + 1 < text.length && text[index + 1] !== '\n') index += 1;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
