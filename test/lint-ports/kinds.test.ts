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
  const pasted = (text: string): readonly Finding[] => lintPorts({ name: 'cmd', text, pasted: true }).findings;

  it('reads -p, --publish=, -dp clusters and NACOS_APPLICATION_PORT', () => {
    expect(causes('docker run -dp 18848:8848 --publish=19848:9848 nacos/nacos-server')).toEqual(['ok ports.offsets 1']);
    expect(causes('docker run -e NACOS_APPLICATION_PORT=7001 -p 7001:7001 nacos')).toEqual(['fail GRPC_PORT_NOT_EXPOSED 1']);
  });

  it('flags -P and accepts host networking', () => {
    expect(causes('docker run -P nacos/nacos-server')).toEqual(['fail RANDOM_HOST_PORT 1']);
    expect(findings('docker run -P nacos/nacos-server')[0]!.fix).toContain('e.g.  -p 8848:8848 -p 9848:9848');
    // A main port whose +1000 would pass 65535 gets no example ports that cannot exist.
    expect(findings('docker run -P -e NACOS_APPLICATION_PORT=65000 --expose 65000 nacos/nacos-server')[0]!.fix).not.toMatch(/66000/);
    expect(causes('podman run --network host nacos/nacos-server')).toEqual(['ok ports.host-network 1']);
  });

  it('points findings of a script at the file and the line of the -p, and those of a pasted command at <argument>', () => {
    const script = '#!/bin/sh\ndocker run -d --name nacos \\\n  -p 18848:8848 \\\n  -p 9848:9848 \\\n  nacos/nacos-server\n';
    expect(findings(script).map((item) => item.location)).toEqual([{ file: 'f', line: 4 }]);
    expect(pasted('docker run -p 18848:8848 -p 9848:9848 nacos').map((item) => item.location)).toEqual([{ file: '<argument>' }]);
  });

  it('finds docker run anywhere in a script, after set -e, docker pull, sudo or VAR=value', () => {
    const script = ['#!/bin/sh', 'set -e', 'docker pull nacos/nacos-server', 'IMAGE=nacos/nacos-server', 'if true; then sudo -E docker run -p 8848:8848 -p 9848:9848 "$IMAGE"; fi'].join('\n');
    expect(detectKind(script)).toBe('docker-run');
    expect(causes(script)).toEqual(['ok ports.offsets 5']);
    expect(detectKind('set -e\ndocker pull nacos/nacos-server\n')).toBeUndefined();
  });

  it('checks each docker run of a script as its own container, with its own fix', () => {
    const script = [
      'docker run -d --name a -p 18848:8848 -p 19848:9848 nacos/nacos-server',
      'docker run -d --name b \\',
      '  -p 28848:8848 nacos/nacos-server && echo started',
    ].join('\n');
    const result = findings(script);
    expect(result.map((item) => `${item.status} ${item.title.split(':')[0]} ${item.location?.line}`)).toEqual(['ok container a 1', 'fail -p 28848 3']);
    expect(result[1]!.fix).toBe('add  -p 29848:9848');
  });

  it('takes 8848 as the main port when 8848 and 8849 are both published, and asks for the missing 9848', () => {
    for (const command of ['docker run -p 8848:8848 -p 8849:8849 nacos', 'docker run -p 18848-18849:8848-8849 nacos']) {
      const result = pasted(command);
      expect(result.map((item) => `${item.status} ${item.cause}`), command).toEqual(['fail GRPC_PORT_NOT_EXPOSED']);
      expect(result[0]!.title, command).not.toContain('7848');
    }
    expect(pasted('docker run -p 8848:8848 -p 8849:8849 nacos')[0]!.fix).toBe('add  -p 9848:9848');
    expect(pasted('docker run -p 18848-18849:8848-8849 nacos')[0]!.fix).toBe('add  -p 19848:9848');
  });

  it('reports mappings to 8848/9848 when NACOS_APPLICATION_PORT moved Nacos, in every -e form', () => {
    for (const env of ['-e NACOS_APPLICATION_PORT=7777', '-eNACOS_APPLICATION_PORT=7777', '-e=NACOS_APPLICATION_PORT=7777', '--env NACOS_APPLICATION_PORT=7777', '--env=NACOS_APPLICATION_PORT=7777']) {
      const result = pasted(`docker run ${env} -p 8848:8848 -p 9848:9848 nacos`);
      expect(result.map((item) => `${item.status} ${item.cause}`), env).toEqual(['fail APPLICATION_PORT_MISMATCH', 'fail APPLICATION_PORT_MISMATCH']);
      expect(result[0]!.title, env).toBe(`-p 8848:8848 reaches container port 8848, but -e NACOS_APPLICATION_PORT=7777 moved Nacos to 7777/8777/8778/6777: nothing listens on 8848`);
      expect(result[1]!.fix, env).toBe('replace  -p 9848:9848  with  -p 9848:8777   (the client-grpc port of main port 7777), or drop -e NACOS_APPLICATION_PORT=7777 to keep Nacos on 8848');
    }
  });

  it('the -P fix gives the docker command with --container-port', () => {
    expect(pasted('docker run -P nacos')[0]!.fix).toContain('nacos-doctor docker --host-port 8848 --container-port 8848');
    expect(pasted('docker run -e NACOS_APPLICATION_PORT=7777 -P nacos')[0]!.fix).toContain('-p 7777:7777 -p 8777:8777  (nacos-doctor docker --host-port 7777 --container-port 7777');
  });

  it('explains a broken offset in the ports of the command', () => {
    const [broken] = pasted('docker run -p 8082:8848 -p 8083:9848 nacos');
    expect(broken!.explanation).toContain('clients given 8082 dial 9082 for gRPC, which goes nowhere; -p 8083:9848 puts it on 8083');
    expect(pasted('docker run -p 18848:8848 -p 9848:9848 nacos')[0]!.explanation).toContain('clients given 18848 dial 19848');
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
    expect(findings(compose)[0]!.fix).toBe('change {target: 19848, published: "29849"} to {target: 19848, published: "29848"}');
  });

  it('reports default container ports that NACOS_APPLICATION_PORT moved, from the environment map and list', () => {
    const service = (environment: string[]): string =>
      ['services:', '  nacos:', '    image: nacos/nacos-server', '    environment:', ...environment, '    ports:', '      - "8848:8848"', '      - "9848:9848"'].join('\n');
    for (const environment of [['      NACOS_APPLICATION_PORT: 7777'], ['      - MODE=standalone', '      - NACOS_APPLICATION_PORT=7777']]) {
      const result = findings(service(environment));
      expect(result.map((item) => `${item.status} ${item.cause} ${item.location?.line}`)).toEqual([`fail APPLICATION_PORT_MISMATCH ${environment.length + 6}`, `fail APPLICATION_PORT_MISMATCH ${environment.length + 7}`]);
      expect(result[0]!.evidence).toBe(`NACOS_APPLICATION_PORT: 7777 (line ${environment.length + 4})`);
      expect(result[0]!.fix).toBe('change "8848:8848" to "8848:7777"   (the main port it set), or drop NACOS_APPLICATION_PORT: 7777 to keep Nacos on 8848');
    }
  });

  it('gives the docker command for a random host port with the container main port', () => {
    const compose = 'services:\n  nacos:\n    environment: [NACOS_APPLICATION_PORT=7777]\n    ports: ["7777:7777", "8777"]\n';
    expect(findings(compose).find((item) => item.cause === 'RANDOM_HOST_PORT')!.fix).toBe(
      'give the host port: "HOSTPORT:8777" (nacos-doctor docker --host-port HOSTPORT --container-port 7777 prints the whole set)',
    );
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

  it('refuses to guess, naming the kinds it understands and the --kind values', () => {
    const error = toolErrorOf(() => lintPorts({ name: 'notes.txt', text: 'hello' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'cannot tell what kind of file notes.txt is: it looks like none of docker compose files, Kubernetes manifests, nginx and HAProxy configs, and docker run commands or scripts; if it is one, say which with --kind compose|kubernetes|nginx|haproxy|docker-run',
    );
  });

  it('does not take prose with a ";" or a "{" for an nginx config', () => {
    expect(detectKind('# Notes\n\nRun it; then check {the} output.\n\n```\nnacos-doctor lint-ports x;\n```\n')).toBeUndefined();
    expect(detectKind('events {}\nstream {\n    include /etc/nginx/stream.d/*.conf;\n}\n')).toBe('nginx');
  });

  it('refuses binary files, even with --kind', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)).toString('utf8');
    for (const kind of [undefined, 'nginx'] as const) {
      const error = toolErrorOf(() => lintPorts({ name: 'blob.bin', text: bytes, ...(kind ? { kind } : {}) }));
      expect(error).toMatchObject({ code: 'ERR_LINT_KIND', exitCode: 2 });
      expect(error.message).toMatch(/^blob\.bin is not a text file \(it contains NUL bytes\); lint-ports reads docker compose files/);
    }
    expect(toolErrorOf(() => lintPorts({ name: 'esc.conf', text: '\u001b[2J\u0007'.repeat(100) })).message).toMatch(/^esc\.conf is not a text file \(\d+% of its first 500 characters are control characters/);
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
