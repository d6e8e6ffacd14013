import { describe, expect, it } from 'vitest';
import { NacosAuthError } from '../../src/nacos/http-errors.js';
import {
  compareInstances,
  diffFindings,
  diffScopes,
  diffSkipReason,
  parseInstanceList,
  parseServiceListPage,
  type ServiceDifference,
  type UpgradeInstance,
} from '../../src/ops/upgrade-diff.js';
import { parseUpgradeMetrics } from '../../src/ops/upgrade-metrics.js';

function instance(ip: string, port: number, extra: Partial<UpgradeInstance> = {}): UpgradeInstance {
  return { ip, port, clusterName: 'DEFAULT', healthy: true, enabled: true, ephemeral: true, weight: 1, ...extra };
}

const metrics = (lines: string) => parseUpgradeMetrics(`upgraded = true\nisDoubleWriteEnabled = true\n${lines}`);

describe('diffScopes', () => {
  it('looks in public/DEFAULT_GROUP and in every namespace and group a differing service names, once each', () => {
    const scopes = diffScopes(metrics('service.V1.not.in.V2 = dev##G@@a\npublic##DEFAULT_GROUP@@b\ndev##G@@c\nservice.V2.not.in.V1 = test##old-style\n'));
    expect(scopes).toEqual([
      { namespace: 'public', group: 'DEFAULT_GROUP' },
      { namespace: 'dev', group: 'G' },
      { namespace: 'test', group: 'DEFAULT_GROUP' },
    ]);
  });

  it('skips the comparison once double write is off', () => {
    expect(diffSkipReason(parseUpgradeMetrics('upgraded = true\nisDoubleWriteEnabled = false\n'))).toMatch(/double write is off/);
    expect(diffSkipReason(metrics(''))).toBeUndefined();
  });
});

describe('compareInstances', () => {
  it('matches instances by ip, port and cluster, and names what changed', () => {
    const difference = compareInstances(
      [instance('10.0.0.1', 80), instance('10.0.0.2', 80, { healthy: false, weight: 2 }), instance('10.0.0.3', 80, { clusterName: 'B' })],
      [instance('10.0.0.1', 80), instance('10.0.0.2', 80), instance('10.0.0.3', 80), instance('fd00::1', 80)],
    );
    expect(difference.onlyV1.map((item) => `${item.ip}/${item.clusterName}`)).toEqual(['10.0.0.3/B']);
    expect(difference.onlyV2.map((item) => `${item.ip}/${item.clusterName}`)).toEqual(['10.0.0.3/DEFAULT', 'fd00::1/DEFAULT']);
    expect(difference.changed).toEqual(['10.0.0.2:80 healthy 1.x=false 2.x=true, weight 1.x=2 2.x=1']);
  });

  it('finds nothing when both models agree, and ignores fields one side does not report', () => {
    expect(compareInstances([instance('10.0.0.1', 80, { weight: undefined })], [instance('10.0.0.1', 80)])).toEqual({ onlyV1: [], onlyV2: [], changed: [] });
  });
});

describe('parsing the lists', () => {
  it('reads the names of a service list page and the hosts of an instance list', () => {
    expect(parseServiceListPage({ doms: ['a', 'b'], count: 2 }, 'u')).toEqual(['a', 'b']);
    expect(parseInstanceList({ name: 'G@@a', hosts: [{ ip: '10.0.0.1', port: 80, clusterName: '', healthy: 'true', weight: 1.5 }] }, 'u')).toEqual([
      { ip: '10.0.0.1', port: 80, clusterName: 'DEFAULT', healthy: true, enabled: undefined, ephemeral: undefined, weight: 1.5 },
    ]);
  });

  it('refuses answers that are not those lists', () => {
    expect(() => parseServiceListPage({ services: [] }, 'http://h/list')).toThrow(expect.objectContaining({ code: 'ERR_NACOS_BAD_RESPONSE' }));
    expect(() => parseServiceListPage({ doms: [1] }, 'u')).toThrow(/expected \{"doms"/);
    expect(() => parseInstanceList({ hosts: [{ ip: '10.0.0.1' }] }, 'u')).toThrow(/host 0 has no ip\/port/);
    expect(() => parseInstanceList([], 'u')).toThrow(/ServiceInfo with "hosts"/);
  });
});

describe('diffFindings', () => {
  const scopes = [{ namespace: 'public', group: 'DEFAULT_GROUP' }];
  const onlyV1: ServiceDifference = { service: 'public##DEFAULT_GROUP@@orders', onlyIn: 'v1', onlyV1: [instance('10.0.0.5', 8080)], onlyV2: [], changed: [] };

  it('reports agreement as ok, with what was compared', () => {
    expect(diffFindings({ kind: 'compared', scopes, compared: 3, notCompared: 0, differences: [] })).toEqual([
      { check: 'upgrade.diff', status: 'ok', title: '1.x and 2.x data hold the same services and instances', evidence: '3 services compared in public/DEFAULT_GROUP' },
    ]);
    expect(diffFindings({ kind: 'compared', scopes, compared: 200, notCompared: 5, differences: [] })[0]).toMatchObject({
      status: 'info',
      evidence: '200 services compared in public/DEFAULT_GROUP; 5 more not compared (limit reached)',
    });
  });

  it('summarises the differences, then one finding per service with its instances', () => {
    const empty: ServiceDifference = { service: 'dev##G@@new', onlyIn: 'v2', onlyV1: [], onlyV2: [], changed: [] };
    const moved: ServiceDifference = { service: 'public##DEFAULT_GROUP@@pay', onlyIn: undefined, onlyV1: [instance('10.0.0.1', 80)], onlyV2: [instance('10.0.0.2', 80, { clusterName: 'B' })], changed: [] };
    const [summary, ...services] = diffFindings({ kind: 'compared', scopes, compared: 3, notCompared: 0, differences: [onlyV1, empty, moved] });
    expect(summary).toMatchObject({ status: 'warn', cause: 'UPGRADE_DATA_DIFFERS', title: '1.x and 2.x data differ: 1 only in 1.x, 1 only in 2.x, 1 with other instances' });
    expect(summary!.explanation).toContain('1.x data is cleaned when double write is switched off');
    expect(summary!.explanation).toContain('a downgrade to 1.x would not have them');
    expect(services).toEqual([
      { check: 'upgrade.diff.service', status: 'warn', title: 'public##DEFAULT_GROUP@@orders: only in 1.x data', evidence: '1.x instances: 10.0.0.5:8080', cause: 'UPGRADE_SERVICE_ONLY_V1' },
      { check: 'upgrade.diff.service', status: 'warn', title: 'dev##G@@new: only in 2.x data', evidence: 'no instances', cause: 'UPGRADE_SERVICE_ONLY_V2' },
      {
        check: 'upgrade.diff.service',
        status: 'warn',
        title: 'public##DEFAULT_GROUP@@pay: instances differ between 1.x and 2.x data',
        evidence: 'only in 1.x: 10.0.0.1:80; only in 2.x: 10.0.0.2:80 [B]',
        cause: 'UPGRADE_INSTANCES_DIFFER',
      },
    ]);
  });

  it('names at most 50 services and 10 instances each, and counts the rest', () => {
    const many: ServiceDifference[] = Array.from({ length: 53 }, (_, index) => ({
      ...onlyV1,
      service: `public##DEFAULT_GROUP@@s${index}`,
      onlyV1: Array.from({ length: 12 }, (_, host) => instance(`10.0.${index}.${host}`, 80)),
    }));
    const findings = diffFindings({ kind: 'compared', scopes, compared: 53, notCompared: 0, differences: many });
    expect(findings).toHaveLength(1 + 50 + 1);
    expect(findings[1]!.evidence).toMatch(/10\.0\.0\.9:80 and 2 more$/);
    expect(findings.at(-1)!.title).toBe('3 more differing services, not listed one by one');
  });

  it('says why nothing was compared, and what to do when the lists need a user', () => {
    expect(diffFindings({ kind: 'skipped', reason: 'double write is off' })).toEqual([{ check: 'upgrade.diff', status: 'skipped', title: 'no 1.x/2.x comparison', explanation: 'double write is off' }]);
    const denied = new NacosAuthError({ status: 403, body: 'user not found!', method: 'GET', url: 'http://h:8848/nacos/v1/ns/upgrade/ops/service/list' }, 'no-token');
    expect(diffFindings({ kind: 'failed', error: denied })[0]).toMatchObject({ status: 'fail', cause: 'AUTH', evidence: expect.stringContaining('user not found!'), fix: expect.stringContaining('NACOS_USERNAME') });
    expect(diffFindings({ kind: 'failed', error: new Error('socket hang up') })[0]).toEqual({ check: 'upgrade.diff', status: 'fail', title: 'could not compare the 1.x and 2.x data', evidence: 'socket hang up' });
  });
});
