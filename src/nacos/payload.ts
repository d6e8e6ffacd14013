/**
 * The Nacos `Payload` codec: protobuf envelope (NACOS-FACTS.md §1.1) around a JSON body
 * (§1.2). `metadata.type` names the Java class, `body` is a google.protobuf.Any whose
 * `value` holds UTF-8 JSON and whose `type_url` stays empty, exactly as GrpcUtils writes it.
 */
import protobuf from 'protobufjs';
import { NacosPayloadError } from './errors.js';

/** `api/src/main/proto/nacos_grpc_service.proto`, the message part (no package statement). */
export const NACOS_PROTO = `
syntax = "proto3";
import "google/protobuf/any.proto";
option java_multiple_files = true;
option java_package = "com.alibaba.nacos.api.grpc.auto";

message Metadata {
  string type = 3;
  string clientIp = 8;
  map<string, string> headers = 7;
}

message Payload {
  Metadata metadata = 2;
  google.protobuf.Any body = 3;
}

service Request {
  rpc request (Payload) returns (Payload) {}
}

service BiRequestStream {
  rpc requestBiStream (stream Payload) returns (stream Payload) {}
}
`;

function loadPayloadType(): protobuf.Type {
  const root = new protobuf.Root();
  // protobufjs bundles the well-known types; parse() only records the import.
  root.addJSON((protobuf.common.get('google/protobuf/any.proto') as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
  protobuf.parse(NACOS_PROTO, root, { keepCase: true });
  root.resolveAll();
  return root.lookupType('Payload');
}

const PayloadType = loadPayloadType();

/** A decoded Nacos message: what travels in one gRPC message. */
export interface NacosPayload<Body extends object = Record<string, unknown>> {
  /** `metadata.type`: the Java simple class name (`ServerCheckRequest`, `ErrorResponse`, ...). */
  readonly type: string;
  /** The JSON body, parsed. */
  readonly body: Body;
  /** `metadata.headers`: where the real request headers travel (`accessToken`, `app`, ...). */
  readonly headers: Readonly<Record<string, string>>;
  /** `metadata.clientIp`: the IP the client reports about itself, not the socket address. */
  readonly clientIp: string;
}

/** What `decodePayload` returns: the message plus its body as received, for logs and reports. */
export interface DecodedPayload extends NacosPayload {
  readonly rawBody: string;
}

interface PayloadMessage {
  metadata?: { type?: string; clientIp?: string; headers?: Record<string, string> };
  body?: { type_url?: string; value?: Uint8Array };
}

/**
 * JSON as Jackson writes it with `Include.NON_NULL`: properties whose value is null or
 * undefined are left out (array elements are kept, as Jackson keeps them).
 */
export function toJavaJson(body: object): string {
  return JSON.stringify(body, function (this: unknown, _key: string, value: unknown) {
    return value === null && !Array.isArray(this) ? undefined : value;
  });
}

/**
 * A copy of a decoded body without null properties, at any depth. Jackson-written bodies never
 * hold nulls (NON_NULL), but other clients send them for absent values (the Rust SDK writes
 * `"clusterName":null`); readers that treat "absent" and "null" alike start from this.
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutNulls(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNulls(item)]),
  ) as T;
}

export function encodePayload(payload: NacosPayload<object>): Buffer {
  const message = PayloadType.create({
    metadata: { type: payload.type, clientIp: payload.clientIp, headers: { ...payload.headers } },
    body: { value: Buffer.from(toJavaJson(payload.body), 'utf8') },
  });
  return Buffer.from(PayloadType.encode(message).finish());
}

export function decodePayload(bytes: Uint8Array): DecodedPayload {
  let message: PayloadMessage;
  try {
    message = PayloadType.decode(bytes) as unknown as PayloadMessage;
  } catch (error) {
    throw new NacosPayloadError(`not a Nacos Payload protobuf message (${bytes.length} bytes): ${(error as Error).message}`, { cause: error });
  }
  const type = message.metadata?.type ?? '';
  if (type === '') throw new NacosPayloadError('Nacos Payload without metadata.type: the receiver cannot tell which class the body is');
  const rawBody = Buffer.from(message.body?.value ?? new Uint8Array()).toString('utf8');
  let body: unknown;
  try {
    body = rawBody === '' ? {} : JSON.parse(rawBody);
  } catch (error) {
    throw new NacosPayloadError(`${type} body is not JSON: ${JSON.stringify(rawBody.slice(0, 200))}`, { cause: error });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new NacosPayloadError(`${type} body is not a JSON object: ${JSON.stringify(rawBody.slice(0, 200))}`);
  }
  return {
    type,
    body: body as Record<string, unknown>,
    headers: { ...(message.metadata?.headers ?? {}) },
    clientIp: message.metadata?.clientIp ?? '',
    rawBody,
  };
}
