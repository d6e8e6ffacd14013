/**
 * Splits text into words the way a POSIX shell and HAProxy both do: single quotes are literal,
 * double quotes allow backslash escapes, a backslash escapes the next character (and joins
 * lines), and `#` at the start of a word comments out the rest of the line. No expansion.
 * Hand-written: the job is small, and the common npm splitters also expand variables.
 */

export interface Word {
  readonly text: string;
  /** 1-based line where the word starts. */
  readonly line: number;
}

/**
 * The words of `text`; with `commands`, also where one shell command ends: an unquoted newline,
 * `;`, `&` or `|` (so `&&` and `||` too) closes the current command.
 */
function tokenize(text: string, commands: boolean): Word[][] {
  const result: Word[][] = [[]];
  let word = '';
  let inWord = false;
  let line = 1;
  let start = 1;
  const add = (char: string): void => {
    if (!inWord) start = line;
    word += char;
    inWord = true;
  };
  const endWord = (): void => {
    if (inWord) result.at(-1)!.push({ text: word, line: start });
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (result.at(-1)!.length > 0) result.push([]);
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '\\') {
      const next = text[index + 1];
      index += 1;
      if (next === '\n') line += 1;
      if (next === '\n' || next === undefined) continue;
      add(next);
    } else if (char === "'") {
      const close = text.indexOf("'", index + 1);
      const end = close < 0 ? text.length : close;
      add('');
      const quoted = text.slice(index + 1, end);
      word += quoted;
      line += quoted.split('\n').length - 1;
      index = end;
    } else if (char === '"') {
      add('');
      index += 1;
      while (index < text.length && text[index] !== '"') {
        if (text[index] === '\\' && /["\\$`\n]/.test(text[index + 1] ?? '')) index += 1;
        if (text[index] === '\n') line += 1;
        word += text[index];
        index += 1;
      }
    } else if (char === '#' && !inWord) {
      while (index + 1 < text.length && text[index + 1] !== '\n') index += 1;
    } else if (commands && (char === ';' || char === '&' || char === '|')) {
      endCommand();
    } else if (char === '\n') {
      if (commands) endCommand();
      else endWord();
      line += 1;
    } else if (/\s/.test(char)) {
      endWord();
    } else {
      add(char);
    }
  }
  endCommand();
  return result.filter((command) => command.length > 0);
}

export function splitWords(text: string): string[] {
  return tokenize(text, false).flat().map((word) => word.text);
}

/** The simple commands of a shell script (or one pasted command line), each as its words. */
export function splitCommands(text: string): Word[][] {
  return tokenize(text, true);
}
