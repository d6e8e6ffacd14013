/**
 * Who answers on a gRPC port, told from the first raw bytes (NACOS-FACTS §5.3, §5.4): a
 * plaintext grpc-java server (Nacos) sends its SETTINGS at once, before the client says anything;
 * nginx with http2 sends its own SETTINGS (MAX_FRAME_SIZE 16777215, 128 streams, 64 KiB window)
 * only after the client preface; an HTTP/1 server answers the preface with `HTTP/1.1 400`; a TLS
 * port with a TLS record; a black hole with nothing. Pure: bytes in, a named verdict out.
 *
 * Frames are parsed by hand because only their 9-byte headers and the SETTINGS and
 * WINDOW_UPDATE payloads matter here; node:http2 hides exactly these bytes.
 */

export interface H2Frame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

export const FRAME_TYPE = Object.freeze({ DATA: 0x0, HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7, WINDOW_UPDATE: 0x8 });
const SETTINGS_ACK = 0x1;

export const SETTING_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'header_table_size',
  2: 'enable_push',
  3: 'max_concurrent_streams',
  4: 'initial_window_size',
  5: 'max_frame_size',
  6: 'max_header_list_size',
  8: 'enable_connect_protocol',
});

/** The client connection preface (RFC 9113 §3.4) followed by an empty SETTINGS frame. */
export const CLIENT_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from('000000040000000000', 'hex')]);

/** grpc-java's server SETTINGS (NettyServerBuilder defaults) and its connection window increment. */
export const GRPC_JAVA_SETTINGS: Readonly<Record<number, number>> = Object.freeze({ 3: 2_147_483_647, 4: 1_048_576, 6: 8192 });
export const GRPC_JAVA_WINDOW_INCREMENT = 983_041;
/** nginx's HTTP/2 SETTINGS (ngx_http_v2_send_settings) and its connection window increment. */
export const NGINX_SETTINGS: Readonly<Record<number, number>> = Object.freeze({ 3: 128, 4: 65_536, 5: 16_777_215 });
export const NGINX_WINDOW_INCREMENT = 2_147_418_112;

/** Complete frames at the start of `bytes`; a trailing partial frame is left out. */
export function parseFrames(bytes: Buffer): H2Frame[] {
  const frames: H2Frame[] = [];
  let offset = 0;
  while (bytes.length - offset >= 9) {
    const length = bytes.readUIntBE(offset, 3);
    if (bytes.length - offset - 9 < length) break;
    frames.push({
      type: bytes[offset + 3]!,
      flags: bytes[offset + 4]!,
      streamId: bytes.readUInt32BE(offset + 5) & 0x7fff_ffff,
      payload: bytes.subarray(offset + 9, offset + 9 + length),
    });
    offset += 9 + length;
  }
  return frames;
}

/** True when `bytes` could start a frame sequence whose first frame is SETTINGS (what a server sends first). */
export function startsWithSettings(bytes: Buffer): boolean {
  return bytes.length >= 9 && bytes[3] === FRAME_TYPE.SETTINGS && bytes.readUInt32BE(5) === 0 && bytes.readUIntBE(0, 3) % 6 === 0;
}

export function readSettings(payload: Buffer): Map<number, number> {
  const settings = new Map<number, number>();
  for (let offset = 0; offset + 6 <= payload.length; offset += 6) settings.set(payload.readUInt16BE(offset), payload.readUInt32BE(offset + 2));
  return settings;
}

export interface ServerHello {
  /** The server's first SETTINGS (not an ACK), if any. */
  readonly settings: Map<number, number> | undefined;
  /** Increment of the first connection-level WINDOW_UPDATE. */
  readonly windowIncrement: number | undefined;
  /** Debug text of a GOAWAY, if the server sent one. */
  readonly goaway: string | undefined;
}

export function readServerHello(bytes: Buffer): ServerHello {
  const frames = parseFrames(bytes);
  const settings = frames.find((frame) => frame.type === FRAME_TYPE.SETTINGS && (frame.flags & SETTINGS_ACK) === 0);
  const window = frames.find((frame) => frame.type === FRAME_TYPE.WINDOW_UPDATE && frame.streamId === 0 && frame.payload.length === 4);
  const goaway = frames.find((frame) => frame.type === FRAME_TYPE.GOAWAY && frame.payload.length >= 8);
  return {
    settings: settings ? readSettings(settings.payload) : undefined,
    windowIncrement: window ? window.payload.readUInt32BE(0) & 0x7fff_ffff : undefined,
    goaway: goaway ? goaway.payload.subarray(8).toString('utf8') : undefined,
  };
}

function matches(settings: Map<number, number>, expected: Readonly<Record<number, number>>): boolean {
  return Object.entries(expected).every(([id, value]) => settings.get(Number(id)) === value);
}

export function formatSettings(settings: Map<number, number>): string {
  return [...settings].map(([id, value]) => `${SETTING_NAMES[id] ?? `0x${id.toString(16)}`}=${value}`).join(' ');
}

/** What the raw probe saw on one port. */
export interface H2Exchange {
  /** Bytes the server sent before we sent anything. */
  readonly unsolicited: Buffer;
  /** Bytes the server sent after our preface. */
  readonly answer: Buffer;
  /** How the exchange ended: we had enough, the server closed or reset, or nothing came in time. */
  readonly end: 'enough' | 'closed' | 'reset' | 'timeout';
  /** A TLS handshake tried after the server closed on the plaintext preface. */
  readonly tls?: { readonly ok: boolean; readonly protocol?: string; readonly alpn?: string; readonly error?: string };
  /** The `server` header of a gRPC answer on the same port (from the handshake probe). */
  readonly serverHeader?: string;
}

export const H2_VERDICTS = ['grpc-java', 'nginx-h2', 'h2-proxy', 'h2-other', 'http1', 'tls', 'black-hole', 'closed', 'unknown'] as const;
export type H2Verdict = (typeof H2_VERDICTS)[number];

export const VERDICT_LABELS: Readonly<Record<H2Verdict, string>> = Object.freeze({
  'grpc-java': 'direct or L4: the Nacos gRPC server (grpc-java) answers itself',
  'nginx-h2': 'nginx HTTP/2 termination',
  'h2-proxy': 'HTTP/2 termination by a proxy',
  'h2-other': 'an HTTP/2 server that is not grpc-java',
  http1: 'HTTP/1 proxy',
  tls: 'TLS',
  'black-hole': 'black hole',
  closed: 'closed on the HTTP/2 preface',
  unknown: 'unknown',
});

export interface H2Fingerprint {
  readonly verdict: H2Verdict;
  /** The proof in a few words: `SETTINGS max_frame_size=16777215, server: nginx/1.22.1`. */
  readonly evidence: string;
  readonly server?: string;
}

/** A byte string for humans: printable ASCII as is, the rest as hex. */
function describeBytes(bytes: Buffer): string {
  const head = bytes.subarray(0, 24);
  return /^[\x20-\x7e\r\n\t]+$/.test(head.toString('latin1')) ? JSON.stringify(head.toString('latin1')) : head.toString('hex');
}

function http1(answer: Buffer): H2Fingerprint {
  const text = answer.toString('latin1');
  const statusLine = text.split('\r\n', 1)[0]!;
  const server = /\r\nserver:[ \t]*([^\r\n]*)/i.exec(text)?.[1]?.trim();
  return { verdict: 'http1', evidence: `answered the HTTP/2 preface with "${statusLine}"${server ? `, Server: ${server}` : ''}`, ...(server ? { server } : {}) };
}

function withServer(evidence: string, server: string | undefined): string {
  return server ? `${evidence}, server: ${server}` : evidence;
}

function h2(bytes: Buffer, spokeFirst: boolean, server: string | undefined): H2Fingerprint {
  const hello = readServerHello(bytes);
  const settings = hello.settings!;
  const window = hello.windowIncrement === undefined ? '' : `, WINDOW_UPDATE ${hello.windowIncrement}`;
  const shown = `SETTINGS ${formatSettings(settings) || '(empty)'}${window}`;
  const extra = server ? { server } : {};
  if (matches(settings, GRPC_JAVA_SETTINGS) && !server) {
    const when = spokeFirst ? 'sent before the client spoke' : 'sent after the preface (Nacos with TLS compatibility waits for the first bytes)';
    return { verdict: 'grpc-java', evidence: `${shown}, ${when}`, ...extra };
  }
  if (matches(settings, NGINX_SETTINGS) || hello.windowIncrement === NGINX_WINDOW_INCREMENT || /^nginx/i.test(server ?? '')) {
    return { verdict: 'nginx-h2', evidence: withServer(`${shown}, sent only after the preface`, server), ...extra };
  }
  if (spokeFirst && !server) return { verdict: 'h2-other', evidence: `${shown}, sent before the client spoke`, ...extra };
  return { verdict: 'h2-proxy', evidence: withServer(`${shown}${spokeFirst ? '' : ', sent only after the preface'}`, server), ...extra };
}

function isTlsRecord(bytes: Buffer): boolean {
  return bytes.length >= 3 && (bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03;
}

export function fingerprintH2(exchange: H2Exchange): H2Fingerprint {
  const server = exchange.serverHeader;
  if (exchange.unsolicited.length > 0) {
    if (startsWithSettings(exchange.unsolicited) && readServerHello(exchange.unsolicited).settings) return h2(exchange.unsolicited, true, server);
    return { verdict: 'unknown', evidence: `spoke first with ${describeBytes(exchange.unsolicited)}, not an HTTP/2 SETTINGS frame` };
  }
  const answer = exchange.answer;
  if (answer.length > 0) {
    if (answer.subarray(0, 7).toString('latin1') === 'HTTP/1.') return http1(answer);
    if (isTlsRecord(answer)) return { verdict: 'tls', evidence: `answered the preface with a TLS record (${answer.subarray(0, 5).toString('hex')})` };
    if (startsWithSettings(answer) && readServerHello(answer).settings) return h2(answer, false, server);
    return { verdict: 'unknown', evidence: `answered the preface with ${describeBytes(answer)}` };
  }
  if (exchange.tls?.ok) {
    return { verdict: 'tls', evidence: `closed on the plaintext preface; a TLS handshake works (${exchange.tls.protocol ?? 'TLS'}, ALPN ${exchange.tls.alpn ?? 'none'})` };
  }
  if (exchange.end === 'timeout') return { verdict: 'black-hole', evidence: 'connected, then no byte in answer to the HTTP/2 preface' };
  return { verdict: 'closed', evidence: `connected, then ${exchange.end === 'reset' ? 'reset' : 'closed'} on the HTTP/2 preface without a byte` };
}
