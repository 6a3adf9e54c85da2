// What the embedded devnet's durability costs as the chain grows: anvil writes its whole state to state.json every
// state interval (1 s by default), so each dump costs more as records accumulate. The benchmark grows the state of a
// real devnet (startDevnet, as the sandbox runs it) to each size in records (one storage slot each, written 1,000 per
// transaction by a minimal contract), then leaves the chain idle and measures anvil's own CPU time (utime + stime from
// /proc) over a window: with nothing else to do, that is the dumping. Reported per size: state.json bytes, CPU seconds
// per second (a share of one core) and per dump. The dump count in the window is the window divided by the interval;
// CPU is the process's, so other load on the machine changes wall time, not the figure.
// Args: [sizes=10000,100000,1000000] [windowSeconds=20].
import { readFileSync, statSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, encodeAbiParameters, type Hex, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createChain } from "../src/core/chain/client.ts";
import { startDevnet } from "../src/core/chain/devnet/devnet.ts";
import { silentLogger } from "../src/core/chain/logger.ts";
import { type BenchResult, round } from "./lib/report.ts";

/**
 * Runtime: sstore(start + i, 1) for i < count, with start and count the first two calldata words. Hand-assembled so
 * the benchmark depends on no compiled artifact: PUSH1 0 CALLDATALOAD PUSH1 32 CALLDATALOAD; loop: DUP1 ISZERO
 * PUSH1 end JUMPI PUSH1 1 DUP3 SSTORE SWAP1 PUSH1 1 ADD SWAP1 PUSH1 1 SWAP1 SUB PUSH1 loop JUMP; end: STOP.
 */
const SLOT_WRITER_RUNTIME = [
  "600035602035", // start, count
  "5b8015601c57", // loop: if count == 0 jump to end
  "60018255", // sstore(start, 1)
  "9060010190", // start += 1
  "600190036006" + "56", // count -= 1; jump loop
  "5b00", // end: stop
].join("");
/** Init code: copy the 30-byte runtime (at offset 11) to memory and return it. */
const INIT_PREFIX = "601e80600b6000396000f3";
const SLOTS_PER_TX = 1000;
const CLK_TCK = 100;

/** anvil's CPU seconds so far (user + system), from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // After the command name: state is field 3 (index 0 here); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** The pid of the anvil serving `dataDir` (its command line names the state file there). */
async function anvilPid(dataDir: string): Promise<number> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes("anvil") && cmdline.includes(dataDir)) return Number(entry);
  }
  throw new Error(`no anvil process for ${dataDir}`);
}

export async function run(args: string[]): Promise<BenchResult> {
  const sizes = (args[0] ?? "10000,100000,1000000").split(",").map(Number);
  const windowSeconds = Number(args[1] ?? 20);
  const runtime = SLOT_WRITER_RUNTIME;
  if (runtime.length / 2 !== 0x1e) throw new Error(`runtime is ${runtime.length / 2} bytes, the init code says 30`);
  const dir = await mkdtemp(join(tmpdir(), "devnet-state-dump-"));
  const devnet = await startDevnet({ dataDir: dir, logger: silentLogger });
  const rows: Record<string, string | number>[] = [];
  try {
    const pid = await anvilPid(dir);
    const chain = await createChain({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId });
    const account = privateKeyToAccount(`0x${"11".repeat(32)}`);
    await chain.request({ method: "anvil_setBalance" as never, params: [account.address, toHex(10n ** 24n)] as never });
    const send = async (to: Address | undefined, data: Hex, nonce: number) => {
      const raw = await account.signTransaction({
        chainId: devnet.chainId,
        type: "legacy",
        nonce,
        gas: to ? 25_000_000n : 200_000n,
        gasPrice: 0n,
        ...(to ? { to } : {}),
        data,
      });
      return chain.sendRawTransaction({ serializedTransaction: raw });
    };
    let nonce = 0;
    const deployHash = await send(undefined, `0x${INIT_PREFIX}${runtime}`, nonce++);
    const writer = (await chain.waitForTransactionReceipt({ hash: deployHash })).contractAddress as Address;

    const measureIdle = async (records: number) => {
      // Let the dump after the last write land, then measure a quiet window.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const cpu0 = cpuSeconds(pid);
      const t0 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
      const seconds = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(pid) - cpu0;
      const bytes = statSync(devnet.stateFile).size;
      const row = {
        records,
        "state.json MB": round(bytes / 1e6, 1),
        "window s": round(seconds, 1),
        "anvil CPU s/s (share of a core)": round(cpu / seconds, 3),
        "CPU ms per dump (1 s interval)": round((cpu / seconds) * 1000, 0),
      };
      rows.push(row);
      // Printed as measured: the large sizes take long on a busy machine.
      console.log(JSON.stringify(row));
    };

    await measureIdle(0);
    let written = 0;
    for (const size of sizes) {
      while (written < size) {
        const count = Math.min(SLOTS_PER_TX, size - written);
        const hash = await send(
          writer,
          encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [BigInt(written + 1), BigInt(count)]),
          nonce++,
        );
        // Every 20th transaction waits for its receipt: the pool stays short and a failure shows at once.
        if (nonce % 20 === 0 || written + count >= size) {
          const receipt = await chain.waitForTransactionReceipt({ hash, timeout: 600_000 });
          if (receipt.status !== "success") throw new Error(`slot writer reverted at ${written}`);
        }
        written += count;
      }
      // The records are really there: the last slot written holds 1.
      const last = await chain.getStorageAt({ address: writer, slot: toHex(written, { size: 32 }) });
      if (BigInt(last ?? "0x0") !== 1n) throw new Error(`slot ${written} is not written`);
      await measureIdle(written);
    }
  } finally {
    await devnet.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    name: "devnet-state-dump",
    tables: [
      {
        title: "Embedded devnet: state.json size and anvil's CPU while idle (dumping every 1 s), by records on chain",
        rows,
        note:
          "One record = one storage slot (a grant or registry entry is one to three). Issue 13's threshold: a dump " +
          "costing more than a tenth of a core at the sizes the domains reach makes a one-node geth the sandbox engine.",
      },
    ],
  };
}
