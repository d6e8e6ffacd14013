/**
 * The v1 config API the `nacos` npm client (and 1.x clients) use: get, publish, remove, and
 * the `/v1/cs/configs/listener` long poll, which answers at once when a listened md5 is out of
 * date and otherwise holds the request until a change or the timeout (NACOS-FACTS.md §8).
 */
import { configKey, type ConfigKey } from './config-store.js';
import { configKeyText } from './config-requests.js';
import { InvalidRequestError } from './invalid-request.js';
import { requiredParam, text, type HttpRoute, type SimHttpRequest, type SimHttpResponse } from './http-route.js';
import type { SimContext } from './sim-context.js';

/** Separators of `Listening-Configs`: words by \u0002, entries by \u0001 (Constants.WORD/LINE_SEPARATOR). */
const WORD = '\u0002';
const LINE = '\u0001';
/** Nacos answers a long poll this much before the client's timeout. */
const LONG_POLL_HEADROOM_MS = 500;

interface ListenEntry {
  readonly key: ConfigKey;
  readonly md5: string;
  /** Whether the client sent a tenant, which decides the answer's format. */
  readonly withTenant: boolean;
}

export function parseListeningConfigs(value: string): ListenEntry[] {
  return value
    .split(LINE)
    .filter((line) => line !== '')
    .map((line) => {
      const [dataId = '', group, md5 = '', tenant] = line.split(WORD);
      return { key: configKey(dataId, group, tenant), md5, withTenant: tenant !== undefined };
    })
    .filter((entry) => entry.key.dataId !== '');
}

/** The long-poll answer: changed keys as `dataId^2group[^2tenant]^1`, URL-encoded. */
export function formatChangedConfigs(entries: readonly ListenEntry[]): string {
  return encodeURIComponent(entries.map((entry) => [entry.key.dataId, entry.key.group, ...(entry.withTenant ? [entry.key.tenant] : [])].join(WORD) + LINE).join(''));
}

interface Waiter {
  readonly keys: ReadonlySet<string>;
  readonly wake: () => void;
}

/** Long polls held by one member, woken by config changes anywhere in the cluster. */
export class LongPolls {
  readonly #waiters = new Set<Waiter>();

  notify(key: ConfigKey): void {
    const text = configKeyText(key);
    for (const waiter of [...this.#waiters]) if (waiter.keys.has(text)) waiter.wake();
  }

  /** Resolves on a change of one of `keys`, at the timeout, or when the client leaves. */
  wait(keys: readonly ConfigKey[], timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.#waiters.delete(waiter);
        resolve();
      };
      const waiter: Waiter = { keys: new Set(keys.map(configKeyText)), wake: finish };
      const timer = setTimeout(finish, timeoutMs);
      signal.addEventListener('abort', finish, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Answers every held poll (the member is stopping). */
  releaseAll(): void {
    for (const waiter of [...this.#waiters]) waiter.wake();
  }

  get size(): number {
    return this.#waiters.size;
  }
}

function changedEntries(entries: readonly ListenEntry[], context: SimContext): ListenEntry[] {
  return entries.filter((entry) => entry.md5 !== context.stores.config.md5(entry.key));
}

async function listen(request: SimHttpRequest, context: SimContext, polls: LongPolls): Promise<SimHttpResponse> {
  const entries = parseListeningConfigs(requiredParam(request, 'Listening-Configs'));
  const noCache = { 'Cache-Control': 'no-cache,no-store', Pragma: 'no-cache' };
  const changed = changedEntries(entries, context);
  const timeoutHeader = request.headers['long-pulling-timeout'];
  const noHangup = request.headers['long-pulling-timeout-no-hangup'] === 'true';
  if (changed.length === 0 && typeof timeoutHeader === 'string' && !noHangup) {
    const holdMs = Math.max(context.timing.longPollMinMs, Number(timeoutHeader) - LONG_POLL_HEADROOM_MS);
    await polls.wait(
      entries.map((entry) => entry.key),
      holdMs,
      request.signal,
    );
    return { ...text(formatChangedConfigs(changedEntries(entries, context))), headers: noCache };
  }
  return { ...text(formatChangedConfigs(changed)), headers: noCache };
}

function keyFrom(request: SimHttpRequest): ConfigKey {
  return configKey(requiredParam(request, 'dataId'), request.params.get('group') ?? undefined, request.params.get('tenant') ?? undefined);
}

export function configRoutes(polls: LongPolls): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: '/v1/cs/configs',
      api: 'open',
      secured: true,
      handle: (request, context) => {
        const item = context.stores.config.get(keyFrom(request));
        if (!item) return text('config data not exist', 404);
        return {
          ...text(item.content),
          headers: { 'Content-MD5': item.md5, 'Config-Type': item.type, 'Last-Modified': new Date(item.lastModified).toUTCString() },
        };
      },
    },
    {
      method: 'POST',
      path: '/v1/cs/configs',
      api: 'open',
      secured: true,
      handle: (request, context) => {
        const content = request.params.get('content');
        if (content === null) throw new InvalidRequestError("Required request parameter 'content' for method parameter type String is not present");
        context.stores.config.publish(keyFrom(request), content, request.params.get('type') ?? 'text');
        return text('true');
      },
    },
    {
      method: 'DELETE',
      path: '/v1/cs/configs',
      api: 'open',
      secured: true,
      handle: (request, context) => {
        context.stores.config.remove(keyFrom(request));
        return text('true');
      },
    },
    { method: 'POST', path: '/v1/cs/configs/listener', api: 'open', secured: true, handle: (request, context) => listen(request, context, polls) },
  ];
}
