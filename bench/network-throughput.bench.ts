// Write throughput on the four-signer geth Clique network beside the anvil devnet, in one run (issue 13): plain
// transfers/s, EIDL delegations/s and roaming authentications/s, on the devnet (interval mining, one block a second,
// its block gas limit read from the chain) and on geth networks at several block periods and block gas limits.
//   - transfers: `transfers` 21,000-gas value transfers from 4 fresh accounts, signed locally at consecutive nonces and
//     sent at once; rate = transfers / (first send -> every sender's last nonce mined).
//   - delegations: single-number EIDL grants Numbering Authority -> TNSP through the NA agent's API (POST
//     /v1/tnallocation, GRANTS_PER_CALL (10) items a call, each answered once mined); rate = grants / wall time.
//   - roaming: `authentications` attaches north -> south through north's batch API (100 every 100 ms); an
//     authentication counts once the visited side activated it and its activation record is mined; rate = completed /
//     (first attach -> last activation mined), as bench/roaming-throughput.bench.ts measures it.
// Agents run in the benchmark process, two consortia (EIDL parties; three mobile operators): on geth both on the one
// network, spread over its nodes with confirmations 2; on anvil each on a devnet of its own. The devnet and the first
// geth setting get all three measurements; the further settings (other block periods and gas limits) measure
// transfers only unless marked `:full`, because the project's writes fill a small share of any block (the table says
// so: gas per second against the block's) and setting up the two consortia costs minutes per chain on a loaded machine.
//   npm run bench -- network-throughput [transfers=2000] [delegations=50] [authentications=200] [settings=anvil,p1-100m:full,p1-30m,p2-100m,p2-30m]
import type { Address, Hex } from "viem";
import { createPublicClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { startTestConsortium, type TestAgentEndpoint } from "../testkit/consortium.ts";
import { createOrg, eidlMembers, grant, ORG_TYPE, type Org, setNumberingScope, vet } from "../testkit/eidlHierarchy.ts";
import { waitUntil } from "../testkit/eventually.ts";
import { startMembersOnNetwork } from "../testkit/networkMembers.ts";
import { expectOk, imsiOf, NETWORKS, type OperatorName, ROAMING_MEMBERS, setUpRoaming } from "../testkit/roaming.ts";
import { sessionsSince, waitAllRecorded } from "../testkit/roamingMeasure.ts";
import { startTestNetwork, TEST_FUND_NEW_ACCOUNTS_WEI } from "../testkit/testNetwork.ts";
import { type BenchResult, round } from "./lib/report.ts";

type Row = Record<string, string | number>;

const SENDERS = 4;
// The agent answers a call once every grant of it is mined and synced, one after the other: 50 a call took longer than
// the HTTP client's 300 s header time-out on a loaded geth network (`fetch failed`), so a call carries 10.
const GRANTS_PER_CALL = 10;
const ATTACHES_PER_TICK = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Setting {
  label: string;
  periodSeconds: number;
  gasLimit: bigint;
  /** Delegations and roaming too, not only transfers. */
  full?: boolean;
}

type EidlParties = Record<"ta" | "na" | "tnsp", TestAgentEndpoint> & { rpcUrl: string };

/** A chain with both consortia on it (or none, for transfers only), ready to measure. */
interface Bench {
  engine: string;
  periodSeconds: number;
  gasLimit: bigint;
  rpcUrl: string;
  chainId: number;
  fundSenders(addresses: readonly Address[]): Promise<void>;
  /** Absent on a transfers-only setting. */
  eidl?: EidlParties;
  roaming?: Record<OperatorName, TestAgentEndpoint>;
  stop(): Promise<void>;
}

const SETTINGS: Record<string, Setting> = {
  "p1-100m": { label: "period 1 s, 100M gas", periodSeconds: 1, gasLimit: 100_000_000n },
  "p1-30m": { label: "period 1 s, 30M gas", periodSeconds: 1, gasLimit: 30_000_000n },
  "p2-100m": { label: "period 2 s, 100M gas", periodSeconds: 2, gasLimit: 100_000_000n },
  "p2-30m": { label: "period 2 s, 30M gas", periodSeconds: 2, gasLimit: 30_000_000n },
};

export async function run(args: string[]): Promise<BenchResult> {
  const transfers = Number(args[0] ?? 2000);
  const delegations = Number(args[1] ?? 50);
  const authentications = Number(args[2] ?? 200);
  const keys = (args[3] ?? "anvil,p1-100m:full,p1-30m,p2-100m,p2-30m").split(",");
  const settings = keys
    .filter((item) => item !== "anvil")
    .map((item) => {
      const [key = "", mark] = item.split(":");
      const setting = SETTINGS[key];
      if (!setting) throw new Error(`settings: ${key} is not one of ${Object.keys(SETTINGS).join(", ")}`);
      return { ...setting, full: mark === "full" };
    });
  // Set before any agent starts: long enough that no request lapses while a slow chain catches up.
  process.env.TELCO_ROAMING_REQUEST_TTL ??= "600";
  process.env.TELCO_ROAMING_BATCH_SIZE ??= "1000";
  process.env.TELCO_ROAMING_BATCH_DELAY_MS ??= "250";
  const rows: Row[] = [];
  const starts: Array<() => Promise<Bench>> = [
    ...(keys.includes("anvil") ? [() => startOnDevnet(authentications)] : []),
    ...settings.map((s) => () => (s.full ? startOnGeth(s, authentications) : startTransfersOnGeth(s))),
  ];
  let rowInProgress: Row | undefined;
  for (const start of starts) {
    const t0 = performance.now();
    let bench: Bench | undefined;
    try {
      bench = await start();
      const setupSeconds = (performance.now() - t0) / 1000;
      console.log(`[network-throughput] ${bench.engine}: set up in ${round(setupSeconds, 0)} s`);
      const blockGasPerSecond = Number(bench.gasLimit) / bench.periodSeconds;
      // Each phase's figures go into the row as soon as they exist, so a later phase that fails keeps them.
      const row: Row = {
        chain: bench.engine,
        "period s": bench.periodSeconds,
        "block gas": `${Number(bench.gasLimit / 1_000_000n)}M`,
        "setup s": round(setupSeconds, 0),
      };
      rowInProgress = row;
      const transfer = await measureTransfers(bench, transfers);
      row["transfers /s"] = round(transfer.rate, 0);
      row["transfer blocks"] = transfer.blocks;
      row["transfers /s the blocks hold"] = round(blockGasPerSecond / 21_000, 0);
      const delegation = bench.eidl ? await measureDelegations(bench.eidl, delegations) : undefined;
      row["delegations /s"] = delegation ? round(delegation.rate, 2) : "-";
      row["delegation gas share %"] = delegation ? round((100 * delegation.gasPerSecond) / blockGasPerSecond, 3) : "-";
      const roaming = bench.roaming ? await measureRoaming(bench.roaming, authentications) : undefined;
      row["roaming auth /s"] = roaming ? round(roaming.rate, 1) : "-";
      row["roaming completed"] = roaming ? `${roaming.completed}/${authentications}` : "-";
      rows.push(row);
      rowInProgress = undefined;
      console.log(`[network-throughput] ${JSON.stringify(rows.at(-1))}`);
    } catch (error) {
      // One chain that fails (a loaded machine, a node that would not start) must not lose the others' figures.
      rows.push({
        ...(rowInProgress ?? { chain: bench?.engine ?? `chain ${rows.length + 1}` }),
        error: (error as Error).message.slice(0, 200),
      });
      rowInProgress = undefined;
      console.log(`[network-throughput] failed: ${(error as Error).stack}`);
    } finally {
      await bench?.stop();
    }
  }
  return {
    name: "network-throughput",
    tables: [
      {
        title: `Write throughput: anvil devnet beside 4 geth Clique signers (${transfers} transfers, ${delegations} delegations, ${authentications} roaming authentications)`,
        rows,
        note:
          "transfers: 4 senders, pre-signed, sent at once; delegations: single-number EIDL grants through the NA " +
          `agent's API, ${GRANTS_PER_CALL} per call, and the share of the block gas per second they used; roaming: north -> south ` +
          "through north's batch attach API, counted once the activation record is mined. Agents in process, " +
          "confirmations 2 on geth, 0 on the devnet. '-': transfers only on that setting.",
      },
    ],
  };
}

async function startOnDevnet(subscribers: number): Promise<Bench> {
  const eidl = await startTestConsortium(eidlMembers("ta", "na", "tnsp"), { blockTimeSeconds: 1 });
  const roaming = await startTestConsortium(ROAMING_MEMBERS, { blockTimeSeconds: 1 }).catch(async (error) => {
    await eidl.stop();
    throw error;
  });
  const stop = async () => {
    await Promise.allSettled([eidl.stop(), roaming.stop()]);
  };
  try {
    const op = roaming.agents as Record<OperatorName, TestAgentEndpoint>;
    await setUpRoaming(op, roaming.manifestPath, subscribers);
    const rpcUrl = eidl.devnet.rpcUrl;
    const gasLimit = BigInt(
      (await rpcCall<{ gasLimit: Hex }>(rpcUrl, "eth_getBlockByNumber", ["latest", false])).gasLimit,
    );
    return {
      engine: "anvil devnet",
      periodSeconds: 1,
      gasLimit,
      rpcUrl,
      chainId: eidl.devnet.chainId,
      fundSenders: async (addresses) => {
        for (const a of addresses) await rpcCall(rpcUrl, "anvil_setBalance", [a, "0x3635c9adc5dea00000"]);
      },
      eidl: { ...(eidl.agents as Record<"ta" | "na" | "tnsp", TestAgentEndpoint>), rpcUrl },
      roaming: op,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startOnGeth(setting: Setting, subscribers: number): Promise<Bench> {
  const network = await startTestNetwork({ periodSeconds: setting.periodSeconds, gasLimit: setting.gasLimit });
  let queue: Promise<void> = Promise.resolve();
  const fund = (addresses: readonly Address[]) => {
    const next = queue.then(() => network.fund(addresses));
    queue = next.catch(() => undefined);
    return next;
  };
  const on = (offset: number) => ({
    chainId: network.chainId,
    rpcUrlFor: (index: number) => network.rpcUrlFor(index + offset),
    fund,
  });
  const options = { confirmations: network.confirmations, fundNewAccountsWei: TEST_FUND_NEW_ACCOUNTS_WEI };
  const started = await Promise.allSettled([
    startMembersOnNetwork(on(0), eidlMembers("ta", "na", "tnsp"), options),
    startMembersOnNetwork(on(1), ROAMING_MEMBERS, options),
  ]);
  const stop = async () => {
    await Promise.allSettled(started.map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
    await network.stop();
  };
  try {
    const [eidl, roaming] = started.map((s) => {
      if (s.status === "rejected") throw s.reason;
      return s.value;
    });
    const op = roaming!.agents as Record<OperatorName, TestAgentEndpoint>;
    await setUpRoaming(op, roaming!.manifestPath, subscribers);
    return {
      engine: `geth Clique x4, ${setting.label}`,
      periodSeconds: setting.periodSeconds,
      gasLimit: setting.gasLimit,
      rpcUrl: network.rpcUrlFor(0),
      chainId: network.chainId,
      fundSenders: fund,
      eidl: { ...(eidl!.agents as Record<"ta" | "na" | "tnsp", TestAgentEndpoint>), rpcUrl: network.rpcUrlFor(0) },
      roaming: op,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A geth network alone: the transfers need no agents. */
async function startTransfersOnGeth(setting: Setting): Promise<Bench> {
  const network = await startTestNetwork({ periodSeconds: setting.periodSeconds, gasLimit: setting.gasLimit });
  return {
    engine: `geth Clique x4, ${setting.label}`,
    periodSeconds: setting.periodSeconds,
    gasLimit: setting.gasLimit,
    rpcUrl: network.rpcUrlFor(0),
    chainId: network.chainId,
    fundSenders: (addresses) => network.fund(addresses),
    stop: () => network.stop(),
  };
}

async function measureTransfers(bench: Bench, count: number): Promise<{ rate: number; blocks: number }> {
  const senders = Array.from({ length: SENDERS }, () => privateKeyToAccount(generatePrivateKey()));
  await bench.fundSenders(senders.map((s) => s.address));
  const client = createPublicClient({ transport: http(bench.rpcUrl) });
  // Twice the node's price: on the devnet its base fee may rise a little under the burst.
  const gasPrice = (await client.getGasPrice()) * 2n;
  const perSender = Math.ceil(count / SENDERS);
  const signed: Hex[] = [];
  for (const sender of senders) {
    for (let nonce = 0; nonce < perSender; nonce++) {
      signed.push(
        await sender.signTransaction({
          type: "legacy",
          chainId: bench.chainId,
          to: sender.address,
          value: 1n,
          gas: 21_000n,
          gasPrice,
          nonce,
        }),
      );
    }
  }
  const firstBlock = await client.getBlockNumber();
  const t0 = performance.now();
  const inFlight = 32;
  for (let i = 0; i < signed.length; i += inFlight) {
    await Promise.all(
      signed.slice(i, i + inFlight).map((raw) => rpcCall(bench.rpcUrl, "eth_sendRawTransaction", [raw])),
    );
  }
  await waitUntil(
    "every transfer mined",
    async () => {
      const counts = await Promise.all(senders.map((s) => client.getTransactionCount({ address: s.address })));
      return counts.every((n) => n >= perSender);
    },
    600_000,
    100,
  );
  const seconds = (performance.now() - t0) / 1000;
  const lastBlock = await client.getBlockNumber();
  return { rate: signed.length / seconds, blocks: Number(lastBlock - firstBlock) };
}

async function measureDelegations(
  parties: EidlParties,
  count: number,
): Promise<{ rate: number; gasPerSecond: number }> {
  const { ta, na, tnsp } = parties;
  const [taOrg, naOrg, tnspOrg] = await Promise.all([
    createOrg(ta, "TA", ORG_TYPE.TRUST_AUTHORITY),
    createOrg(na, "NA", ORG_TYPE.NUMBERING_AUTHORITY),
    createOrg(tnsp, "TNSP", ORG_TYPE.TNSP),
  ]);
  await vet(ta, tnspOrg, taOrg);
  await setNumberingScope([ta, na, tnsp], naOrg, ["2"]);
  await visible(na, tnspOrg);
  const items = Array.from({ length: count }, (_, i) => ({
    tnId: `2${String(i).padStart(7, "0")}`,
    issuer: naOrg,
    subject: tnspOrg,
  }));
  const t0 = performance.now();
  const hashes: Hex[] = [];
  for (let i = 0; i < items.length; i += GRANTS_PER_CALL) {
    for (const g of await grant(na, items.slice(i, i + GRANTS_PER_CALL))) hashes.push(g.txHash);
  }
  const seconds = (performance.now() - t0) / 1000;
  const client = createPublicClient({ transport: http(parties.rpcUrl) });
  let gas = 0n;
  // Through node 1, which may be a block behind the NA's node: waited for, and a grant's transaction that node never
  // shows (replaced by a fee bump, reorganised away and mined again under another hash) is left out of the share.
  for (const hash of new Set(hashes)) {
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 }).catch(() => undefined);
    gas += receipt?.gasUsed ?? 0n;
  }
  return { rate: count / seconds, gasPerSecond: Number(gas) / seconds };
}

async function measureRoaming(
  op: Record<OperatorName, TestAgentEndpoint>,
  count: number,
): Promise<{ rate: number; completed: number }> {
  const { north } = op;
  const since = new Date().toISOString();
  const started = performance.now();
  for (let i = 0; i < count; i += ATTACHES_PER_TICK) {
    const items = Array.from({ length: Math.min(ATTACHES_PER_TICK, count - i) }, (_, j) => ({
      imsi: imsiOf(NETWORKS.south, 1 + i + j),
    }));
    await expectOk(north.call("POST", "/v1/roaming/attach/batch", { items }), 202);
    await sleep(Math.max(0, started + ((i + ATTACHES_PER_TICK) / ATTACHES_PER_TICK) * 100 - performance.now()));
  }
  // At the deadline the sessions completed so far are counted (and the rest reported as not completed).
  await waitAllRecorded([north], since, started + 600_000).catch((error: Error) => {
    console.log(`[network-throughput] roaming: ${error.message}; counting the sessions completed by then`);
  });
  const sessions = await sessionsSince(north, since);
  let completed = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const s of sessions) {
    first = Math.min(first, Date.parse(s.times.attachedAt));
    if (s.state !== "active" || !s.times.closingMinedAt) continue;
    completed++;
    last = Math.max(last, Date.parse(s.times.closingMinedAt));
  }
  return { rate: completed / ((last - first) / 1000), completed };
}

const visible = (agent: TestAgentEndpoint, org: Org) =>
  waitUntil(
    `${org.name} in ${agent.url}'s read model`,
    async () => (await agent.call("GET", `/v1/accounts/${org.did}`)).status === 200,
    120_000,
  );

async function rpcCall<T = unknown>(url: string, method: string, params: readonly unknown[]): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}
