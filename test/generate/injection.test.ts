/**
 * No value that could change the structure of a generated file gets in: each is refused with
 * exit code 2 and a message naming the flag and the value, never escaped into the output.
 */
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { LOAD_BALANCER_COMMANDS } from '../../src/cli/commands/load-balancer-commands.js';
import { toolErrorOf } from '../helpers/errors.js';
import { resolveDockerOptions } from '../../src/generate/docker-options.js';
import { resolveHaproxyOptions } from '../../src/generate/haproxy-options.js';
import { resolveNginxOptions } from '../../src/generate/nginx-options.js';
import { assertSafeValue } from '../../src/generate/safe-value.js';

const ATTACKS = [
  '10.0.0.1:8848;include /etc/passwd',
  '10.0.0.1:8848}stream{',
  '10.0.0.1:8848{',
  '10.0.0.1 8848',
  '10.0.0.1:8848\nserver evil:1',
  '10.0.0.1:8848\rx',
  '10.0.0.1:8848\tx',
  '10.0.0.1:8848#',
  "10.0.0.1:8848'",
  '10.0.0.1:8848"',
  '$host:8848',
  '10.0.0.1:8848\\',
];

describe('assertSafeValue', () => {
  it('passes plain hosts, ports, paths and names through unchanged', () => {
    for (const value of ['10.0.0.1:8848', '[fd00::1]:8848', 'nacos-0.nacos-headless.default.svc:8848', '/var/run/nginx.pid', 'app=nacos']) {
      expect(assertSafeValue(value, '--x')).toBe(value);
    }
  });

  it('names the flag, the value and the character', () => {
    const error = toolErrorOf(() => assertSafeValue('a;b', '--upstream'));
    expect(error.code).toBe('ERR_UNSAFE_VALUE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('--upstream "a;b" contains ";", which could inject configuration; it is refused, not escaped: give a plain host, port, path or name');
    expect(toolErrorOf(() => assertSafeValue('a\nb', '--listen')).message).toContain('"a\\nb" contains a newline');
    expect(toolErrorOf(() => assertSafeValue('a\u0001', '--listen')).message).toContain('control character U+0001');
  });
});

type Flags = Record<string, unknown>;

interface GeneratorCase {
  readonly resolve: (flags: never) => unknown;
  /** Flags that make the command valid apart from the one under attack. */
  readonly base: Flags;
  /** How an attack is given to an option when not as its plain value: with the flags it needs, inside a path. */
  readonly wrap: Readonly<Record<string, (attack: string) => Flags>>;
  /** Value options that never reach the generated text, and why. */
  readonly exempt: Readonly<Record<string, string>>;
}

const OUTPUT_PATH = 'where the output is written, not part of it';

const GENERATORS: Readonly<Record<string, GeneratorCase>> = {
  nginx: {
    resolve: resolveNginxOptions,
    base: { upstream: ['10.0.0.1'] },
    wrap: {
      upstream: (attack) => ({ upstream: [attack] }),
      roles: (attack) => ({ roles: [attack] }),
      pid: (attack) => ({ full: true, pid: `/run/${attack}` }),
      'error-log': (attack) => ({ full: true, 'error-log': `/var/log/${attack}` }),
      'stream-module': (attack) => ({ full: true, 'stream-module': `/usr/lib/${attack}` }),
      'runtime-dir': (attack) => ({ full: true, 'runtime-dir': `/tmp/${attack}` }),
      'access-log': (attack) => ({ console: true, 'access-log': `/var/log/${attack}` }),
    },
    exempt: { out: OUTPUT_PATH, 'template-dir': 'templates are read from it; its name is not written into the output' },
  },
  haproxy: {
    resolve: resolveHaproxyOptions,
    base: { upstream: ['10.0.0.1'] },
    wrap: { upstream: (attack) => ({ upstream: ['10.0.0.2', attack] }), roles: (attack) => ({ roles: [attack] }) },
    exempt: { out: OUTPUT_PATH },
  },
  docker: {
    resolve: resolveDockerOptions,
    base: { 'host-port': '18848' },
    wrap: {
      publish: (attack) => ({ 'host-port': undefined, publish: [attack] }),
      roles: (attack) => ({ roles: [attack] }),
      name: (attack) => ({ k8s: true, name: `nacos${attack}` }),
      selector: (attack) => ({ k8s: true, selector: [`app=${attack}`] }),
      'service-type': (attack) => ({ k8s: true, 'service-type': attack }),
    },
    exempt: { out: OUTPUT_PATH },
  },
};

interface OptionsView {
  key: Record<string, unknown>;
  boolean: string[];
}

describe('generators refuse injection in every value option (read from the commands, so a new option cannot escape)', () => {
  const commands = LOAD_BALANCER_COMMANDS.filter((command) => command.name !== 'lint-ports');

  it('covers every generator command', () => {
    expect(commands.map((command) => command.name).sort()).toEqual(Object.keys(GENERATORS).sort());
  });

  for (const command of commands) {
    const generator = GENERATORS[command.name]!;
    // getOptions() is public yargs API that @types/yargs does not declare.
    const options = (command.builder(yargs()) as unknown as { getOptions(): OptionsView }).getOptions();
    const valueOptions = Object.keys(options.key).filter((name) => !options.boolean.includes(name) && !/[A-Z]/.test(name) && name !== 'help' && name !== 'version');

    for (const name of valueOptions) {
      if (generator.exempt[name] !== undefined) continue;
      it(`${command.name} --${name}`, () => {
        const wrap = generator.wrap[name] ?? ((attack: string) => ({ [name]: attack }));
        for (const attack of ATTACKS) {
          const flags = { ...generator.base, ...wrap(attack) };
          const error = toolErrorOf(() => generator.resolve(flags as never));
          expect(error.exitCode, attack).toBe(2);
          expect(error.code, attack).toBe('ERR_UNSAFE_VALUE');
          expect(error.message, attack).toContain(`--${name} `);
          expect(error.message, attack).toContain(JSON.stringify(attack).slice(1, -1));
        }
      });
    }

    it(`${command.name}: every value option is attacked or exempt with a reason`, () => {
      expect(valueOptions.length).toBeGreaterThan(3);
      for (const name of Object.keys({ ...generator.wrap, ...generator.exempt })) expect(valueOptions, `--${name} is no option of ${command.name}`).toContain(name);
    });
  }
});
