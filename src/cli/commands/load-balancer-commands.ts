/**
 * The load-balancer commands as DoctorCommand data: the nginx, haproxy and docker generators,
 * and lint-ports, which checks existing setups. Each has its usage, help, yargs options with
 * their documented defaults, and a lazy `run`. Values are parsed and validated by
 * src/generate/*-options.ts, not by yargs, so every flag is a plain string here.
 */
import type { Argv, Options } from 'yargs';
import { formatDuration } from '../../duration.js';
import { DOCKER_FORMATS, SERVICE_TYPES } from '../../generate/docker-options.js';
import { HAPROXY_DEFAULTS } from '../../generate/haproxy-options.js';
import { LB_DEFAULTS } from '../../generate/lb-options.js';
import { NGINX_DEFAULTS } from '../../generate/nginx-options.js';
import { LINT_KINDS } from '../../lint-ports/lint.js';
import { BALANCE_STRATEGIES } from '../../proxy/options.js';
import type { DoctorCommand } from '../doctor-commands.js';

function text(describe: string, defaultDescription?: string, extra: Options = {}): Options {
  return { type: 'string', requiresArg: true, describe, ...(defaultDescription === undefined ? {} : { defaultDescription }), ...extra };
}

function flag(describe: string): Options {
  return { type: 'boolean', describe };
}

const OUT = text('Write to this file instead of stdout.');

/** Options nginx and haproxy share: members, listen side, roles, balancing, timeouts. */
function loadBalancerOptions(yargs: Argv): Argv {
  return yargs
    .option('upstream', text('Required. A Nacos member by its main port, HOST:PORT or [v6]:PORT (repeat, or comma-separate); each role goes to PORT+offset. Port defaults to 8848.', undefined, { array: true }))
    .option('listen', text('Base listen address [HOST:]P; each role listens on P+offset. Without HOST, every IPv4 interface.', LB_DEFAULTS.listen))
    .option('roles', text('Port roles to forward: main, client-grpc, cluster-grpc, raft, or all. Clients need only main and client-grpc.', LB_DEFAULTS.roles, { array: true }))
    .option('balance', text(`Balancing: ${BALANCE_STRATEGIES.join(', ')}.`, LB_DEFAULTS.balance))
    .option('connect-timeout', text('Timeout of one connect attempt to a member.', LB_DEFAULTS.connectTimeout))
    .option('idle-timeout', text('Close a connection idle this long in both directions (nginx proxy_timeout, HAProxy timeout tunnel); at least 30s.', LB_DEFAULTS.idleTimeout))
    .option('out', OUT);
}

export const LOAD_BALANCER_COMMANDS: readonly DoctorCommand[] = [
  {
    name: 'nginx',
    usage: 'nginx',
    describe: 'Write an nginx stream {} config that forwards every Nacos port as TCP and keeps the offsets',
    builder: (yargs) =>
      loadBalancerOptions(yargs)
        .option('max-fails', text('Failed connects before nginx skips a member (passive health).', String(NGINX_DEFAULTS.maxFails)))
        .option('fail-timeout', text('How long a member is skipped after --max-fails failures.', NGINX_DEFAULTS.failTimeout))
        .option('console', flag('Serve the main port (HTTP API and console) from an http {} block instead of stream {}.'))
        .option('access-log', text('With --console: access_log of the http {} block, an absolute path or off.', NGINX_DEFAULTS.accessLog))
        .option('full', flag('Write a complete nginx.conf that `nginx -c FILE` runs as is.'))
        .option('stream-module', text('With --full: path of ngx_stream_module.so to load, or none when nginx has it built in.', NGINX_DEFAULTS.streamModule))
        .option('pid', text('With --full: pid file.', `${NGINX_DEFAULTS.pidFile}, or RUNTIME-DIR/nginx.pid`))
        .option('error-log', text('With --full: error log file, or stderr.', NGINX_DEFAULTS.errorLog))
        .option('runtime-dir', text("Directory for the pid file (--full) and nginx's temporary files (--console), e.g. to run nginx unprivileged."))
        .option('template-dir', text('Read the templates from this directory (a copy of nginx-templates/ you adapted).', 'the shipped nginx-templates/'))
        .example('$0 nginx --upstream 10.0.0.11:8848 --upstream 10.0.0.12:8848 --upstream 10.0.0.13:8848', 'stream {} block for a 3-member cluster on 8848/9848')
        .example('$0 nginx --listen 18848 --upstream nacos-0:8848 --console --full --out /etc/nginx/nacos.conf', 'complete nginx.conf, console over HTTP on 18848, gRPC on 19848'),
    run: async (args, io) => (await import('./nginx.js')).runNginx(args, io),
  },
  {
    name: 'haproxy',
    usage: 'haproxy',
    describe: 'Write a HAProxy mode tcp config that keeps the Nacos port offsets (timeout tunnel, tcp-check)',
    builder: (yargs) =>
      loadBalancerOptions(yargs)
        .option('health-interval', text('Time between TCP checks of each member and role.', HAPROXY_DEFAULTS.healthInterval))
        .option('health-fall', text('Consecutive failed checks that take a member out.', String(HAPROXY_DEFAULTS.healthFall)))
        .option('health-rise', text('Consecutive good checks that bring a member back.', String(HAPROXY_DEFAULTS.healthRise)))
        .option('full', flag('Add a global section that logs to stderr, and log every connection.'))
        .example('$0 haproxy --upstream 10.0.0.11:8848,10.0.0.12:8848,10.0.0.13:8848 --full --out nacos.cfg', 'then: haproxy -f nacos.cfg')
        .epilog(`timeout client/server stay at ${formatDuration(HAPROXY_DEFAULTS.clientTimeoutMs)}: in mode tcp they only bound the connect phase, then timeout tunnel applies.`),
    run: async (args, io) => (await import('./haproxy.js')).runHaproxy(args, io),
  },
  {
    name: 'docker',
    usage: 'docker',
    describe: 'Print the -p flags, compose ports: and (--k8s) Kubernetes Services that keep the Nacos port offsets',
    builder: (yargs) =>
      yargs
        .option('host-port', text('Host port H for the Nacos main port; gRPC goes to H+1000.'))
        .option('publish', text('A mapping you have or want, [IP:]HOSTPORT:CONTAINERPORT (repeatable); the rest is derived from it.', undefined, { array: true }))
        .option('container-port', text('Main port inside the container (NACOS_APPLICATION_PORT).', '8848'))
        .option('host-ip', text('Publish on this host address only.'))
        .option('roles', text('Port roles to publish: main, client-grpc, cluster-grpc, raft, or all.', LB_DEFAULTS.roles, { array: true }))
        .option('format', text(`What to print: ${DOCKER_FORMATS.join(', ')}.`, 'all, or k8s with --k8s'))
        .option('k8s', flag('Print a Kubernetes Service with named ports (only the manifests, which kubectl applies, unless --format all).'))
        .option('service-type', text(`With --k8s: ${SERVICE_TYPES.join(', ')}; NodePort fixes nodePorts to H+offset.`, 'ClusterIP'))
        .option('headless', flag('With --k8s: also print the headless Service of a StatefulSet cluster (all four ports).'))
        .option('name', text('With --k8s: Service name.', 'nacos'))
        .option('selector', text('With --k8s: pod selector KEY=VALUE (repeatable).', 'app=NAME', { array: true }))
        .option('out', OUT)
        .example('$0 docker --host-port 18848', '-p 18848:8848 -p 19848:9848, and the compose ports:')
        .example('$0 docker --publish 60001:8848 --roles main,client-grpc,cluster-grpc --k8s --headless --out nacos-svc.yaml', 'Kubernetes Services with 9849; then: kubectl apply -f nacos-svc.yaml'),
    run: async (args, io) => (await import('./docker.js')).runDocker(args, io),
  },
  {
    name: 'lint-ports',
    usage: 'lint-ports [target..]',
    describe: 'Check compose files, Kubernetes manifests, nginx/HAProxy configs or a docker run command for Nacos port mistakes',
    builder: (yargs) =>
      yargs
        .positional('target', { type: 'string', array: true, describe: "Files to check, or a quoted 'docker run ...' command line" })
        .option('kind', text(`Kind of the files: ${LINT_KINDS.join(', ')}.`, 'detected from the content'))
        .option('json', flag('Print the report as JSON (schema nacos-doctor/report@1).'))
        .example('$0 lint-ports docker-compose.yml k8s/nacos.yaml /etc/nginx/nginx.conf', 'exit code 1 when a mapping breaks the Nacos port rules')
        .example("$0 lint-ports 'docker run -d -p 18848:8848 -p 9848:9848 nacos/nacos-server'", 'check a command line'),
    run: async (args, io) => (await import('./lint-ports.js')).runLintPorts(args, io),
  },
];
