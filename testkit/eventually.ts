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

/** What waitForProgress polls: whether the work is done, a value that changes as it advances, the state to report. */
export interface Progress {
  done: boolean;
  progress: string | number;
  /** Asked only for the failure message. */
  state?: () => Promise<string> | string;
}

/**
 * Waits until `measure` reports done, however long the work takes while it advances; fails when its progress value
 * has not changed for `stallMs`. For work whose duration follows the machine's load (a loaded CI runner can be 20x
 * slower) but which must never stall: a fixed total would either fail a slow run or hide a stall for long.
 */
export async function waitForProgress(
  what: string,
  measure: () => Promise<Progress>,
  stallMs = 30_000,
  intervalMs = 100,
): Promise<void> {
  const stall = stallMs * networkWaitFactor();
  let last: Progress["progress"] | undefined;
  let since = Date.now();
  for (;;) {
    const now = await measure();
    if (now.done) return;
    if (now.progress !== last) {
      last = now.progress;
      since = Date.now();
    } else if (Date.now() - since > stall) {
      throw new Error(`no progress for ${stall} ms waiting for ${what}: ${(await now.state?.()) ?? now.progress}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
