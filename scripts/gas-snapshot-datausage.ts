// Gas of the data-usage contract (docs/datausage.md): a subject's contract with two allowed processors, a transfer to
// the first processor and on to the second, the subject's revocation, and one consultation batch, whose gas is the
// same for any batch size (one root), so the per-1,000 figure divides it by the batch size.
import { type Hex, keccak256, stringToHex } from "viem";
import { ConsortiumRegistry, DataUsage } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

/** The consultations one batch stands for in the per-1,000 row (the agent's MAX_BATCH). */
export const DATAUSAGE_BATCH_SIZE = 10_000;

const h = (label: string): Hex => keccak256(stringToHex(label));
const terms = (label: string, secret: Hex) => ({
  nonce: h(`${label} nonce`),
  subjectFingerprint: h(`${label} subject`),
  dataFingerprint: h(`${label} data`),
  policyFingerprint: h(`${label} policy`),
  policyStructure: h("structure"),
  consentHash: h(`${label} consent`),
  revocationCommitment: keccak256(secret),
});

export async function measureDataUsage(chain: GasRecorder): Promise<void> {
  const controller = await chain.account("datausage controller");
  const first = await chain.account("datausage processor 1");
  const second = await chain.account("datausage processor 2");
  const consortium = await chain.deploy(controller, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      [controller.address, first.address, second.address],
      ["Controller", "Processor 1", "Processor 2"],
      [[], [], []],
    ],
  });
  const usage = await chain.deploy(
    controller,
    { abi: DataUsage.abi, bytecode: DataUsage.bytecode, args: [consortium] },
    "DataUsage.deploy",
  );
  const on = { address: usage, abi: DataUsage.abi } as const;
  const secret = h("subject secret");
  const root = terms("root", secret);
  await chain.measure("DataUsage.create", controller, {
    ...on,
    functionName: "create",
    args: [root, 2, [first.address, second.address]],
  });
  const rootId = await chain.publicClient.readContract({
    ...on,
    functionName: "contractIdOf",
    args: [controller.address, root],
  });
  const child = terms("child", h("child secret"));
  await chain.measure("DataUsage.transfer", controller, {
    ...on,
    functionName: "transfer",
    args: [rootId, first.address, child],
  });
  const childId = await chain.publicClient.readContract({
    ...on,
    functionName: "childIdOf",
    args: [controller.address, rootId, first.address, child],
  });
  await chain.measure("DataUsage.transfer/depth 2", first, {
    ...on,
    functionName: "transfer",
    args: [childId, second.address, terms("grandchild", h("grandchild secret"))],
  });
  await chain.measure("DataUsage.recordConsultations", controller, {
    ...on,
    functionName: "recordConsultations",
    args: [h("consultation root"), DATAUSAGE_BATCH_SIZE],
  });
  await chain.measure("DataUsage.revoke", controller, { ...on, functionName: "revoke", args: [rootId, secret] });
}

/** docs/datausage.md's gas table (`gas` marks each operation used). */
export function dataUsageGasTable(figures: { gas(operation: string): number }): string {
  const n = (value: number) => Math.round(value).toLocaleString("en-US");
  const rows: Array<[string, string]> = [
    ["DataUsage.deploy", "DataUsage deployment"],
    ["DataUsage.create", "create (a subject's contract, two allowed processors)"],
    ["DataUsage.transfer", "transfer (controller to the first processor)"],
    ["DataUsage.transfer/depth 2", "transfer (first processor to the second)"],
    ["DataUsage.revoke", "revoke (the subject's secret)"],
    ["DataUsage.recordConsultations", "recordConsultations (one batch, any size)"],
  ];
  const lines = [
    "| operation | gas |",
    "| --- | ---: |",
    ...rows.map(([op, label]) => `| ${label} | ${n(figures.gas(op))} |`),
  ];
  const batch = figures.gas("DataUsage.recordConsultations");
  lines.push(
    `| per 1,000 consultations in batches of ${n(DATAUSAGE_BATCH_SIZE)} | ${n(batch / (DATAUSAGE_BATCH_SIZE / 1000))} |`,
    `| per 1,000 consultations in batches of 1,000 | ${n(batch)} |`,
  );
  return lines.join("\n");
}
