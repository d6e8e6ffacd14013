/**
 * The Nacos 2 connection handshake on one gRPC session, in the Java client's order
 * (NACOS-FACTS.md §1.3): ServerCheck (unary) -> bi-stream + ConnectionSetupRequest ->
 * SetupAckRequest when the server negotiates abilities (2.3+). After that, business requests
 * are unary calls on the same session and the server may push on the bi-stream.
 */
import { VERSION } from '../version.js';
import { NacosResponseError } from './errors.js';
import type { BiStream } from './bi-stream.js';
import { NacosGrpcClient, type CallOptions, type GrpcClientOptions } from './grpc-client.js';
import type { ServerCheckResponseBody, SetupAckRequestBody } from './message-bodies.js';
import { expectSuccess, nacosRequest, nacosResponse, responseFailure, type RequestOptions } from './messages.js';
import type { DecodedPayload } from './payload.js';

/** The Java client waits this long for SetupAckRequest (`capabilityNegotiationTimeout`). */
export const DEFAULT_SETUP_ACK_TIMEOUT = 5000;

export interface NacosConnectionOptions extends GrpcClientOptions {
  /** Connection labels; default an SDK config connection: `{source: 'sdk', module: 'config'}`. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly clientVersion?: string;
  readonly tenant?: string;
  /**
   * The ability table sent in ConnectionSetupRequest. Sending one (even empty) asks a 2.3+
   * server for SetupAckRequest; `null` sends none, as 2.0-2.2 clients do. Default `{}`.
   */
  readonly abilityTable?: Readonly<Record<string, boolean>> | null;
  /** How long to wait for SetupAckRequest when the server announced ability negotiation. */
  readonly setupAckTimeout?: number;
  /** Time allowed for ServerCheck. Default 3000 ms, as the Java client. */
  readonly serverCheckTimeout?: number;
  /** metadata.headers for every request (e.g. `{accessToken}` when auth is on). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Answer ClientDetectionRequest pushes so the server keeps the connection. Default true. */
  readonly answerClientDetection?: boolean;
}

export class NacosConnection {
  readonly client: NacosGrpcClient;
  readonly biStream: BiStream;
  /** The id the server gave this TCP connection: `<ms>_<remoteIp>_<remotePort>` as it sees us. */
  readonly connectionId: string;
  /** Whether ServerCheckResponse announced ability negotiation (2.3+ servers). */
  readonly supportAbilityNegotiation: boolean;
  /** The server's SetupAckRequest ability table, when it sent one. */
  readonly serverAbilities: Readonly<Record<string, boolean>> | undefined;
  readonly #headers: Readonly<Record<string, string>>;

  private constructor(
    client: NacosGrpcClient,
    biStream: BiStream,
    check: ServerCheckResponseBody,
    serverAbilities: Record<string, boolean> | undefined,
    headers: Readonly<Record<string, string>>,
  ) {
    this.client = client;
    this.biStream = biStream;
    this.connectionId = check.connectionId ?? '';
    this.supportAbilityNegotiation = check.supportAbilityNegotiation === true;
    this.serverAbilities = serverAbilities;
    this.#headers = headers;
  }

  static async open(options: NacosConnectionOptions): Promise<NacosConnection> {
    const client = await NacosGrpcClient.connect(options);
    try {
      return await NacosConnection.handshake(client, options);
    } catch (error) {
      client.destroy();
      throw error;
    }
  }

  /** Runs the handshake on an already open session (the caller keeps ownership on failure). */
  static async handshake(client: NacosGrpcClient, options: NacosConnectionOptions): Promise<NacosConnection> {
    const headers = options.headers ?? {};
    const signal = options.signal ? { signal: options.signal } : {};
    const check = await client.request(nacosRequest('ServerCheckRequest', {}, { headers }), { timeout: options.serverCheckTimeout ?? 3000, ...signal });
    expectSuccess(check, 'ServerCheckRequest');
    const checkBody = check.body as ServerCheckResponseBody;
    const biStream = client.openBiStream();
    if (options.answerClientDetection ?? true) {
      biStream.respondTo('ClientDetectionRequest', (request) => nacosResponse('ClientDetectionResponse', {}, requestIdOf(request)));
    }
    const abilityTable = options.abilityTable === undefined ? {} : options.abilityTable;
    biStream.send(
      nacosRequest(
        'ConnectionSetupRequest',
        {
          clientVersion: options.clientVersion ?? `Nacos-Node-Probe:v${VERSION}`,
          tenant: options.tenant ?? '',
          labels: { ...(options.labels ?? { source: 'sdk', module: 'config' }) },
          ...(abilityTable === null ? {} : { abilityTable: { ...abilityTable } }),
        },
        { headers },
      ),
    );
    let serverAbilities: Record<string, boolean> | undefined;
    if (abilityTable !== null && checkBody.supportAbilityNegotiation === true) {
      const ack = await biStream.next({ type: 'SetupAckRequest', timeout: options.setupAckTimeout ?? DEFAULT_SETUP_ACK_TIMEOUT, ...signal });
      serverAbilities = (ack.body as SetupAckRequestBody).abilityTable ?? {};
    }
    return new NacosConnection(client, biStream, checkBody, serverAbilities, headers);
  }

  /** A unary request with this connection's headers; Nacos-level failures come back as payloads. */
  request(type: string, fields: object = {}, options: CallOptions & Omit<RequestOptions, 'headers'> = {}): Promise<DecodedPayload> {
    const { timeout, signal, ...requestOptions } = options;
    return this.client.request(nacosRequest(type, fields, { ...requestOptions, headers: this.#headers }), {
      ...(timeout === undefined ? {} : { timeout }),
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /** Like request(), but throws NacosResponseError when the server reports a failure. */
  async call(type: string, fields: object = {}, options: CallOptions = {}): Promise<DecodedPayload> {
    const response = await this.request(type, fields, options);
    const failure = responseFailure(response);
    if (failure) throw new NacosResponseError(failure, type);
    return response;
  }

  /** The client heartbeat: HealthCheckRequest as a unary call on this session. */
  async healthCheck(options: CallOptions = {}): Promise<DecodedPayload> {
    return this.call('HealthCheckRequest', {}, options);
  }

  /** Ends the bi-stream and the session (GOAWAY), as a client shutting down. */
  async close(): Promise<void> {
    this.biStream.end();
    this.biStream.cancel();
    await this.client.close();
  }
}

function requestIdOf(request: DecodedPayload): { requestId?: string } {
  const requestId = request.body.requestId;
  return typeof requestId === 'string' ? { requestId } : {};
}
