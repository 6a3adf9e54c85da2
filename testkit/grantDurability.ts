// Issue 10's durability check, shared by the devnet run and the multi-node network run: writers allocating numbers
// through the EIDL API (POST /v1/tnallocation) while things are killed, then every acknowledged write checked on chain
// (receipt, the grant under the acknowledged id, its GrantRecorded event) and every agent's read model compared with
// the chain by its consistency checker.
import { type Abi, type Address, createPublicClient, type Hex, http, parseEventLogs } from "viem";
import { readManifest } from "../src/core/chain/manifest.ts";
import { allContractArtifacts } from "../src/ledger/deploymentPlan.ts";
import type { TestAgentEndpoint } from "./consortium.ts";
import { type Org, ok } from "./eidlHierarchy.ts";
import { waitUntil } from "./eventually.ts";

const REQUEST_TIMEOUT_MS = 60_000;

export interface Ack {
  tnId: string;
  grantId: string;
  txHash: Hex;
}

interface ConsistencyAnswer {
  checked: string[];
  differenceCount: number;
  differences: unknown[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const addressOf = (did: string) => (did.split(":").at(-1) ?? "").toLowerCase();

/** Writers that allocate their own 8-digit prefixes (lane digit after `prefix`), one per request, until stopped. */
export function startAllocationWriters(
  agent: { url: string; adminKey: string },
  writers: number,
  issuer: Org,
  subject: Org,
  prefix = "2",
) {
  const acks: Ack[] = [];
  const refused = new Map<string, number>();
  let writing = true;
  const writer = async (lane: number) => {
    for (let n = 0; writing; n++) {
      const tnId = `${prefix}${lane}${String(n).padStart(6, "0")}`;
      const outcome = await allocate(agent.url, agent.adminKey, tnId, issuer, subject);
      if ("ack" in outcome) acks.push(outcome.ack);
      else {
        refused.set(outcome.failure, (refused.get(outcome.failure) ?? 0) + 1);
        await sleep(200);
      }
    }
  };
  const running = Array.from({ length: writers }, (_, lane) => writer(lane));
  return {
    acks,
    refused,
    async stop() {
      writing = false;
      await Promise.all(running);
    },
  };
}

export interface DurabilityReport {
  acknowledged: number;
  receipts: number;
  idsEqual: number;
  events: number;
  wrong: string[];
  readModelDifferences: number;
  checked: Set<string>;
  sample: unknown[];
}

/** Every acknowledged write against the chain (through `rpcUrl`), and every agent's read model against the chain. */
export async function checkAcknowledgedGrants(options: {
  acks: readonly Ack[];
  rpcUrl: string;
  manifestPath: string;
  holder: Org;
  agents: Record<string, TestAgentEndpoint>;
  receiptWaitMs?: number;
}): Promise<DurabilityReport> {
  const { acks } = options;
  const manifest = await readManifest(options.manifestPath);
  const tnAuthority = manifest.contracts.TnAuthority?.address as Address;
  const abi = allContractArtifacts().TnAuthority?.abi as Abi;
  const chain = createPublicClient({ transport: http(options.rpcUrl) });
  const receiptOf = (hash: Hex) => chain.getTransactionReceipt({ hash }).catch(() => undefined);
  await waitUntil(
    "a receipt for every acknowledged write (the outboxes replay what a restore lost)",
    async () => (await Promise.all(acks.map((a) => receiptOf(a.txHash)))).every((r) => r?.status === "success"),
    options.receiptWaitMs ?? 60_000,
    500,
  ).catch(() => undefined);
  let receipts = 0;
  let idsEqual = 0;
  let events = 0;
  const wrong: string[] = [];
  for (const ack of acks) {
    const receipt = await receiptOf(ack.txHash);
    if (receipt?.status === "success") receipts++;
    const onChain = (await chain
      .readContract({ address: tnAuthority, abi, functionName: "grant", args: [BigInt(ack.grantId)] })
      .catch(() => undefined)) as { prefix?: string; holder?: string } | undefined;
    if (onChain?.prefix === ack.tnId && onChain.holder?.toLowerCase() === addressOf(options.holder.did)) idsEqual++;
    else if (wrong.length < 5)
      wrong.push(`${ack.tnId} acknowledged as grant ${ack.grantId}, chain has ${onChain?.prefix}`);
    const recorded = parseEventLogs({ abi, logs: receipt?.logs ?? [], eventName: "GrantRecorded" }).some(
      (log) => (log.args as { grantId?: bigint }).grantId === BigInt(ack.grantId),
    );
    if (recorded) events++;
  }

  let readModelDifferences = 0;
  const checked = new Set<string>();
  const sample: unknown[] = [];
  for (const [name, agent] of Object.entries(options.agents)) {
    const report = await ok<ConsistencyAnswer>(agent, "GET", "/v1/agent/consistency");
    readModelDifferences += report.differenceCount;
    for (const domain of report.checked) checked.add(domain);
    sample.push(...report.differences.slice(0, 3).map((d) => ({ agent: name, ...(d as object) })));
  }
  return { acknowledged: acks.length, receipts, idsEqual, events, wrong, readModelDifferences, checked, sample };
}

/** One allocation through the API: acknowledged (201 with its grant id) or why not. */
async function allocate(
  url: string,
  key: string,
  tnId: string,
  issuer: Org,
  subject: Org,
): Promise<{ ack: Ack } | { failure: string }> {
  try {
    const response = await fetch(new URL("/v1/tnallocation", url), {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ tnAllocation: [{ tnId, issuerId: issuer.did, subjectId: subject.did }] }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as {
      code?: string;
      tnAllocationResponse?: Array<{ grantId: string; txHash: Hex }>;
    };
    const [result] = body.tnAllocationResponse ?? [];
    if (response.status === 201 && result) return { ack: { tnId, grantId: result.grantId, txHash: result.txHash } };
    return { failure: `${response.status} ${body.code ?? ""}`.trim() };
  } catch (error) {
    // No answer: the agent was down or killed during the request.
    return { failure: `no answer (${(error as Error).name})` };
  }
}
