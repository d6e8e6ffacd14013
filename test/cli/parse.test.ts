/** Argument parsing of every bin: unknown, negated and dotted flags become usage errors with a hint. */
import { describe, expect, it } from 'vitest';
import { createDoctorCli } from '../../src/cli/doctor.js';
import { parseArgs } from '../../src/cli/parse.js';
import { createProxyCli } from '../../src/cli/proxy.js';
import { createSimCli } from '../../src/cli/sim.js';
import { ArgumentsError } from '../../src/errors.js';

async function failure(parser: Parameters<typeof parseArgs>[0], argv: string[]): Promise<ArgumentsError> {
  const error: unknown = await parseArgs(parser, argv).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ArgumentsError);
  return error as ArgumentsError;
}

describe('nacos-proxy flags', () => {
  it.each(['allow', 'deny', 'roles', 'upstream', 'admin'])('--no-%s is refused, not handed to the option parser as false', async (name) => {
    const error = await failure(createProxyCli(), ['--listen', '18848', '--upstream', '127.0.0.1:8848', `--no-${name}`]);
    expect(error.message).toBe(`Unknown argument: no-${name} (--${name} cannot be negated: leave it out for its default)`);
    expect(error.exitCode).toBe(2);
  });

  it.each([
    ['--roles.x', 'main', 'roles'],
    ['--upstream.a', 'x', 'upstream'],
  ])('%s is an unknown flag with a suggestion, not an object', async (flag, value, option) => {
    const error = await failure(createProxyCli(), ['--listen', '18848', flag, value]);
    expect(error.message).toBe(`Unknown argument: ${flag.slice(2)} (did you mean --${option}?)`);
  });
});

describe('nacos-doctor subcommands', () => {
  it('suggests from the options of the subcommand, and names its --help', async () => {
    const error = await failure(createDoctorCli(), ['check', '--timout', '3']);
    expect(error.message).toBe('Unknown argument: timout (did you mean --timeout?)');
    expect(error.command).toEqual(['check']);
  });

  it('a negated boolean of a subcommand is refused the same way', async () => {
    const error = await failure(createDoctorCli(), ['nginx', '--upstream', '127.0.0.1:8848', '--no-console']);
    expect(error.message).toBe('Unknown argument: no-console (--console cannot be negated: leave it out for its default)');
    expect(error.command).toEqual(['nginx']);
  });

  it('a top-level mistake points at the top-level help', async () => {
    expect((await failure(createDoctorCli(), ['--verison'])).command).toEqual([]);
  });
});

it('nacos-sim refuses --no-json', async () => {
  expect((await failure(createSimCli(), ['--no-json'])).message).toBe('Unknown argument: no-json (--json cannot be negated: leave it out for its default)');
});
