/**
 * What the proxy asks of a data path: listen on the role ports, hand over each accepted client,
 * connect it to a member, move its bytes, end it. Two implementations keep one contract
 * (unchanged bytes, backpressure, half-close, reset propagation, one close report): the
 * JavaScript path (js-path.ts: net.Server, net.Socket, Forwarder) and the native splice path
 * (splice-path.ts). The same tests run on both.
 */
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from '../address.js';
import type { Role } from '../ports.js';
import type { CloseReason } from './close-reasons.js';

export type DataPathName = 'js' | 'splice';

export interface LiveBytes {
  readonly bytesFromClient: number;
  readonly bytesFromUpstream: number;
  /** Bytes held by the proxy (user space or pipes), bounded by backpressure. */
  readonly buffered: number;
}

/** How a started connection ended; "requested" when the proxy itself reset it (it knows why). */
export interface ClientClose {
  readonly reason: CloseReason | 'requested';
  readonly bytesFromClient: number;
  readonly bytesFromUpstream: number;
}

/** One accepted client, from accept until its end. */
export interface AcceptedClient {
  /** The client's address, IPv4-mapped IPv6 unwrapped. */
  readonly ip: string;
  readonly port: number;
  /** Refuses the client before any upstream exists: RST, and no close report. */
  refuse(): void;
  /**
   * Calls `onError` if the client fails before its connection is started (the proxy then
   * aborts the connect). A data path that does not read the client before start may never call it.
   */
  watchEarlyErrors(onError: (reason: CloseReason) => void): void;
  /**
   * Connects the upstream side to ip:port (the proxy resolves host names first, net/resolve.ts). After a rejection (a ConnectError) it may be
   * called again for another member; nothing has been read from the client yet. reset()
   * ends a connect in flight (it rejects) and makes later calls reject at once.
   */
  connect(ip: string, port: number, timeoutMs: number): Promise<void>;
  /** Starts moving bytes; `onClose` is called once, when the connection has ended. */
  start(idleTimeout: number, onClose: (close: ClientClose) => void): void;
  /**
   * Ends the connection with RST on both sides, in any state. A started connection then
   * reports its close ("requested"); an unstarted one reports nothing.
   */
  reset(): void;
  /** Byte counts so far, from a snapshot of the data path (see DataPath.snapshot). */
  liveBytes(snapshot: unknown): LiveBytes | undefined;
}

export interface Listeners {
  addresses(): Map<Role, AddressInfo>;
  /** Stops accepting on every role; open connections are not touched. */
  close(): void;
}

export interface DataPath {
  readonly name: DataPathName;
  /** Opens one listener per role (all or nothing; a ListenError names the role and port). */
  listen(listen: ListenAddress, roles: readonly Role[], onClient: (role: Role, client: AcceptedClient) => void): Promise<Listeners>;
  /** The busy-poll ceiling (--busy-poll); a data path that cannot poll ignores it. */
  setBusyPoll(microseconds: number): void;
  /** The adaptive busy-poll window now, in microseconds; undefined where the path cannot poll. */
  busyPollWindow(): number | undefined;
  /** One pass over live counters, for AcceptedClient.liveBytes (status, metrics). */
  snapshot(): unknown;
  /** Releases the data path after the last connection has ended. */
  stop(): void;
}
