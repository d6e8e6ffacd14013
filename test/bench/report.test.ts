import { describe, expect, it } from 'vitest';
import { bottleneckNotes, evaluateBar, median, medians, renderMarkdown, type Environment } from '../../bench/report.js';

const env: Environment = { date: '2026-11-22', cpu: 'CPU', cores: 2, kernel: '6.1', node: 'v20', nginx: 'nginx/1.22.1', haproxy: 'HAProxy 2.6', rounds: 3, quick: false };

describe('bench report', () => {
  it('takes medians per forwarder and metric', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
    expect(medians({ nginx: { connRate: [10, 30, 20] } })).toEqual({ nginx: { connRate: 20 } });
  });

  it('checks each bar line against nginx, latency as time added over direct', () => {
    const figures = {
      direct: { rttP50: 20, rttP99: 50, upload1: 1000 },
      nginx: { rttP50: 40, rttP99: 100, connRate: 100, storm: 500, memIdleLow: 9000, memIdleHigh: 9000, upload1: 600, download1: 600, upload8: 600, download8: 600, cpuPerGB: 1 },
      'nacos-proxy': { rttP50: 39, rttP99: 101, connRate: 120, storm: 400, memIdleLow: 5000, memIdleHigh: 9500, upload1: 700, download1: 700, upload8: 700, download8: 700, cpuPerGB: 0.3 },
    };
    const bar = evaluateBar(figures, 'nacos-proxy');
    expect(bar.map((line) => line.holds)).toEqual([false, true, true, false, true, true]);
    expect(bar[0]!.detail).toContain('echo round trip p50 (64 B): 19.0 vs nginx 20.0 µs (0.95×)');
  });

  it('marks lines it could not measure as unknown', () => {
    expect(evaluateBar({ 'nacos-proxy': { connRate: 1 } }, 'nacos-proxy')[1]!.holds).toBeUndefined();
  });

  it('renders a table with ratios, the bar and the notes', () => {
    const markdown = renderMarkdown(
      { direct: { upload1: 1000 }, nginx: { upload1: 500 }, 'nacos-proxy': { upload1: 750 } },
      env,
      ['generator bound'],
      'nacos-proxy',
      [5000, 9900],
    );
    expect(markdown).toContain('| figure | direct | nacos-proxy (splice) | nginx stream |');
    expect(markdown).toContain('| throughput, 1 conn, upload (MB/s) | 1,000 | 750 · 0.75×d · 1.50×n | 500 · 0.50×d |');
    expect(markdown).toContain('memory per idle connection at 9,900 (bytes)');
    expect(markdown).toContain('- generator bound');
    expect(markdown).toContain('median of 3 interleaved rounds');
  });

  it('folds bottleneck rounds into one note per forwarder and test', () => {
    const notes = bottleneckNotes(
      [
        { forwarder: 'nginx', test: 'connrate', loadCore: 0.99, forwarderCore: 0.5 },
        { forwarder: 'nginx', test: 'connrate', loadCore: 0.97, forwarderCore: 0.6 },
        { forwarder: 'nacos-proxy', test: 'upload 1 conn', loadCore: 0.95, forwarderCore: 0.3 },
      ],
      5,
    );
    expect(notes).toEqual([
      'nginx stream, connrate: the load core (generator + backend, ~98% busy) limited the figure in 2 of 5 rounds; the forwarder used ~55% of its core.',
      'nacos-proxy (splice), upload 1 conn: the load core (generator + backend, ~95% busy) limited the figure in 1 of 5 rounds; the forwarder used ~30% of its core.',
    ]);
  });
});
