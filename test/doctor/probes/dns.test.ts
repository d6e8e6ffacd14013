import { describe, expect, it } from 'vitest';
import { classifyDns, observeDns } from '../../../src/doctor/probes/dns.js';
import { target } from '../factories.js';

describe('dns', () => {
  it('resolves every record, and gives up at the timeout', async () => {
    const signal = new AbortController().signal;
    const found = await observeDns('nacos.example', { timeoutMs: 1000, signal, resolver: async () => ['10.0.0.1', '10.0.0.2', '10.0.0.1'] });
    expect(found.lookup).toMatchObject({ ok: true, value: ['10.0.0.1', '10.0.0.2'] });
    const never = await observeDns('slow.example', { timeoutMs: 20, signal, resolver: () => new Promise(() => {}) });
    expect(never.lookup).toMatchObject({ ok: false, failure: { errno: 'ETIMEOUT' } });
  });

  it('reports the records, or the failure with its errno', () => {
    const resolved = classifyDns({ dns: { host: 'nacos.example', lookup: { ok: true, value: ['10.0.0.1', '10.0.0.2'], elapsedMs: 1 } } }, target('nacos.example:8848', '10.0.0.1'));
    expect(resolved[0]).toMatchObject({ status: 'ok' });
    expect(resolved[0]!.title).toContain('each of the 2 addresses is checked');
    const failedLookup = classifyDns({ dns: { host: 'nope.example', lookup: { ok: false, failure: { code: 'ERR_UNEXPECTED', message: 'x', errno: 'ENOTFOUND' }, elapsedMs: 1 } } }, target('nope.example:8848'));
    expect(failedLookup[0]).toMatchObject({ status: 'fail', cause: 'DNS_FAILED', evidence: 'ENOTFOUND after 1.0 ms' });
  });
});
