import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseUpgradeMetrics } from '../../src/ops/upgrade-metrics.js';
import { ROOT } from '../helpers/spawn.js';

const fixture = (name: string): Promise<string> => readFile(`${ROOT}test/fixtures/nacos-http/${name}`, 'utf8');

describe('parseUpgradeMetrics', () => {
  it('reads the key = value text with padded numbers', async () => {
    const metrics = parseUpgradeMetrics(await fixture('upgrade-metrics-double-write.txt'));
    expect(metrics).toMatchObject({ upgraded: true, isAll20XVersion: true, isDoubleWriteEnabled: true, doubleWriteDelayTaskCount: 0 });
    expect(metrics.counts).toMatchObject({ serviceCountV1: 12, serviceCountV2: 11, instanceCountV1: 30, instanceCountV2: 29, persistentInstanceCountV2: 1 });
    expect(metrics.counts).not.toHaveProperty('doubleWriteDelayTaskCount');
    expect(metrics.serviceV1NotInV2).toEqual(['public##DEFAULT_GROUP@@order-service']);
    expect(metrics.serviceV2NotInV1).toEqual([]);
  });

  it('reads service lists that run over several lines', async () => {
    const metrics = parseUpgradeMetrics(await fixture('upgrade-metrics-two-missing.txt'));
    expect(metrics.serviceV1NotInV2).toEqual(['public##DEFAULT_GROUP@@order-service', 'public##DEFAULT_GROUP@@pay-service']);
    expect(metrics.serviceV2NotInV1).toEqual(['dev##G@@new-service']);
  });

  it('reads the ?json=true form', async () => {
    const metrics = parseUpgradeMetrics(await fixture('upgrade-metrics-upgrading.json'));
    expect(metrics).toMatchObject({ upgraded: false, isAll20XVersion: false, isDoubleWriteEnabled: true, doubleWriteDelayTaskCount: 37, serviceV1NotInV2: [] });
  });

  it('keeps keys it does not know', () => {
    expect(parseUpgradeMetrics('upgraded = false\nsomethingNew   = abc\nnewCount = 3\n')).toMatchObject({ other: { somethingNew: 'abc' }, counts: { newCount: 3 } });
  });

  it('refuses answers that are not the metrics', () => {
    expect(() => parseUpgradeMetrics('<!DOCTYPE html><html>', 'http://h/m')).toThrow(/line 1 is not "key = value"/);
    expect(() => parseUpgradeMetrics('status = UP\n')).toThrow(/not the upgrade ops metrics/);
    expect(() => parseUpgradeMetrics('upgraded = maybe\n')).toThrow(/upgraded is "maybe", not true\/false/);
    expect(() => parseUpgradeMetrics('{"upgraded": tru')).toThrow(expect.objectContaining({ code: 'ERR_NACOS_BAD_RESPONSE' }));
  });
});
