import { NacosToolError } from '../../src/errors.js';

/** The NacosToolError `run` throws; fails the test if it throws nothing or something else. */
export function toolErrorOf(run: () => unknown): NacosToolError {
  try {
    run();
  } catch (error) {
    if (error instanceof NacosToolError) return error;
    throw error;
  }
  throw new Error('expected a NacosToolError, but nothing was thrown');
}
