/**
 * The gate every user value passes before it reaches a generated config. nginx, HAProxy and
 * YAML each give `;`, `{`, `}`, `#`, quotes, `$` and whitespace a meaning, so a value holding one
 * could add directives. We refuse such values instead of escaping them: no legitimate host,
 * port, path or name needs them, and an escaped value would still surprise the reader.
 */
import { UsageError } from '../errors.js';

/** Characters that end, open, comment, quote or interpolate in nginx/HAProxy/YAML text. */
const UNSAFE = /[;{}#'"`$\\\s\u0000-\u001f\u007f]/u;

function describeCharacter(char: string): string {
  if (char === '\n') return 'a newline';
  if (char === '\r') return 'a carriage return';
  if (char === '\t') return 'a tab';
  if (char === ' ') return 'a space';
  const code = char.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `control character U+${code.toString(16).padStart(4, '0')}` : `"${char}"`;
}

/**
 * Returns `value` unchanged when it cannot change the structure of a generated file; otherwise
 * throws a UsageError (exit 2) that names the option, the value and the offending character.
 */
export function assertSafeValue(value: string, what: string): string {
  const match = UNSAFE.exec(value);
  if (match) {
    throw new UsageError(
      `${what} ${JSON.stringify(value)} contains ${describeCharacter(match[0])}, which could inject configuration; ` +
        'it is refused, not escaped: give a plain host, port, path or name',
      { code: 'ERR_UNSAFE_VALUE' },
    );
  }
  if (value === '') throw new UsageError(`${what} is empty`, { code: 'ERR_UNSAFE_VALUE' });
  return value;
}

/**
 * nginx, HAProxy and Docker read IPv6 addresses without a zone id (`fe80::1%eth0`): nginx and
 * HAProxy fail to parse it and Docker refuses the port spec. Node accepts one, so this is checked
 * here, after the address was parsed.
 */
export function assertNoZoneId(host: string | undefined, what: string): void {
  if (host === undefined || !host.includes('%')) return;
  throw new UsageError(
    `${what} "${host}" has an IPv6 zone id (${host.slice(host.indexOf('%'))}), which nginx, HAProxy and Docker do not accept in an address; ` +
      'give the member a global or unique-local address (e.g. fd00::11) instead of a link-local one',
    { code: 'ERR_ADDRESS' },
  );
}
