/**
 * lint-ports for nginx configs: every stream/http server that forwards to Nacos members becomes
 * a mapping (listen port -> member port, TCP for stream, HTTP/1 for proxy_pass, HTTP/2 for
 * grpc_pass or http2 servers), grouped per member host; plus the timeouts that cut long
 * connections (stream proxy_timeout, http proxy_read_timeout for config long-polling). Pure.
 */
import { isIP } from 'node:net';
import type { Finding } from '../doctor/report.js';
import { formatDuration } from '../duration.js';
import { formatHostPort } from '../address.js';
import { ROLE_OFFSETS, isValidPort, mainPortOf, roleOfPort } from '../ports.js';
import { LONG_POLL_MS, MIN_IDLE_MS, problem } from './advice.js';
import { analyzeGroup, dedupeFindings, memberMainPort, type FixStyle, type Layer, type MappingGroup, type PortMapping } from './mapping.js';
import { MAX_INCLUDE_DEPTH, type NginxIncludes } from './nginx-includes.js';
import { NginxParseError, parseNginx, type NginxDirective } from './nginx-parser.js';
import { parseNginxTime } from './time.js';
import { plural } from '../text.js';

interface Member {
  readonly host: string;
  readonly port: number;
}

interface Upstream {
  readonly members: readonly Member[];
  readonly directive: NginxDirective;
}

interface Listen {
  readonly port: number;
  readonly text: string;
  readonly line: number;
  readonly file: string | undefined;
  readonly http2: boolean;
}

interface Route {
  readonly context: 'stream' | 'http';
  readonly listens: readonly Listen[];
  readonly pass: NginxDirective;
  readonly members: readonly Member[];
  /** The upstream block the pass names, when it names one. */
  readonly upstream: Upstream | undefined;
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

function upstreamsIn(context: readonly NginxDirective[], defaultPort: number | undefined): Map<string, Upstream> {
  const upstreams = new Map<string, Upstream>();
  for (const upstream of blockOf(context, 'upstream')) {
    const members = upstream.block!.filter((directive) => directive.name === 'server').map((directive) => splitAddress(directive.args[0] ?? '', defaultPort));
    upstreams.set(upstream.args[0] ?? '', { members: members.filter(validMember), directive: upstream });
  }
  return upstreams;
}

function listensOf(server: readonly NginxDirective[]): Listen[] {
  const serverHttp2 = server.some((directive) => directive.name === 'http2' && directive.args[0] === 'on');
  return server
    .filter((directive) => directive.name === 'listen' && !directive.args.includes('udp') && !directive.args.includes('quic'))
    .flatMap((directive) => {
      const address = splitAddress(directive.args[0] ?? '', 80);
      return validMember(address) ? [{ port: address.port, text: directive.args[0]!, line: directive.line, file: directive.file, http2: serverHttp2 || directive.args.includes('http2') }] : [];
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

function target(pass: NginxDirective, upstreams: Map<string, Upstream>, defaultPort: number | undefined): Pick<Route, 'members' | 'upstream'> {
  const raw = pass.args[0] ?? '';
  if (raw.includes('$')) return { members: [], upstream: undefined };
  const withoutScheme = raw.replace(/^(https?|grpcs?):\/\//, '');
  const authority = withoutScheme.split('/')[0]!;
  const known = upstreams.get(authority);
  if (known) return { members: known.members, upstream: known };
  const schemePort = raw.startsWith('https://') || raw.startsWith('grpcs://') ? 443 : defaultPort;
  const member = splitAddress(authority, schemePort);
  return { members: validMember(member) ? [member] : [], upstream: undefined };
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
        ...target(pass, upstreams, undefined),
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
          ...target(pass, upstreams, 80),
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

interface IncludeState {
  readonly includes: NginxIncludes | undefined;
  readonly findings: Finding[];
  /** Include arguments that were not (fully) followed: a missing server may be in them. */
  readonly notFollowed: string[];
  readonly followed: Set<string>;
}

/**
 * The config with every include replaced by the directives of the files it names (each directive
 * marked with its file), as nginx reads it. Includes that cannot be followed get a note.
 */
function expandIncludes(directives: readonly NginxDirective[], file: string, chain: readonly string[], state: IncludeState): NginxDirective[] {
  return directives.flatMap((directive): NginxDirective[] => {
    const here: NginxDirective = { ...directive, file: directive.file ?? file };
    if (directive.block) return [{ ...here, block: expandIncludes(directive.block, here.file!, chain, state) }];
    if (directive.name !== 'include') return [here];
    const pattern = directive.args[0] ?? '';
    const note = (why: string): void => {
      state.notFollowed.push(pattern);
      state.findings.push({ check: 'ports.include', status: 'info', title: `include ${pattern} is not followed: ${why}`, location: { file: here.file!, line: directive.line } });
    };
    const resolution = state.includes?.get(pattern);
    if (resolution === undefined) {
      note('lint that file too');
      return [];
    }
    if (resolution.notFollowed !== undefined) note(resolution.notFollowed);
    return resolution.files.flatMap((included) => {
      if (chain.includes(included.path)) {
        note(`${included.path} includes itself (through ${chain.join(' -> ')})`);
        return [];
      }
      if (chain.length > MAX_INCLUDE_DEPTH) {
        note(`nested deeper than ${MAX_INCLUDE_DEPTH} levels`);
        return [];
      }
      let parsed: NginxDirective[];
      try {
        parsed = parseNginx(included.text);
      } catch (error) {
        if (!(error instanceof NginxParseError)) throw error;
        state.notFollowed.push(pattern);
        state.findings.push(problem('UNPARSABLE', { status: 'fail', title: `cannot parse the included ${included.path}: ${error.message}`, file: included.path, line: error.line }));
        return [];
      }
      state.followed.add(included.path);
      return expandIncludes(parsed, included.path, [...chain, included.path], state);
    });
  });
}

/** Main and client-gRPC: the two roles clients use, so the two every member should get. */
const CLIENT_ROLES = ['main', 'client-grpc'] as const;

/**
 * A member that one route serves but a route of another role leaves out (gRPC balanced over a and
 * b, the main port only to a): the fix is to add it to that route, not a second listen.
 */
function leftOutFindings(host: string, entries: readonly { route: Route; member: Member }[], main: number, routes: readonly Route[], file: string): { findings: Finding[]; covered: Set<string> } {
  const findings: Finding[] = [];
  const covered = new Set<string>();
  const present = new Map(entries.flatMap(({ route, member }) => route.listens.map((listen) => [roleOfPort(main, member.port), { route, listen }] as const)));
  for (const [role, { listen }] of present) {
    if (role === undefined) continue;
    for (const missing of CLIENT_ROLES) {
      if (present.has(missing)) continue;
      const front = listen.port - ROLE_OFFSETS[role] + ROLE_OFFSETS[missing];
      const other = routes.find((route) => route.listens.some((candidate) => candidate.port === front) && route.members.length > 0 && !route.members.some((member) => member.host === host));
      if (other === undefined) continue;
      covered.add(missing);
      const port = main + ROLE_OFFSETS[missing];
      const upstream = other.upstream;
      const where = upstream === undefined || (upstream.directive.file ?? file) === file ? `line ${upstream?.directive.line ?? ''}` : `${upstream.directive.file}:${upstream.directive.line}`;
      findings.push(
        problem('MEMBER_LEFT_OUT', {
          status: 'warn',
          title: `member ${host} gets ${role} (listen ${listen.port}) but not ${missing}: listen ${front} -> ${other.pass.name} ${other.pass.args[0] ?? ''} forwards to ${[...new Set(other.members.map((member) => member.host))].join(', ')} only`,
          explanation:
            `Clients reach ${host} on one port and the other members on the rest; that works while those are up, but ${host} takes no ${missing} traffic, ` +
            `and when the others fail ${missing} fails although ${host} is healthy.`,
          fix: upstream
            ? `add the member to upstream ${upstream.directive.args[0] ?? ''} (${where}):\n    server ${formatHostPort(host, port)};`
            : `let listen ${front} proxy_pass an upstream that lists every member, ${formatHostPort(host, port)} included`,
          file: (upstream?.directive ?? other.pass).file ?? file,
          line: (upstream?.directive ?? other.pass).line,
        }),
      );
    }
  }
  return { findings, covered };
}

const NOT_EXPOSED: Readonly<Record<string, string>> = { main: 'MAIN_PORT_NOT_EXPOSED', 'client-grpc': 'GRPC_PORT_NOT_EXPOSED' };

export function lintNginx(source: string, file: string, includes?: NginxIncludes): Finding[] {
  let parsed: NginxDirective[];
  try {
    parsed = parseNginx(source);
  } catch (error) {
    if (!(error instanceof NginxParseError)) throw error;
    return [problem('UNPARSABLE', { status: 'fail', title: `cannot parse: ${error.message}`, file, line: error.line })];
  }
  const state: IncludeState = { includes, findings: [], notFollowed: [], followed: new Set() };
  const tree = expandIncludes(parsed, file, [file], state);
  const findings: Finding[] = [...state.findings];
  if (state.followed.size > 0) {
    findings.push({ check: 'ports.include', status: 'info', title: `read ${plural(state.followed.size, 'included file')}: ${[...state.followed].join(', ')}`, location: { file } });
  }
  const routes = [...blockOf(tree, 'stream').flatMap(streamRoutes), ...blockOf(tree, 'http').flatMap(httpRoutes)];
  const byHost = new Map<string, { route: Route; member: Member }[]>();
  for (const route of routes) {
    for (const member of route.members) byHost.set(member.host, [...(byHost.get(member.host) ?? []), { route, member }]);
  }
  const nacosRoutes = new Set<Route>();
  const analyzed: Finding[] = [];
  for (const [host, entries] of byHost) {
    const mappings: PortMapping[] = entries.flatMap(({ route, member }) =>
      route.listens.map((listen) => ({
        front: listen.port,
        back: member.port,
        layer: route.layer,
        line: route.context === 'stream' ? listen.line : route.pass.line,
        ...((route.context === 'stream' ? listen.file : route.pass.file) === undefined ? {} : { file: (route.context === 'stream' ? listen.file : route.pass.file)! }),
        text: `listen ${listen.text} -> ${route.pass.name} ${route.pass.args[0] ?? ''}`,
      })),
    );
    const main = memberMainPort(mappings.map((mapping) => mapping.back));
    if (main === undefined) continue;
    for (const { route, member } of entries) if (roleOfPort(main, member.port) !== undefined) nacosRoutes.add(route);
    const leftOut = leftOutFindings(host, entries, main, routes, file);
    const group: MappingGroup = { file, subject: 'nginx servers', frontName: 'listen port', mappings, line: undefined, fix: FIX };
    analyzed.push(...leftOut.findings, ...analyzeGroup(group).filter((item) => ![...leftOut.covered].some((role) => item.cause === NOT_EXPOSED[role])));
  }
  findings.push(...dedupeFindings(analyzed).map((item) => softenForIncludes(item, state.notFollowed)));
  findings.push(...timeoutFindings([...nacosRoutes], file));
  if (nacosRoutes.size === 0) findings.push({ check: 'ports.none', status: 'info', title: 'no server forwards to a Nacos port', location: { file } });
  return findings;
}

/** A port "not forwarded" may be forwarded by an include that was not read: say so, and warn instead of failing. */
function softenForIncludes(item: Finding, notFollowed: readonly string[]): Finding {
  if (notFollowed.length === 0 || (item.cause !== 'GRPC_PORT_NOT_EXPOSED' && item.cause !== 'MAIN_PORT_NOT_EXPOSED')) return item;
  const maybe = `the server for it may be in ${[...new Set(notFollowed)].join(', ')}, which was not read`;
  return { ...item, status: 'warn', evidence: item.evidence === undefined ? maybe : `${item.evidence}; ${maybe}` };
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
          file: timeout.directive.file ?? file,
          line: timeout.directive.line,
        }),
      );
    } else if (route.context === 'http' && route.layer === 'http' && timeout.ms <= LONG_POLL_MS) {
      reported.add(timeout.directive);
      findings.push(
        problem('LONG_POLL_TIMEOUT', { status: 'warn', title: `proxy_read_timeout ${timeout.directive.args[0]} ends 30 s config long-polls early`, fix: 'proxy_read_timeout 90s;', file: timeout.directive.file ?? file, line: timeout.directive.line }),
      );
    }
  }
  return findings;
}
