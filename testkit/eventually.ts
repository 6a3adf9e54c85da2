// Polling until something holds: the read models of other agents follow the chain a few milliseconds behind, and a
// child process or a state file gets somewhere in its own time. The one poll loop of the tests and benchmarks.
// On a network (TELCO_TEST_NETWORK) every time-out is stretched by networkWaitFactor(): blocks come once a period and
// the read models wait for confirmations.
import { networkWaitFactor } from "./testNetwork.ts";

/** Retries `check` until it returns without throwing; after `timeoutMs`, throws its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs * networkWaitFactor();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** Waits until `condition` answers true; after `timeoutMs`, fails naming `what` it waited for. */
export async function waitUntil(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<void> {
  await eventually(
    async () => {
      if (!(await condition())) {
        throw new Error(`timed out after ${timeoutMs * networkWaitFactor()} ms waiting for ${what}`);
      }
    },
    timeoutMs,
    intervalMs,
  );
}
