import { expect, test } from 'vitest';
import { GrpcMessageReader, decodeGrpcMessage, encodeGrpcMessage, frameGrpcMessage, grpcStatusName } from '../../src/nacos/grpc-wire.js';

test('a frame is flag 0, a 4-byte big-endian length, then the message', () => {
  expect(frameGrpcMessage(Buffer.from('abc')).toString('hex')).toBe('0000000003616263');
});

test('the reader reassembles messages split anywhere and merged in one chunk', () => {
  const stream = Buffer.concat([frameGrpcMessage(Buffer.from('first')), frameGrpcMessage(Buffer.alloc(0)), frameGrpcMessage(Buffer.from('third'))]);
  for (let cut = 0; cut <= stream.length; cut += 1) {
    const reader = new GrpcMessageReader();
    const messages = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
    expect(messages.map((message) => message.toString()), `cut at ${cut}`).toEqual(['first', '', 'third']);
    expect(reader.pendingBytes).toBe(0);
  }
});

test('the reader keeps an incomplete message pending', () => {
  const reader = new GrpcMessageReader();
  expect(reader.push(frameGrpcMessage(Buffer.from('hello')).subarray(0, 7))).toEqual([]);
  expect(reader.pendingBytes).toBe(7);
});

test('a declared length above the limit fails before the message arrives', () => {
  const reader = new GrpcMessageReader(4);
  expect(() => reader.push(Buffer.from([0, 0, 0, 0, 5]))).toThrow(expect.objectContaining({ code: 'ERR_GRPC_MESSAGE_TOO_LARGE', size: 5, limit: 4 }));
});

test('a compressed message is refused: nothing negotiated a compression', () => {
  expect(() => new GrpcMessageReader().push(Buffer.from([1, 0, 0, 0, 0]))).toThrow(expect.objectContaining({ code: 'ERR_GRPC_FRAMING' }));
});

test('grpc-message is percent-encoded outside printable ASCII and decoded back', () => {
  const encoded = encodeGrpcMessage('Method not found: x % é');
  expect(encoded).toBe('Method not found: x %25 %C3%A9');
  expect(decodeGrpcMessage(encoded)).toBe('Method not found: x % é');
  expect(decodeGrpcMessage('100%')).toBe('100%');
});

test('status names are the ones gRPC clients print', () => {
  expect(grpcStatusName(14)).toBe('UNAVAILABLE');
  expect(grpcStatusName(99)).toBe('STATUS_99');
});
