import { describe, expect, test } from 'vitest';
import { NacosPayloadError } from '../../src/nacos/errors.js';
import { decodePayload, encodePayload, toJavaJson, withoutNulls } from '../../src/nacos/payload.js';

/** Protobuf pieces written out by hand, so the codec is checked against the wire format, not against itself. */
function field(tag: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, bytes.length]), bytes]);
}
const text = (value: string): Buffer => Buffer.from(value, 'utf8');

describe('encodePayload', () => {
  test('writes metadata (type=3, headers=7, clientIp=8) and the JSON in Any.value without a type_url', () => {
    const bytes = encodePayload({ type: 'ServerCheckRequest', body: { headers: {}, module: 'internal' }, headers: { app: 'a' }, clientIp: '10.0.0.7' });
    const metadata = Buffer.concat([
      field(0x1a, text('ServerCheckRequest')),
      field(0x3a, Buffer.concat([field(0x0a, text('app')), field(0x12, text('a'))])),
      field(0x42, text('10.0.0.7')),
    ]);
    const any = field(0x12, text('{"headers":{},"module":"internal"}'));
    expect(bytes.toString('hex')).toBe(Buffer.concat([field(0x12, metadata), field(0x1a, any)]).toString('hex'));
  });

  test('leaves out an empty clientIp, as proto3 does', () => {
    const bytes = encodePayload({ type: 'HealthCheckRequest', body: {}, headers: {}, clientIp: '' });
    expect(bytes.toString('hex')).toBe(Buffer.concat([field(0x12, field(0x1a, text('HealthCheckRequest'))), field(0x1a, field(0x12, text('{}')))]).toString('hex'));
  });

  test('drops null properties like Jackson NON_NULL', () => {
    const decoded = decodePayload(encodePayload({ type: 'X', body: { a: null, b: { c: null, d: 1 }, e: [null, 2] }, headers: {}, clientIp: '' }));
    expect(decoded.rawBody).toBe('{"b":{"d":1},"e":[null,2]}');
  });
});

describe('decodePayload', () => {
  test('reads type, headers, clientIp and the JSON body', () => {
    const payload = decodePayload(
      encodePayload({ type: 'ConfigQueryRequest', body: { dataId: 'd', group: 'g' }, headers: { accessToken: 't' }, clientIp: '1.2.3.4' }),
    );
    expect(payload).toEqual({
      type: 'ConfigQueryRequest',
      body: { dataId: 'd', group: 'g' },
      headers: { accessToken: 't' },
      clientIp: '1.2.3.4',
      rawBody: '{"dataId":"d","group":"g"}',
    });
  });

  test('refuses bytes that are not protobuf', () => {
    expect(() => decodePayload(Buffer.from([0x12, 0x7f, 0x01]))).toThrow(NacosPayloadError);
  });

  test('refuses a payload without metadata.type', () => {
    expect(() => decodePayload(field(0x1a, field(0x12, text('{}'))))).toThrow(/without metadata.type/);
  });

  test('refuses a body that is not a JSON object', () => {
    for (const body of ['{not json', '[1,2]', '"text"']) {
      const bytes = Buffer.concat([field(0x12, field(0x1a, text('X'))), field(0x1a, field(0x12, text(body)))]);
      expect(() => decodePayload(bytes), body).toThrow(expect.objectContaining({ code: 'ERR_NACOS_PAYLOAD' }));
    }
  });
});

test('toJavaJson keeps false, 0 and empty strings', () => {
  expect(toJavaJson({ a: false, b: 0, c: '', d: undefined, e: null })).toBe('{"a":false,"b":0,"c":""}');
});

test('withoutNulls removes null properties at any depth and keeps everything else', () => {
  expect(withoutNulls({ a: null, b: { c: null, d: [{ e: null, f: 1 }] }, g: 'x' })).toEqual({ b: { d: [{ f: 1 }] }, g: 'x' });
});
