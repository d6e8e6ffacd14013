/**
 * The orchestrator of `nacos-doctor check`: expands every address into targets (a name's lookup
 * runs alongside the other addresses' probes), runs every probe of every target at once, then
 * classifies each target's observations in the order of the probe list.
 *
 * One budget for the whole run: every step of every probe, and every DNS lookup, must end within
 * --timeout of the start. Only the hold test runs longer, by the hold time, once its connection
 * is open. A black-holed address therefore costs about one timeout, not the sum of its steps.
 */
import { silentLogger, type Logger } from '../log.js';
import { NacosHttpClient } from '../nacos/http-client.js';
import { advice } from './advice.js';
import type { CheckOptions } from './check-options.js';
import { isObserving, type AnyObservingProbe, type Observations, type Probe, type ProbeContext, type Target } from './probe.js';
import { PROBES } from './probes.js';
import type { Resolver } from '../net/resolve.js';
import { worstStatus, type Finding, type Report, type Section } from './report.js';
import { expandAddress, targetKey, type ExpandedTarget } from './targets.js';

export interface CheckProgress {
  readonly done: number;
  readonly total: number;
  /** The target and probe that just finished. */
  readonly target: string;
  readonly probe: string;
}

export interface CheckRun {
  readonly logger?: Logger;
  /** Interrupts every probe (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CheckProgress) => void;
  readonly resolver?: Resolver;
  /** The probes to run; default all of PROBES. */
  readonly probes?: readonly Probe[];
}

/** How long past its budget a probe may run before its result is given up. */
const OVERRUN_GRACE_MS = 1000;

type Unfinished = { readonly unfinished: true };

interface Shared {
  readonly options: CheckOptions;
  /** The run's stop: each probe gets a signal of its own from it (see stopsOf). */
  readonly stops: Stops;
  readonly logger: Logger;
  /** performance.now() by which every step must have ended (the start + --timeout). */
  readonly deadline: number;
}

/**
 * Interrupting the run reaches every probe through ONE listener on the caller's signal: each
 * probe gets its own AbortController, aborted from the set. A listener per probe (or per
 * socket) on the shared signal would grow with the address list and trip Node's
 * MaxListenersExceededWarning at three addresses.
 */
interface Stops {
  /** A signal for one probe, aborted with the run; release() once the probe is done. */
  take(): { readonly signal: AbortSignal; release(): void };
  /** Removes the listener from the caller's signal. */
  close(): void;
}

function stopsOf(signal: AbortSignal): Stops {
  const open = new Set<AbortController>();
  const onAbort = (): void => {
    for (const controller of open) controller.abort(signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    take: () => {
      const controller = new AbortController();
      if (signal.aborted) controller.abort(signal.reason);
      open.add(controller);
      return { signal: controller.signal, release: () => open.delete(controller) };
    },
    close: () => signal.removeEventListener('abort', onAbort),
  };
}

function msUntil(deadline: number): number {
  return Math.max(1, Math.round(deadline - performance.now()));
}

function extraBudgetOf(probe: AnyObservingProbe, options: CheckOptions): number {
  return probe.extraBudgetMs?.(options) ?? 0;
}

/** Runs one probe of one target; resolves with the observation, or `unfinished`. */
async function runProbe(probe: AnyObservingProbe, target: Target & { ip: string }, shared: Shared & { http: NacosHttpClient }): Promise<unknown> {
  const stop = shared.stops.take();
  const context: ProbeContext = {
    options: shared.options,
    signal: stop.signal,
    http: shared.http,
    logger: shared.logger,
    remaining: () => msUntil(shared.deadline),
  };
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<Unfinished>((resolve) => {
    timer = setTimeout(() => resolve({ unfinished: true }), msUntil(shared.deadline + extraBudgetOf(probe, shared.options) + OVERRUN_GRACE_MS));
  });
  const started = performance.now();
  try {
    const result = await Promise.race([(probe.observe as (t: typeof target, c: ProbeContext) => Promise<unknown>)(target, context), overrun]);
    shared.logger.debug({ target: target.label, probe: probe.name, elapsedMs: Math.round(performance.now() - started) }, 'probe finished');
    return result;
  } finally {
    clearTimeout(timer);
    stop.release();
  }
}

function unfinishedFinding(probe: string, budgetMs: number, target: Target): Finding {
  const { explanation, fix } = advice('PROBE_UNFINISHED', { target });
  return { check: probe, status: 'fail', title: `the ${probe} probe did not finish within ${budgetMs} ms`, cause: 'PROBE_UNFINISHED', explanation, fix };
}

/** The target's HTTP client; requests without a timeout of their own (the login) end by the run's deadline. */
function httpClientFor(target: Target & { ip: string }, shared: Shared): NacosHttpClient {
  const { options, logger } = shared;
  const { username, password, accessToken } = options.credentials;
  return new NacosHttpClient({
    server: { ...target.address, host: target.ip },
    contextPath: target.contextPath,
    timeoutMs: msUntil(shared.deadline),
    logger,
    ...(username !== undefined && password !== undefined ? { username, password } : {}),
    ...(accessToken !== undefined ? { accessToken } : {}),
  });
}

/**
 * Says a shared fix once per section: findings after the first with the same fix point back to
 * it (and to its explanation when the cause is the same too). Times are rounded to 0.1 ms.
 */
export function tidyFindings(findings: readonly Finding[]): Finding[] {
  const firstWithFix = new Map<string, Finding>();
  return findings.map((finding) => {
    const rounded = finding.elapsedMs === undefined ? finding : { ...finding, elapsedMs: Math.round(finding.elapsedMs * 10) / 10 };
    if (finding.fix === undefined) return rounded;
    const first = firstWithFix.get(finding.fix);
    if (first === undefined) {
      firstWithFix.set(finding.fix, finding);
      return rounded;
    }
    return {
      ...rounded,
      ...(first.cause === finding.cause ? { explanation: `the same cause as "${first.title}" above` } : {}),
      fix: `as for "${first.title}" above`,
    };
  });
}

function sectionOf(expanded: ExpandedTarget, findings: Finding[]): Section {
  const { target } = expanded;
  return {
    target: target.label,
    ...(target.address.input !== target.label && target.address.input !== `${target.address.host}:${target.port}` ? { title: `as given: ${target.address.input}` } : {}),
    findings: tidyFindings(findings),
    data: {
      input: target.address.input,
      host: target.address.host,
      ip: target.ip ?? null,
      port: target.port,
      contextPath: target.contextPath,
    },
  };
}

function summaryOf(sections: readonly Section[]): Finding[] {
  if (sections.length < 2) return [];
  const failing = sections.filter((section) => worstStatus(section.findings) === 'fail');
  const status = worstStatus(sections.flatMap((section) => section.findings));
  const causes = (section: Section): string => [...new Set(section.findings.flatMap((finding) => (finding.status === 'fail' && finding.cause ? [finding.cause] : [])))].join(', ');
  return [
    {
      check: 'summary',
      status,
      title:
        failing.length === 0
          ? `all ${sections.length} addresses pass`
          : `${sections.length - failing.length} of ${sections.length} addresses pass; failing: ${failing.map((section) => `${section.target} (${causes(section) || 'see above'})`).join('; ')}`,
      data: { addresses: sections.length, failing: failing.length },
    },
  ];
}

interface Checked {
  readonly item: ExpandedTarget;
  readonly observed: Observations;
  readonly unfinished: readonly Finding[];
}

export async function runCheck(options: CheckOptions, run: CheckRun = {}): Promise<Report> {
  const logger = run.logger ?? silentLogger();
  const signal = run.signal ?? new AbortController().signal;
  const probes = run.probes ?? PROBES;
  const shared: Shared = { options, stops: stopsOf(signal), logger, deadline: performance.now() + options.timeoutMs };
  const observing = probes.filter(isObserving).filter((probe) => probe.enabled?.(options) ?? true);
  // One target per address until a lookup says otherwise; the total grows or shrinks then.
  const progress = { done: 0, total: options.addresses.length * observing.length };
  const claimed = new Set<string>();

  const observe = async (item: ExpandedTarget): Promise<Checked> => {
    const observed: Record<string, unknown> = item.dns ? { dns: item.dns } : {};
    const unfinished: Finding[] = [];
    const { target } = item;
    if (target.ip === undefined) return { item, observed: observed as Observations, unfinished };
    const ipTarget = target as Target & { ip: string };
    const withHttp = { ...shared, http: httpClientFor(ipTarget, shared) };
    await Promise.all(
      observing.map(async (probe) => {
        const result = await runProbe(probe, ipTarget, withHttp);
        progress.done += 1;
        run.onProgress?.({ done: progress.done, total: progress.total, target: target.label, probe: probe.name });
        if ((result as Partial<Unfinished>).unfinished === true) unfinished.push(unfinishedFinding(probe.name, options.timeoutMs + extraBudgetOf(probe, options), target));
        else observed[probe.name] = result;
      }),
    );
    return { item, observed: observed as Observations, unfinished };
  };

  /** The address's targets that no earlier one already covers, each observed as soon as it is known. */
  const checkAddress = (expanded: readonly ExpandedTarget[]): Promise<Checked[]> => {
    const fresh = expanded.filter(({ target }) => !claimed.has(targetKey(target)) && claimed.add(targetKey(target)));
    progress.total += (fresh.filter(({ target }) => target.ip !== undefined).length - 1) * observing.length;
    return Promise.all(fresh.map(observe));
  };

  let checked: Checked[][];
  try {
    checked = await Promise.all(
      options.addresses.map((address) => {
        const lookup = shared.stops.take();
        const expanded = expandAddress(address, options.contextPath, { timeoutMs: msUntil(shared.deadline), signal: lookup.signal, ...(run.resolver ? { resolver: run.resolver } : {}) });
        // IP literals are claimed at once, in the order given; names once they resolve.
        if (Array.isArray(expanded)) {
          lookup.release();
          return checkAddress(expanded);
        }
        return expanded.finally(lookup.release).then(checkAddress);
      }),
    );
  } finally {
    shared.stops.close();
  }
  const sections = checked.flat().map(({ item, observed, unfinished }) => {
    const findings = probes.flatMap((probe) => probe.classify(observed, item.target, options));
    return sectionOf(item, [...findings, ...unfinished]);
  });
  return { command: 'check', sections, summary: summaryOf(sections) };
}
