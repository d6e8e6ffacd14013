/** `nacos-doctor docker`: resolve the flags, render the port publishing, write. */
import { renderDocker } from '../../generate/docker.js';
import { resolveDockerOptions, type DockerFlags } from '../../generate/docker-options.js';
import type { CliIo } from '../io.js';
import type { ParsedArgs } from '../parse.js';
import { writeGenerated } from './output.js';

export async function runDocker(args: ParsedArgs, io: CliIo): Promise<number> {
  await writeGenerated(renderDocker(resolveDockerOptions(args as DockerFlags)), args.out, io);
  return 0;
}
