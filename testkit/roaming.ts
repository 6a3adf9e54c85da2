// Three mobile operators on a real devnet, each with its organisation DID, a network code claimed through
// governance (approved by the other two), a published encryption key and demo subscribers: the starting point of
// every roaming test and benchmark.
import assert from "node:assert/strict";
import type { Address } from "viem";
import { readManifest } from "../src/core/chain/manifest.ts";
import { SERVICES } from "../src/roaming/subscribers/register.ts";
import {
  startTestConsortium,
  type TestAgent,
  type TestAgentEndpoint,
  type TestAgentProcess,
  type TestConsortium,
} from "./consortium.ts";
import { eventually } from "./eventually.ts";

export const NETWORKS = { north: "00101", south: "00102", east: "001030" } as const;
export type OperatorName = keyof typeof NETWORKS;

export interface RoamingConsortium<A extends TestAgentEndpoint = TestAgent> extends TestConsortium<A> {
  op: Record<OperatorName, A>;
  /** The RoamingExchange address, for tests that write to it directly (as a misbehaving operator would). */
  exchange: Address;
}

export const imsiOf = (plmn: string, n: number) => `${plmn}${String(n).padStart(15 - plmn.length, "0")}`;

export function subscriber(imsi: string, overrides: Record<string, unknown> = {}) {
  return {
    imsi,
    msisdn: `4479${imsi.slice(-9)}`,
    status: "active",
    roamingAllowed: true,
    services: Object.fromEntries(SERVICES.map((s) => [s, true])),
    ...overrides,
  };
}

export async function expectOk<T>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}

export interface RoamingConsortiumOptions {
  blockTimeSeconds?: number;
  subscribers?: number;
  /** Every operator's agent in its own process (see startTestConsortium). */
  agentProcesses?: boolean;
}

export const ROAMING_MEMBERS = (Object.keys(NETWORKS) as OperatorName[]).map((name) => ({
  name,
  roles: ["MOBILE_OPERATOR"],
}));

export function startRoamingConsortium(
  options?: RoamingConsortiumOptions & { agentProcesses?: false },
): Promise<RoamingConsortium<TestAgent>>;
export function startRoamingConsortium(
  options: RoamingConsortiumOptions & { agentProcesses: true },
): Promise<RoamingConsortium<TestAgentProcess>>;
export function startRoamingConsortium(
  options?: RoamingConsortiumOptions,
): Promise<RoamingConsortium<TestAgent | TestAgentProcess>>;
export async function startRoamingConsortium(
  options: RoamingConsortiumOptions = {},
): Promise<RoamingConsortium<TestAgent | TestAgentProcess>> {
  const consortium = await startTestConsortium(ROAMING_MEMBERS, {
    ...(options.blockTimeSeconds ? { blockTimeSeconds: options.blockTimeSeconds } : {}),
    agentProcesses: options.agentProcesses ?? false,
  });
  try {
    const op = consortium.agents as Record<OperatorName, TestAgent | TestAgentProcess>;
    const exchange = await setUpRoaming(op, consortium.manifestPath, options.subscribers ?? 10);
    return { ...consortium, op, exchange };
  } catch (error) {
    await consortium.stop();
    throw error;
  }
}

/**
 * Each operator's organisation DID, its network claimed through governance, its published key and `subscribers`
 * demo subscribers, through the operators' agents' APIs; answers the RoamingExchange address.
 */
export async function setUpRoaming(
  op: Record<OperatorName, TestAgentEndpoint>,
  manifestPath: string,
  subscribers: number,
): Promise<Address> {
  const names = Object.keys(NETWORKS) as OperatorName[];
  const dids = await Promise.all(
    names.map((name) =>
      expectOk<{ did: string }>(op[name].call("POST", "/v1/identity/dids", { label: `${name} operator` }), 201),
    ),
  );
  for (const name of names) {
    const { claimId } = await expectOk<{ claimId: number }>(
      op[name].call("POST", "/v1/roaming/claims", { plmn: NETWORKS[name] }),
      201,
    );
    // Two of three governors (the others) make the majority; the claimant may not vote. On a network a governor's
    // node may not hold the claim's block yet (the node refuses with UnknownClaim): asked again until it does.
    for (const other of names.filter((n) => n !== name)) {
      await eventually(() => expectOk(op[other].call("POST", `/v1/roaming/claims/${claimId}/approve`)));
    }
  }
  await Promise.all(names.map((name) => expectOk(op[name].call("POST", "/v1/roaming/keys/publish", {}))));
  // Every operator resolves every other's published key (on a network, once its node holds and its indexer confirmed
  // the block; at once on the devnet).
  for (const [i, name] of names.entries()) {
    for (const [j, other] of dids.entries()) {
      if (i === j) continue;
      await eventually(async () => {
        const { didDocument } = await expectOk<{ didDocument: { keyAgreement?: unknown[] } }>(
          op[name].call("GET", `/v1/identity/dids/${other.did}?noCache=true`),
        );
        assert.ok((didDocument.keyAgreement ?? []).length > 0, `${name} sees no published key of ${other.did} yet`);
      });
    }
  }
  for (const name of names) {
    const items = Array.from({ length: subscribers }, (_, i) => subscriber(imsiOf(NETWORKS[name], i + 1)));
    for (let i = 0; i < items.length; i += 5_000) {
      await expectOk(op[name].call("PUT", "/v1/roaming/subscribers", { items: items.slice(i, i + 5_000) }));
    }
  }
  // Every agent's read model knows every network before anyone attaches.
  for (const name of names) {
    await eventually(async () => {
      const { items } = await expectOk<{ items: unknown[] }>(op[name].call("GET", "/v1/roaming/networks"));
      assert.equal(items.length, 3);
    });
  }
  const manifest = await readManifest(manifestPath);
  return manifest.contracts.RoamingExchange?.address as Address;
}

export type AgentMode = "processes" | "in-process";

/**
 * How a roaming benchmark runs the operators' agents: each in its own process (the deployment shape, default), or
 * all inside the benchmark process for comparison (argument "in-process" or TELCO_BENCH_IN_PROCESS=1).
 */
export function benchAgentMode(arg: string | undefined): AgentMode {
  if (arg === undefined) return process.env.TELCO_BENCH_IN_PROCESS === "1" ? "in-process" : "processes";
  if (arg === "processes" || arg === "in-process") return arg;
  throw new Error(`agent mode must be "processes" or "in-process", got ${JSON.stringify(arg)}`);
}
