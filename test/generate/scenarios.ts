/**
 * The generator inputs the golden files and the real nginx -t / haproxy -c checks share, so
 * every golden config is also proven to load in the real program.
 */
import type { DockerFlags } from '../../src/generate/docker-options.js';
import type { HaproxyFlags } from '../../src/generate/haproxy-options.js';
import type { NginxFlags } from '../../src/generate/nginx-options.js';

const CLUSTER = ['10.0.0.11:8848', '10.0.0.12:8848', '10.0.0.13:8848'];

export const NGINX_SCENARIOS: Readonly<Record<string, NginxFlags>> = {
  'stream-default': { upstream: CLUSTER },
  'stream-all-roles': {
    upstream: ['10.0.0.11:8848,10.0.0.12:18848'],
    listen: '10.0.0.10:28848',
    roles: ['all'],
    balance: 'least-connections',
    'connect-timeout': '1500ms',
    'idle-timeout': '1h',
    'max-fails': '2',
    'fail-timeout': '30s',
  },
  console: { upstream: CLUSTER, console: true, 'access-log': '/var/log/nginx/nacos-access.log' },
  full: { upstream: CLUSTER, full: true },
  'full-console-ipv6': {
    upstream: ['[fd00::11]:8848', '[fd00::12]:8848', '10.0.0.13:8848'],
    listen: '[::]:8848',
    full: true,
    console: true,
    balance: 'ip-hash',
    'runtime-dir': '/var/lib/nacos-nginx',
    'stream-module': 'none',
    'error-log': '/var/log/nginx/nacos-error.log',
  },
};

export const HAPROXY_SCENARIOS: Readonly<Record<string, HaproxyFlags>> = {
  default: { upstream: CLUSTER },
  'all-roles': {
    upstream: CLUSTER,
    listen: '10.0.0.10:28848',
    roles: ['all'],
    balance: 'least-connections',
    'health-interval': '5s',
    'health-fall': '2',
    'health-rise': '3',
    'idle-timeout': '1h',
  },
  'full-ipv6': { upstream: ['[fd00::11]:8848', '[fd00::12]:8848', '10.0.0.13:8848'], listen: '[::]:8848', balance: 'ip-hash', full: true },
  // localhost: a name that resolves from /etc/hosts, so haproxy -c sends no DNS query.
  'members-by-name': { upstream: ['localhost:8848', '10.0.0.12:8848'] },
};

export const DOCKER_SCENARIOS: Readonly<Record<string, DockerFlags>> = {
  'host-port': { 'host-port': '18848' },
  'publish-grpc-anchor': { publish: ['19848:9848'] },
  'cluster-k8s-headless': {
    publish: ['127.0.0.1:60001:8848'],
    format: 'all',
    roles: ['main,client-grpc,cluster-grpc'],
    k8s: true,
    headless: true,
    name: 'nacos-prod',
    selector: ['app.kubernetes.io/name=nacos'],
  },
  'k8s-nodeport': { 'host-port': '30848', k8s: true, 'service-type': 'NodePort' },
  'compose-ipv6-custom-container-port': { publish: ['[::1]:18848:8858'], 'container-port': '8858', format: 'compose' },
};
