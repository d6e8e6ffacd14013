import { describe, expect, it } from 'vitest';
import { runCheck, tidyFindings, type CheckProgress } from '../../src/doctor/check.js';
import type { Probe } from '../../src/doctor/probe.js';
import { options } from './factories.js';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Two fake probes that each wait for the other to have started: they finish only if run in parallel. */
function rendezvous(): Probe[] {
  const started = { tcp: deferred(), http: deferred() };
  const fake = (name: 'tcp' | 'http', other: 'tcp' | 'http'): Probe =>
    ({
      name,
      observe: async () => {
        started[name].resolve();
        await started[other].promise;
        return { name };
      },
      classify: (observed: Record<string, unknown>) => (observed[name] ? [{ check: name, status: 'ok', title: `${name} ran` }] : []),
    }) as unknown as Probe;
  return [fake('tcp', 'http'), fake('http', 'tcp')];
}

describe('runCheck', () => {
  it('runs the probes of every address at once and classifies in the order of the list', async () => {
    const progress: CheckProgress[] = [];
    const report = await runCheck(options({ address: ['10.0.0.1:8848', '10.0.0.2:8848'] }), { probes: rendezvous(), onProgress: (p) => progress.push(p) });
    expect(report.sections.map((section) => [section.target, section.findings.map((finding) => finding.check)])).toEqual([
      ['10.0.0.1:8848', ['tcp', 'http']],
      ['10.0.0.2:8848', ['tcp', 'http']],
    ]);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(progress.every((p) => p.total === 4)).toBe(true);
    expect(report.summary).toEqual([expect.objectContaining({ check: 'summary', status: 'ok', title: 'all 2 addresses pass' })]);
  });

  it('gives up on a probe that overruns its budget and says so', async () => {
    const stuck = { name: 'tcp', observe: () => new Promise(() => {}), classify: () => [] } as unknown as Probe;
    const report = await runCheck(options({ address: ['10.0.0.1:8848'], timeout: '100ms' }), { probes: [stuck] });
    expect(report.sections[0]!.findings).toEqual([expect.objectContaining({ check: 'tcp', status: 'fail', cause: 'PROBE_UNFINISHED' })]);
  });

  it('runs no probe for a name that does not resolve', async () => {
    let observed = 0;
    const counting = { name: 'tcp', observe: async () => void (observed += 1), classify: () => [] } as unknown as Probe;
    const resolver = async (): Promise<string[]> => {
      throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const report = await runCheck(options({ address: ['nope.example:8848'] }), { probes: [counting], resolver });
    expect(observed).toBe(0);
    expect(report.sections[0]!.data).toMatchObject({ host: 'nope.example', ip: null });
  });
});

describe('tidyFindings', () => {
  it('says a shared fix once and rounds times', () => {
    const tidy = tidyFindings([
      { check: 'h2', status: 'fail', title: 'nginx HTTP/2 termination', cause: 'H2_TERMINATING_PROXY', explanation: 'a', fix: 'use TCP', elapsedMs: 1.234 },
      { check: 'grpc', status: 'fail', title: 'split', cause: 'CONNECTION_SPLIT', explanation: 'b', fix: 'use TCP' },
      { check: 'grpc2', status: 'fail', title: 'again', cause: 'H2_TERMINATING_PROXY', explanation: 'c', fix: 'use TCP' },
    ]);
    expect(tidy[0]).toMatchObject({ fix: 'use TCP', elapsedMs: 1.2 });
    expect(tidy[1]).toMatchObject({ explanation: 'b', fix: 'as for "nginx HTTP/2 termination" above' });
    expect(tidy[2]).toMatchObject({ explanation: 'the same cause as "nginx HTTP/2 termination" above' });
  });
});
