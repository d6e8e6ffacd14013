import { describe, expect, it } from 'vitest';
import { splitWords } from '../../src/lint-ports/words.js';
import { parsePortSpec, publishedPorts } from '../../src/lint-ports/port-spec.js';
import { parseHaproxyTime, parseNginxTime } from '../../src/lint-ports/time.js';

describe('parsePortSpec', () => {
  it('reads every form docker accepts', () => {
    expect(parsePortSpec('18848:8848')).toEqual({ hostIp: undefined, hostPorts: [18848, 18848], containerPorts: [8848, 8848], protocol: 'tcp' });
    expect(parsePortSpec('127.0.0.1:18848:8848/udp')).toMatchObject({ hostIp: '127.0.0.1', protocol: 'udp' });
    expect(parsePortSpec('[::1]:18848:8848')).toMatchObject({ hostIp: '::1', hostPorts: [18848, 18848] });
    expect(parsePortSpec('::1:18848:8848')).toMatchObject({ hostIp: '::1' });
    expect(parsePortSpec('127.0.0.1::8848')).toMatchObject({ hostIp: '127.0.0.1', hostPorts: undefined });
    expect(parsePortSpec('8848')).toMatchObject({ hostPorts: undefined, containerPorts: [8848, 8848] });
    expect(parsePortSpec('8848-8849:8848-8849')).toMatchObject({ hostPorts: [8848, 8849], containerPorts: [8848, 8849] });
  });

  it('describes what is wrong instead of throwing', () => {
    expect(parsePortSpec('x:8848')).toBe('"x:8848": "x" is not a host port or range');
    expect(parsePortSpec('1:2:3:4')).toBe('"1:2:3:4": "1:2" is not an IP address');
    expect(parsePortSpec('18848:99999')).toBe('"18848:99999": "99999" is not a container port or range');
  });

  it('pairs ranges port by port, and treats a host range for one container port as random', () => {
    expect(publishedPorts(parsePortSpec('18848-18849:8848-8849') as never)).toEqual([
      { hostPort: 18848, containerPort: 8848 },
      { hostPort: 18849, containerPort: 8849 },
    ]);
    expect(publishedPorts(parsePortSpec('18848-18850:8848') as never)).toEqual([{ hostPort: undefined, containerPort: 8848 }]);
  });
});

describe('splitWords', () => {
  it('splits like a shell: quotes, escapes, line continuations', () => {
    expect(splitWords(`docker run -e 'A=b c' -e "D=\\"e\\"" \\\n  -p 18848:8848 x\\ y`)).toEqual(['docker', 'run', '-e', 'A=b c', '-e', 'D="e"', '-p', '18848:8848', 'x y']);
  });
});

describe('time values', () => {
  it('reads nginx times, bare numbers in seconds', () => {
    expect(parseNginxTime('3s')).toBe(3000);
    expect(parseNginxTime('30')).toBe(30_000);
    expect(parseNginxTime('1m30s')).toBe(90_000);
    expect(parseNginxTime('500ms')).toBe(500);
    expect(parseNginxTime('10 m')).toBeUndefined();
  });

  it('reads HAProxy times, bare numbers in milliseconds', () => {
    expect(parseHaproxyTime('50000')).toBe(50_000);
    expect(parseHaproxyTime('1h')).toBe(3_600_000);
    expect(parseHaproxyTime('1m30s')).toBeUndefined();
  });
});
