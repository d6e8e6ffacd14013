/**
 * The configuration data of a simulated cluster: one map shared by every member, so a publish
 * on one member is read and notified on all of them (what Nacos reaches through its database
 * and cluster sync). `changed` fires after every publish or remove.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';

export interface ConfigKey {
  readonly dataId: string;
  readonly group: string;
  readonly tenant: string;
}

export interface ConfigItem extends ConfigKey {
  readonly content: string;
  readonly md5: string;
  /** `properties`, `yaml`, `json`, `text`, ... as published (Nacos defaults to `text`). */
  readonly type: string;
  readonly lastModified: number;
}

export const DEFAULT_GROUP = 'DEFAULT_GROUP';

/** Nacos' content md5: hex MD5 of the UTF-8 content; "" for a config that does not exist. */
export function contentMd5(content: string): string {
  return createHash('md5').update(content, 'utf8').digest('hex');
}

/**
 * Config tenants: `public` and the empty tenant are the same namespace (2.x stores "" and 3.x
 * says "public"); clients of both kinds must see each other's data.
 */
export function normalizeTenant(tenant: string | undefined): string {
  return tenant === undefined || tenant === 'public' ? '' : tenant;
}

export function configKey(dataId: string, group: string | undefined, tenant: string | undefined): ConfigKey {
  return { dataId, group: group === undefined || group === '' ? DEFAULT_GROUP : group, tenant: normalizeTenant(tenant) };
}

function keyText(key: ConfigKey): string {
  return JSON.stringify([key.tenant, key.group, key.dataId]);
}

export class ConfigStore extends EventEmitter<{ changed: [ConfigKey] }> {
  readonly #items = new Map<string, ConfigItem>();

  get(key: ConfigKey): ConfigItem | undefined {
    return this.#items.get(keyText(key));
  }

  /** The md5 a listener compares with: "" when the config does not exist. */
  md5(key: ConfigKey): string {
    return this.get(key)?.md5 ?? '';
  }

  publish(key: ConfigKey, content: string, type = 'text'): ConfigItem {
    const item: ConfigItem = { ...key, content, md5: contentMd5(content), type, lastModified: Date.now() };
    const previous = this.#items.get(keyText(key));
    this.#items.set(keyText(key), item);
    if (previous?.md5 !== item.md5) this.emit('changed', key);
    return item;
  }

  /** True when something was removed. */
  remove(key: ConfigKey): boolean {
    const removed = this.#items.delete(keyText(key));
    if (removed) this.emit('changed', key);
    return removed;
  }

  get size(): number {
    return this.#items.size;
  }
}
