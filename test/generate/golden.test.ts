/** Golden files: the exact text each generator writes for the shared scenarios. */
import { describe, expect, it } from 'vitest';
import { renderDocker } from '../../src/generate/docker.js';
import { resolveDockerOptions } from '../../src/generate/docker-options.js';
import { renderHaproxy } from '../../src/generate/haproxy.js';
import { resolveHaproxyOptions } from '../../src/generate/haproxy-options.js';
import { renderNginx } from '../../src/generate/nginx.js';
import { resolveNginxOptions } from '../../src/generate/nginx-options.js';
import { loadNginxTemplates } from '../../src/generate/nginx-templates.js';
import { DOCKER_SCENARIOS, HAPROXY_SCENARIOS, NGINX_SCENARIOS } from './scenarios.js';

describe('nginx golden files', async () => {
  const templates = await loadNginxTemplates();
  for (const [name, flags] of Object.entries(NGINX_SCENARIOS)) {
    it(name, async () => {
      await expect(renderNginx(resolveNginxOptions(flags), templates)).toMatchFileSnapshot(`golden/nginx-${name}.conf`);
    });
  }
});

describe('HAProxy golden files', () => {
  for (const [name, flags] of Object.entries(HAPROXY_SCENARIOS)) {
    it(name, async () => {
      await expect(renderHaproxy(resolveHaproxyOptions(flags))).toMatchFileSnapshot(`golden/haproxy-${name}.cfg`);
    });
  }
});

describe('docker golden files', () => {
  for (const [name, flags] of Object.entries(DOCKER_SCENARIOS)) {
    it(name, async () => {
      await expect(renderDocker(resolveDockerOptions(flags))).toMatchFileSnapshot(`golden/docker-${name}.txt`);
    });
  }
});
