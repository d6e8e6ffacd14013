/**
 * No value that could change the structure of a generated file gets in: each is refused with
 * exit code 2 and a message naming the flag and the value, never escaped into the output.
 */
import { describe, expect, it } from 'vitest';
import { toolErrorOf } from '../helpers/errors.js';
import { resolveDockerOptions } from '../../src/generate/docker-options.js';
import { resolveHaproxyOptions } from '../../src/generate/haproxy-options.js';
import { resolveNginxOptions } from '../../src/generate/nginx-options.js';
import { assertSafeValue } from '../../src/generate/safe-value.js';

const ATTACKS = [
  '10.0.0.1:8848;include /etc/passwd',
  '10.0.0.1:8848}stream{',
  '10.0.0.1:8848{',
  '10.0.0.1 8848',
  '10.0.0.1:8848\nserver evil:1',
  '10.0.0.1:8848\rx',
  '10.0.0.1:8848\tx',
  '10.0.0.1:8848#',
  "10.0.0.1:8848'",
  '10.0.0.1:8848"',
  '$host:8848',
  '10.0.0.1:8848\\',
];

describe('assertSafeValue', () => {
  it('passes plain hosts, ports, paths and names through unchanged', () => {
    for (const value of ['10.0.0.1:8848', '[fd00::1]:8848', 'nacos-0.nacos-headless.default.svc:8848', '/var/run/nginx.pid', 'app=nacos']) {
      expect(assertSafeValue(value, '--x')).toBe(value);
    }
  });

  it('names the flag, the value and the character', () => {
    const error = toolErrorOf(() => assertSafeValue('a;b', '--upstream'));
    expect(error.code).toBe('ERR_UNSAFE_VALUE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('--upstream "a;b" contains ";", which could inject configuration; it is refused, not escaped: give a plain host, port, path or name');
    expect(toolErrorOf(() => assertSafeValue('a\nb', '--listen')).message).toContain('"a\\nb" contains a newline');
    expect(toolErrorOf(() => assertSafeValue('a\u0001', '--listen')).message).toContain('control character U+0001');
  });
});

describe('generators refuse injection in every value that reaches the output', () => {
  const cases: [string, (value: string) => unknown][] = [
    ['nginx --upstream', (value) => resolveNginxOptions({ upstream: [value] })],
    ['nginx --listen', (value) => resolveNginxOptions({ upstream: ['10.0.0.1'], listen: value })],
    ['nginx --roles', (value) => resolveNginxOptions({ upstream: ['10.0.0.1'], roles: [value] })],
    ['nginx --idle-timeout', (value) => resolveNginxOptions({ upstream: ['10.0.0.1'], 'idle-timeout': value })],
    ['nginx --pid', (value) => resolveNginxOptions({ upstream: ['10.0.0.1'], full: true, pid: `/run/${value}` })],
    ['nginx --error-log', (value) => resolveNginxOptions({ upstream: ['10.0.0.1'], full: true, 'error-log': `/var/log/${value}` })],
    ['nginx --stream-module', (value) => resolveNginxOptions({ upstream: ['10.0.0.1'], full: true, 'stream-module': `/usr/lib/${value}` })],
    ['nginx --runtime-dir', (value) => resolveNginxOptions({ upstream: ['10.0.0.1'], full: true, 'runtime-dir': `/tmp/${value}` })],
    ['nginx --access-log', (value) => resolveNginxOptions({ upstream: ['10.0.0.1'], console: true, 'access-log': `/var/log/${value}` })],
    ['haproxy --upstream', (value) => resolveHaproxyOptions({ upstream: ['10.0.0.2', value] })],
    ['haproxy --listen', (value) => resolveHaproxyOptions({ upstream: ['10.0.0.1'], listen: value })],
    ['haproxy --health-interval', (value) => resolveHaproxyOptions({ upstream: ['10.0.0.1'], 'health-interval': value })],
    ['docker --publish', (value) => resolveDockerOptions({ publish: [value] })],
    ['docker --host-ip', (value) => resolveDockerOptions({ 'host-port': '18848', 'host-ip': value })],
    ['docker --name', (value) => resolveDockerOptions({ 'host-port': '18848', k8s: true, name: `nacos${value}` })],
    ['docker --selector', (value) => resolveDockerOptions({ 'host-port': '18848', k8s: true, selector: [`app=${value}`] })],
  ];
  for (const [name, resolve] of cases) {
    it(name, () => {
      for (const attack of ATTACKS) {
        const error = toolErrorOf(() => resolve(attack));
        expect(error.exitCode, attack).toBe(2);
        expect(error.code, attack).toBe('ERR_UNSAFE_VALUE');
        expect(error.message, attack).toContain(JSON.stringify(attack).slice(1, -1));
      }
    });
  }
});
