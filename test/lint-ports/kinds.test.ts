/** Each file kind's reading of ports, beyond the example files. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/doctor/report.js';
import { renderDocker } from '../../src/generate/docker.js';
import { resolveDockerOptions } from '../../src/generate/docker-options.js';
import { renderHaproxy } from '../../src/generate/haproxy.js';
import { resolveHaproxyOptions } from '../../src/generate/haproxy-options.js';
import { renderNginx } from '../../src/generate/nginx.js';
import { resolveNginxOptions } from '../../src/generate/nginx-options.js';
import { loadNginxTemplates } from '../../src/generate/nginx-templates.js';
import { detectKind, lintPorts, type LintKind } from '../../src/lint-ports/lint.js';
import { toolErrorOf } from '../helpers/errors.js';
import { DOCKER_SCENARIOS, HAPROXY_SCENARIOS, NGINX_SCENARIOS } from '../generate/scenarios.js';

function findings(text: string, kind?: LintKind): readonly Finding[] {
  return lintPorts({ name: 'f', text, ...(kind ? { kind } : {}) }).findings;
}

function causes(text: string, kind?: LintKind): string[] {
  return findings(text, kind).map((item) => `${item.status} ${item.cause ?? item.check}${item.location?.line === undefined ? '' : ` ${item.location.line}`}`);
}

describe('docker run', () => {
  it('reads -p, --publish=, -dp clusters and NACOS_APPLICATION_PORT', () => {
    expect(causes('docker run -dp 18848:8848 --publish=19848:9848 nacos/nacos-server')).toEqual(['ok ports.offsets']);
    expect(causes('docker run -e NACOS_APPLICATION_PORT=7001 -p 7001:7001 nacos')).toEqual(['fail GRPC_PORT_NOT_EXPOSED']);
  });

  it('flags -P and accepts host networking', () => {
    expect(causes('docker run -P nacos/nacos-server')).toEqual(['fail RANDOM_HOST_PORT']);
    expect(causes('podman run --network host nacos/nacos-server')).toEqual(['ok ports.host-network']);
  });
});

describe('docker compose', () => {
  it('reads the long port syntax and environment maps', () => {
    const compose = [
      'services:',
      '  nacos:',
      '    image: nacos/nacos-server',
      '    environment:',
      '      NACOS_APPLICATION_PORT: 18848',
      '    ports:',
      '      - target: 18848',
      '        published: "28848"',
      '      - target: 19848',
      '        published: 29849',
    ].join('\n');
    expect(causes(compose)).toEqual(['fail OFFSET_BROKEN 9']);
  });

  it('accepts host networking', () => {
    expect(causes('services:\n  nacos:\n    network_mode: host\n    ports: ["8848:8848"]\n')).toEqual(['ok ports.host-network 3']);
  });
});

describe('Kubernetes', () => {
  it('checks nodePorts against each other and resolves named targetPorts', () => {
    const manifest = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: nacos}',
      'spec:',
      '  type: NodePort',
      '  ports:',
      '    - {name: http, port: 8848, targetPort: http, nodePort: 30848}',
      '    - {name: grpc, port: 9848, targetPort: grpc, nodePort: 30849}',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: nacos}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: nacos',
      '          image: nacos/nacos-server',
      '          ports: [{name: http, containerPort: 8848}, {name: grpc, containerPort: 9848}]',
    ].join('\n');
    expect(causes(manifest)).toEqual(['fail OFFSET_BROKEN 8']);
  });

  it('says when a named targetPort cannot be resolved', () => {
    const manifest = 'apiVersion: v1\nkind: Service\nmetadata: {name: nacos}\nspec:\n  ports:\n    - {port: 8848, targetPort: http}\n';
    expect(causes(manifest)).toEqual(['info ports.unresolved-target 6']);
  });
});

describe('nginx', () => {
  it('inherits proxy_timeout from the stream block and reads direct proxy_pass addresses', () => {
    const config = 'stream {\n  proxy_timeout 20s;\n  server { listen 8848; proxy_pass 10.0.0.1:8848; }\n  server { listen 9848; proxy_pass 10.0.0.1:9848; }\n}\n';
    expect(causes(config)).toEqual(['ok ports.offsets', 'fail IDLE_TIMEOUT_TOO_SHORT 2']);
  });

  it('flags proxy_pass http:// to a gRPC port as an HTTP/1 proxy', () => {
    const config = 'http {\n  server {\n    listen 8848;\n    location / { proxy_pass http://10.0.0.1:8848; }\n  }\n  server {\n    listen 9848;\n    location / { proxy_pass http://10.0.0.1:9848; }\n  }\n}\n';
    expect(causes(config)).toEqual(['fail GRPC_VIA_HTTP1_PROXY 8']);
  });

  it('reports a config it cannot parse, with the line', () => {
    expect(causes('stream {\n  server {\n', 'nginx')).toEqual(['fail UNPARSABLE 2']);
  });
});

describe('HAProxy', () => {
  it('follows servers with a relative port or none (port transparency)', () => {
    const config = 'listen nacos\n    bind :18848,:19848\n    mode tcp\n    timeout client 30s\n    timeout server 30s\n    timeout tunnel 1h\n    server a 10.0.0.1:-10000\n';
    expect(causes(config)).toEqual(['ok ports.offsets']);
    expect(causes(config.replace(':-10000', ''))).toEqual(['ok ports.offsets']);
    expect(causes(config.replace(':-10000', ':8848'))).toEqual(['fail GRPC_TO_MAIN_PORT 2']);
  });

  it('warns about missing timeout tunnel when client/server are long enough', () => {
    const config = 'defaults\n    timeout client 1m\n    timeout server 1m\nlisten nacos\n    bind :8848\n    bind :9848\n    server a 10.0.0.1\n';
    expect(causes(config)).toEqual(['ok ports.offsets', 'warn NO_TUNNEL_TIMEOUT 4']);
  });

  it('fails a short timeout tunnel even with long client/server timeouts', () => {
    const config = 'listen nacos\n    bind :8848\n    bind :9848\n    timeout client 1h\n    timeout server 1h\n    timeout tunnel 5s\n    server a 10.0.0.1\n';
    expect(causes(config)).toEqual(['ok ports.offsets', 'fail IDLE_TIMEOUT_TOO_SHORT 6']);
  });
});

describe('kind detection', () => {
  it('tells the kinds apart by content', () => {
    expect(detectKind('docker run -p 1:2 x')).toBe('docker-run');
    expect(detectKind('#!/bin/sh\n# comment\nsudo docker container run -p 1:2 x')).toBe('docker-run');
    expect(detectKind('services:\n  a: {}\n')).toBe('compose');
    expect(detectKind('apiVersion: v1\nkind: Service\n')).toBe('kubernetes');
    expect(detectKind('frontend a\n    bind :1\n    use_backend b if { path /x }\n')).toBe('haproxy');
    expect(detectKind('server { listen 1; }\n')).toBe('nginx');
    expect(detectKind('hello world\n')).toBeUndefined();
  });

  it('refuses to guess, naming the --kind values', () => {
    const error = toolErrorOf(() => lintPorts({ name: 'notes.txt', text: 'hello' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('cannot tell what kind of file notes.txt is; pass --kind compose|kubernetes|nginx|haproxy|docker-run');
  });
});

describe('the generators and the linter agree', () => {
  const clean = (text: string): string[] => findings(text).filter((item) => item.status === 'fail' || item.status === 'warn').map((item) => item.title);

  it('every generated nginx config lints clean', async () => {
    const templates = await loadNginxTemplates();
    for (const flags of Object.values(NGINX_SCENARIOS)) expect(clean(renderNginx(resolveNginxOptions(flags), templates))).toEqual([]);
  });

  it('every generated HAProxy config lints clean', () => {
    for (const flags of Object.values(HAPROXY_SCENARIOS)) expect(clean(renderHaproxy(resolveHaproxyOptions(flags)))).toEqual([]);
  });

  it('every generated compose snippet and Service lints clean', () => {
    for (const flags of Object.values(DOCKER_SCENARIOS)) {
      const options = resolveDockerOptions({ ...flags, format: 'all', ...(flags.format === 'k8s' ? { k8s: true } : {}) });
      const text = renderDocker(options);
      if (options.kubernetes) expect(clean(text.slice(text.indexOf('---')))).toEqual([]);
      const compose = `services:\n  nacos:\n    image: nacos/nacos-server\n    environment: {NACOS_APPLICATION_PORT: "${options.containerMainPort}"}\n${text
        .split('\n')
        .filter((line) => line.startsWith('ports:') || line.startsWith('  - "'))
        .map((line) => `    ${line}`)
        .join('\n')}\n`;
      expect(clean(compose)).toEqual([]);
      expect(findings(compose).some((item) => item.status === 'ok')).toBe(true);
    }
  });
});
