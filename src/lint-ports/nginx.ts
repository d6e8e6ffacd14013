/**
 * lint-ports for nginx configs: every stream/http server that forwards to Nacos members becomes
 * a mapping (listen port -> member port, TCP for stream, HTTP/1 for proxy_pass, HTTP/2 for
 * grpc_pass or http2 servers), grouped per member host; plus the timeouts that cut long
 * connections (stream proxy_timeout, http proxy_read_timeout for config long-polling). Pure.
 */
import { isIP } from 'node:net';
import type { Finding } from '../doctor/report.js';
import { formatDuration } from '../duration.js';
import { isValidPort, mainPortOf, roleOfPort } from '../ports.js';
import { LONG_POLL_MS, MIN_IDLE_MS, problem } from './advice.js';
import { analyzeGroups, memberMainPort, type FixStyle, type Layer, type MappingGroup, type PortMapping } from './mapping.js';
import { NginxParseError, parseNginx, type NginxDirective } from './nginx-parser.js';
import { parseNginxTime } from './time.js';

interface Member {
  readonly host: string;
  readonly port: number;
}

interface Route {
  readonly context: 'stream' | 'http';
  readonly listens: readonly { readonly port: number; readonly text: string; readonly line: number; readonly http2: boolean }[];
  readonly pass: NginxDirective;
  readonly members: readonly Member[];
  readonly layer: Layer;
  /** The timeout that decides whether a quiet connection is cut, and where it is set. */
  readonly timeout: { readonly ms: number; readonly directive: NginxDirective } | undefined;
}

/** `host:port`, `[v6]:port`, `port`, `*:port`; undefined for unix sockets and anything else. */
function splitAddress(text: string, defaultPort: number | undefined): Member | undefined {
  if (text.startsWith('unix:')) return undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) return { host: bracket[1]!, port: bracket[2] === undefined ? (defaultPort ?? NaN) : Number(bracket[2]) };
  if (/^\d+$/.test(text)) return { host: '*', port: Number(text) };
  if (isIP(text) === 6) return defaultPort === undefined ? undefined : { host: text, port: defaultPort };
  const colon = text.lastIndexOf(':');
  if (colon < 0) return defaultPort === undefined ? undefined : { host: text, port: defaultPort };
  return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

function validMember(member: Member | undefined): member is Member {
  return member !== undefined && isValidPort(member.port);
}

function blockOf(directives: readonly NginxDirective[], name: string): NginxDirective[] {
  return directives.filter((directive) => directive.name === name && directive.block !== undefined);
}

function upstreamsIn(context: readonly NginxDirective[], defaultPort: number | undefined): Map<string, Member[]> {
  const upstreams = new Map<string, Member[]>();
  for (const upstream of blockOf(context, 'upstream')) {
    const members = upstream.block!.filter((directive) => directive.name === 'server').map((directive) => splitAddress(directive.args[0] ?? '', defaultPort));
    upstreams.set(upstream.args[0] ?? '', members.filter(validMember));
  }
  return upstreams;
}

function listensOf(server: readonly NginxDirective[]): Route['listens'] {
  const serverHttp2 = server.some((directive) => directive.name === 'http2' && directive.args[0] === 'on');
  return server
    .filter((directive) => directive.name === 'listen' && !directive.args.includes('udp') && !directive.args.includes('quic'))
    .flatMap((directive) => {
      const address = splitAddress(directive.args[0] ?? '', 80);
      return validMember(address) ? [{ port: address.port, text: directive.args[0]!, line: directive.line, http2: serverHttp2 || directive.args.includes('http2') }] : [];
    });
}

/** The value of a time directive set nearest to the traffic: in the innermost block first. */
function inheritedTime(name: string, blocks: readonly (readonly NginxDirective[])[]): { ms: number; directive: NginxDirective } | undefined {
  for (const block of [...blocks].reverse()) {
    const directive = block.find((candidate) => candidate.name === name);
    const ms = directive === undefined ? undefined : parseNginxTime(directive.args[0] ?? '');
    if (directive !== undefined && ms !== undefined) return { ms, directive };
  }
  return undefined;
}

function target(pass: NginxDirective, upstreams: Map<string, Member[]>, defaultPort: number | undefined): Member[] {
  const raw = pass.args[0] ?? '';
  if (raw.includes('$')) return [];
  const withoutScheme = raw.replace(/^(https?|grpcs?):\/\//, '');
  const authority = withoutScheme.split('/')[0]!;
  const known = upstreams.get(authority);
  if (known) return known;
  const schemePort = raw.startsWith('https://') || raw.startsWith('grpcs://') ? 443 : defaultPort;
  const member = splitAddress(authority, schemePort);
  return validMember(member) ? [member] : [];
}

function streamRoutes(stream: NginxDirective): Route[] {
  const upstreams = upstreamsIn(stream.block!, undefined);
  return blockOf(stream.block!, 'server').flatMap((server) => {
    const pass = server.block!.find((directive) => directive.name === 'proxy_pass');
    if (pass === undefined) return [];
    return [
      {
        context: 'stream' as const,
        listens: listensOf(server.block!),
        pass,
        members: target(pass, upstreams, undefined),
        layer: 'tcp' as const,
        timeout: inheritedTime('proxy_timeout', [stream.block!, server.block!]),
      },
    ];
  });
}

function locations(block: readonly NginxDirective[]): NginxDirective[][] {
  return blockOf(block, 'location').flatMap((location) => [[...location.block!], ...locations(location.block!)]);
}

function httpRoutes(http: NginxDirective): Route[] {
  const upstreams = upstreamsIn(http.block!, 80);
  return blockOf(http.block!, 'server').flatMap((server) => {
    const listens = listensOf(server.block!);
    return locations(server.block!).flatMap((location) =>
      location
        .filter((directive) => directive.name === 'proxy_pass' || directive.name === 'grpc_pass')
        .map((pass) => ({
          context: 'http' as const,
          listens,
          pass,
          members: target(pass, upstreams, 80),
          layer: (pass.name === 'grpc_pass' || listens.some((listen) => listen.http2) ? 'http2' : 'http') as Layer,
          timeout: inheritedTime(pass.name === 'grpc_pass' ? 'grpc_read_timeout' : 'proxy_read_timeout', [http.block!, server.block!, location]),
        })),
    );
  });
}

const FIX: FixStyle = {
  add: (front, back, role) => `forward it as TCP in stream {}:\nstream {\n    server {\n        listen ${front};\n        proxy_pass <every member>:${back};\n    }\n}\n(nacos-doctor nginx --listen ${mainPortOf(front, role)} --upstream MEMBER:PORT ... writes the whole block)`,
  change: (mapping, front, back) =>
    `serve ${mapping.text} as TCP from stream {} with listen ${front} and proxy_pass to the members' port ${back}; never grpc_pass or proxy_pass http for a gRPC port`,
};

export function lintNginx(source: string, file: string): Finding[] {
  let tree: NginxDirective[];
  try {
    tree = parseNginx(source);
  } catch (error) {
    if (!(error instanceof NginxParseError)) throw error;
    return [problem('UNPARSABLE', { status: 'fail', title: `cannot parse: ${error.message}`, file, line: error.line })];
  }
  const findings: Finding[] = [];
  for (const include of tree.filter((directive) => directive.name === 'include')) {
    findings.push({ check: 'ports.include', status: 'info', title: `include ${include.args[0] ?? ''} is not followed; lint that file too`, location: { file, line: include.line } });
  }
  const routes = [...blockOf(tree, 'stream').flatMap(streamRoutes), ...blockOf(tree, 'http').flatMap(httpRoutes)];
  const byHost = new Map<string, { route: Route; member: Member }[]>();
  for (const route of routes) {
    for (const member of route.members) byHost.set(member.host, [...(byHost.get(member.host) ?? []), { route, member }]);
  }
  const groups: MappingGroup[] = [];
  const nacosRoutes = new Set<Route>();
  for (const entries of byHost.values()) {
    const mappings: PortMapping[] = entries.flatMap(({ route, member }) =>
      route.listens.map((listen) => ({
        front: listen.port,
        back: member.port,
        layer: route.layer,
        line: route.context === 'stream' ? listen.line : route.pass.line,
        text: `listen ${listen.text} -> ${route.pass.name} ${route.pass.args[0] ?? ''}`,
      })),
    );
    const main = memberMainPort(mappings.map((mapping) => mapping.back));
    if (main === undefined) continue;
    for (const { route, member } of entries) if (roleOfPort(main, member.port) !== undefined) nacosRoutes.add(route);
    groups.push({ file, subject: 'nginx servers', frontName: 'listen port', mappings, line: undefined, fix: FIX });
  }
  findings.push(...analyzeGroups(groups));
  findings.push(...timeoutFindings([...nacosRoutes], file));
  if (groups.length === 0) findings.push({ check: 'ports.none', status: 'info', title: 'no server forwards to a Nacos port', location: { file } });
  return findings;
}

function timeoutFindings(routes: readonly Route[], file: string): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<NginxDirective>();
  for (const route of routes) {
    const timeout = route.timeout;
    if (timeout === undefined || reported.has(timeout.directive)) continue;
    if (route.context === 'stream' && timeout.ms < MIN_IDLE_MS) {
      reported.add(timeout.directive);
      findings.push(
        problem('IDLE_TIMEOUT_TOO_SHORT', {
          status: 'fail',
          title: `proxy_timeout ${timeout.directive.args[0]} closes Nacos connections that are quiet for ${formatDuration(timeout.ms)}`,
          fix: `proxy_timeout 10m;  (nginx's default; anything from ${formatDuration(MIN_IDLE_MS)} up keeps healthy connections)`,
          file,
          line: timeout.directive.line,
        }),
      );
    } else if (route.context === 'http' && route.layer === 'http' && timeout.ms <= LONG_POLL_MS) {
      reported.add(timeout.directive);
      findings.push(
        problem('LONG_POLL_TIMEOUT', { status: 'warn', title: `proxy_read_timeout ${timeout.directive.args[0]} ends 30 s config long-polls early`, fix: 'proxy_read_timeout 90s;', file, line: timeout.directive.line }),
      );
    }
  }
  return findings;
}
