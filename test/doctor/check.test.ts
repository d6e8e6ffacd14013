import { getEventListeners, once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCheck, tidyFindings, type CheckProgress } from '../../src/doctor/check.js';
import type { Probe, ProbeContext } from '../../src/doctor/probe.js';
import { holdProbe } from '../../src/doctor/probes/hold.js';
import { NacosConnection, type NacosConnectionOptions } from '../../src/nacos/connection.js';
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

/** A probe that records the time budget its context offers when it starts. */
function budgetProbe(seen: number[], extraBudgetMs?: number): Probe {
  return {
    name: 'tcp',
    ...(extraBudgetMs === undefined ? {} : { extraBudgetMs: () => extraBudgetMs }),
    observe: async (_target: unknown, context: ProbeContext) => ({ remaining: seen.push(context.remaining()) }),
    classify: () => [],
  } as unknown as Probe;
}

describe('runCheck: one time budget for the whole run', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('gives a probe with extra budget (the hold) only --timeout for its steps', async () => {
    const seen: number[] = [];
    await runCheck(options({ address: ['10.0.0.1:8848'], timeout: '2s' }), { probes: [budgetProbe(seen, 60_000)] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeLessThanOrEqual(2000);
  });

  it('dials and shakes hands for the hold within --timeout; only the hold itself is longer', async () => {
    const calls: NacosConnectionOptions[] = [];
    vi.spyOn(NacosConnection, 'open').mockImplementation(async (given) => {
      calls.push(given);
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const report = await runCheck(options({ address: ['127.0.0.1:8848'], timeout: '250ms', hold: '60s' }), { probes: [holdProbe] });
    expect(calls).toHaveLength(1);
    for (const step of [calls[0]!.timeout, calls[0]!.serverCheckTimeout, calls[0]!.setupAckTimeout]) expect(step).toBeLessThanOrEqual(250);
    expect(report.sections[0]!.findings).toEqual([expect.objectContaining({ check: 'hold', status: 'skipped' })]);
  });

  it('counts a name\'s DNS lookup inside the budget of its probes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const seen: number[] = [];
    const resolver = (): Promise<string[]> => new Promise((resolve) => setTimeout(() => resolve(['10.0.0.1']), 600));
    const running = runCheck(options({ address: ['nacos.example:8848'], timeout: '1s' }), { probes: [budgetProbe(seen)], resolver });
    await vi.advanceTimersByTimeAsync(600);
    await running;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeLessThanOrEqual(400);
  });

  it('probes an address while another one\'s name is still being looked up', async () => {
    const literalProbed = deferred();
    const resolver = async (): Promise<string[]> => {
      await literalProbed.promise;
      return ['10.0.0.2'];
    };
    const probe = {
      name: 'tcp',
      observe: async (target: { ip: string }) => {
        if (target.ip === '10.0.0.1') literalProbed.resolve();
        return { ip: target.ip };
      },
      classify: (observed: Record<string, { ip: string } | undefined>) => (observed.tcp ? [{ check: 'tcp', status: 'ok', title: observed.tcp.ip }] : []),
    } as unknown as Probe;
    const report = await runCheck(options({ address: ['nacos.example:8848', '10.0.0.1:8848'] }), { probes: [probe], resolver });
    expect(report.sections.map((section) => section.findings.map((finding) => finding.title))).toEqual([['10.0.0.2'], ['10.0.0.1']]);
  });

  it('reaches every probe through one listener on the caller\'s signal, however long the list', async () => {
    const interrupt = new AbortController();
    const started = deferred();
    let waiting = 0;
    const addresses = Array.from({ length: 12 }, (_, index) => `10.0.0.${index + 1}:8848`);
    const waits = {
      name: 'tcp',
      observe: async (_target: unknown, context: ProbeContext) => {
        waiting += 1;
        if (waiting === addresses.length) started.resolve();
        await once(context.signal, 'abort');
        return { aborted: context.signal.aborted };
      },
      classify: (observed: Record<string, { aborted: boolean } | undefined>) => (observed.tcp?.aborted ? [{ check: 'tcp', status: 'ok', title: 'stopped' }] : []),
    } as unknown as Probe;
    const running = runCheck(options({ address: addresses }), { probes: [waits], signal: interrupt.signal });
    await started.promise;
    expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(1);
    interrupt.abort();
    const report = await running;
    expect(report.sections.every((section) => section.findings[0]?.title === 'stopped')).toBe(true);
    expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(0);
  });

  it('checks an address given twice once', async () => {
    const seen: number[] = [];
    const report = await runCheck(options({ address: ['10.0.0.1:8848', '10.0.0.1:8848'] }), { probes: [budgetProbe(seen)] });
    expect(report.sections.map((section) => section.target)).toEqual(['10.0.0.1:8848']);
    expect(seen).toHaveLength(1);
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
