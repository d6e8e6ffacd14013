import { describe, expect, it } from 'vitest';
import { toolErrorOf } from '../helpers/errors.js';
import { parsePublish, resolveDockerOptions } from '../../src/generate/docker-options.js';
import { HAPROXY_DEFAULTS, resolveHaproxyOptions } from '../../src/generate/haproxy-options.js';
import { MIN_IDLE_TIMEOUT_MS, resolveLbOptions } from '../../src/generate/lb-options.js';
import { resolveNginxOptions } from '../../src/generate/nginx-options.js';

describe('load-balancer options', () => {
  it('defaults to the client roles and timeouts that never cut a Nacos connection', () => {
    const options = resolveLbOptions({ upstream: ['10.0.0.1'] });
    expect(options).toEqual({
      listen: { host: undefined, port: 8848 },
      upstreams: [{ host: '10.0.0.1', port: 8848 }],
      roles: ['main', 'client-grpc'],
      balance: 'round-robin',
      connectTimeoutMs: 3000,
      idleTimeoutMs: 600_000,
    });
    expect(options.idleTimeoutMs).toBeGreaterThanOrEqual(MIN_IDLE_TIMEOUT_MS);
  });

  it('keeps HAProxy client/server timeouts for the connect phase and the long tunnel timeout for established connections', () => {
    const options = resolveHaproxyOptions({ upstream: ['10.0.0.1'] });
    expect(options.clientTimeoutMs).toBe(HAPROXY_DEFAULTS.clientTimeoutMs);
    expect(options.idleTimeoutMs).toBe(600_000);
    expect(options.idleTimeoutMs).toBeGreaterThan(options.clientTimeoutMs);
  });

  it('refuses an idle timeout that would cut connections between heartbeats', () => {
    const error = toolErrorOf(() => resolveLbOptions({ upstream: ['10.0.0.1'], 'idle-timeout': '3s' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^--idle-timeout 3s is too short: use at least 30s: Nacos clients send a heartbeat only after 5 s idle/);
  });

  it('requires members and refuses duplicates', () => {
    expect(toolErrorOf(() => resolveLbOptions({})).code).toBe('ERR_MISSING_OPTION');
    expect(toolErrorOf(() => resolveLbOptions({ upstream: ['10.0.0.1:8848', '10.0.0.1'] })).message).toContain('lists 10.0.0.1:8848 twice');
  });

  it('names the side whose derived port would not exist', () => {
    expect(toolErrorOf(() => resolveLbOptions({ upstream: ['10.0.0.1'], listen: '65000' })).message).toMatch(/^--listen: main port 65000 cannot be used: its client-grpc port/);
    expect(toolErrorOf(() => resolveLbOptions({ upstream: ['10.0.0.1:64600'] })).message).toMatch(/^--upstream 10\.0\.0\.1:64600: main port 64600/);
    expect(toolErrorOf(() => resolveLbOptions({ upstream: ['10.0.0.1:500'], roles: ['all'] })).code).toBe('ERR_PORT_RANGE');
  });

  it('refuses IPv6 zone ids, which nginx and HAProxy cannot parse', () => {
    const upstream = toolErrorOf(() => resolveLbOptions({ upstream: ['[fe80::1%eth0]:8848'] }));
    expect(upstream).toMatchObject({ code: 'ERR_ADDRESS', exitCode: 2 });
    expect(upstream.message).toBe(
      '--upstream "fe80::1%eth0" has an IPv6 zone id (%eth0), which nginx, HAProxy and Docker do not accept in an address; give the member a global or unique-local address (e.g. fd00::11) instead of a link-local one',
    );
    expect(toolErrorOf(() => resolveLbOptions({ upstream: ['10.0.0.1'], listen: '[fe80::1%eth0]:8848' })).message).toMatch(/^--listen "fe80::1%eth0" has an IPv6 zone id/);
    expect(toolErrorOf(() => resolveDockerOptions({ publish: ['[fe80::1%eth0]:18848:8848'] })).message).toMatch(/^--publish address "fe80::1%eth0" has an IPv6 zone id/);
    expect(toolErrorOf(() => resolveDockerOptions({ 'host-port': '18848', 'host-ip': 'fe80::1%eth0' })).message).toMatch(/^--host-ip "fe80::1%eth0" has an IPv6 zone id/);
  });

  it('refuses unknown roles and balance strategies with the valid ones', () => {
    expect(toolErrorOf(() => resolveLbOptions({ upstream: ['10.0.0.1'], roles: ['grpc'] })).message).toContain('use one or more of main, client-grpc, cluster-grpc, raft');
    expect(toolErrorOf(() => resolveLbOptions({ upstream: ['10.0.0.1'], balance: 'random' })).message).toBe(
      '--balance "random" is not one of round-robin, least-connections, ip-hash',
    );
  });
});

describe('nginx options', () => {
  it('derives the pid file and temporary files from --runtime-dir', () => {
    const options = resolveNginxOptions({ upstream: ['10.0.0.1'], full: true, console: true, 'runtime-dir': '/tmp/nacos/' });
    expect(options.full).toEqual({ streamModule: '/usr/lib/nginx/modules/ngx_stream_module.so', pidFile: '/tmp/nacos/nginx.pid', errorLog: 'stderr' });
    expect(options.tempDir).toBe('/tmp/nacos');
    expect(resolveNginxOptions({ upstream: ['10.0.0.1'], full: true, 'stream-module': 'none' }).full?.streamModule).toBeUndefined();
  });

  it('refuses flags that do nothing without --full or --console', () => {
    expect(toolErrorOf(() => resolveNginxOptions({ upstream: ['10.0.0.1'], pid: '/run/x.pid' })).message).toBe('--pid only applies with --full');
    expect(toolErrorOf(() => resolveNginxOptions({ upstream: ['10.0.0.1'], 'access-log': 'off' })).message).toBe('--access-log only applies with --console');
  });

  it('refuses relative paths, which nginx would resolve against its prefix', () => {
    expect(toolErrorOf(() => resolveNginxOptions({ upstream: ['10.0.0.1'], full: true, pid: 'nginx.pid' })).message).toContain('is not an absolute path');
  });

  it('needs the main role for --console', () => {
    expect(toolErrorOf(() => resolveNginxOptions({ upstream: ['10.0.0.1'], console: true, roles: ['client-grpc'] })).message).toContain('does not include main');
  });
});

describe('docker options', () => {
  it('parses the publish forms docker accepts', () => {
    expect(parsePublish('18848:8848')).toEqual({ hostIp: undefined, hostPort: 18848, containerPort: 8848 });
    expect(parsePublish('127.0.0.1:18848:8848/tcp')).toEqual({ hostIp: '127.0.0.1', hostPort: 18848, containerPort: 8848 });
    expect(parsePublish('[::1]:18848:8848')).toEqual({ hostIp: '::1', hostPort: 18848, containerPort: 8848 });
    expect(toolErrorOf(() => parsePublish('8848')).message).toContain('a bare container port gets a random host port');
    expect(toolErrorOf(() => parsePublish('18848:8848/udp')).message).toContain('Nacos ports are TCP');
  });

  it('derives the host main port from any role it is given', () => {
    expect(resolveDockerOptions({ publish: ['19848:9848'] })).toMatchObject({ hostMainPort: 18848, roles: ['main', 'client-grpc'] });
    expect(resolveDockerOptions({ publish: ['61002:9849'] })).toMatchObject({ hostMainPort: 60001, roles: ['main', 'client-grpc', 'cluster-grpc'] });
  });

  it('refuses mappings that break the offset rule, with the mapping that would fit (NACOS-FACTS §4 case 3)', () => {
    const error = toolErrorOf(() => resolveDockerOptions({ publish: ['8082:8848', '8083:9848'] }));
    expect(error.code).toBe('ERR_OFFSET');
    expect(error.message).toContain('so with 8082:8848 it must be 9082:9848');
  });

  it('refuses container ports that are not Nacos ports of the container main port', () => {
    expect(toolErrorOf(() => resolveDockerOptions({ publish: ['18080:8080'] })).message).toContain('container port 8080 is not a Nacos port of a server on 8848');
  });

  it('keeps NodePorts inside the Kubernetes range', () => {
    expect(toolErrorOf(() => resolveDockerOptions({ 'host-port': '8848', k8s: true, 'service-type': 'NodePort' })).message).toContain(
      'use a --host-port from 30000 to 31767',
    );
  });

  it('prints only the manifests with --k8s unless --format all, and refuses --k8s with a format that has none', () => {
    expect(resolveDockerOptions({ 'host-port': '18848', k8s: true }).format).toBe('k8s');
    expect(resolveDockerOptions({ 'host-port': '18848', k8s: true, format: 'all' }).format).toBe('all');
    expect(resolveDockerOptions({ 'host-port': '18848' }).format).toBe('all');
    expect(toolErrorOf(() => resolveDockerOptions({ 'host-port': '18848', k8s: true, format: 'run' })).message).toBe(
      '--k8s prints Kubernetes Services, but --format run prints none; drop --k8s, or use --format all (everything) or k8s',
    );
  });

  it('refuses Kubernetes flags without --k8s and bad Service names', () => {
    expect(toolErrorOf(() => resolveDockerOptions({ 'host-port': '18848', headless: true })).message).toBe('--headless only applies with --k8s');
    expect(toolErrorOf(() => resolveDockerOptions({ 'host-port': '18848', k8s: true, name: 'Nacos' })).message).toContain('is not a Kubernetes Service name');
  });
});
