import { describe, expect, it } from 'vitest';
import { CLIENT_PREFACE, fingerprintH2, parseFrames, readServerHello, type H2Exchange } from '../../src/doctor/h2-fingerprint.js';

/** The bytes of NACOS-FACTS §5.3: what each server sends first. */
const GRPC_JAVA = Buffer.from('00001204000000000000037fffffff000400100000000600002000000004080000000000000f0001', 'hex');
const NGINX = Buffer.from('000012040000000000000300000080000400010000000500ffffff0000040800000000007fff0000', 'hex');
const NGINX_400 = Buffer.from(
  'HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><center><h1>400 Bad Request</h1></center></html>',
  'latin1',
);
const NONE = Buffer.alloc(0);

function exchange(fields: Partial<H2Exchange>): H2Exchange {
  return { unsolicited: NONE, answer: NONE, end: 'enough', ...fields };
}

describe('HTTP/2 frames', () => {
  it('reads the SETTINGS and WINDOW_UPDATE of grpc-java and nginx', () => {
    const java = readServerHello(GRPC_JAVA);
    expect(Object.fromEntries(java.settings!)).toEqual({ 3: 2_147_483_647, 4: 1_048_576, 6: 8192 });
    expect(java.windowIncrement).toBe(983_041);
    const nginx = readServerHello(NGINX);
    expect(Object.fromEntries(nginx.settings!)).toEqual({ 3: 128, 4: 65_536, 5: 16_777_215 });
    expect(nginx.windowIncrement).toBe(2_147_418_112);
  });

  it('leaves a partial frame out', () => {
    expect(parseFrames(GRPC_JAVA.subarray(0, 30))).toHaveLength(1);
    expect(parseFrames(GRPC_JAVA.subarray(0, 8))).toHaveLength(0);
  });

  it('sends the RFC 9113 preface and an empty SETTINGS frame', () => {
    expect(CLIENT_PREFACE.toString('latin1', 0, 24)).toBe('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    expect(parseFrames(CLIENT_PREFACE.subarray(24))).toEqual([{ type: 4, flags: 0, streamId: 0, payload: Buffer.alloc(0) }]);
  });
});

describe('fingerprintH2', () => {
  it('names grpc-java when its SETTINGS come before the client spoke', () => {
    const result = fingerprintH2(exchange({ unsolicited: GRPC_JAVA }));
    expect(result.verdict).toBe('grpc-java');
    expect(result.evidence).toContain('WINDOW_UPDATE 983041');
  });

  it('still names grpc-java when its SETTINGS follow the preface (optional TLS waits for bytes)', () => {
    expect(fingerprintH2(exchange({ answer: GRPC_JAVA })).verdict).toBe('grpc-java');
  });

  it('names nginx HTTP/2 termination from its SETTINGS after the preface, with its server header', () => {
    const result = fingerprintH2(exchange({ answer: NGINX, serverHeader: 'nginx/1.22.1' }));
    expect(result.verdict).toBe('nginx-h2');
    expect(result.evidence).toContain('max_frame_size=16777215');
    expect(result.evidence).toContain('server: nginx/1.22.1');
  });

  it('calls grpc-java settings with a server header a proxy, since grpc-java sends none', () => {
    expect(fingerprintH2(exchange({ answer: GRPC_JAVA, serverHeader: 'envoy' })).verdict).toBe('h2-proxy');
  });

  it('names another HTTP/2 proxy by settings that are neither grpc-java nor nginx', () => {
    const other = Buffer.from('00000c040000000000000300000064000400ffffff', 'hex');
    expect(fingerprintH2(exchange({ answer: other })).verdict).toBe('h2-proxy');
    expect(fingerprintH2(exchange({ unsolicited: other })).verdict).toBe('h2-other');
  });

  it('names an HTTP/1 server from its 400 answer to the preface, with its Server header', () => {
    const result = fingerprintH2(exchange({ answer: NGINX_400, end: 'closed' }));
    expect(result).toMatchObject({ verdict: 'http1', server: 'nginx/1.22.1' });
    expect(result.evidence).toContain('"HTTP/1.1 400 Bad Request"');
  });

  it('names TLS from a TLS record or from a handshake after a silent close', () => {
    expect(fingerprintH2(exchange({ answer: Buffer.from('150303000202', 'hex') })).verdict).toBe('tls');
    expect(fingerprintH2(exchange({ end: 'closed', tls: { ok: true, protocol: 'TLSv1.3', alpn: 'h2' } })).evidence).toContain('TLSv1.3');
  });

  it('tells silence (black hole) from a close', () => {
    expect(fingerprintH2(exchange({ end: 'timeout' })).verdict).toBe('black-hole');
    expect(fingerprintH2(exchange({ end: 'closed', tls: { ok: false, error: 'reset' } })).verdict).toBe('closed');
    expect(fingerprintH2(exchange({ end: 'reset' })).evidence).toContain('reset');
  });

  it('calls anything else unknown and shows its first bytes', () => {
    const banner = fingerprintH2(exchange({ unsolicited: Buffer.from('SSH-2.0-OpenSSH_9.2\r\n', 'latin1') }));
    expect(banner.verdict).toBe('unknown');
    expect(banner.evidence).toContain('SSH-2.0');
  });
});
