// Contract writes on the devnet: transactions per second through the member agent's outbox (journalled, signed in
// the agent, mined by anvil), acknowledgement latency, and gas per platform operation measured from real receipts.
import { type Address, encodeFunctionData, type Hex, stringToHex, toHex } from "viem";
import { attributeName } from "../src/core/identity/erc1056.ts";
import { EthereumDIDRegistry } from "../src/generated/contracts.ts";
import { startTestConsortium } from "../testkit/consortium.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

export async function run(args: string[]): Promise<BenchResult> {
  const total = Number(args[0] ?? 400);
  const senders = Number(args[1] ?? 8);
  const consortium = await startTestConsortium([
    { name: "writer", roles: ["TNSP"] },
    { name: "peer", roles: ["TNSP"] },
    { name: "third", roles: ["TNSP"] },
  ]);
  try {
    const writer = consortium.agents.writer!;
    const { agent } = writer;
    const registry = (await import("../src/core/chain/manifest.ts")).readManifest(consortium.manifestPath);
    const didRegistry = (await registry).contracts.EthereumDIDRegistry!.address;

    // Throughput: `total` ERC-1056 setAttribute writes from `senders` keystore accounts, all in flight at once.
    const accounts: Address[] = [];
    for (let i = 0; i < senders; i++) {
      const key = await agent.keystore.create({ kind: "secp256k1", label: `bench-${i}` });
      accounts.push(key.address as Address);
    }
    const ackMs: number[] = [];
    const started = performance.now();
    const tickets = await Promise.all(
      Array.from({ length: total }, async (_, i) => {
        const from = accounts[i % senders] as Address;
        const data = encodeFunctionData({
          abi: EthereumDIDRegistry.abi,
          functionName: "setAttribute",
          args: [from, attributeName("did/svc/BenchEndpoint"), stringToHex(`https://bench.example/${i}`), 86400n],
        });
        const t0 = performance.now();
        const ticket = await agent.outbox.submit({ from, to: didRegistry, data, label: `bench ${i}` });
        ackMs.push(performance.now() - t0);
        return ticket;
      }),
    );
    const acked = performance.now();
    await Promise.all(tickets.map((t) => agent.outbox.waitMined(t.id)));
    const mined = performance.now();
    const ack = summarize(ackMs);
    const throughput = [
      {
        writes: total,
        senders,
        "acknowledged/s": round(total / ((acked - started) / 1000), 0),
        "mined/s": round(total / ((mined - started) / 1000), 0),
        "ack p50 ms": round(ack.p50, 1),
        "ack p99 ms": round(ack.p99, 1),
        "wall s": round((mined - started) / 1000, 2),
      },
    ];

    // Gas per operation, from the receipts of real platform operations driven through the API.
    const gasRows: Array<{ operation: string; gas: number; note: string }> = [];
    const gasOf = async (hash: Hex) => Number((await agent.chain.getTransactionReceipt({ hash })).gasUsed);
    for (const [name, deployed] of Object.entries((await registry).contracts)) {
      gasRows.push({ operation: `deploy ${name}`, gas: await gasOf(deployed.txHash), note: "once per network" });
    }
    const lastTx = async (labelPrefix: string): Promise<Hex> => {
      const rows = await agent.store.query<{ hash: string; label: string }>(
        "SELECT tx_hash AS hash, label FROM chain_outbox WHERE label LIKE $1 ORDER BY created_at DESC, nonce DESC",
        [`${labelPrefix}%`],
      );
      if (!rows[0]) throw new Error(`no transaction labelled ${labelPrefix}`);
      return rows[0].hash as Hex;
    };
    const did = await writer.call<{ did: string }>("POST", "/v1/identity/dids", { label: "gas org" });
    gasRows.push({
      operation: "DID: publish P-256 key (setAttribute)",
      gas: await gasOf(await lastTx("identity.setAttribute did/pub")),
      note: "ERC-1056 attribute",
    });
    gasRows.push({
      operation: "DID: publish service endpoint (setAttribute)",
      gas: await gasOf(await lastTx("identity.setAttribute did/svc/TelcoLedgerAgent")),
      note: "ERC-1056 attribute",
    });
    gasRows.push({
      operation: "membership: bind account (EIP-712 consent)",
      gas: await gasOf(await lastTx("membership.bindAccount")),
      note: "",
    });
    await writer.call("POST", `/v1/identity/dids/${did.body.did}/signing-key/rotate`);
    gasRows.push({
      operation: "DID: revoke old key (revokeAttribute)",
      gas: await gasOf(await lastTx("identity.revokeSigningKey")),
      note: "part of key rotation",
    });
    const vc = await writer.call<{ credentialId: string }>("POST", "/v1/identity/credentials", {
      issuer: did.body.did,
      type: "VettingStatus",
      credentialSubject: { brandName: "Bench" },
    });
    for (const action of ["suspend", "reinstate", "revoke"] as const) {
      await writer.call("POST", `/v1/identity/credentials/${vc.body.credentialId}/${action}`, {
        issuer: did.body.did,
        reason: "Unspecified",
      });
      gasRows.push({
        operation: `credential status: ${action}`,
        gas: await gasOf(await lastTx(`identity.${action}Credential`)),
        note: "",
      });
    }
    const peer = consortium.agents.peer!;
    const proposal = await writer.call<{ proposalId: number; txHash: Hex }>("POST", "/v1/membership/proposals", {
      kind: "admit",
      member: toHex(1, { size: 20 }),
      name: "Gas Member",
      roles: ["TNSP"],
    });
    gasRows.push({
      operation: "governance: propose (admit)",
      gas: await gasOf(proposal.body.txHash),
      note: "proposer's approval included",
    });
    const approve = await peer.call<{ txHash: Hex }>(
      "POST",
      `/v1/membership/proposals/${proposal.body.proposalId}/approve`,
    );
    gasRows.push({
      operation: "governance: approve + execute admission",
      gas: await gasOf(approve.body.txHash),
      note: "2 of 3 governors",
    });

    return {
      name: "contract-writes",
      tables: [
        {
          title: "Writes through one agent's outbox on the devnet (automine, zero gas price)",
          rows: throughput,
          note: "acknowledged = journalled durably in the agent's database (replayed after a crash); mined = receipt seen.",
        },
        { title: "Gas per operation (from receipts)", rows: gasRows },
      ],
    };
  } finally {
    await consortium.stop();
  }
}
