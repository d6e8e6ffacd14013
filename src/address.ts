/**
 * Parsing of everything users type as an address: `host`, `host:port`, `[v6]:port`,
 * `http(s)://host:port/context`, comma-separated lists, CIDR blocks.
 * Pure functions; every error names the bad input and the expected form.
 */
import { isIP } from 'node:net';
import { AddressError } from './errors.js';
import { assertPort, isValidPort } from './ports.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface ListenAddress {
  /** Undefined means every interface (Node listens dual-stack on `::` when it can). */
  readonly host: string | undefined;
  readonly port: number;
}

/** An entry of a Nacos client's `serverAddr`, as the client would interpret it. */
export interface ServerAddress extends HostPort {
  /** What the user typed for this entry. */
  readonly input: string;
  readonly scheme: 'http' | 'https';
  /** Context path from a URL (`/nacos`), undefined when the entry was not a URL or had no path. */
  readonly contextPath: string | undefined;
  /** True when the entry carried no port and the default was assumed (clients do the same). */
  readonly portDefaulted: boolean;
}

// RFC 1123 labels, plus `_` because docker compose service names (nacos_1) use it.
const HOSTNAME_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/**
 * A top-level label is never all digits (RFC 3696 §2), so `999.1.1.1`, `1.2.3` and `12345` are
 * mistyped IPv4 addresses (or ports), not names; resolvers would read some of them as numbers.
 */
function endsInNumber(host: string): boolean {
  const trimmed = host.endsWith('.') ? host.slice(0, -1) : host;
  return /^\d+$/.test(trimmed.slice(trimmed.lastIndexOf('.') + 1));
}

function hasLabelSyntax(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const trimmed = host.endsWith('.') ? host.slice(0, -1) : host;
  return trimmed.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

export function isHostname(host: string): boolean {
  return hasLabelSyntax(host) && !endsInNumber(host);
}

/** True for an IPv4/IPv6 literal or a syntactically valid hostname. */
export function isValidHost(host: string): boolean {
  return isIP(host) !== 0 || isHostname(host);
}

/** `[::1]:8848` for IPv6, `host:8848` otherwise. */
export function formatHostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack listener) becomes `10.0.0.1`. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped?.[1] ?? ip;
}

/**
 * One spelling per host, for telling whether two addresses name the same one: names lower-cased,
 * IPv6 in its canonical compressed form (`0:0:0:0:0:0:0:1` -> `::1`), IPv4-mapped IPv6 as IPv4.
 */
export function canonicalHost(host: string): string {
  const ip = normalizeIp(host);
  // URL refuses zone ids (fe80::1%eth0); those keep their spelling.
  if (isIP(ip) === 6 && !ip.includes('%')) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  return ip.toLowerCase().replace(/\.$/, '');
}

/**
 * `localhost` (and `*.localhost`), 127.0.0.0/8 and ::1: this machine, whatever the spelling.
 * With `wildcard`, also 0.0.0.0 and ::, which reach this machine when dialled (a listener on
 * them takes connections to every local address).
 */
export function isLoopbackHost(host: string, options: { wildcard?: boolean } = {}): boolean {
  const canonical = canonicalHost(host);
  if (options.wildcard === true && (canonical === '0.0.0.0' || canonical === '::')) return true;
  return canonical === 'localhost' || canonical.endsWith('.localhost') || canonical === '::1' || (isIP(canonical) === 4 && canonical.startsWith('127.'));
}

function parsePortText(text: string, input: string, what: string): number {
  if (!/^\d{1,5}$/.test(text)) {
    throw new AddressError(`${what} "${input}": port "${text}" is not a number from 1 to 65535`);
  }
  try {
    return assertPort(Number(text), `${what} "${input}": port`);
  } catch (error) {
    throw new AddressError((error as Error).message);
  }
}

/** Why a host made of digits and dots is neither an IPv4 address nor a name. */
function numericHostProblem(host: string): string {
  const parts = host.replace(/\.$/, '').split('.');
  if (parts.length === 1) return `"${host}" is a number, not a host; to give a port, write HOST:${host}`;
  if (parts.length !== 4) return `"${host}" is not a valid IPv4 address: it has ${parts.length} parts instead of 4, and a hostname cannot end in a number`;
  const bad = parts.find((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255);
  return `"${host}" is not a valid IPv4 address: ${bad === undefined ? 'write it without leading zeros' : `"${bad}" is not a number from 0 to 255`}, and a hostname cannot end in a number`;
}

function checkHost(host: string, input: string, what: string): string {
  if (isValidHost(host)) return host;
  if (/^[\d.]+$/.test(host)) throw new AddressError(`${what} "${input}": ${numericHostProblem(host)}`);
  if (hasLabelSyntax(host)) {
    throw new AddressError(`${what} "${input}": "${host}" is not a valid hostname: its last label is a number (write an IPv4 address as four numbers 0-255)`);
  }
  throw new AddressError(`${what} "${input}": "${host}" is not a valid IP address or hostname`);
}

/**
 * `::1:8848` is a valid IPv6 address, but someone who types it almost always means `[::1]:8848`.
 * An unbracketed IPv6 literal whose last group is decimal and whose rest is an address on its own
 * is refused as ambiguous; brackets say which was meant.
 */
function ambiguousPortTail(text: string): { host: string; port: string } | undefined {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon);
  const port = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(port) || !isValidPort(Number(port)) || isIP(host) !== 6) return undefined;
  return { host, port };
}

/**
 * Splits `host:port`, `[v6]:port`, `host`, `v6` into parts without validating them.
 * `port` is undefined when the text has none.
 */
function splitHostPort(text: string, input: string, what: string): { host: string; port: string | undefined } {
  const url = /^[a-z][a-z\d+.-]*:\/\/([^/]*)/i.exec(text);
  if (url) throw new AddressError(`${what} "${input}": a URL is not accepted here; write HOST:PORT without "scheme://", e.g. ${url[1] || 'nacos-0:8848'}`);
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new AddressError(`${what} "${input}": missing "]" after the IPv6 address; write it as [::1]:8848`);
    const host = text.slice(1, close);
    if (isIP(host) !== 6) throw new AddressError(`${what} "${input}": "${host}" inside [] is not an IPv6 address`);
    const rest = text.slice(close + 1);
    if (rest === '') return { host, port: undefined };
    if (!rest.startsWith(':')) throw new AddressError(`${what} "${input}": expected ":port" after "]"`);
    return { host, port: rest.slice(1) };
  }
  // A bare IPv6 literal has several colons and no port; brackets are required to add one.
  if (isIP(text) === 6) {
    const tail = ambiguousPortTail(text);
    if (tail) {
      throw new AddressError(
        `${what} "${input}": an IPv6 address with a port must be written in brackets: [${tail.host}]:${tail.port} (or [${text}] if ${tail.port} is part of the address)`,
      );
    }
    return { host: text, port: undefined };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: text, port: undefined };
  if (text.indexOf(':') !== colon) {
    const tail = ambiguousPortTail(text);
    throw new AddressError(`${what} "${input}": an IPv6 address with a port must be written in brackets, ${tail ? `[${tail.host}]:${tail.port}` : 'e.g. [::1]:8848'}`);
  }
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

/** `HOST:PORT` or `[v6]:PORT`; with `defaultPort`, a bare host is accepted too. */
export function parseHostPort(input: string, options: { defaultPort?: number; what?: string } = {}): HostPort {
  const what = options.what ?? 'address';
  const text = input.trim();
  if (text === '') throw new AddressError(`${what} is empty: expected HOST:PORT`);
  const { host, port } = splitHostPort(text, input, what);
  if (port === undefined) {
    if (options.defaultPort === undefined) {
      const hint = isIP(host) === 6 ? '; an IPv6 address takes its port after brackets, e.g. [::1]:8848' : ', e.g. 10.0.0.1:8848 or [::1]:8848';
      throw new AddressError(`${what} "${input}" has no port: expected HOST:PORT${hint}`);
    }
    return { host: checkHost(host, input, what), port: options.defaultPort };
  }
  return { host: checkHost(host, input, what), port: parsePortText(port, input, what) };
}

/** `[HOST:]PORT` for listeners: `8848`, `0.0.0.0:8848`, `[::1]:8848`, `:8848`. */
export function parseListenAddress(input: string, what = 'listen address'): ListenAddress {
  const text = input.trim();
  if (/^\d+$/.test(text)) return { host: undefined, port: parsePortText(text, input, what) };
  if (text.startsWith(':') && /^:\d+$/.test(text)) return { host: undefined, port: parsePortText(text.slice(1), input, what) };
  return parseHostPort(text, { what });
}

/** Splits a list given as repeated flags and/or comma/whitespace-separated items. */
export function splitList(input: string | readonly string[] | undefined): string[] {
  if (input === undefined) return [];
  return (typeof input === 'string' ? [input] : input)
    .flatMap((item) => item.split(/[\s,]+/))
    .filter((item) => item !== '');
}

/**
 * One entry of a client's `serverAddr`: `host`, `host:port`, `[v6]:port`, `http(s)://host:port/context`.
 * A missing port means `defaultPort` (8848), as in Nacos clients (RpcClient.resolveServerInfo).
 */
export function parseServerAddress(input: string, defaultPort: number): ServerAddress {
  const text = input.trim();
  const urlMatch = /^(https?):\/\/(.*)$/i.exec(text);
  if (urlMatch) {
    const scheme = urlMatch[1]!.toLowerCase() as 'http' | 'https';
    const rest = urlMatch[2]!;
    const slash = rest.indexOf('/');
    const authority = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? '' : rest.slice(slash).replace(/\/+$/, '');
    const { host, port } = splitHostPort(authority, input, 'server address');
    return {
      input: text,
      scheme,
      host: checkHost(host, input, 'server address'),
      port: port === undefined ? defaultPort : parsePortText(port, input, 'server address'),
      contextPath: path === '' ? undefined : path,
      portDefaulted: port === undefined,
    };
  }
  if (text.includes('/')) {
    throw new AddressError(`server address "${input}": a path needs a scheme, e.g. http://${text}`);
  }
  const { host, port } = splitHostPort(text, input, 'server address');
  return {
    input: text,
    scheme: 'http',
    host: checkHost(host, input, 'server address'),
    port: port === undefined ? defaultPort : parsePortText(port, input, 'server address'),
    contextPath: undefined,
    portDefaulted: port === undefined,
  };
}

/** A comma-separated `serverAddr` list (or several), each entry parsed with parseServerAddress. */
export function parseServerAddressList(inputs: string | readonly string[], defaultPort: number): ServerAddress[] {
  const entries = (typeof inputs === 'string' ? [inputs] : inputs)
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return entries.map((entry) => parseServerAddress(entry, defaultPort));
}

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `::1/128`, or a single IP (a /32 or /128). */
export function parseCidr(input: string): Cidr {
  const text = input.trim();
  const slash = text.indexOf('/');
  const address = normalizeIp(slash < 0 ? text : text.slice(0, slash));
  const version = isIP(address);
  if (version === 0) {
    throw new AddressError(`CIDR "${input}": "${address}" is not an IP address; expected e.g. 10.0.0.0/8 or fd00::/8`);
  }
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > max) {
      throw new AddressError(`CIDR "${input}": prefix length "${prefixText}" must be 0-${max} for IPv${version}`);
    }
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
