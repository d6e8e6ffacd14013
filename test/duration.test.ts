import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/duration.js';

describe('durations', () => {
  it('reads bare seconds and units', () => {
    expect(parseDuration('3', 'x')).toBe(3000);
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('1.5s', 'x')).toBe(1500);
    expect(parseDuration('2m', 'x')).toBe(120_000);
    expect(parseDuration('1h', 'x')).toBe(3_600_000);
    expect(parseDuration(0, 'x')).toBe(0);
  });

  it('names the option and the bad value', () => {
    expect(() => parseDuration('3 sec', '--connect-timeout')).toThrow(/--connect-timeout "3 sec" is not a duration/);
    expect(() => parseDuration('-1', '--idle-timeout')).toThrow(/--idle-timeout "-1" is not a duration/);
    expect(() => parseDuration('30d', 'x')).toThrow(/not a duration/);
    expect(() => parseDuration('9999h', 'x')).toThrow(/too long/);
  });

  it('formats compactly', () => {
    expect(formatDuration(3000)).toBe('3s');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(0)).toBe('0');
  });
});
