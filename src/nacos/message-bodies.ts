/**
 * JSON bodies of the Nacos request and response classes this project sends or serves, with
 * the Java field names (`api/.../remote/request`, `.../config/remote`, `.../naming/remote`
 * in alibaba/nacos). Getters Jackson serialises (`module`, `success`, `isNotify`, `valid`)
 * are listed where readers rely on them. Every field is optional on input: servers and
 * clients of other versions leave fields out, and Jackson ignores unknown ones.
 */

export interface RequestBase {
  readonly headers?: Record<string, string>;
  readonly requestId?: string;
  readonly module?: string;
}

export interface ResponseBase {
  readonly resultCode?: number;
  readonly errorCode?: number;
  readonly message?: string;
  readonly requestId?: string;
  readonly success?: boolean;
}

// ---- internal module -------------------------------------------------------------------------

export interface ServerCheckResponseBody extends ResponseBase {
  /** `<ms>_<remoteIp>_<remotePort>` as the server sees this TCP connection. */
  readonly connectionId?: string;
  /** Present from 2.3.0 on, together with SetupAckRequest. */
  readonly supportAbilityNegotiation?: boolean;
}

export interface ConnectionSetupRequestBody extends RequestBase {
  readonly clientVersion?: string;
  readonly tenant?: string;
  /** `{"source":"sdk","module":"config"|"naming",...}` for SDK connections. */
  readonly labels?: Record<string, string>;
  /** 2.3+ ability negotiation; its presence is what makes the server answer with SetupAckRequest. */
  readonly abilityTable?: Record<string, boolean>;
  /** 2.0-2.2 style ability object, still sent by some clients (the Rust SDK). */
  readonly abilities?: Record<string, unknown>;
}

export interface SetupAckRequestBody extends RequestBase {
  readonly abilityTable?: Record<string, boolean>;
}

export interface ConnectResetRequestBody extends RequestBase {
  readonly serverIp?: string;
  readonly serverPort?: string;
  readonly connectionId?: string;
}

// ---- config module ---------------------------------------------------------------------------

export interface ConfigKey {
  readonly dataId?: string;
  readonly group?: string;
  readonly tenant?: string;
}

export interface ConfigQueryRequestBody extends RequestBase, ConfigKey {
  readonly tag?: string;
  readonly notify?: boolean;
}

export interface ConfigQueryResponseBody extends ResponseBase {
  readonly content?: string;
  readonly encryptedDataKey?: string;
  readonly contentType?: string;
  readonly md5?: string;
  readonly tag?: string;
  readonly lastModified?: number;
  readonly beta?: boolean;
}

export interface ConfigPublishRequestBody extends RequestBase, ConfigKey {
  readonly content?: string;
  readonly casMd5?: string;
  readonly additionMap?: Record<string, string>;
}

export interface ConfigRemoveRequestBody extends RequestBase, ConfigKey {
  readonly tag?: string;
}

export interface ConfigListenContext extends ConfigKey {
  readonly md5?: string;
}

export interface ConfigBatchListenRequestBody extends RequestBase {
  /** true to listen, false to stop listening to the given contexts. */
  readonly listen?: boolean;
  readonly configListenContexts?: readonly ConfigListenContext[];
}

export interface ConfigChangeBatchListenResponseBody extends ResponseBase {
  readonly changedConfigs?: readonly ConfigKey[];
}

export type ConfigChangeNotifyRequestBody = RequestBase & ConfigKey;

// ---- naming module ---------------------------------------------------------------------------

/** `com.alibaba.nacos.api.naming.pojo.Instance`, including the getters Jackson writes. */
export interface Instance {
  readonly instanceId?: string;
  readonly ip: string;
  readonly port: number;
  readonly weight?: number;
  readonly healthy?: boolean;
  readonly enabled?: boolean;
  readonly ephemeral?: boolean;
  readonly clusterName?: string;
  readonly serviceName?: string;
  readonly metadata?: Record<string, string>;
  readonly instanceHeartBeatInterval?: number;
  readonly instanceHeartBeatTimeOut?: number;
  readonly ipDeleteTimeout?: number;
  readonly instanceIdGenerator?: string;
}

/** `ServiceInfo`: `allIPs` up to 2.x, `allIps` in 3.x. */
export interface ServiceInfo {
  readonly name?: string;
  readonly groupName?: string;
  readonly clusters?: string;
  readonly cacheMillis?: number;
  readonly hosts?: readonly Instance[];
  readonly lastRefTime?: number;
  readonly checksum?: string;
  readonly allIPs?: boolean;
  readonly allIps?: boolean;
  readonly reachProtectionThreshold?: boolean;
  readonly valid?: boolean;
}

export interface NamingRequestBase extends RequestBase {
  readonly namespace?: string;
  readonly serviceName?: string;
  readonly groupName?: string;
}

export interface InstanceRequestBody extends NamingRequestBase {
  /** `registerInstance` or `deregisterInstance`. */
  readonly type?: string;
  readonly instance?: Instance;
}

export interface BatchInstanceRequestBody extends NamingRequestBase {
  /** `batchRegisterInstance` (2.2+), the only type servers accept: the list replaces the client's instances of the service. */
  readonly type?: string;
  readonly instances?: readonly Instance[];
}

export interface SubscribeServiceRequestBody extends NamingRequestBase {
  readonly subscribe?: boolean;
  readonly clusters?: string;
}

export interface ServiceQueryRequestBody extends NamingRequestBase {
  readonly cluster?: string;
  readonly healthyOnly?: boolean;
  readonly udpPort?: number;
}

export interface ServiceListRequestBody extends NamingRequestBase {
  readonly pageNo?: number;
  readonly pageSize?: number;
  readonly selector?: string;
}

export interface InstanceResponseBody extends ResponseBase {
  readonly type?: string;
}

export interface ServiceInfoResponseBody extends ResponseBase {
  readonly serviceInfo?: ServiceInfo;
}

export interface ServiceListResponseBody extends ResponseBase {
  readonly count?: number;
  readonly serviceNames?: readonly string[];
}

export interface NotifySubscriberRequestBody extends RequestBase {
  readonly namespace?: string;
  readonly serviceName?: string;
  readonly groupName?: string;
  readonly serviceInfo?: ServiceInfo;
}
