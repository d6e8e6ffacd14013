/** Teardown registered during a test and run after it, newest first, even when the test failed. */
import { afterEach } from 'vitest';

export type Defer = (cleanup: () => unknown) => void;

/** Call at the top of a test file; the returned function registers teardown for the running test. */
export function cleanupAfterEach(): Defer {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}
