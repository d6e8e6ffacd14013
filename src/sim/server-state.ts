/**
 * The body of `/v1/console/server/state` (and of `/v3/admin/core/state`'s Result): every module's
 * states merged into one `Map<String, String>`, so every value is a string or null
 * (ServerStateController; NACOS-FACTS.md §3 "Server state JSON"). By version:
 * - up to 2.2.1: `version`, `standalone_mode`, `function_mode`;
 * - 2.2.2-2.2.x: plus the auth states (`auth_enabled`, `login_page_enabled`, `auth_system_type`);
 * - 2.3.0+: `startup_mode` instead of `standalone_mode`, `server_port`, the auth and console states,
 *   the config module's states and, in a cluster, the distro protocol's (naming's ephemeral data).
 * Values are the defaults of a stock server with the embedded database. Pure.
 */
import { hasAuthState, hasStartupModeState, isAtLeast } from './nacos-version.js';

export interface ServerStateInput {
  readonly version: string;
  readonly clustered: boolean;
  readonly mainPort: number;
  readonly authEnabled: boolean;
}

export type ServerStateBody = Record<string, string | null>;

/** ConfigModuleStateBuilder with PropertyUtil's defaults; `config_retention_days` from 2.4.3. */
function configStates(version: string): ServerStateBody {
  return {
    datasource_platform: '',
    plugin_datasource_log_enabled: 'false',
    notifyConnectTimeout: '100',
    notifySocketTimeout: '200',
    isHealthCheck: 'true',
    maxHealthCheckFailCount: '12',
    maxContent: String(10 * 1024 * 1024),
    isManageCapacity: 'true',
    isCapacityLimitCheck: 'false',
    defaultClusterQuota: '100000',
    defaultGroupQuota: '200',
    defaultMaxSize: String(100 * 1024),
    defaultMaxAggrCount: '10000',
    defaultMaxAggrSize: '1024',
    ...(isAtLeast(version, '2.4.3') ? { config_retention_days: '30' } : {}),
  };
}

/** DistroModuleStateBuilder with DistroConstants' defaults; a standalone server leaves it out. */
const DISTRO_STATES: ServerStateBody = Object.freeze({
  data_sync_delayMs: '1000',
  data_sync_timeoutMs: '3000',
  data_sync_retryDelayMs: '3000',
  data_verify_intervalMs: '5000',
  data_verify_timeoutMs: '3000',
  data_load_retryDelayMs: '30000',
  data_load_timeoutMs: '30000',
});

export function serverState(input: ServerStateInput): ServerStateBody {
  const { version, authEnabled } = input;
  const mode = input.clustered ? 'cluster' : 'standalone';
  const auth = String(authEnabled);
  if (!hasStartupModeState(version)) {
    return {
      version,
      standalone_mode: mode,
      function_mode: null,
      ...(hasAuthState(version) ? { auth_enabled: auth, login_page_enabled: auth, auth_system_type: 'nacos' } : {}),
    };
  }
  const v3 = isAtLeast(version, '3.0.0');
  return {
    version,
    startup_mode: mode,
    function_mode: null,
    server_port: String(input.mainPort),
    auth_enabled: auth,
    auth_system_type: 'nacos',
    ...(v3 ? { auth_admin_request: 'true', console_ui_enabled: 'true' } : { login_page_enabled: auth }),
    ...configStates(version),
    ...(input.clustered ? DISTRO_STATES : {}),
  };
}
