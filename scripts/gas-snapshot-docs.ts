// The gas tables of the contract docs, generated from contracts/gas-snapshot.json: each table sits between
// `<!-- gas-snapshot:<id> ... -->` and `<!-- /gas-snapshot:<id> -->` in its doc, so no gas figure there is typed by hand.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GasSnapshot } from "./gas-snapshot.ts";
import { auditingGasTable } from "./gas-snapshot-auditing.ts";
import { contentGasTable } from "./gas-snapshot-content.ts";
import { dataUsageGasTable } from "./gas-snapshot-datausage.ts";
import {
  CIPHERTEXT_BYTES,
  LARGE_CIPHERTEXT_BATCH,
  LARGE_CIPHERTEXT_BYTES,
  ROAMING_BATCH_SIZES,
} from "./gas-snapshot-roaming.ts";
import { PROJECT_ROOT } from "./gen-contracts.ts";

/** Reads figures from a snapshot and remembers which operations a table used. */
class Figures {
  readonly used = new Set<string>();
  private readonly snapshot: GasSnapshot;

  constructor(snapshot: GasSnapshot) {
    this.snapshot = snapshot;
  }

  gas(operation: string): number {
    const gas = this.snapshot.operations[operation];
    if (gas === undefined) throw new Error(`gas table needs ${operation}, which the snapshot lacks`);
    this.used.add(operation);
    return gas;
  }

  size(operation: string): { calldataBytes: number; logBytes: number } {
    const size = this.snapshot.sizes[operation];
    if (!size) throw new Error(`gas table needs the sizes of ${operation}, which the snapshot lacks`);
    return size;
  }
}

interface GasTable {
  /** Doc path relative to the project root. */
  doc: string;
  id: string;
  render(figures: Figures): string;
}

/** Anvil's default block gas limit, the yardstick of the roaming budget sentence. */
const DEFAULT_BLOCK_GAS = 30_000_000;

const n = (value: number) => Math.round(value).toLocaleString("en-US");

/** Breaks prose into lines of at most `width` characters, as the docs are written. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function operationTable(figures: Figures, rows: readonly (readonly [string, string])[]): string {
  const lines = ["| operation | gas |", "| --- | ---: |"];
  for (const [operation, label] of rows) lines.push(`| ${label} | ${n(figures.gas(operation))} |`);
  return lines.join("\n");
}

const PLATFORM_ROWS = [
  ["ConsortiumRegistry.deploy", "ConsortiumRegistry deployment (3 founding governors)"],
  ["ConsortiumRegistry.propose", "ConsortiumRegistry.propose (Admit, 1 role)"],
  ["ConsortiumRegistry.approve+execute", "ConsortiumRegistry.approve+execute (Admit)"],
  ["ConsortiumRegistry.bindAccount", "ConsortiumRegistry.bindAccount"],
  ["ConsortiumRegistry.unbindAccount", "ConsortiumRegistry.unbindAccount"],
  ["EthereumDIDRegistry.deploy", "EthereumDIDRegistry deployment"],
  ["EthereumDIDRegistry.setAttribute", "EthereumDIDRegistry.setAttribute (31-byte value)"],
  ["EthereumDIDRegistry.addDelegate", "EthereumDIDRegistry.addDelegate"],
  ["EthereumDIDRegistry.changeOwner", "EthereumDIDRegistry.changeOwner"],
  ["CredentialStatusRegistry.deploy", "CredentialStatusRegistry deployment"],
  ["CredentialStatusRegistry.suspend", "CredentialStatusRegistry.suspend"],
  ["CredentialStatusRegistry.reinstate", "CredentialStatusRegistry.reinstate"],
  ["CredentialStatusRegistry.revoke", "CredentialStatusRegistry.revoke"],
] as const;

const NUMBERING_ROWS = [
  ["OrganisationRegistry.deploy", "OrganisationRegistry deployment"],
  ["OrganisationRegistry.createAccount", "createAccount (a Brand, 16-byte name)"],
  ["OrganisationRegistry.recordVetting/byTrustAuthority", "recordVetting (the TA vets a TNSP)"],
  ["OrganisationRegistry.recordVetting/byKycVetter", "recordVetting (a KYC vetter vets a Brand)"],
  ["TnAuthority.deploy", "TnAuthority deployment"],
  ["TnAuthority.proposeScope", "proposeScope (two prefixes; the proposer's approval, 8 governors)"],
  ["TnAuthority.approveScope", "approveScope (second of five approvals)"],
  ["TnAuthority.approveScope/setsScope", "approveScope (the fifth approval: a strict majority sets the scope)"],
  ["TnAuthority.allocate/7digitFreshPath", "allocate (7-digit block on a fresh numbering plan: a new slot per digit)"],
  ["TnAuthority.allocate/7digitNextBlock", "allocate (the neighbouring 7-digit block: upper digits exist)"],
  ["TnAuthority.allocate/15digitFreshPath", "allocate (15-digit prefix on a fresh path)"],
  ["TnAuthority.assign", "assign (TNSP -> TNR, the block)"],
  ["TnAuthority.delegate/tnrToBrand", "delegate (TNR -> Brand, one number)"],
  ["TnAuthority.delegate/brandToBpo", "delegate (Brand -> BPO, the same number)"],
  ["TnAuthority.port/number", "port (one number out of an allocated block, with the consent's evidence hash)"],
  ["TnAuthority.port/block", "port (a whole block sitting exactly on an allocation)"],
  [
    "TnAuthority.portBatch/x100",
    "portBatch (100 single numbers out of one block, each with its consent, one transaction)",
  ],
  ["TnAuthority.portBatch/perPort", "portBatch, per port (the transaction above / 100)"],
  ["TnAuthority.revoke", "revoke (the Brand revokes its delegation to the BPO)"],
  ["TnAuthority.delegateBatch/x100", "delegateBatch (a TNR delegates 100 single numbers to a Brand, one transaction)"],
  ["TnAuthority.delegateBatch/perDelegation", "delegateBatch, per delegation (the transaction above / 100)"],
  ["TnAuthority.revokeBatch/x100", "revokeBatch (the TNR revokes those 100 delegations, one transaction)"],
  ["TnAuthority.revokeBatch/perRevocation", "revokeBatch, per revocation (the transaction above / 100)"],
] as const;

const ROAMING_ROWS = [
  ["OperatorRegistry.deploy", "OperatorRegistry deployment"],
  ["OperatorRegistry.claimNetwork", "claimNetwork (no MSIN ranges)"],
  ["OperatorRegistry.approveClaim", "approveClaim (first of three approvals, 5 governors)"],
  ["OperatorRegistry.approveClaim+execute", "approveClaim+execute (third approval assigns the network)"],
  ["OperatorRegistry.setMsinRanges/x1", "setMsinRanges (1 range)"],
  ["OperatorRegistry.setMsinRanges/x64", "setMsinRanges (64 ranges, the maximum)"],
  ["OperatorRegistry.setOperatorIdentity", "setOperatorIdentity"],
  ["OperatorRegistry.proposeTransfer", "proposeTransfer"],
  ["OperatorRegistry.cancelClaim", "cancelClaim"],
  ["RoamingExchange.deploy", "RoamingExchange deployment"],
  ["RoamingExchange.submitRequests/x1newPair", "submitRequests (1 item, the pair's first: also registers the pair)"],
] as const;

const IOT_ROWS = [
  ["IotRegistry.deploy", "IotRegistry deployment"],
  ["IotRegistry.vetAttester", "vetAttester (a TRUST_AUTHORITY member vets an OEM DID)"],
  ["IotRegistry.registerSchema", "registerSchema (3-field definition)"],
  ["IotRegistry.registerDevice", "registerDevice (with the device key's signature)"],
  ["IotRegistry.attestSimKeyBinding", "attestSimKeyBinding (the operator attests a SIM-held key)"],
  ["IotAttestations.deploy", "IotAttestations deployment"],
  ["IotAttestations.attest", "attest (one on-chain attestation; EAS: about 200,000)"],
  ["IotAttestations.attest/second", "attest (another attestation, same attester and subject)"],
  ["IotAttestations.revoke", "revoke (an on-chain attestation)"],
  ["IotAttestations.anchorBatch", "anchorBatch (one Merkle root, any number of off-chain attestations)"],
  ["IotAttestations.revokeOffchain", "revokeOffchain (one off-chain attestation, by its leaf)"],
  ["IotAttestations.anchorPeerBatch", "anchorPeerBatch (a gateway operator relays devices' peer attestations)"],
  ["IotAttestations.revokeOffchainSigned", "revokeOffchainSigned (a device's signed revocation, relayed)"],
] as const;

const IDENTITY_ROWS = [
  ["IdentityAssurance.deploy", "IdentityAssurance deployment"],
  ["IdentityAssurance.vouch", "vouch (a member vouches for an ID file's salted fingerprint)"],
  ["IdentityAssurance.vouch/second", "vouch (a second member, same fingerprint)"],
  ["IdentityAssurance.revokeVouching", "revokeVouching"],
  ["IdentityAssurance.attest/person", "attest (a person, from its own address)"],
  ["IdentityAssurance.attestFor", "attestFor (a member relays a person's signed attestation)"],
  ["IdentityAssurance.attest/organisation", "attest (a member, as a vetted organisation)"],
  ["IdentityAssurance.withdraw", "withdraw (an attestation)"],
  ["SocialRecovery.deploy", "SocialRecovery deployment"],
  ["SocialRecovery.enrol/3 guardians", "enrol (3 guardians, threshold 2)"],
  ["SocialRecovery.propose", "propose (a guardian; its approval counted)"],
  ["SocialRecovery.approve/operator", "approve (the operator guardian)"],
  ["SocialRecovery.approve/threshold reached", "approve (reaching the threshold, starting the delay)"],
  ["SocialRecovery.recordSimSwap", "recordSimSwap (the operator guardian)"],
  ["SocialRecovery.cancel", "cancel (the controller)"],
  ["SocialRecovery.execute", "execute (after the delay: the new controller owns the DID)"],
] as const;

/** Per batch size: gas per item of each step, and gas and bytes per authentication (request + answer + activation). */
function roamingBatchTable(figures: Figures): string {
  const header = [
    "| batch | request gas/item | answer gas/item | activation gas/item | expiry gas/item | gas per authentication | calldata B/auth | log B/auth |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const row = (label: string, size: number, requests: string, answers: string) => {
    const steps = [requests, answers, `RoamingExchange.recordActivations/x${size}`];
    const gas = steps.map((op) => figures.gas(op) / size);
    const expiry = figures.gas(`RoamingExchange.expire/x${size}`) / size;
    const calldata = steps.reduce((sum, op) => sum + figures.size(op).calldataBytes, 0) / size;
    const logs = steps.reduce((sum, op) => sum + figures.size(op).logBytes, 0) / size;
    const perAuth = gas.reduce((a, b) => a + b, 0);
    return `| ${label} | ${gas.map(n).join(" | ")} | ${n(expiry)} | ${n(perAuth)} | ${n(calldata)} | ${n(logs)} |`;
  };
  const rows = ROAMING_BATCH_SIZES.map((size) =>
    row(n(size), size, `RoamingExchange.submitRequests/x${size}`, `RoamingExchange.submitAnswers/x${size}`),
  );
  const large = `x${LARGE_CIPHERTEXT_BATCH}ciphertext${LARGE_CIPHERTEXT_BYTES}`;
  rows.push(
    row(
      `${LARGE_CIPHERTEXT_BATCH}, ${LARGE_CIPHERTEXT_BYTES}-byte ciphertexts`,
      LARGE_CIPHERTEXT_BATCH,
      `RoamingExchange.submitRequests/${large}`,
      `RoamingExchange.submitAnswers/${large}`,
    ),
  );
  const size = LARGE_CIPHERTEXT_BATCH;
  const perAuth = ["submitRequests", "submitAnswers", "recordActivations"]
    .map((fn) => figures.gas(`RoamingExchange.${fn}/x${size}`) / size)
    .reduce((a, b) => a + b, 0);
  const largest = ROAMING_BATCH_SIZES[ROAMING_BATCH_SIZES.length - 1] as number;
  const largestGas = figures.gas(`RoamingExchange.submitRequests/x${largest}`);
  const fits = (gas: number) => (gas <= DEFAULT_BLOCK_GAS ? "fits" : "does not fit");
  const largestFitting = ROAMING_BATCH_SIZES.filter(
    (s) => figures.gas(`RoamingExchange.submitRequests/x${s}`) <= DEFAULT_BLOCK_GAS,
  );
  const budget = [
    `At batch ${size} with ${CIPHERTEXT_BYTES}-byte ciphertexts an authentication costs ${n(perAuth)} gas: a 30M-gas`,
    `block carries ${n(Math.floor(DEFAULT_BLOCK_GAS / perAuth))} authentications, and 1,000 authentications per second`,
    `at 1-second blocks need ${((perAuth * 1000) / 1e6).toFixed(1)}M gas per block. A batch of ${n(largest)} requests`,
    `(the contract's limit) uses ${n(largestGas)} gas and ${fits(largestGas)} a 30M-gas block; of the sizes above,`,
    `the largest request batch that fits one is ${n(Math.max(...largestFitting))}.`,
  ].join(" ");
  return [...header, ...rows, "", ...wrap(budget, 120)].join("\n");
}

const REGISTRIES_ROWS = [
  ["DeviceRegistry.deploy", "DeviceRegistry deployment"],
  ["DeviceRegistry.report/x1", "report (1 device)"],
  ["DeviceRegistry.report/x1000", "report (1,000 devices)"],
  ["DeviceRegistry.report/x20000", "report (20,000 devices, the per-transaction limit)"],
  ["DeviceRegistry.clearDevices/x1", "clearDevices (1 device)"],
  ["DeviceRegistry.clearDevices/x100", "clearDevices (100 devices)"],
  ["DeviceRegistry.withdraw", "withdraw"],
  ["PortClearing.deploy", "PortClearing deployment"],
  ["PortClearing.request/x1", "port request (1 number)"],
  ["PortClearing.request/x100", "port request (a list of 100 numbers)"],
  ["PortClearing.request/x1000", "port request (a list of 1,000 numbers, the per-request limit)"],
  ["PortClearing.requestRange/x1000", "port request (a range of 1,000 numbers)"],
  ["PortClearing.concur", "concur"],
  ["PortClearing.schedule", "schedule"],
  ["PortClearing.activate/x1", "activate (1 number)"],
  ["PortClearing.activate/x1000", "activate (1,000 numbers)"],
  ["PortClearing.activateBatch/x100", "activateBatch (100 ports)"],
  ["PortClearing.refuse/x100", "refuse (100 numbers, freed without a write each)"],
  ["PortClearing.conflict", "conflict"],
  ["PortClearing.resolveConflict", "resolveConflict"],
  ["PortClearing.cancel/x1", "cancel (1 number)"],
  ["Traceback.deploy", "Traceback deployment"],
  ["Traceback.open", "traceback open (first hop asked)"],
  ["Traceback.answer/upstream", "traceback answer naming the upstream carrier (asked next)"],
  ["Traceback.answer/origin", "traceback answer: originated here (completes the trace)"],
  ["Traceback.markUnanswered", "markUnanswered (a carrier past its deadline)"],
  ["Traceback.flagToVetter", "flag a completed trace's number to its holder's vetter"],
  ["Traceback.acknowledgeFlag", "the vetter acknowledges a flag"],
  ["Traceback.registerSpc", "register a Service Provider Code"],
  ["Traceback.openCertified", "traceback open from a verified PASSporT (origid, SPC, certificate)"],
  ["FraudSignals.deploy", "FraudSignals deployment"],
  ["FraudSignals.report", "fraud signal report"],
  ["FraudSignals.challenge", "fraud signal challenge (by the holder's operator)"],
  ["FraudSignals.clear", "fraud signal clear (by its reporter)"],
] as const;

const NETWORK_ROWS = [
  ["ValidatorSet.deploy", "ValidatorSet deployment"],
  ["ConsortiumRegistry.deploy/network", "ConsortiumRegistry deployment (4 founding governors, for these figures)"],
  ["ValidatorSet.proposeChange", "proposeChange (add; the proposer's approval counted)"],
  ["ValidatorSet.approveChange", "approveChange (not yet a majority)"],
  ["ValidatorSet.approveChange/executes add", "approveChange reaching the majority: the signer is added"],
  ["ValidatorSet.proposeChange/remove", "proposeChange (remove)"],
  ["ValidatorSet.approveChange/remove", "approveChange of the removal (not yet a majority)"],
  ["ValidatorSet.approveChange/executes remove", "approveChange reaching the majority: the signer is removed"],
] as const;

const SETTLEMENT_ROWS = [
  ["SettlementToken.deploy", "SettlementToken deployment (one currency)"],
  [
    "ConsortiumRegistry.deploy/settlement",
    "ConsortiumRegistry deployment (a bank and two operators, for these figures)",
  ],
  ["SettlementToken.mintOnFiatReceipt", "mintOnFiatReceipt (bank, first mint to a member)"],
  ["SettlementToken.transfer", "transfer between members"],
  ["SettlementToken.transfer/to bank", "transfer to the bank for payout"],
  ["SettlementToken.burnOnPayout", "burnOnPayout (bank)"],
  ["RoamingSettlement.deploy", "RoamingSettlement deployment"],
  ["RoamingSettlement.proposeAgreement", "proposeAgreement (once per agreement version)"],
  ["RoamingSettlement.approveAgreement", "approveAgreement (the other operator)"],
  ["RoamingSettlement.anchorBatch", "anchorBatch (per record batch, any size)"],
  ["RoamingSettlement.confirmBatch", "confirmBatch (home operator's receipt)"],
  [
    "RoamingSettlement.recordChannelPayment",
    "recordChannelPayment (per batch paid through a channel: its co-signed state, out of the invoice)",
  ],
  ["RoamingSettlement.issueInvoice", "issueInvoice (per period)"],
  ["RoamingSettlement.disputeRecord", "disputeRecord (one record with its Merkle proof)"],
  ["RoamingSettlement.answerDispute/credit note", "answerDispute with a credit note"],
  ["RoamingSettlement.acceptInvoice", "acceptInvoice"],
  ["RoamingSettlement.finalizeInvoice", "finalizeInvoice"],
  ["RoamingSettlement.openNetting", "openNetting (multilateral, per period)"],
  ["RoamingSettlement.payNet", "payNet (one payment per debtor)"],
  ["RoamingSettlement.claimNet", "claimNet (per creditor)"],
  ["PaymentChannels.deploy", "PaymentChannels deployment"],
  ["PaymentChannels.openChannel", "openChannel (per operator pair and salt)"],
  ["PaymentChannels.deposit/first", "deposit (the opener's first)"],
  ["PaymentChannels.deposit/counterparty", "deposit (the counterparty's first)"],
  ["PaymentChannels.closeCooperatively", "closeCooperatively (final co-signed state, pays both)"],
  ["PaymentChannels.startClose", "startClose (unilateral, a co-signed state)"],
  ["PaymentChannels.challenge", "challenge (a newer co-signed state, the watchtower's answer)"],
  ["PaymentChannels.settle", "settle (after the challenge period, pays both)"],
] as const;

const PKI_ROWS = [
  ["CertificateLedger.deploy", "CertificateLedger deployment"],
  ["CertificateLog.deploy", "CertificateLog deployment"],
  ["ConsortiumRegistry.deploy/pki", "ConsortiumRegistry deployment (for these figures)"],
  ["CertificateLedger.setIssuingCa", "setIssuingCa"],
  ["CertificateLedger.fileApplication/EV", "fileApplication (EV)"],
  ["CertificateLedger.endorse/first", "endorse (first endorser)"],
  ["CertificateLedger.endorse/second", "endorse (second endorser, threshold reached)"],
  ["CertificateLedger.recordIssuance", "recordIssuance (494-byte certificate)"],
  ["CertificateLedger.revoke", "revoke"],
  ["CertificateLog.anchorCheckpoint", "anchorCheckpoint"],
  ["CertificateLog.cosignCheckpoint/first", "cosignCheckpoint (first witness)"],
  ["CertificateLog.cosignCheckpoint/second", "cosignCheckpoint (second witness)"],
  ["TimestampLedger.deploy", "TimestampLedger deployment"],
  ["TimestampLedger.anchorRoot", "anchorRoot (one Merkle root, any number of files)"],
  ["DataOffers.deploy", "DataOffers deployment"],
  ["DataOffers.requestData/callForOffers", "requestData (no free dataset: call for offers)"],
  ["DataOffers.makeOffer", "makeOffer"],
  ["DataOffers.pay", "pay (settlement token transfer)"],
  ["DataOffers.grantAccess", "grantAccess"],
  ["FactTriggers.deploy", "FactTriggers deployment"],
  ["FactTriggers.registerAsset", "registerAsset"],
  ["FactTriggers.createTrigger/3reporters", "createTrigger (3 reporters, threshold 2)"],
  ["FactTriggers.report/first", "report (first reporter)"],
  ["FactTriggers.report/second", "report (second reporter: armed)"],
  ["FactTriggers.execute", "execute (asset moved after the dispute window)"],
] as const;

export const GAS_TABLES: readonly GasTable[] = [
  { doc: "docs/pki.md", id: "pki", render: (f) => operationTable(f, PKI_ROWS) },
  { doc: "docs/network.md", id: "network", render: (f) => operationTable(f, NETWORK_ROWS) },
  { doc: "docs/settlement.md", id: "settlement", render: (f) => operationTable(f, SETTLEMENT_ROWS) },
  { doc: "docs/contracts.md", id: "platform", render: (f) => operationTable(f, PLATFORM_ROWS) },
  { doc: "docs/eidl-contracts.md", id: "numbering", render: (f) => operationTable(f, NUMBERING_ROWS) },
  { doc: "docs/roaming-contracts.md", id: "roaming", render: (f) => operationTable(f, ROAMING_ROWS) },
  { doc: "docs/roaming-contracts.md", id: "roaming-batches", render: roamingBatchTable },
  { doc: "docs/registries.md", id: "registries", render: (f) => operationTable(f, REGISTRIES_ROWS) },
  { doc: "docs/content.md", id: "content", render: contentGasTable },
  { doc: "docs/iot.md", id: "iot", render: (f) => operationTable(f, IOT_ROWS) },
  { doc: "docs/identity.md", id: "identity", render: (f) => operationTable(f, IDENTITY_ROWS) },
  { doc: "docs/auditing.md", id: "auditing", render: auditingGasTable },
  { doc: "docs/datausage.md", id: "datausage", render: dataUsageGasTable },
];

function markers(id: string): { start: string; end: string } {
  return { start: `<!-- gas-snapshot:${id} `, end: `<!-- /gas-snapshot:${id} -->` };
}

/** `text` with the section `id` replaced by `body`; throws when the doc lacks the section's markers. */
export function replaceSection(text: string, id: string, body: string, doc = "doc"): string {
  const { start, end } = markers(id);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${doc} lacks the gas table markers "${start}...-->" and "${end}"`);
  const startLineEnd = text.indexOf("\n", from);
  return `${text.slice(0, startLineEnd + 1)}${body}\n${text.slice(to)}`;
}

/** Every doc with its gas tables rendered from `snapshot`, and the operations no table shows. */
export function renderDocs(snapshot: GasSnapshot): { docs: Map<string, string>; undocumented: string[] } {
  const figures = new Figures(snapshot);
  const docs = new Map<string, string>();
  for (const table of GAS_TABLES) {
    const current = docs.get(table.doc) ?? readFileSync(join(PROJECT_ROOT, table.doc), "utf8");
    docs.set(table.doc, replaceSection(current, table.id, table.render(figures), table.doc));
  }
  const undocumented = Object.keys(snapshot.operations).filter((op) => !figures.used.has(op));
  return { docs, undocumented };
}

/** The docs whose gas tables differ from those rendered from `snapshot`. */
export function staleDocs(snapshot: GasSnapshot): string[] {
  const { docs } = renderDocs(snapshot);
  return [...docs].filter(([doc, text]) => readFileSync(join(PROJECT_ROOT, doc), "utf8") !== text).map(([doc]) => doc);
}

/** Rewrites the docs' gas tables from `snapshot`; returns the docs that changed. */
export function writeDocs(snapshot: GasSnapshot): string[] {
  const stale = staleDocs(snapshot);
  const { docs } = renderDocs(snapshot);
  for (const doc of stale) writeFileSync(join(PROJECT_ROOT, doc), docs.get(doc) as string);
  return stale;
}
