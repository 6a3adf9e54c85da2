// Gas of the numbering contracts: organisation accounts and vetting (OrganisationRegistry), and grants over E.164
// prefixes (TnAuthority), on a consortium with one member per EIDL actor, each owning its organisation DID.
import { type Account, type Address, keccak256, parseEventLogs, stringToHex } from "viem";
import {
  ConsortiumRegistry,
  EthereumDIDRegistry,
  OrganisationRegistry,
  TnAuthority,
} from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

// OrgType numbers (IOrganisationRegistry.OrgType) and the consortium role each requires.
const ACTORS = {
  trustAuthority: { orgType: 6, role: "TRUST_AUTHORITY", name: "Consortium Trust Authority" },
  numberingAuthority: { orgType: 7, role: "NUMBERING_AUTHORITY", name: "National Numbering Authority" },
  kycVetter: { orgType: 0, role: "KYC_VETTER", name: "Vetting Services Ltd" },
  tnsp: { orgType: 4, role: "TNSP", name: "Alpha Telecom" },
  tnsp2: { orgType: 4, role: "TNSP", name: "Beta Telecom" },
  tnr: { orgType: 1, role: "TNR", name: "Number Reseller Inc" },
  brand: { orgType: 2, role: "ENTERPRISE", name: "Acme Corporation" },
  bpo: { orgType: 3, role: "BPO", name: "Call Centre Partners" },
} as const;
type Actor = keyof typeof ACTORS;
const COMPLETE = 1;
const AUTHORIZED = 0;
const CANCELED = 6;

interface Org {
  member: Account;
  identity: Address;
}

export async function measureNumbering(chain: GasRecorder): Promise<void> {
  const actors = Object.keys(ACTORS) as Actor[];
  const members = new Map<Actor, Account>();
  for (const actor of actors) members.set(actor, await chain.account(`numbering member ${actor}`));
  const member = (actor: Actor) => members.get(actor) as Account;
  const consortium = await chain.deploy(member("trustAuthority"), {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      actors.map((actor) => member(actor).address),
      actors.map((actor) => ACTORS[actor].name),
      actors.map((actor) => [keccak256(stringToHex(ACTORS[actor].role))]),
    ],
  });
  const dids = await chain.deploy(member("trustAuthority"), {
    abi: EthereumDIDRegistry.abi,
    bytecode: EthereumDIDRegistry.bytecode,
  });
  const orgRegistry = await chain.deploy(
    member("trustAuthority"),
    { abi: OrganisationRegistry.abi, bytecode: OrganisationRegistry.bytecode, args: [consortium, dids] },
    "OrganisationRegistry.deploy",
  );
  const onOrgs = { address: orgRegistry, abi: OrganisationRegistry.abi } as const;

  // Each actor's organisation DID is a fresh identity that hands its ownership to the actor's member account.
  const orgs = new Map<Actor, Org>();
  for (const actor of actors) {
    const identity = await chain.account(`numbering identity ${actor}`);
    await chain.call(identity, {
      address: dids,
      abi: EthereumDIDRegistry.abi,
      functionName: "changeOwner",
      args: [identity.address, member(actor).address],
    });
    orgs.set(actor, { member: member(actor), identity: identity.address });
  }
  const org = (actor: Actor) => orgs.get(actor) as Org;
  const createAccount = { ...onOrgs, functionName: "createAccount" } as const;
  for (const actor of actors) {
    const args = [org(actor).identity, ACTORS[actor].orgType, ACTORS[actor].name] as const;
    // The brand's account is the measured one: a later account, like most in a running consortium.
    if (actor === "brand")
      await chain.measure("OrganisationRegistry.createAccount", member(actor), { ...createAccount, args });
    else await chain.call(member(actor), { ...createAccount, args });
  }

  const vet = (vetter: Actor, subject: Actor) => ({
    ...onOrgs,
    functionName: "recordVetting",
    args: [
      org(vetter).identity,
      org(subject).identity,
      COMPLETE,
      AUTHORIZED,
      keccak256(stringToHex(`vetting ${subject}`)),
    ],
  });
  await chain.call(member("trustAuthority"), vet("trustAuthority", "kycVetter"));
  await chain.measure(
    "OrganisationRegistry.recordVetting/byTrustAuthority",
    member("trustAuthority"),
    vet("trustAuthority", "tnsp"),
  );
  await chain.call(member("trustAuthority"), vet("trustAuthority", "tnsp2"));
  await chain.call(member("kycVetter"), vet("kycVetter", "tnr"));
  await chain.measure("OrganisationRegistry.recordVetting/byKycVetter", member("kycVetter"), vet("kycVetter", "brand"));
  await chain.call(member("kycVetter"), vet("kycVetter", "bpo"));

  const tn = await chain.deploy(
    member("numberingAuthority"),
    { abi: TnAuthority.abi, bytecode: TnAuthority.bytecode, args: [consortium, orgRegistry] },
    "TnAuthority.deploy",
  );
  await setScope(chain, tn, org("numberingAuthority").identity, actors.map(member));
  await measureGrants(chain, tn, org);
}

/** The Numbering Authority's scope "1" and "9" by governance: proposed, then approved up to a strict majority. */
async function setScope(chain: GasRecorder, tn: Address, na: Address, governors: Account[]): Promise<void> {
  const onTn = { address: tn, abi: TnAuthority.abi } as const;
  const [proposer, ...others] = governors as [Account, ...Account[]];
  const receipt = await chain.measure("TnAuthority.proposeScope", proposer, {
    ...onTn,
    functionName: "proposeScope",
    args: [na, ["1", "9"]],
  });
  const [proposed] = parseEventLogs({ abi: TnAuthority.abi, eventName: "ScopeProposed", logs: receipt.logs });
  if (!proposed) throw new Error("proposeScope emitted no ScopeProposed");
  const approve = { ...onTn, functionName: "approveScope", args: [proposed.args.proposalId] } as const;
  const needed = Math.floor(governors.length / 2); // the proposer's approval counts: 1 + needed is a strict majority
  for (let i = 0; i < needed - 1; i++) {
    if (i === 0) await chain.measure("TnAuthority.approveScope", others[i] as Account, approve);
    else await chain.call(others[i] as Account, approve);
  }
  await chain.measure("TnAuthority.approveScope/setsScope", others[needed - 1] as Account, approve);
}

async function measureGrants(chain: GasRecorder, tn: Address, org: (actor: Actor) => Org): Promise<void> {
  // A fresh salt per grant, as an agent picks one per write (the grant id derives from it); a hash like the agent's
  // random salts, so the calldata costs what the agent's does. The caller name and purpose reach the chain only as
  // their salted hash.
  let grants = 0;
  const terms = (holder: Actor, prefix: string) => ({
    holder: org(holder).identity,
    prefix,
    validFrom: 0n,
    validUntil: 0n,
    allowRedelegation: false,
    credentialHash: keccak256(stringToHex(`urn:uuid:tn-authorization ${prefix} ${holder}`)),
    salt: keccak256(stringToHex(`gas snapshot grant ${++grants}`)),
    constraints: { intendedUse: "voice", callerHash: keccak256(stringToHex("salted Acme / customer support")) },
  });
  const na = org("numberingAuthority");
  /** Sends a granting call (measured under `name` when given) and returns the id of the grant it recorded. */
  const grant = async (name: string | undefined, as: Account, functionName: string, args: readonly unknown[]) => {
    const call = { address: tn, abi: TnAuthority.abi, functionName, args };
    const receipt = name ? await chain.measure(name, as, call) : await chain.call(as, call);
    const [recorded] = parseEventLogs({ abi: TnAuthority.abi, eventName: "GrantRecorded", logs: receipt.logs });
    if (!recorded) throw new Error(`${functionName} recorded no grant`);
    return recorded.args.grantId;
  };
  const allocate = (name: string | undefined, holder: Actor, prefix: string) =>
    grant(name, na.member, "allocate", [na.identity, terms(holder, prefix)]);

  // A NANP thousand-block on a fresh numbering plan (a new counter slot per digit), then its neighbour (the upper
  // six digits exist), then a fresh 15-digit path (the longest prefix E.164 allows).
  const block = await allocate("TnAuthority.allocate/7digitFreshPath", "tnsp", "1200200");
  await allocate("TnAuthority.allocate/7digitNextBlock", "tnsp", "1200201");
  await allocate("TnAuthority.allocate/15digitFreshPath", "tnsp", "919876543210987");

  // The seed's chain: NA -> TNSP (block) -> TNR (block) -> Brand (number) -> BPO (number).
  const number = "12002000123";
  const assignment = await grant("TnAuthority.assign", org("tnsp").member, "assign", [block, terms("tnr", "1200200")]);
  const toBrand = await grant("TnAuthority.delegate/tnrToBrand", org("tnr").member, "delegate", [
    assignment,
    terms("brand", number),
  ]);
  const toBpo = await grant("TnAuthority.delegate/brandToBpo", org("brand").member, "delegate", [
    toBrand,
    terms("bpo", number),
  ]);

  // Ports: a single number out of the neighbouring block, and a whole block sitting exactly on an allocation.
  // Each port records its authority and the hash of the evidence held off chain.
  const consent = (what: string) => ({ authority: 0, evidenceHash: keccak256(stringToHex(`port consent ${what}`)) });
  await grant("TnAuthority.port/number", na.member, "port", [
    na.identity,
    terms("tnsp2", "12002010042"),
    consent("12002010042"),
  ]);
  await allocate(undefined, "tnsp", "1200202");
  await grant("TnAuthority.port/block", na.member, "port", [
    na.identity,
    terms("tnsp2", "1200202"),
    consent("1200202"),
  ]);

  // A batch of 100 single-number ports out of one block (issue 22: the EIDL side of a clearinghouse's batch
  // activation), each with its own consent; the per-port figure is the whole transaction divided by 100.
  await allocate(undefined, "tnsp", "1200203");
  const numbers = Array.from({ length: BATCH }, (_, i) => `1200203${String(i).padStart(4, "0")}`);
  const ported = await chain.measure(`TnAuthority.portBatch/x${BATCH}`, na.member, {
    address: tn,
    abi: TnAuthority.abi,
    functionName: "portBatch",
    args: [na.identity, numbers.map((n) => terms("tnsp2", n)), numbers.map((n) => consent(n))],
  });
  chain.operations["TnAuthority.portBatch/perPort"] = Math.round(Number(ported.gasUsed) / BATCH);

  await chain.measure("TnAuthority.revoke", org("brand").member, {
    address: tn,
    abi: TnAuthority.abi,
    functionName: "revoke",
    args: [toBpo, CANCELED],
  });

  await measureBatches(chain, tn, org("tnr").member, assignment, (i) => terms("brand", `1200200${1000 + i}`));
}

// Bulk numbering (issue 12): a TNR delegates 100 single numbers to a brand in one transaction, then revokes them in
// one. The per-delegation figure is the whole transaction (base cost and calldata included) divided by 100.
const BATCH = 100;

async function measureBatches(
  chain: GasRecorder,
  tn: Address,
  tnr: Account,
  assignment: bigint,
  termsAt: (i: number) => unknown,
): Promise<void> {
  const list = Array.from({ length: BATCH }, (_, i) => termsAt(i));
  const call = { address: tn, abi: TnAuthority.abi } as const;
  const receipt = await chain.measure(`TnAuthority.delegateBatch/x${BATCH}`, tnr, {
    ...call,
    functionName: "delegateBatch",
    args: [assignment, list],
  });
  chain.operations["TnAuthority.delegateBatch/perDelegation"] = Math.round(Number(receipt.gasUsed) / BATCH);
  const ids = parseEventLogs({ abi: TnAuthority.abi, eventName: "GrantRecorded", logs: receipt.logs }).map(
    (event) => event.args.grantId,
  );
  if (ids.length !== BATCH) throw new Error(`delegateBatch recorded ${ids.length} grants, not ${BATCH}`);
  const revoked = await chain.measure(`TnAuthority.revokeBatch/x${BATCH}`, tnr, {
    ...call,
    functionName: "revokeBatch",
    args: [ids, CANCELED],
  });
  chain.operations["TnAuthority.revokeBatch/perRevocation"] = Math.round(Number(revoked.gasUsed) / BATCH);
}
