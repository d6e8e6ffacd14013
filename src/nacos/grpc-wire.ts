/**
 * gRPC over HTTP/2 as Nacos uses it: the two method paths, the status codes we meet, and the
 * length-prefixed message framing (1 byte compressed-flag, 4 bytes big-endian length, then
 * the protobuf bytes; gRPC PROTOCOL-HTTP2.md "Length-Prefixed-Message").
 *
 * Hand-written rather than taken from @grpc/grpc-js on purpose: grpc-js hides the HTTP/2
 * session and opens connections as it sees fit, while Nacos ties its connection identity to
 * one TCP connection (NACOS-FACTS.md §1.4), and both the simulator and the doctor must own and
 * observe that exact connection (its SETTINGS, its socket addresses, which streams share it).
 */
import { GrpcFramingError, GrpcMessageTooLargeError } from './errors.js';

/** Unary `Request.request`: the proto has no package, so the service name is bare. */
export const REQUEST_PATH = '/Request/request';
/** Bidirectional `BiRequestStream.requestBiStream`, opened once per connection. */
export const BI_STREAM_PATH = '/BiRequestStream/requestBiStream';

export const GRPC_CONTENT_TYPE = 'application/grpc';

/** Nacos' default inbound limit on both sides (NACOS-FACTS.md §1.6). */
export const DEFAULT_MAX_MESSAGE_SIZE = 10 * 1024 * 1024;

/** The gRPC status codes this project produces or explains (grpc/doc/statuscodes.md). */
export const GrpcStatus = Object.freeze({
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const);

const GRPC_STATUS_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(GrpcStatus).map(([name, code]) => [code, name]));

/** `14` -> `UNAVAILABLE`, as grpc clients print it. */
export function grpcStatusName(code: number): string {
  return GRPC_STATUS_NAMES.get(code) ?? `STATUS_${code}`;
}

const HEADER_SIZE = 5;

/** One gRPC message frame around `message` (never compressed: Nacos does not negotiate compression). */
export function frameGrpcMessage(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_SIZE + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, HEADER_SIZE);
  return frame;
}

/**
 * Reassembles gRPC messages from DATA chunks, which HTTP/2 may split or merge anywhere.
 * `push` returns the messages completed by the chunk; a length above `maxMessageSize` throws
 * before anything is buffered, so a hostile peer cannot make us allocate it.
 */
export class GrpcMessageReader {
  readonly #maxMessageSize: number;
  #buffered: Buffer = Buffer.alloc(0);

  constructor(maxMessageSize: number = DEFAULT_MAX_MESSAGE_SIZE) {
    this.#maxMessageSize = maxMessageSize;
  }

  push(chunk: Buffer): Buffer[] {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    const messages: Buffer[] = [];
    while (this.#buffered.length >= HEADER_SIZE) {
      const compressed = this.#buffered.readUInt8(0);
      const length = this.#buffered.readUInt32BE(1);
      if (length > this.#maxMessageSize) throw new GrpcMessageTooLargeError(length, this.#maxMessageSize);
      if (compressed !== 0) throw new GrpcFramingError('compressed gRPC message received, but no grpc-encoding was negotiated');
      if (this.#buffered.length < HEADER_SIZE + length) break;
      messages.push(this.#buffered.subarray(HEADER_SIZE, HEADER_SIZE + length));
      this.#buffered = this.#buffered.subarray(HEADER_SIZE + length);
    }
    return messages;
  }

  /** Bytes of an incomplete message still waiting for the rest (non-zero at end of stream = truncated). */
  get pendingBytes(): number {
    return this.#buffered.length;
  }
}

/** grpc-message is percent-encoded (PROTOCOL-HTTP2.md); this reverses it, keeping malformed escapes as-is. */
export function decodeGrpcMessage(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Percent-encodes a grpc-message value: everything outside printable ASCII, and '%' itself. */
export function encodeGrpcMessage(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'))
    .map((byte) => (byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}
