// The devnet's state file and its last-good copies: validation before every start, rotation of good copies, and
// quarantine of a corrupt file, so a damaged state never turns silently into an empty chain.
import { copyFile, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChainLogger } from "../logger.ts";

export const GOOD_COPIES = 3;

export interface StatePaths {
  dir: string;
  state: string;
  /** good[0] is the newest. */
  good: string[];
}

export function statePaths(dir: string): StatePaths {
  const good = Array.from({ length: GOOD_COPIES }, (_, i) => join(dir, `state.good.${i + 1}.json`));
  return { dir, state: join(dir, "state.json"), good };
}

export type StateCheck = { ok: true; blockNumber: number } | { ok: false; problem: string };

/** Parses an anvil state dump and checks the shape anvil needs to load it. */
export function checkStateText(text: string): StateCheck {
  if (text.trim().length === 0) return { ok: false, problem: "the file is empty" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `it is not valid JSON (${(error as Error).message}; truncated?)` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, problem: "the top level is not an object" };
  }
  const state = value as Record<string, unknown>;
  const block = state.block as Record<string, unknown> | undefined;
  if (typeof block !== "object" || block === null || typeof block.number !== "string") {
    return { ok: false, problem: "field block.number is missing" };
  }
  if (typeof state.accounts !== "object" || state.accounts === null) {
    return { ok: false, problem: "field accounts is missing" };
  }
  if (!Array.isArray(state.blocks)) return { ok: false, problem: "field blocks is missing" };
  if (!Array.isArray(state.transactions)) return { ok: false, problem: "field transactions is missing" };
  const best = state.best_block_number;
  const blockNumber = typeof best === "number" ? best : typeof best === "string" ? Number(best) : Number.NaN;
  if (!Number.isSafeInteger(blockNumber) || blockNumber < 0) {
    return { ok: false, problem: "field best_block_number is missing or not a block number" };
  }
  const history = historyProblem(state.accounts as Record<string, unknown>, state.transactions);
  if (history) return { ok: false, problem: history };
  return { ok: true, blockNumber };
}

/**
 * anvil writes its account state and its block history in one file but not in one instant: a dump taken while a
 * block was being mined can hold the effects of transactions its history lacks. Loading such a state would keep
 * writes that no block, receipt or event records (and that no outbox can replay: their nonces are spent). So every
 * externally owned account's nonce must equal the number of its transactions in the dump, numbered 0..n-1.
 */
function historyProblem(accounts: Record<string, unknown>, transactions: unknown[]): string | undefined {
  const sent = new Map<string, Set<number>>();
  for (const entry of transactions) {
    const info = (entry as { info?: { from?: unknown; nonce?: unknown } } | null)?.info;
    if (typeof info?.from !== "string" || typeof info.nonce !== "number") continue;
    const from = info.from.toLowerCase();
    const nonces = sent.get(from) ?? new Set<number>();
    nonces.add(info.nonce);
    sent.set(from, nonces);
  }
  for (const [address, value] of Object.entries(accounts)) {
    const account = value as { nonce?: unknown; code?: unknown } | null;
    const code = typeof account?.code === "string" ? account.code : "0x";
    // Contracts count their CREATEs in their nonce, which no transaction records.
    if (code !== "0x" && code !== "") continue;
    const nonce = typeof account?.nonce === "number" ? account.nonce : Number(account?.nonce ?? 0);
    const recorded = sent.get(address.toLowerCase()) ?? new Set<number>();
    if (nonce === recorded.size && (nonce === 0 || recorded.has(nonce - 1))) continue;
    return (
      `the state is not consistent with its block history (account ${address} has nonce ${nonce} but the dump ` +
      `records ${recorded.size} of its transactions): it was written while a block was being mined`
    );
  }
  return undefined;
}

export async function checkStateFile(path: string): Promise<StateCheck | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { ok: false, problem: `it cannot be read (${(error as Error).message})` };
  }
  return checkStateText(text);
}

/**
 * Copies the current state file into the rotation when it validates: good.1 becomes good.2 and so on. The copy is
 * validated from the bytes read, so a file anvil was half-way through writing is never kept as good.
 */
export async function rotateGoodCopy(paths: StatePaths): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(paths.state, "utf8");
  } catch {
    return undefined;
  }
  const check = checkStateText(text);
  if (!check.ok) return undefined;
  const newest = paths.good[0] as string;
  try {
    if ((await readFile(newest, "utf8")) === text) return check.blockNumber;
  } catch {
    // No good copy yet.
  }
  for (let i = paths.good.length - 1; i > 0; i--) {
    await rename(paths.good[i - 1] as string, paths.good[i] as string).catch(() => undefined);
  }
  const temp = `${newest}.tmp`;
  await writeFile(temp, text, { flush: true });
  await rename(temp, newest);
  return check.blockNumber;
}

export type StatePreparation =
  | { kind: "fresh" }
  | { kind: "state"; blockNumber: number }
  | { kind: "restored"; from: string; blockNumber: number; quarantined?: string };

/**
 * Makes state.json safe to load. A valid file is kept. A corrupt one is moved aside to state.corrupt-<time>.json and
 * replaced by the newest good copy that validates. Returns "fresh" when there is nothing to load and the caller
 * allowed a fresh chain; otherwise refuses by returning the problem.
 */
export async function prepareState(
  paths: StatePaths,
  logger: ChainLogger,
  allowFreshChain: boolean,
): Promise<StatePreparation | { kind: "refused"; problem: string }> {
  const check = await checkStateFile(paths.state);
  if (check?.ok) return { kind: "state", blockNumber: check.blockNumber };
  let quarantined: string | undefined;
  if (check && !check.ok) {
    const size = await stat(paths.state).then(
      (s) => s.size,
      () => 0,
    );
    quarantined = join(paths.dir, `state.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    await rename(paths.state, quarantined);
    logger.error(
      { file: paths.state, problem: check.problem, bytes: size, movedTo: quarantined },
      `devnet state file ${paths.state} is corrupt: ${check.problem}; moved it to ${quarantined}`,
    );
  }
  for (const candidate of paths.good) {
    const good = await checkStateFile(candidate);
    if (!good) continue;
    if (!good.ok) {
      logger.warn({ file: candidate, problem: good.problem }, `skipping good copy ${candidate}: ${good.problem}`);
      continue;
    }
    await copyFile(candidate, `${paths.state}.tmp`);
    await rename(`${paths.state}.tmp`, paths.state);
    logger.warn(
      { from: candidate, blockNumber: good.blockNumber },
      `devnet state restored from last good copy ${candidate} (block ${good.blockNumber}); later blocks are lost ` +
        "from the node and are replayed by each agent's transaction outbox",
    );
    return { kind: "restored", from: candidate, blockNumber: good.blockNumber, quarantined };
  }
  if (allowFreshChain) {
    if (quarantined || check) logger.warn({ dir: paths.dir }, "no usable devnet state: starting a fresh chain");
    await rm(paths.state, { force: true });
    return { kind: "fresh" };
  }
  const problem = check
    ? `state file ${paths.state} was corrupt (${check.problem}) and no good copy validates`
    : `state file ${paths.state} is missing and no good copy exists`;
  return { kind: "refused", problem };
}
