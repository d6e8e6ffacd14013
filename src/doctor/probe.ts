/**
 * What a check probe is: an I/O function that returns raw observations of one address, and a
 * pure classifier that turns everything observed about that address into findings. Probes are
 * listed in one array (src/doctor/probes.ts); the orchestrator (src/doctor/check.ts) runs every
 * probe of every address in parallel, then classifies in the order of that array.
 */
import type { ServerAddress } from '../address.js';
import type { Logger } from '../log.js';
import type { NacosHttpClient } from '../nacos/http-client.js';
import type { CheckOptions } from './check-options.js';
import type { AuthObservation } from './probes/auth.js';
import type { DnsObservation } from './probes/dns.js';
import type { GrpcObservation } from './probes/grpc.js';
import type { H2Observation } from './probes/h2.js';
import type { HoldObservation } from './probes/hold.js';
import type { HttpObservation } from './probes/http.js';
import type { MembersObservation } from './probes/members.js';
import type { TcpObservation } from './probes/tcp.js';
import type { Finding } from './report.js';

/** One address as dialled: an entry of the list, or one DNS record of its host name. */
export interface Target {
  readonly address: ServerAddress;
  /** The IP dialled; undefined when the host name did not resolve. */
  readonly ip: string | undefined;
  /** The port dialled: P, from which every other port is derived. */
  readonly port: number;
  /** The context path of the HTTP API ('' for none). */
  readonly contextPath: string;
  /** The section heading: `host:port`, and the IP when the host is a name. */
  readonly label: string;
}

/** Everything observed about one target, by probe. */
export interface Observations {
  readonly dns?: DnsObservation;
  readonly tcp?: TcpObservation;
  readonly http?: HttpObservation;
  readonly members?: MembersObservation;
  readonly auth?: AuthObservation;
  readonly h2?: H2Observation;
  readonly grpc?: GrpcObservation;
  readonly hold?: HoldObservation;
}

export type ObservedKey = Exclude<keyof Observations, 'dns'>;

export interface ProbeContext {
  readonly options: CheckOptions;
  /** Aborted when the run is interrupted; the budget is enforced through remaining(). */
  readonly signal: AbortSignal;
  /** Milliseconds left of the run's budget (--timeout from the start of the check), at least 1: the timeout for the next step. */
  remaining(): number;
  /** The target's HTTP client, shared by its probes so that they share one login. */
  readonly http: NacosHttpClient;
  readonly logger: Logger;
}

export type Classifier = (observed: Observations, target: Target, options: CheckOptions) => Finding[];

/** A probe that measures: `observe` does the I/O, `classify` reasons on the observations. */
export interface ObservingProbe<K extends ObservedKey> {
  readonly name: K;
  /** Whether it runs with these options; default always. */
  readonly enabled?: (options: CheckOptions) => boolean;
  /** How long it may run past --timeout (the hold test's hold time); its steps still get remaining(). */
  readonly extraBudgetMs?: (options: CheckOptions) => number;
  observe(target: Target & { readonly ip: string }, context: ProbeContext): Promise<NonNullable<Observations[K]>>;
  readonly classify: Classifier;
}

/** A probe without I/O of its own: it reasons on what the others observed (or, for DNS, on target expansion). */
export interface ReasoningProbe {
  readonly name: string;
  readonly classify: Classifier;
}

export type AnyObservingProbe = { [K in ObservedKey]: ObservingProbe<K> }[ObservedKey];
export type Probe = AnyObservingProbe | ReasoningProbe;

export function isObserving(probe: Probe): probe is AnyObservingProbe {
  return 'observe' in probe;
}
