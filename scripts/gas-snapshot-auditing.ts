// Gas of service-outcome auditing: an escrowed task, auditors vetted and signalling, a complaint, the members' beacon,
// the jury draw at 7 and at 70 signalling auditors (the draw tries a bounded number of random pool positions, so its
// cost follows the jury size, not the pool), commit, reveal, tally, an objection with a jury of 5 that settles the case,
// an unobjected case finalized after its window, and a task its agreement's random-audit lottery selects.
import {
  type Account,
  type Address,
  encodeAbiParameters,
  type Hex,
  keccak256,
  parseAbiParameters,
  stringToHex,
  toHex,
} from "viem";
import {
  BankMultisig,
  ConsortiumRegistry,
  MemberBeacon,
  OutcomeCourt,
  ServiceEscrow,
  SettlementToken,
} from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

const role = (name: string) => keccak256(stringToHex(name));
const EPOCH = 30n * 86_400n;
const PHASE = 3_600n;
const FEE = 1_000_00n;
const STAKE = 100_00n;
const UPHOLD = 1;
const REJECT = 2;

export interface Court {
  chain: GasRecorder;
  registry: Address;
  bank: Account;
  governor: Account;
  provider: Account;
  recipient: Account;
  token: Address;
  beacon: Address;
  court: Address;
  escrow: Address;
  genesis: bigint;
  accounts: Map<string, Account>;
  refs: number;
}

export async function measureAuditing(chain: GasRecorder): Promise<void> {
  const c = await deploy(chain);
  await signalAuditors(c, 0, 7, 2, true);
  await atEpoch(c, 1);
  const taskA = await completedTask(c, "install-42", true);
  const caseA = await complain(c, taskA, "OutcomeCourt.complain");
  await runBeacon(c, caseA, true);
  await c.chain.measure("OutcomeCourt.draw/jury of 3 of 7 signalling", c.governor, courtCall(c, "draw", [caseA]));
  await voteAll(c, caseA, 0, UPHOLD, true);
  await c.chain.measure("OutcomeCourt.tally/verdict", c.governor, courtCall(c, "tally", [caseA]));
  // 63 more auditors signal for epoch 2: 70 in its pool.
  await signalAuditors(c, 7, 63, 1, false);
  await atEpoch(c, 2);
  const taskB = await completedTask(c, "install-43", false);
  const caseB = await complain(c, taskB);
  await runBeacon(c, caseB, false);
  await c.chain.measure("OutcomeCourt.draw/jury of 3 of 70 signalling", c.governor, courtCall(c, "draw", [caseB]));
  await voteAll(c, caseB, 0, REJECT, false);
  await c.chain.call(c.governor, courtCall(c, "tally", [caseB]));
  await measureRandomAudit(c);
  // The provider objects to case A in epoch E+1; a fresh jury of 5 overturns it and the tally pays everyone.
  await fund(c, c.provider.address, 80_00n);
  await c.chain.call(c.provider, tokenCall(c, "approve", [c.court, 80_00n]));
  await c.chain.measure("OutcomeCourt.object", c.provider, courtCall(c, "object", [caseA]));
  await runBeacon(c, caseA, false);
  await c.chain.measure("OutcomeCourt.draw/objection jury of 5 of 70", c.governor, courtCall(c, "draw", [caseA]));
  await voteAll(c, caseA, 1, REJECT, false);
  await c.chain.measure("OutcomeCourt.tally/objection upheld, settles", c.governor, courtCall(c, "tally", [caseA]));
  await atEpoch(c, 4);
  await c.chain.measure(
    "OutcomeCourt.finalize/unobjected verdict, settles",
    c.governor,
    courtCall(c, "finalize", [caseB]),
  );
  const first = c.accounts.get("auditor 0");
  if (!first) throw new Error("no auditor 0");
  await c.chain.measure("OutcomeCourt.withdrawStake", first, courtCall(c, "withdrawStake", [50_00n]));
  await measureBankMultisig(c);
}

/** A task whose agreement audits every completed task: completion opens the lottery, the draw opens the case. */
async function measureRandomAudit(c: Court): Promise<void> {
  const taskId = await completedTask(c, "audited-44", false, 10_000, "ServiceEscrow.reportCompletion/with lottery");
  const task = (await c.chain.publicClient.readContract({
    address: c.escrow,
    abi: ServiceEscrow.abi,
    functionName: "task",
    args: [taskId],
  })) as { auditBeacon: Hex };
  await runBeaconRound(c, task.auditBeacon, false, taskId);
  await c.chain.measure("ServiceEscrow.drawAudit/selected, opens the case", c.governor, {
    address: c.escrow,
    abi: ServiceEscrow.abi,
    functionName: "drawAudit",
    args: [taskId],
  } as never);
}

/** A 2-of-3 bank the governors admit as a SETTLEMENT_BANK member: one signature, then the one that mints. */
async function measureBankMultisig(c: Court): Promise<void> {
  const signers = await Promise.all([1, 2, 3].map((i) => c.chain.account(`auditing bank signer ${i}`)));
  const [s1, s2] = signers as [Account, Account, Account];
  const multisig = await c.chain.deploy(
    c.governor,
    { abi: BankMultisig.abi, bytecode: BankMultisig.bytecode, args: [c.token, signers.map((s) => s.address), 2n] },
    "BankMultisig.deploy",
  );
  const onRegistry = (functionName: string, args: readonly unknown[]) =>
    ({ address: c.registry, abi: ConsortiumRegistry.abi, functionName, args }) as never;
  const proposed = await c.chain.call(
    c.governor,
    onRegistry("propose", [0, multisig, "Clearing bank (2 of 3)", [role("SETTLEMENT_BANK")], 86_400n]),
  );
  const proposalId = BigInt(proposed.logs[0]?.topics[1] ?? "0x0");
  await c.chain.call(c.bank, onRegistry("approve", [proposalId]));
  await c.chain.call(c.provider, onRegistry("approve", [proposalId]));
  const mint = { address: multisig, abi: BankMultisig.abi, functionName: "approveMint" } as const;
  const args = [c.recipient.address, 500_00n, toHex("multisig receipt 1", { size: 32 })];
  await c.chain.measure("BankMultisig.approveMint/first signature", s1, { ...mint, args } as never);
  await c.chain.measure("BankMultisig.approveMint/second signature, mints", s2, { ...mint, args } as never);
}

export function courtCall(c: Court, functionName: string, args: readonly unknown[]) {
  return { address: c.court, abi: OutcomeCourt.abi, functionName, args } as never;
}

function tokenCall(c: Court, functionName: string, args: readonly unknown[]) {
  return { address: c.token, abi: SettlementToken.abi, functionName, args } as never;
}

export async function deploy(chain: GasRecorder): Promise<Court> {
  const [governor, bank, provider, recipient] = (await Promise.all(
    ["auditing governor", "auditing bank", "auditing provider", "auditing recipient"].map((l) => chain.account(l)),
  )) as [Account, Account, Account, Account];
  const registry = await chain.deploy(governor, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      [governor.address, bank.address, provider.address, recipient.address],
      ["Vetting Authority", "Clearing Bank", "North Mobile", "Acme Enterprise"],
      [[role("KYC_VETTER")], [role("SETTLEMENT_BANK")], [role("MOBILE_OPERATOR")], [role("ENTERPRISE")]],
    ],
  });
  const token = await chain.deploy(governor, {
    abi: SettlementToken.abi,
    bytecode: SettlementToken.bytecode,
    args: [registry, "EUR", 2],
  });
  const beacon = await chain.deploy(
    governor,
    { abi: MemberBeacon.abi, bytecode: MemberBeacon.bytecode, args: [registry, PHASE, 1] },
    "MemberBeacon.deploy",
  );
  const params = {
    commitSeconds: 86_400n,
    revealSeconds: 86_400n,
    minAuditorStake: STAKE,
    jurorDeposit: 10_00n,
    complaintStakeBps: 1_000,
    validationFeeBps: 2_000,
    objectionStakeBps: 2_000,
    objectorShareBps: 5_000,
    firstJurySize: 3,
    objectionJurySize: 5,
    maxAttempts: 3,
    drawTriesPerSeat: 8,
    vetQuorum: 1,
    maxSignalEpochs: 6,
    slashSink: bank.address,
  };
  const court = await chain.deploy(
    governor,
    { abi: OutcomeCourt.abi, bytecode: OutcomeCourt.bytecode, args: [registry, token, beacon, EPOCH, params] },
    "OutcomeCourt.deploy",
  );
  // The court deploys its own escrow in its constructor; a standalone one (same code) gives the escrow's own cost.
  await chain.deploy(
    governor,
    { abi: ServiceEscrow.abi, bytecode: ServiceEscrow.bytecode, args: [registry, token, governor.address, beacon] },
    "ServiceEscrow.deploy",
  );
  const escrow = (await chain.publicClient.readContract({
    address: court,
    abi: OutcomeCourt.abi,
    functionName: "escrow",
  })) as Address;
  const genesis = await chain.now();
  const accounts = new Map<string, Account>();
  const c: Court = {
    chain,
    registry,
    bank,
    governor,
    provider,
    recipient,
    token,
    beacon,
    court,
    escrow,
    genesis,
    accounts,
    refs: 0,
  };
  return c;
}

async function fund(c: Court, to: Address, amount: bigint): Promise<void> {
  c.refs += 1;
  await c.chain.call(
    c.bank,
    tokenCall(c, "mintOnFiatReceipt", [to, amount, toHex(`auditing-${c.refs}`, { size: 32 })]),
  );
}

export async function atEpoch(c: Court, epoch: number): Promise<void> {
  await c.chain.setNextBlockTime(c.genesis + BigInt(epoch) * EPOCH + 1n);
}

export async function signalAuditors(
  c: Court,
  from: number,
  count: number,
  epochs: number,
  record: boolean,
): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const auditor = await c.chain.account(`auditing auditor ${i}`);
    c.accounts.set(`auditor ${i}`, auditor);
    c.accounts.set(auditor.address.toLowerCase(), auditor);
    const did = keccak256(stringToHex(`did:ethr:auditor-${i}`));
    const vet = courtCall(c, "vetAuditor", [auditor.address, did, "0x0000000000000000000000000000000000000000"]);
    if (record && i === from) await c.chain.measure("OutcomeCourt.vetAuditor", c.governor, vet);
    else await c.chain.call(c.governor, vet);
    await fund(c, auditor.address, STAKE);
    await c.chain.call(auditor, tokenCall(c, "approve", [c.court, STAKE]));
    const signal = courtCall(c, "signal", [STAKE, 4, BigInt(epochs), keccak256(stringToHex(`x25519 ${i}`))]);
    if (record && i === from) await c.chain.measure("OutcomeCourt.signal", auditor, signal);
    else await c.chain.call(auditor, signal);
  }
}

export async function completedTask(
  c: Court,
  ref: string,
  record: boolean,
  auditBps = 0,
  recordCompletionAs?: string,
): Promise<Hex> {
  const escrow = (functionName: string, args: readonly unknown[]) =>
    ({ address: c.escrow, abi: ServiceEscrow.abi, functionName, args }) as const;
  const step = (name: string, account: Account, call: ReturnType<typeof escrow>) =>
    record ? c.chain.measure(name, account, call as never) : c.chain.call(account, call as never);
  const salt = keccak256(stringToHex(ref));
  const proposed = await step(
    "ServiceEscrow.proposeAgreement",
    c.recipient,
    escrow("proposeAgreement", [
      c.provider.address,
      FEE,
      6_000,
      90 * 86_400,
      auditBps,
      keccak256(stringToHex("MTTR<=4h")),
      salt,
    ]),
  );
  const agreementId = proposed.logs[0]?.topics[1];
  if (!agreementId) throw new Error("proposeAgreement emitted no id");
  await step("ServiceEscrow.acceptAgreement", c.provider, escrow("acceptAgreement", [agreementId]));
  await fund(c, c.recipient.address, FEE + FEE / 10n);
  await c.chain.call(c.recipient, {
    address: c.token,
    abi: SettlementToken.abi,
    functionName: "approve",
    args: [c.escrow, FEE],
  } as never);
  const taskRef = keccak256(stringToHex(`${ref} task`));
  await step("ServiceEscrow.orderTask", c.recipient, escrow("orderTask", [agreementId, taskRef]));
  const taskId = keccak256(encodeAbiParameters(parseAbiParameters("bytes32, bytes32"), [agreementId, taskRef]));
  const completion = escrow("reportCompletion", [taskId, keccak256(stringToHex("done"))]);
  if (recordCompletionAs) await c.chain.measure(recordCompletionAs, c.provider, completion as never);
  else await step("ServiceEscrow.reportCompletion", c.provider, completion);
  return taskId;
}

export async function complain(c: Court, taskId: Hex, recordAs?: string): Promise<Hex> {
  await c.chain.call(c.recipient, tokenCall(c, "approve", [c.court, FEE / 10n]));
  const call = courtCall(c, "complain", [taskId, keccak256(stringToHex("evidence"))]);
  if (recordAs) await c.chain.measure(recordAs, c.recipient, call);
  else await c.chain.call(c.recipient, call);
  return keccak256(encodeAbiParameters(parseAbiParameters("bytes32, address"), [taskId, c.recipient.address]));
}

async function read<T>(c: Court, functionName: string, args: readonly unknown[]): Promise<T> {
  return (await c.chain.publicClient.readContract({
    address: c.court,
    abi: OutcomeCourt.abi,
    functionName,
    args,
  } as never)) as T;
}

export async function runBeacon(c: Court, caseId: Hex, record: boolean): Promise<void> {
  const { beaconKey } = await read<{ beaconKey: Hex }>(c, "getCase", [caseId]);
  await runBeaconRound(c, beaconKey, record, caseId);
}

/** One member commits and reveals a secret for round `beaconKey`; the next block falls after its reveal phase. */
async function runBeaconRound(c: Court, beaconKey: Hex, record: boolean, seed: Hex): Promise<void> {
  const secret = keccak256(stringToHex(`secret ${seed}`));
  const commitment = keccak256(
    encodeAbiParameters(parseAbiParameters("bytes32, address, bytes32"), [beaconKey, c.governor.address, secret]),
  );
  const on = (functionName: string, args: readonly unknown[]) =>
    ({ address: c.beacon, abi: MemberBeacon.abi, functionName, args }) as const;
  if (record) await c.chain.measure("MemberBeacon.commit", c.governor, on("commit", [beaconKey, commitment]) as never);
  else await c.chain.call(c.governor, on("commit", [beaconKey, commitment]) as never);
  const now = await c.chain.now();
  await c.chain.setNextBlockTime(now + PHASE);
  if (record) await c.chain.measure("MemberBeacon.reveal", c.governor, on("reveal", [beaconKey, secret]) as never);
  else await c.chain.call(c.governor, on("reveal", [beaconKey, secret]) as never);
  await c.chain.setNextBlockTime(now + 2n * PHASE + 1n);
}

async function voteAll(c: Court, caseId: Hex, round: number, vote: number, record: boolean): Promise<void> {
  const jurors = await read<Address[]>(c, "jurors", [caseId, round]);
  const { attempt } = await read<{ attempt: number }>(c, "getCase", [caseId]);
  const panel = await read<{ commitEnd: bigint; revealEnd: bigint }>(c, "panel", [caseId, round]);
  const salt = (juror: Address) => keccak256(stringToHex(`salt ${juror}`));
  for (const [i, juror] of jurors.entries()) {
    const account = c.accounts.get(juror.toLowerCase());
    if (!account) throw new Error(`unknown juror ${juror}`);
    const commitment = keccak256(
      encodeAbiParameters(parseAbiParameters("bytes32, uint8, uint8, address, uint8, bytes32"), [
        caseId,
        round,
        attempt,
        juror,
        vote,
        salt(juror),
      ]),
    );
    const call = courtCall(c, "commitVote", [caseId, commitment]);
    if (record && i === 0) await c.chain.measure("OutcomeCourt.commitVote", account, call);
    else await c.chain.call(account, call);
  }
  await c.chain.setNextBlockTime(panel.commitEnd);
  for (const [i, juror] of jurors.entries()) {
    const account = c.accounts.get(juror.toLowerCase()) as Account;
    const call = courtCall(c, "revealVote", [caseId, vote, salt(juror)]);
    if (record && i === 0) await c.chain.measure("OutcomeCourt.revealVote", account, call);
    else await c.chain.call(account, call);
  }
  await c.chain.setNextBlockTime(panel.revealEnd);
}

const AUDITING_ROWS: ReadonlyArray<[string, string]> = [
  ["MemberBeacon.deploy", "MemberBeacon deployment"],
  ["OutcomeCourt.deploy", "OutcomeCourt deployment (deploys its ServiceEscrow)"],
  ["ServiceEscrow.deploy", "ServiceEscrow deployment on its own (the court deploys one in its constructor)"],
  ["ServiceEscrow.proposeAgreement", "proposeAgreement"],
  ["ServiceEscrow.acceptAgreement", "acceptAgreement"],
  ["ServiceEscrow.orderTask", "orderTask (fee paid in)"],
  ["ServiceEscrow.reportCompletion", "reportCompletion (X% paid, Y% escrowed)"],
  [
    "ServiceEscrow.reportCompletion/with lottery",
    "reportCompletion with random audits agreed (opens the lottery's beacon round)",
  ],
  ["ServiceEscrow.drawAudit/selected, opens the case", "drawAudit: selected, opens the case (no requester stake)"],
  ["OutcomeCourt.vetAuditor", "vetAuditor"],
  ["OutcomeCourt.signal", "signal (stake, 2 epochs)"],
  ["OutcomeCourt.complain", "complain (stake, opens the beacon round)"],
  ["MemberBeacon.commit", "beacon commit"],
  ["MemberBeacon.reveal", "beacon reveal"],
  ["OutcomeCourt.draw/jury of 3 of 7 signalling", "draw: jury of 3, 7 auditors signalling"],
  ["OutcomeCourt.draw/jury of 3 of 70 signalling", "draw: jury of 3, 70 auditors signalling"],
  ["OutcomeCourt.draw/objection jury of 5 of 70", "draw: objection jury of 5, 70 signalling"],
  ["OutcomeCourt.commitVote", "commitVote"],
  ["OutcomeCourt.revealVote", "revealVote"],
  ["OutcomeCourt.tally/verdict", "tally (first verdict)"],
  ["OutcomeCourt.object", "object (stake, opens the beacon round)"],
  [
    "OutcomeCourt.tally/objection upheld, settles",
    "settle: tally of the objection jury, pays 8 jurors, objector, escrow",
  ],
  ["OutcomeCourt.finalize/unobjected verdict, settles", "settle: finalize an unobjected verdict"],
  ["OutcomeCourt.withdrawStake", "withdrawStake"],
  ["BankMultisig.deploy", "BankMultisig deployment (2 of 3 signers)"],
  ["BankMultisig.approveMint/first signature", "BankMultisig.approveMint (first signature)"],
  ["BankMultisig.approveMint/second signature, mints", "BankMultisig.approveMint (second signature, mints)"],
];

/** The doc's gas table (docs/auditing.md). */
export function auditingGasTable(figures: { gas(operation: string): number }): string {
  const lines = ["| operation | gas |", "| --- | ---: |"];
  for (const [operation, label] of AUDITING_ROWS) {
    lines.push(`| ${label} | ${Math.round(figures.gas(operation)).toLocaleString("en-US")} |`);
  }
  return lines.join("\n");
}
