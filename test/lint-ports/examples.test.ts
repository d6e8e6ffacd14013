/**
 * The sample files in examples/lint-ports/ are documentation and test input at once: each broken
 * file yields exactly the listed problems (cause, status, line), each correct file none, and the
 * generated samples are what the generators write today.
 */
import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/doctor/report.js';
import { renderHaproxy } from '../../src/generate/haproxy.js';
import { resolveHaproxyOptions } from '../../src/generate/haproxy-options.js';
import { renderNginx } from '../../src/generate/nginx.js';
import { resolveNginxOptions } from '../../src/generate/nginx-options.js';
import { loadNginxTemplates } from '../../src/generate/nginx-templates.js';
import { lintPorts, type LintKind } from '../../src/lint-ports/lint.js';
import { ROOT } from '../helpers/spawn.js';

const DIR = `${ROOT}examples/lint-ports/`;

async function lint(file: string): Promise<{ kind: string | undefined; findings: readonly Finding[] }> {
  const section = lintPorts({ name: file, text: await readFile(`${DIR}${file}`, 'utf8') });
  return { kind: section.title, findings: section.findings };
}

/** `status cause line` of every problem, in report order. */
function problems(findings: readonly Finding[]): string[] {
  return findings.filter((item) => item.status === 'fail' || item.status === 'warn').map((item) => `${item.status} ${item.cause} ${item.location?.line ?? '-'}`);
}

const BROKEN: Readonly<Record<string, { kind: string; problems: string[] }>> = {
  'compose-broken.yml': {
    kind: 'docker compose file',
    problems: ['fail OFFSET_BROKEN 8', 'fail GRPC_PORT_NOT_EXPOSED 13', 'fail RANDOM_HOST_PORT 22'],
  },
  'docker-run-broken.sh': { kind: 'docker run command', problems: ['fail OFFSET_BROKEN 5'] },
  'k8s-broken.yaml': {
    kind: 'Kubernetes manifests',
    problems: ['fail GRPC_PORT_NOT_EXPOSED 11', 'fail RANDOM_HOST_PORT 26', 'fail RANDOM_HOST_PORT 29', 'warn CONTAINER_PORT_MISSING 70', 'fail INGRESS_FOR_GRPC 46'],
  },
  'nginx-broken.conf': {
    kind: 'nginx config',
    problems: ['fail GRPC_TO_MAIN_PORT 13', 'fail OFFSET_BROKEN 24', 'fail GRPC_VIA_HTTP2_PROXY 47', 'fail IDLE_TIMEOUT_TOO_SHORT 26', 'warn LONG_POLL_TIMEOUT 40'],
  },
  'haproxy-broken.cfg': {
    kind: 'HAProxy config',
    problems: ['fail GRPC_VIA_HTTP2_PROXY 18', 'fail OFFSET_BROKEN 35', 'fail IDLE_TIMEOUT_TOO_SHORT 5'],
  },
};

describe('examples/lint-ports', () => {
  it('has a broken and a correct sample of every kind', async () => {
    const files = (await readdir(DIR)).filter((file) => file !== 'README.md').sort();
    expect(files).toEqual([...Object.keys(BROKEN), ...Object.keys(BROKEN).map((file) => file.replace('-broken', '-ok'))].sort());
  });

  for (const [file, expected] of Object.entries(BROKEN)) {
    it(`${file}: exactly the documented problems`, async () => {
      const result = await lint(file);
      expect(result.kind).toBe(expected.kind);
      expect(problems(result.findings)).toEqual(expected.problems);
      for (const item of result.findings.filter((finding) => finding.status === 'fail')) {
        expect(item.fix, item.title).toBeTruthy();
        expect(item.explanation, item.title).toBeTruthy();
      }
    });

    const ok = file.replace('-broken', '-ok');
    it(`${ok}: no problem, and says what it checked`, async () => {
      const result = await lint(ok);
      expect(result.kind).toBe(expected.kind);
      expect(problems(result.findings)).toEqual([]);
      expect(result.findings.some((item) => item.status === 'ok')).toBe(true);
    });
  }

  it('the generated samples are what the generators write today', async () => {
    const upstream = ['10.0.0.11:8848,10.0.0.12:8848,10.0.0.13:8848'];
    expect(await readFile(`${DIR}nginx-ok.conf`, 'utf8')).toBe(renderNginx(resolveNginxOptions({ upstream, console: true, full: true }), await loadNginxTemplates()));
    expect(await readFile(`${DIR}haproxy-ok.cfg`, 'utf8')).toBe(renderHaproxy(resolveHaproxyOptions({ upstream, full: true })));
  });

  it('detects the kind from the content, whatever the file is called', async () => {
    const kinds: Record<string, LintKind> = { 'compose-ok.yml': 'compose', 'k8s-ok.yaml': 'kubernetes', 'nginx-ok.conf': 'nginx', 'haproxy-ok.cfg': 'haproxy' };
    for (const [file, kind] of Object.entries(kinds)) {
      const text = await readFile(`${DIR}${file}`, 'utf8');
      expect(lintPorts({ name: 'input', text }).title, file).toBe(lintPorts({ name: 'input', text, kind }).title);
    }
  });
});
