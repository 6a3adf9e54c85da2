// Gas of service-outcome auditing: an escrowed task, auditors vetted and signalling with their ticket roots, a
// complaint, the members' beacon, the jury lottery opened at 7 and at 70 signalling auditors (a constant-cost draw:
// seed, slot and threshold, whatever the pool), drawn auditors claiming seats with their votes (the first claim, and a
// lower ticket displacing a higher one), reveal, tally, an objection with a jury of 5 that settles the case, an
// unobjected case finalized after its window, the epoch seeds revealed (the tree rebuilt) and a silent drawn auditor
// slashed, a parameter change through the court's governance, and a task its agreement's random-audit lottery selects.
import {
  type Account,
  type Address,
  concat,
  encodeAbiParameters,
  type Hex,
  keccak256,
  parseAbiParameters,
  stringToHex,
  toHex,
} from "viem";
import {
  AuditorTickets,
  BankMultisig,
  ConsortiumRegistry,
  CourtGovernance,
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
  tickets: Address;
  governance: Address;
  genesis: bigint;
  params: CourtParams;
  accounts: Map<string, Account>;
  /** Each signalling auditor's ticket seed per epoch it signalled for, by lower-case address. */
  auditors: Map<string, SignallingAuditor>;
  refs: number;
}

export interface SignallingAuditor {
  index: number;
  account: Account;
  seeds: Map<bigint, Hex>;
}

type CourtParams = ReturnType<typeof initialParams>;

function initialParams(slashSink: Address) {
  return {
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
    // 9 tickets for a jury of 3: every auditor of a pool of 7 is drawn (so claims can displace), and an objection
    // jury of 5 is drawn from 70 (15 tickets) with room to spare once the first jury is left out.
    ticketsPerSeat: 3,
    vetQuorum: 1,
    maxSignalEpochs: 6,
    slashSink,
  };
}

export async function measureAuditing(chain: GasRecorder): Promise<void> {
  const c = await deploy(chain);
  await signalAuditors(c, 0, 7, 2, true);
  await atEpoch(c, 1);
  const taskA = await completedTask(c, "install-42", true);
  const caseA = await complain(c, taskA, "OutcomeCourt.complain");
  await runBeacon(c, caseA, true);
  await c.chain.measure("OutcomeCourt.draw/lottery, jury of 3 of 7", c.governor, courtCall(c, "draw", [caseA]));
  // Every drawn auditor claims, highest ticket first: the first claims fill the seats, the later ones displace.
  await voteAll(c, caseA, 0, UPHOLD, { record: true, claimAll: true });
  await c.chain.measure("OutcomeCourt.tally/verdict", c.governor, courtCall(c, "tally", [caseA]));
  // 63 more auditors signal for epoch 2: 70 in its pool.
  await signalAuditors(c, 7, 63, 1, false);
  await atEpoch(c, 2);
  const taskB = await completedTask(c, "install-43", false);
  const caseB = await complain(c, taskB);
  await runBeacon(c, caseB, false);
  await c.chain.measure("OutcomeCourt.draw/lottery, jury of 3 of 70", c.governor, courtCall(c, "draw", [caseB]));
  // Only the 3 lowest tickets claim: the other drawn auditors stay silent (slashed in epoch 3).
  const silent = await voteAll(c, caseB, 0, REJECT, { record: false, claimAll: false });
  await c.chain.call(c.governor, courtCall(c, "tally", [caseB]));
  await measureRandomAudit(c);
  // The provider objects to case A in epoch E+1; a fresh jury of 5 overturns it and the tally pays everyone.
  await fund(c, c.provider.address, 80_00n);
  await c.chain.call(c.provider, tokenCall(c, "approve", [c.court, 80_00n]));
  await c.chain.measure("OutcomeCourt.object", c.provider, courtCall(c, "object", [caseA]));
  await runBeacon(c, caseA, false);
  await c.chain.measure(
    "OutcomeCourt.draw/objection lottery, jury of 5 of 70",
    c.governor,
    courtCall(c, "draw", [caseA]),
  );
  await voteAll(c, caseA, 1, REJECT, { record: false, claimAll: false });
  await c.chain.measure("OutcomeCourt.tally/objection upheld, settles", c.governor, courtCall(c, "tally", [caseA]));
  // Epoch 3: seeds revealed for epoch 2 (and 1), then a drawn auditor that stayed silent in case B is slashed.
  await atEpoch(c, 3);
  const slashed = silent.find((a) => a.seeds.size === 1);
  if (!slashed) throw new Error("no silent drawn auditor in case B that signalled for epoch 2 alone");
  await revealSeeds(c, slashed, "AuditorTickets.revealSeeds/one epoch with lotteries (tree rebuild)");
  await c.chain.measure(
    "OutcomeCourt.slashSilent",
    c.governor,
    courtCall(c, "slashSilent", [caseB, 0, 0, slashed.account.address]),
  );
  const first = c.auditors.get((c.accounts.get("auditor 0") as Account).address.toLowerCase());
  if (!first) throw new Error("no auditor 0");
  await revealSeeds(c, first, "AuditorTickets.revealSeeds/two epochs with lotteries (two tree rebuilds)");
  await atEpoch(c, 4);
  await c.chain.measure(
    "OutcomeCourt.finalize/unobjected verdict, settles",
    c.governor,
    courtCall(c, "finalize", [caseB]),
  );
  await c.chain.measure("OutcomeCourt.withdrawStake", first.account, courtCall(c, "withdrawStake", [50_00n]));
  await measureGovernance(c);
  await measureBankMultisig(c);
}

/** An auditor that revealed nothing yet reveals the ticket seeds of every epoch it signalled for, in order. */
async function revealSeeds(c: Court, auditor: SignallingAuditor, recordAs?: string): Promise<void> {
  const epochs = [...auditor.seeds.keys()].sort((a, b) => (a < b ? -1 : 1));
  const seeds = epochs.map((e) => auditor.seeds.get(e) as Hex);
  const call = {
    address: c.tickets,
    abi: AuditorTickets.abi,
    functionName: "revealSeeds",
    args: [epochs[0], seeds],
  } as never;
  if (recordAs) await c.chain.measure(recordAs, auditor.account, call);
  else await c.chain.call(auditor.account, call);
}

/** Four governors: a proposal (the proposer's approval), a second approval, and the third, which sets the params. */
async function measureGovernance(c: Court): Promise<void> {
  const on = (functionName: string, args: readonly unknown[]) =>
    ({ address: c.governance, abi: CourtGovernance.abi, functionName, args }) as never;
  const proposed = await c.chain.measure(
    "CourtGovernance.proposeParams",
    c.governor,
    on("proposeParams", [{ ...c.params, ticketsPerSeat: 2 }]),
  );
  const id = proposed.logs[0]?.topics[1];
  if (!id) throw new Error("proposeParams emitted no id");
  await c.chain.call(c.bank, on("approveParams", [id]));
  await c.chain.measure(
    "CourtGovernance.approveParams/majority, sets the params",
    c.provider,
    on("approveParams", [id]),
  );
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
  const params = initialParams(bank.address);
  const court = await chain.deploy(
    governor,
    { abi: OutcomeCourt.abi, bytecode: OutcomeCourt.bytecode, args: [registry, token, beacon, EPOCH, params] },
    "OutcomeCourt.deploy",
  );
  // The court's epochs count from its deployment block.
  const genesis = await chain.now();
  // The court deploys its own escrow in its constructor; a standalone one (same code) gives the escrow's own cost.
  await chain.deploy(
    governor,
    { abi: ServiceEscrow.abi, bytecode: ServiceEscrow.bytecode, args: [registry, token, governor.address, beacon] },
    "ServiceEscrow.deploy",
  );
  const view = async (functionName: string) =>
    (await chain.publicClient.readContract({
      address: court,
      abi: OutcomeCourt.abi,
      functionName,
    } as never)) as Address;
  const escrow = await view("escrow");
  const tickets = await view("tickets");
  const governance = await view("governance");
  // The court deploys its tickets and its governance too; standalone copies (same code) give their own costs.
  await chain.deploy(
    governor,
    { abi: AuditorTickets.abi, bytecode: AuditorTickets.bytecode, args: [court, genesis, EPOCH] },
    "AuditorTickets.deploy",
  );
  await chain.deploy(
    governor,
    { abi: CourtGovernance.abi, bytecode: CourtGovernance.bytecode, args: [registry, court] },
    "CourtGovernance.deploy",
  );
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
    tickets,
    governance,
    genesis,
    params,
    accounts,
    auditors: new Map(),
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
  const firstEpoch = (await read<bigint>(c, "currentEpoch", [])) + 1n;
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
    const seeds = new Map<bigint, Hex>();
    for (let e = 0n; e < BigInt(epochs); e++) {
      seeds.set(firstEpoch + e, keccak256(stringToHex(`auditing auditor ${i} ticket seed, epoch ${firstEpoch + e}`)));
    }
    c.auditors.set(auditor.address.toLowerCase(), { index: i, account: auditor, seeds });
    const roots = [...seeds.values()].map((seed) => ticketRoot(seed));
    const key = keccak256(stringToHex(`x25519 ${i}`));
    const signal = courtCall(c, "signal", [STAKE, 4, BigInt(epochs), key, firstEpoch, roots]);
    if (record && i === from) await c.chain.measure("OutcomeCourt.signal", auditor, signal);
    else await c.chain.call(auditor, signal);
  }
}

// ---- the auditors' ticket trees (contracts/auditing/IAuditorTickets.sol): 256 secrets an epoch, one per lottery

const SLOTS = 256;
const DEPTH = 8;
const word = (n: number) => toHex(n, { size: 32 });

/** Secret j = keccak256(abi.encode(epochSeed, j)). */
function ticketSecret(epochSeed: Hex, slot: number): Hex {
  return keccak256(concat([epochSeed, word(slot)]));
}

/** The tree's levels, leaves first: leaf j = keccak256(bytes.concat(keccak256(abi.encode(j, secret j)))), inner
 * nodes keccak256(left ‖ right) by position. */
function ticketTree(epochSeed: Hex): Hex[][] {
  const levels: Hex[][] = [
    Array.from({ length: SLOTS }, (_, j) => keccak256(keccak256(concat([word(j), ticketSecret(epochSeed, j)])))),
  ];
  for (let d = 1; d <= DEPTH; d++) {
    const below = levels[d - 1] as Hex[];
    levels.push(
      Array.from({ length: below.length / 2 }, (_, i) =>
        keccak256(concat([below[2 * i] as Hex, below[2 * i + 1] as Hex])),
      ),
    );
  }
  return levels;
}

function ticketRoot(epochSeed: Hex): Hex {
  return (ticketTree(epochSeed)[DEPTH] as Hex[])[0] as Hex;
}

/** The secret of lottery `slot` and its 8 siblings, lowest first (what commitVote takes). */
function ticketProof(epochSeed: Hex, slot: number): { secret: Hex; proof: Hex[] } {
  const levels = ticketTree(epochSeed);
  const proof = levels.slice(0, DEPTH).map((level, d) => level[(slot >> d) ^ 1] as Hex);
  return { secret: ticketSecret(epochSeed, slot), proof };
}

/** The ticket a secret draws: the top 64 bits of keccak256(abi.encode(secret, lotterySeed)). */
function ticketOf(secret: Hex, lotterySeed: Hex): bigint {
  return BigInt(keccak256(concat([secret, lotterySeed]))) >> 192n;
}

interface Lottery {
  epoch: bigint;
  slot: number;
  seed: Hex;
  threshold: bigint;
  size: number;
  commitEnd: bigint;
  revealEnd: bigint;
}

/** The auditors a round's lottery drew that may claim (none is affiliated here; an objection excludes the first
 * jury), lowest ticket first. */
export async function drawnAuditors(
  c: Court,
  caseId: Hex,
  round: number,
): Promise<Array<SignallingAuditor & { ticket: bigint }>> {
  const p = await read<Lottery>(c, "panel", [caseId, round]);
  const firstJury = round === 1 ? await read<Address[]>(c, "jurors", [caseId, 0]) : [];
  const excluded = new Set(firstJury.map((a) => a.toLowerCase()));
  const drawn: Array<SignallingAuditor & { ticket: bigint }> = [];
  for (const [address, auditor] of c.auditors) {
    const epochSeed = auditor.seeds.get(p.epoch);
    if (!epochSeed || excluded.has(address)) continue;
    const ticket = ticketOf(ticketSecret(epochSeed, p.slot), p.seed);
    if (ticket <= p.threshold) drawn.push({ ...auditor, ticket });
  }
  return drawn.sort((a, b) => (a.ticket < b.ticket ? -1 : a.ticket > b.ticket ? 1 : 0));
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

const voteSalt = (juror: Address) => keccak256(stringToHex(`salt ${juror}`));

/** A drawn auditor's commitVote: its vote's commitment, its ticket secret for the round's lottery and its proof. */
export async function ticketClaim(
  c: Court,
  caseId: Hex,
  round: number,
  auditor: SignallingAuditor,
  vote: number,
): Promise<ReturnType<typeof courtCall>> {
  const { attempt } = await read<{ attempt: number }>(c, "getCase", [caseId]);
  const panel = await read<Lottery>(c, "panel", [caseId, round]);
  const juror = auditor.account.address;
  const commitment = keccak256(
    encodeAbiParameters(parseAbiParameters("bytes32, uint8, uint8, address, uint8, bytes32"), [
      caseId,
      round,
      attempt,
      juror,
      vote,
      voteSalt(juror),
    ]),
  );
  const epochSeed = auditor.seeds.get(panel.epoch);
  if (!epochSeed) throw new Error(`${juror} holds no ticket in epoch ${panel.epoch}`);
  const { secret, proof } = ticketProof(epochSeed, panel.slot);
  return courtCall(c, "commitVote", [caseId, commitment, secret, proof]);
}

/**
 * The drawn auditors claim their seats with their votes and the seated ones reveal. `claimAll`: every drawn auditor
 * claims, highest ticket first, so the claims after the panel fills each displace the highest ticket seated;
 * otherwise only the `size` lowest tickets claim. Returns the drawn auditors that stayed silent.
 */
async function voteAll(
  c: Court,
  caseId: Hex,
  round: number,
  vote: number,
  options: { record: boolean; claimAll: boolean },
): Promise<SignallingAuditor[]> {
  const panel = await read<Lottery>(c, "panel", [caseId, round]);
  const drawn = await drawnAuditors(c, caseId, round);
  if (drawn.length < panel.size + (options.claimAll ? 1 : 0)) {
    throw new Error(`lottery drew ${drawn.length} auditors for a jury of ${panel.size}`);
  }
  const claiming = options.claimAll ? [...drawn].reverse() : drawn.slice(0, panel.size);
  for (const [i, auditor] of claiming.entries()) {
    const call = await ticketClaim(c, caseId, round, auditor, vote);
    if (options.record && i === 0) {
      await c.chain.measure("OutcomeCourt.commitVote/first claim, seated", auditor.account, call);
    } else if (options.record && i === panel.size) {
      await c.chain.measure("OutcomeCourt.commitVote/claim displacing the highest ticket", auditor.account, call);
    } else await c.chain.call(auditor.account, call);
  }
  const jurors = await read<Address[]>(c, "jurors", [caseId, round]);
  await c.chain.setNextBlockTime(panel.commitEnd);
  for (const [i, juror] of jurors.entries()) {
    const account = c.accounts.get(juror.toLowerCase()) as Account;
    const call = courtCall(c, "revealVote", [caseId, vote, voteSalt(juror)]);
    if (options.record && i === 0) await c.chain.measure("OutcomeCourt.revealVote", account, call);
    else await c.chain.call(account, call);
  }
  await c.chain.setNextBlockTime(panel.revealEnd);
  const claimed = new Set(claiming.map((a) => a.account.address.toLowerCase()));
  return drawn.filter((a) => !claimed.has(a.account.address.toLowerCase()));
}

const AUDITING_ROWS: ReadonlyArray<[string, string]> = [
  ["MemberBeacon.deploy", "MemberBeacon deployment"],
  ["OutcomeCourt.deploy", "OutcomeCourt deployment (deploys its ServiceEscrow, AuditorTickets and CourtGovernance)"],
  ["ServiceEscrow.deploy", "ServiceEscrow deployment on its own (the court deploys one in its constructor)"],
  ["AuditorTickets.deploy", "AuditorTickets deployment on its own (the court deploys one in its constructor)"],
  ["CourtGovernance.deploy", "CourtGovernance deployment on its own (the court deploys one in its constructor)"],
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
  ["OutcomeCourt.signal", "signal (stake, 2 epochs, a ticket root for each)"],
  ["OutcomeCourt.complain", "complain (stake, opens the beacon round)"],
  ["MemberBeacon.commit", "beacon commit"],
  ["MemberBeacon.reveal", "beacon reveal"],
  [
    "OutcomeCourt.draw/lottery, jury of 3 of 7",
    "draw: opens the lottery of a jury of 3, 7 auditors signalling (the epoch's first lottery)",
  ],
  [
    "OutcomeCourt.draw/lottery, jury of 3 of 70",
    "draw: opens the lottery of a jury of 3, 70 auditors signalling (the epoch's first lottery)",
  ],
  [
    "OutcomeCourt.draw/objection lottery, jury of 5 of 70",
    "draw: opens the lottery of an objection jury of 5, 70 signalling (the epoch's second lottery)",
  ],
  [
    "OutcomeCourt.commitVote/first claim, seated",
    "commitVote: a drawn auditor's ticket proof and vote, the panel's first seat",
  ],
  [
    "OutcomeCourt.commitVote/claim displacing the highest ticket",
    "commitVote: a lower ticket on a full panel, displacing the highest ticket seated (jury of 3)",
  ],
  ["OutcomeCourt.revealVote", "revealVote"],
  ["OutcomeCourt.tally/verdict", "tally (first verdict)"],
  ["OutcomeCourt.object", "object (stake, opens the beacon round)"],
  [
    "OutcomeCourt.tally/objection upheld, settles",
    "settle: tally of the objection jury overturning the first, closes 8 jurors' deposits, pays 5 and the objector, settles the escrow",
  ],
  ["OutcomeCourt.finalize/unobjected verdict, settles", "settle: finalize an unobjected verdict"],
  [
    "AuditorTickets.revealSeeds/one epoch with lotteries (tree rebuild)",
    "revealSeeds: one epoch that had lotteries (its 256-leaf ticket tree rebuilt against the root)",
  ],
  [
    "AuditorTickets.revealSeeds/two epochs with lotteries (two tree rebuilds)",
    "revealSeeds: two epochs that had lotteries (two trees rebuilt)",
  ],
  ["OutcomeCourt.slashSilent", "slashSilent: a drawn auditor that never claimed, once its seed is revealed"],
  ["OutcomeCourt.withdrawStake", "withdrawStake"],
  ["CourtGovernance.proposeParams", "CourtGovernance.proposeParams (the proposer's approval, 4 governors)"],
  [
    "CourtGovernance.approveParams/majority, sets the params",
    "CourtGovernance.approveParams (the third of 4: a majority, sets the court's parameters)",
  ],
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
