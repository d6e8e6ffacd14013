/**
 * lint-ports for HAProxy configs: every frontend/listen bind port forwarded to backend servers
 * becomes a mapping (TCP for mode tcp, HTTP for mode http, HTTP/2 with proto h2 / alpn h2),
 * grouped per server host; plus the idle limits of mode tcp (timeout tunnel, or timeout
 * client/server without it). Pure.
 */
import { isIP } from 'node:net';
import type { Finding } from '../doctor/report.js';
import { formatDuration } from '../duration.js';
import { isValidPort, mainPortOf, roleOfPort } from '../ports.js';
import { MIN_IDLE_MS, problem } from './advice.js';
import { analyzeGroups, memberMainPort, type FixStyle, type Layer, type MappingGroup, type PortMapping } from './mapping.js';
import { parseHaproxy, setting, type HaproxyLine, type HaproxySection } from './haproxy-parser.js';
import { parseHaproxyTime } from './time.js';

interface Bind {
  readonly port: number;
  readonly text: string;
  readonly line: number;
  readonly http2: boolean;
}

interface Server {
  readonly host: string;
  /** A fixed port, or the offset from the port the client dialled (`:+1000`, no port = +0). */
  readonly port: { readonly fixed: number } | { readonly relative: number };
  readonly line: number;
}

/** Ports of one bind word: `:8848`, `*:8848`, `10.0.0.1:8848`, `[::]:8848`, `ipv4@:8848`, ranges, comma lists. */
function bindPorts(word: string): number[] {
  return word.split(',').flatMap((address) => {
    const port = /:(\d+)(?:-(\d+))?$/.exec(address.replace(/^(ipv4|ipv6|tcp|tcp4|tcp6)@/, ''));
    if (!port) return [];
    const low = Number(port[1]);
    const high = port[2] === undefined ? low : Number(port[2]);
    return high - low > 100 ? [] : Array.from({ length: high - low + 1 }, (_, index) => low + index);
  });
}

function bindsOf(section: HaproxySection): Bind[] {
  const lines: { words: readonly string[]; line: number }[] = section.lines
    .filter((line) => line.keyword === 'bind')
    .map((line) => ({ words: line.args, line: line.line }));
  if (section.kind === 'listen' && section.headerArgs[0] !== undefined) lines.push({ words: [section.headerArgs[0]], line: section.line });
  return lines.flatMap(({ words, line }) => {
    const http2 = (words.includes('proto') && words[words.indexOf('proto') + 1] === 'h2') || (words.includes('alpn') && /(^|,)h2(,|$)/.test(words[words.indexOf('alpn') + 1] ?? ''));
    return bindPorts(words[0] ?? '').map((port) => ({ port, text: words[0]!, line, http2 }));
  });
}

function serverOf(line: HaproxyLine): Server | undefined {
  const address = (line.args[1] ?? '').replace(/^(ipv4|ipv6|tcp|tcp4|tcp6)@/, '');
  const bracket = /^\[([^\]]+)\](?::([+-]?\d+))?$/.exec(address);
  let host: string;
  let port: string | undefined;
  if (bracket) {
    host = bracket[1]!;
    port = bracket[2];
  } else if (isIP(address) === 6) {
    host = address;
  } else {
    const colon = address.lastIndexOf(':');
    host = colon < 0 ? address : address.slice(0, colon);
    port = colon < 0 ? undefined : address.slice(colon + 1);
  }
  if (host === '' || (port !== undefined && !/^[+-]?\d+$/.test(port))) return undefined;
  if (port === undefined) return { host, port: { relative: 0 }, line: line.line };
  return { host, port: /^[+-]/.test(port) ? { relative: Number(port) } : { fixed: Number(port) }, line: line.line };
}

function serversOf(section: HaproxySection): Server[] {
  return section.lines.filter((line) => line.keyword === 'server').flatMap((line) => serverOf(line) ?? []);
}

function backendsOf(section: HaproxySection, all: readonly HaproxySection[]): HaproxySection[] {
  const names = section.lines.filter((line) => line.keyword === 'default_backend' || line.keyword === 'use_backend').map((line) => line.args[0]);
  const named = all.filter((candidate) => (candidate.kind === 'backend' || candidate.kind === 'listen') && names.includes(candidate.name));
  return section.kind === 'listen' ? [section, ...named] : named;
}

function layerOf(frontend: HaproxySection, bind: Bind): Layer {
  const mode = setting(frontend, 'mode')?.args[0] ?? 'tcp';
  if (mode !== 'http') return 'tcp';
  return bind.http2 ? 'http2' : 'http';
}

interface Route {
  readonly frontend: HaproxySection;
  readonly backend: HaproxySection;
  readonly mapping: PortMapping;
  readonly host: string;
}

const FIX: FixStyle = {
  add: (front, back, role) =>
    `add a mode tcp section:\nlisten nacos_${role.replace('-', '_')}\n    bind :${front}\n    mode tcp\n    timeout tunnel 10m\n    server member-1 MEMBER:${back} check\n` +
    `(nacos-doctor haproxy --listen ${mainPortOf(front, role)} --upstream MEMBER:PORT ... writes every section)`,
  change: (mapping, front, back) => `serve ${mapping.text} in mode tcp, with bind :${front} and the servers on port ${back}`,
};

function timeoutValue(line: HaproxyLine | undefined): number | undefined {
  return line === undefined ? undefined : parseHaproxyTime(line.args[1] ?? '');
}

interface IdleLimit {
  /** The timeout line that decides when a quiet connection is closed, if any. */
  readonly decisive: HaproxyLine | undefined;
  readonly tunnel: boolean;
  readonly backend: HaproxySection;
  readonly proxies: string[];
}

/** In mode tcp, timeout tunnel governs an established connection; without it the shorter of client/server does. */
function idleLimits(routes: readonly Route[]): IdleLimit[] {
  const limits = new Map<string, IdleLimit>();
  for (const { frontend, backend, mapping } of routes) {
    if (mapping.layer !== 'tcp') continue;
    const tunnel = setting(backend, 'timeout', 'tunnel');
    const others = [setting(frontend, 'timeout', 'client'), setting(backend, 'timeout', 'server')].filter((line) => timeoutValue(line) !== undefined);
    const decisive = tunnel ?? others.sort((a, b) => timeoutValue(a)! - timeoutValue(b)!)[0];
    const key = tunnel === undefined ? `${decisive?.line ?? 'none'}:${backend.line}` : `${tunnel.line}`;
    const limit = limits.get(key) ?? { decisive, tunnel: tunnel !== undefined, backend, proxies: [] };
    if (frontend.name !== undefined && !limit.proxies.includes(frontend.name)) limit.proxies.push(frontend.name);
    limits.set(key, limit);
  }
  return [...limits.values()];
}

function timeoutFindings(routes: readonly Route[], file: string): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<HaproxyLine>();
  for (const { decisive, tunnel, backend, proxies } of idleLimits(routes)) {
    const ms = timeoutValue(decisive);
    if (decisive !== undefined && ms !== undefined && ms < MIN_IDLE_MS) {
      if (reported.has(decisive)) continue;
      reported.add(decisive);
      const through = idleLimits(routes).filter((limit) => limit.decisive === decisive).flatMap((limit) => limit.proxies);
      findings.push(
        problem('IDLE_TIMEOUT_TOO_SHORT', {
          status: 'fail',
          title: `timeout ${decisive.args[0]} ${decisive.args[1]} closes quiet Nacos connections after ${formatDuration(ms)} (${[...new Set(through)].join(', ')})`,
          fix: `timeout tunnel 10m  (in the backend or defaults; at least ${formatDuration(MIN_IDLE_MS)}; timeout client/server then only bound the connect phase)`,
          file,
          line: decisive.line,
        }),
      );
    } else if (!tunnel && decisive !== undefined) {
      findings.push(
        problem('NO_TUNNEL_TIMEOUT', {
          status: 'warn',
          title: `${backend.kind} ${backend.name ?? ''} has no timeout tunnel: timeout ${decisive.args[0]} ${decisive.args[1]} also ends quiet established connections (${proxies.join(', ')})`,
          fix: 'timeout tunnel 10m',
          file,
          line: backend.line,
        }),
      );
    }
  }
  return findings;
}

export function lintHaproxy(source: string, file: string): Finding[] {
  const sections = parseHaproxy(source);
  const routes: Route[] = [];
  for (const frontend of sections.filter((section) => section.kind === 'frontend' || section.kind === 'listen')) {
    for (const bind of bindsOf(frontend)) {
      for (const backend of backendsOf(frontend, sections)) {
        for (const server of serversOf(backend)) {
          const back = 'fixed' in server.port ? server.port.fixed : bind.port + server.port.relative;
          if (!isValidPort(back)) continue;
          routes.push({
            frontend,
            backend,
            host: server.host,
            mapping: { front: bind.port, back, layer: layerOf(frontend, bind), line: bind.line, text: `${frontend.kind} ${frontend.name ?? ''} bind ${bind.text} -> ${backend.name ?? ''}` },
          });
        }
      }
    }
  }
  const groups: MappingGroup[] = [];
  const nacosRoutes: Route[] = [];
  for (const host of new Set(routes.map((route) => route.host))) {
    const hostRoutes = routes.filter((route) => route.host === host);
    const mappings = hostRoutes.map((route) => route.mapping);
    const main = memberMainPort(mappings.map((mapping) => mapping.back));
    if (main === undefined) continue;
    nacosRoutes.push(...hostRoutes.filter((route) => roleOfPort(main, route.mapping.back) !== undefined));
    groups.push({ file, subject: 'HAProxy proxies', frontName: 'bind port', mappings, line: undefined, fix: FIX });
  }
  const findings = [...analyzeGroups(groups), ...timeoutFindings(nacosRoutes, file)];
  if (groups.length === 0) findings.push({ check: 'ports.none', status: 'info', title: 'no proxy forwards to a Nacos port', location: { file } });
  return findings;
}
