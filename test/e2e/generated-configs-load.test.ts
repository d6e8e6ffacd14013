/**
 * Every generated config loads in the real program: `nginx -t` (Debian nginx with
 * libnginx-mod-stream) and `haproxy -c`. nginx binds the listen addresses even in test mode, so
 * each scenario listens on free loopback ports here and keeps its files in the test's
 * temporary directory; everything else is exactly what the golden files show.
 */
import { describe, expect, it } from 'vitest';
import { renderHaproxy } from '../../src/generate/haproxy.js';
import { resolveHaproxyOptions } from '../../src/generate/haproxy-options.js';
import { renderNginx } from '../../src/generate/nginx.js';
import { resolveNginxOptions, type NginxFlags } from '../../src/generate/nginx-options.js';
import { loadNginxTemplates } from '../../src/generate/nginx-templates.js';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { ROLES } from '../../src/ports.js';
import { haproxyMissing, nginxSupport, skippedBecause } from '../helpers/lb-support.js';
import { haproxyCheck, nginxTest } from '../helpers/load-balancers.js';
import { HAPROXY_SCENARIOS, NGINX_SCENARIOS } from '../generate/scenarios.js';

const NGINX = nginxSupport();
const NO_HAPROXY = haproxyMissing();
/** What nginx.conf needs around a fragment meant for its main context. */
const STREAM_MODULE = `${NGINX.loadStream}\nevents {}\n`;

async function loopbackListen(flags: { listen?: unknown }): Promise<string> {
  const v6 = String(flags.listen ?? '').startsWith('[');
  const base = await findFreeBasePort({ host: v6 ? '::1' : '127.0.0.1', roles: ROLES });
  return v6 ? `[::1]:${base}` : `127.0.0.1:${base}`;
}

function inDir(flags: NginxFlags, dir: string): NginxFlags {
  return {
    ...flags,
    ...(flags.full || flags.console ? { 'runtime-dir': dir } : {}),
    ...(flags['error-log'] === undefined ? {} : { 'error-log': `${dir}/error.log` }),
    ...(flags['access-log'] === undefined ? {} : { 'access-log': `${dir}/access.log` }),
    // Debian builds the stream module as a dynamic module; `none` is for nginx builds with it built in.
    ...(flags['stream-module'] === 'none' ? { 'stream-module': undefined } : {}),
  };
}

describe.skipIf(NGINX.noStream !== undefined)(skippedBecause('generated nginx configs pass nginx -t', NGINX.noStream), async () => {
  const templates = await loadNginxTemplates();
  for (const [name, flags] of Object.entries(NGINX_SCENARIOS)) {
    it(name, async () => {
      const listen = await loopbackListen(flags);
      const result = await nginxTest((dir) => {
        const text = renderNginx(resolveNginxOptions({ ...inDir(flags, dir), listen }), templates);
        return flags.full ? text : `${STREAM_MODULE}${text}`;
      });
      expect(result.output).toBe('');
      expect(result.ok).toBe(true);
    });
  }

  it('and nginx -t rejects a broken one, so the check can fail', async () => {
    const text = renderNginx(resolveNginxOptions({ ...NGINX_SCENARIOS['stream-default']!, listen: await loopbackListen({}) }), templates);
    const result = await nginxTest(`${STREAM_MODULE}${text.replace(/^( +)proxy_timeout /m, '$1proxy_timeout_typo ')}`);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('unknown directive "proxy_timeout_typo"');
  });
});

describe.skipIf(NO_HAPROXY !== undefined)(skippedBecause('generated HAProxy configs pass haproxy -c without warnings', NO_HAPROXY), () => {
  for (const [name, flags] of Object.entries(HAPROXY_SCENARIOS)) {
    it(name, async () => {
      const result = await haproxyCheck(renderHaproxy(resolveHaproxyOptions(flags)));
      expect(result.output).toBe('Configuration file is valid\n');
      expect(result.ok).toBe(true);
    });
  }

  it('and haproxy -c warns about a config without timeouts, so the check can fail', async () => {
    const text = renderHaproxy(resolveHaproxyOptions(HAPROXY_SCENARIOS.default!)).replace(/^ {4}timeout .*\n/gm, '');
    const result = await haproxyCheck(text);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('missing timeouts');
  });
});
