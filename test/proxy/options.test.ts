import { describe, expect, it } from 'vitest';
import { envName, resolveProxyOptions, unreloadableChanges } from '../../src/proxy/options.js';

const base = { listen: '18848', upstream: ['127.0.0.1:8848'] };

function resolve(flags: Record<string, string | string[] | undefined>, env: Record<string, string> = {}, file?: unknown) {
  return resolveProxyOptions({ flags, env, ...(file === undefined ? {} : { file: { path: 'proxy.yaml', content: file } }) });
}

describe('resolveProxyOptions', () => {
  it('applies documented defaults', () => {
    const { options } = resolve(base);
    expect(options).toMatchObject({
      listen: { host: undefined, port: 18848 },
      upstream: [{ host: '127.0.0.1', port: 8848 }],
      roles: ['main', 'client-grpc', 'cluster-grpc'],
      balance: 'round-robin',
      connectTimeout: 3000,
      connectRetries: 2,
      healthInterval: 2000,
      healthTimeout: 1000,
      healthRise: 2,
      healthFall: 3,
      failTimeout: 10_000,
      idleTimeout: 0,
      drainTimeout: 30_000,
      admin: undefined,
      allow: [],
      deny: [],
      maxConnections: 0,
      maxConnectionsPerIp: 0,
      logLevel: 'info',
    });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('NACOS_PROXY_NO_NATIVE is known at run time: it makes the data path js unless the data path is chosen', () => {
    const noNative = { NACOS_PROXY_NO_NATIVE: '1' };
    expect(resolve(base, noNative)).toMatchObject({ options: { dataPath: 'js' }, warnings: [] });
    expect(resolve(base, noNative, { 'data-path': 'splice' }).options.dataPath).toBe('js');
    expect(resolve(base, { ...noNative, NACOS_PROXY_DATA_PATH: 'splice' }).options.dataPath).toBe('splice');
    expect(resolve({ ...base, 'data-path': 'splice' }, noNative).options.dataPath).toBe('splice');
    expect(resolve(base, { NACOS_PROXY_NO_NATIVE: '' }).options.dataPath).toBe('auto');
  });

  it('lists the config file values that a flag or a variable overrides, with the winner', () => {
    const file = { upstream: ['10.0.0.9:8848'], balance: 'ip-hash', 'log-level': 'debug', 'drain-timeout': '5s' };
    const { overridden, options } = resolve({ ...base, balance: 'least-connections' }, { NACOS_PROXY_LOG_LEVEL: 'warn' }, file);
    expect(overridden).toEqual([
      { option: 'upstream', by: '--upstream', fileValue: ['10.0.0.9:8848'] },
      { option: 'balance', by: '--balance', fileValue: 'ip-hash' },
      { option: 'log-level', by: 'NACOS_PROXY_LOG_LEVEL', fileValue: 'debug' },
    ]);
    expect(options.drainTimeout).toBe(5000);
  });

  it('takes a bare --admin port as 127.0.0.1:PORT, and an address as given', () => {
    expect(resolve({ ...base, admin: '9901' }).options.admin).toEqual({ host: '127.0.0.1', port: 9901 });
    expect(resolve({ ...base, admin: ':9901' }).options.admin).toEqual({ host: '127.0.0.1', port: 9901 });
    expect(resolve({ ...base, admin: '0.0.0.0:9901' }).options.admin).toEqual({ host: '0.0.0.0', port: 9901 });
    expect(() => resolve({ ...base, admin: 'localhost' })).toThrow('--admin "localhost" has no port');
  });

  it('names where a bad log level came from', () => {
    expect(() => resolve({ ...base, 'log-level': 'loud' })).toThrow('--log-level "loud" is not one of fatal, error, warn, info, debug, trace, silent');
    expect(() => resolve(base, { NACOS_PROXY_LOG_LEVEL: 'loud' })).toThrow('NACOS_PROXY_LOG_LEVEL "loud" is not one of');
    expect(() => resolve(base, {}, { 'log-level': 'loud' })).toThrow('"log-level" in proxy.yaml "loud" is not one of');
  });

  it('takes lists from repeated flags and commas', () => {
    const { options } = resolve({ ...base, upstream: ['10.0.0.1:8848,10.0.0.2', '[fd00::3]:8848'] });
    expect(options.upstream).toEqual([
      { host: '10.0.0.1', port: 8848 },
      { host: '10.0.0.2', port: 8848 },
      { host: 'fd00::3', port: 8848 },
    ]);
  });

  it('lets flags win over environment, and environment over the file', () => {
    const file = { 'connect-timeout': '9s', 'max-connections': 10, balance: 'ip-hash', upstream: ['10.0.0.9:8848'] };
    const env = { NACOS_PROXY_CONNECT_TIMEOUT: '5s', NACOS_PROXY_MAX_CONNECTIONS: '20' };
    const { options } = resolve({ listen: '18848', 'connect-timeout': '1s' }, env, file);
    expect(options.connectTimeout).toBe(1000);
    expect(options.maxConnections).toBe(20);
    expect(options.balance).toBe('ip-hash');
    expect(options.upstream).toEqual([{ host: '10.0.0.9', port: 8848 }]);
  });

  it('uses the same names for flags, variables and file keys', () => {
    expect(envName('max-connections-per-ip')).toBe('NACOS_PROXY_MAX_CONNECTIONS_PER_IP');
    const { options } = resolve({}, { NACOS_PROXY_LISTEN: '[::1]:18848', NACOS_PROXY_UPSTREAM: '[::1]:8848 127.0.0.1:9000' });
    expect(options.listen).toEqual({ host: '::1', port: 18848 });
    expect(options.upstream).toHaveLength(2);
  });

  it('names the source of a bad value', () => {
    expect(() => resolve({ ...base, 'connect-timeout': 'soon' })).toThrow(/--connect-timeout "soon" is not a duration/);
    expect(() => resolve(base, { NACOS_PROXY_HEALTH_RISE: '0' })).toThrow(/NACOS_PROXY_HEALTH_RISE "0" is not an integer from 1 to 1000/);
    expect(() => resolve(base, {}, { balance: 'random' })).toThrow(/"balance" in proxy.yaml "random" is not one of round-robin, least-connections, ip-hash/);
    expect(() => resolve({ ...base, 'connect-timeout': '0' })).toThrow(/--connect-timeout must be greater than 0/);
    expect(() => resolve({ ...base, balance: ['ip-hash', 'round-robin'] })).toThrow(/--balance was given 2 times/);
  });

  it('refuses unknown config keys with a suggestion', () => {
    expect(() => resolve(base, {}, { upstreams: ['a:1'] })).toThrow(/proxy.yaml: unknown option "upstreams" \(did you mean "upstream"\?\)/);
    expect(() => resolve(base, {}, ['a'])).toThrow(/expected a mapping/);
    expect(() => resolve(base, {}, { 'max-connections': { nested: 1 } })).toThrow(/"max-connections" must be a string, a number or a list/);
  });

  it('takes only a plain mapping of text and finite numbers from the file', () => {
    // A Map (a YAML !!omap/!!map read as one) used to pass as an empty mapping.
    expect(() => resolve(base, {}, new Map([['balance', 'ip-hash']]))).toThrow(/expected a mapping/);
    expect(() => resolve(base, {}, { 'drain-timeout': Number.POSITIVE_INFINITY })).toThrow(/"drain-timeout" must be a string, a number or a list/);
    expect(() => resolve(base, {}, { roles: ['main', Number.NaN] })).toThrow(/"roles" must be a string, a number or a list/);
    expect(resolve(base, {}, { 'max-connections': 10, roles: ['main', 'client-grpc'] }).options).toMatchObject({ maxConnections: 10, roles: ['main', 'client-grpc'] });
  });

  it('warns about unknown NACOS_PROXY_ variables instead of ignoring them silently', () => {
    const { warnings } = resolve(base, { NACOS_PROXY_LISTN: '1', NACOS_OTHER: 'x' });
    expect(warnings).toEqual(['ignoring unknown environment variable NACOS_PROXY_LISTN (did you mean NACOS_PROXY_LISTEN?)']);
  });

  it('requires --listen and at least one --upstream', () => {
    expect(() => resolve({ upstream: ['a:1'] })).toThrow(/missing --listen/);
    expect(() => resolve({ listen: '18848' })).toThrow(/missing --upstream/);
  });

  it('refuses out-of-range derived ports on either side', () => {
    expect(() => resolve({ listen: '65000', upstream: ['a:8848'] })).toThrow(/client-grpc port \(P\+1000\) would be 66000/);
    expect(() => resolve({ listen: '18848', upstream: ['a:64900'] })).toThrow(/--upstream a:64900: main port 64900 cannot be used/);
    expect(() => resolve({ listen: '800', upstream: ['a:8848'], roles: 'all' })).toThrow(/raft port \(P-1000\) would be -200/);
  });

  it('refuses duplicate members and a proxy that would feed itself', () => {
    expect(() => resolve({ listen: '18848', upstream: ['a:8848', 'a'] })).toThrow(/lists a:8848 twice/);
    expect(() => resolve({ listen: '18848', upstream: ['127.0.0.1:18848'] })).toThrow(/would forward to itself/);
    expect(() => resolve({ listen: '10.0.0.1:18848', upstream: ['10.0.0.1:18848'] })).toThrow(/would forward to itself/);
    expect(resolve({ listen: '10.0.0.1:18848', upstream: ['10.0.0.2:18848'] }).options.upstream).toHaveLength(1);
  });

  it('reports which changed options need a restart', () => {
    const before = resolve(base).options;
    const after = resolve({ listen: '18849', upstream: ['127.0.0.1:9000'], roles: 'main' }).options;
    expect(unreloadableChanges(before, after)).toEqual(['listen', 'roles']);
  });
});
