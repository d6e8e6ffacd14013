/**
 * What `nacos-doctor lint` knows about Nacos server configuration keys, as data.
 *
 * Sources (alibaba/nacos, tags as named):
 * - 1.x empty-service keys and their defaults: naming/.../core/ServiceManager.java @Value at
 *   1.4.8 (`auto-clean:false`, `initial-delay-ms:60000`, `period-time-ms:20000`); still read by
 *   the v1 code up to 2.1.x, and distribution/conf/application.properties at 2.0.3 says "will be
 *   removed and replaced by `nacos.naming.clean` properties"; gone from both in 2.2.0.
 * - 2.0 cleaning keys and defaults: naming/.../constants/Constants.java (EMPTY_SERVICE_CLEAN_INTERVAL,
 *   EMPTY_SERVICE_EXPIRED_TIME, EXPIRED_METADATA_CLEAN_INTERVAL, EXPIRED_METADATA_EXPIRED_TIME) and
 *   naming/.../misc/GlobalConfig.java (60000, 60000, 5000, 60000 ms), since 2.0.0.
 * - EmptyServiceAutoCleanerV2 (2.x) always runs, first 30 s after start, then every interval.
 * - nacos.core.support.upgrade.from.1x: sys/.../env/Constants.java SUPPORT_UPGRADE_FROM_1X, read
 *   by EnvUtil.isSupportUpgradeFrom1X (default false) in 2.1.x; 2.2.0 removed the 1.x upgrade code
 *   (commits "Remove UpgradeJudgement.java", "Remove double write task").
 * - nacos.server.ip: InetUtils.getNacosIp reads it with System.getProperty only (a JVM -D flag);
 *   the application.properties key is nacos.inetutils.ip-address; then
 *   nacos.inetutils.prefer-hostname-over-ip (all 1.4-3.x).
 * - gRPC message size key: NACOS-FACTS.md §1.6.
 */

export interface DeprecatedKey {
  readonly key: string;
  /** The key that means the same, when there is one; the old value carries over. */
  readonly replacement?: string;
  /** What to look at instead when nothing means the same. */
  readonly instead?: string;
  readonly explanation: string;
}

export interface CleaningParameter {
  readonly key: string;
  readonly defaultMs: number;
  readonly meaning: string;
}

/** The naming cleaners' settings added in 2.0.0, with their defaults. */
export const CLEANING_PARAMETERS: readonly CleaningParameter[] = [
  { key: 'nacos.naming.clean.empty-service.interval', defaultMs: 60_000, meaning: 'how often empty services are looked for' },
  { key: 'nacos.naming.clean.empty-service.expired-time', defaultMs: 60_000, meaning: 'how long a service stays empty before it is removed' },
  { key: 'nacos.naming.clean.expired-metadata.interval', defaultMs: 5_000, meaning: 'how often expired metadata is looked for' },
  { key: 'nacos.naming.clean.expired-metadata.expired-time', defaultMs: 60_000, meaning: 'how long metadata of a removed service or instance is kept' },
];

export const DEPRECATED_KEYS: readonly DeprecatedKey[] = [
  {
    key: 'nacos.naming.empty-service.clean.period-time-ms',
    replacement: 'nacos.naming.clean.empty-service.interval',
    explanation: 'a 1.x key: only the 1.x naming code read it (up to 2.1.x, for clusters still on the 1.x protocol); 2.2.0 ignores it',
  },
  {
    key: 'nacos.naming.empty-service.auto-clean',
    instead: 'to keep empty services longer, raise nacos.naming.clean.empty-service.expired-time',
    explanation: 'a 1.x key: 2.x always removes empty services; its cleaner has no switch',
  },
  {
    key: 'nacos.naming.empty-service.clean.initial-delay-ms',
    explanation: 'a 1.x key: 2.x starts cleaning a fixed 30 s after start-up and has no setting for it',
  },
  {
    key: 'nacos.remote.server.grpc.maxinbound.message.size',
    replacement: 'nacos.remote.server.grpc.sdk.max-inbound-message-size',
    explanation: 'the old name of the SDK gRPC port\'s largest accepted message (default 10 MiB)',
  },
];

export const MAIN_PORT_KEY_2X = 'server.port';
export const MAIN_PORT_KEY_3X = 'nacos.server.main.port';
/** Keys that only Nacos 3.x configs have: a config with them reads its main port from MAIN_PORT_KEY_3X. */
export const KEYS_ONLY_IN_3X: readonly string[] = ['nacos.console.port', 'nacos.deployment.type', 'nacos.server.contextPath', 'nacos.console.contextPath'];

export const UPGRADE_FROM_1X_KEY = 'nacos.core.support.upgrade.from.1x';
export const SERVER_IP_PROPERTY = 'nacos.server.ip';
export const IP_ADDRESS_KEY = 'nacos.inetutils.ip-address';
export const PREFER_HOSTNAME_KEY = 'nacos.inetutils.prefer-hostname-over-ip';

/**
 * Address ranges where member IPs are handed out per container or pod and change when it is
 * recreated: Docker's default address pools (172.17.0.0/16 to 172.31.0.0/16) and the default pod
 * networks of kubeadm/flannel (10.244.0.0/16) and k3s (10.42.0.0/16).
 */
export const CHANGING_IP_RANGES: readonly { readonly cidr: string; readonly what: string }[] = [
  { cidr: '172.17.0.0/16', what: 'the default Docker bridge' },
  ...Array.from({ length: 14 }, (_, i) => ({ cidr: `172.${18 + i}.0.0/16`, what: 'a Docker network (default address pool)' })),
  { cidr: '10.244.0.0/16', what: 'a Kubernetes pod network (kubeadm/flannel default)' },
  { cidr: '10.42.0.0/16', what: 'a Kubernetes pod network (k3s default)' },
];
