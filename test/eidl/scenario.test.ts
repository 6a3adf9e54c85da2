// The seed's whole EIDL scenario through the member agents' REST APIs only: accounts, the trust hierarchy of vetting,
// allocation -> assignment -> delegation -> delegation with credentials, chain of custody and who may use a number
// (read model and chain agree), then a revocation in the middle and a number port; and the negative cases, each with
// a clear error and an unchanged ledger.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type Hex, keccak256, parseEventLogs, stringToHex } from "viem";
import type { SqlParam } from "../../src/core/store/store.ts";
import { callerHashOf } from "../../src/eidl/grantIds.ts";
import { TnAuthority } from "../../src/generated/contracts.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";

type Json = Record<string, unknown>;
interface Account {
  did: string;
  name: string;
  type: number;
}
interface Allocation {
  grantId: string;
  type: string;
  txHash: Hex;
  verifiableCredential: Json & { credentialSubject: Json; holder: string; issuer: string };
  proof: { jws: string };
}
interface Holders {
  holders: string[];
  chain: Array<{ type: string; subjectId: string }>;
  source: string;
}

const BLOCK = "1200200"; // 1-200-200-XXXX: ten thousand-blocks
const SUB_BLOCK = "12002001"; // the thousand-block 1-200-200-1XXX
const TN = "12002001234";

describe("EIDL: the seed's scenario through the agents", () => {
  let consortium: TestConsortium;
  const a: Record<string, TestAgent> = {};
  const org: Record<string, Account> = {};

  async function createAccount(agent: TestAgent, name: string, type: number): Promise<Account> {
    const r = await agent.call<Account>("POST", "/v1/accounts", { name, type });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  }
  async function vet(agent: TestAgent, subject: Account, vetter: Account, result = 0, brandName?: string) {
    const r = await agent.call<Json>("POST", `/v1/vetterAuthorization/${subject.did}/vetter/${vetter.did}`, {
      status: 1,
      result,
      ...(brandName ? { brandName } : {}),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  }
  async function grant(agent: TestAgent, item: Json) {
    return agent.call<{ tnAllocationResponse: Allocation[] } & { code?: string; message?: string; details?: Json[] }>(
      "POST",
      "/v1/tnallocation",
      { tnAllocation: [item] },
    );
  }
  async function holders(agent: TestAgent, tn: string, query = ""): Promise<Holders> {
    const r = await agent.call<Holders>("GET", `/v1/eidl/tn/${tn}/holders${query}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }
  /** The ledger's state as any agent sees it: chain head and the read model's answers for the number. */
  async function ledgerState() {
    const block = await fetch(consortium.devnet.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    }).then((r) => r.json() as Promise<{ result: string }>);
    const custody = await a.osp!.call<Json>("GET", `/v1/eidl/tn/${TN}/custody`);
    const { requestId: _, ...custodyBody } = custody.body;
    return { block: block.result, who: (await holders(a.osp!, TN)).holders, custody: custodyBody };
  }
  async function expectUnchanged(action: () => Promise<{ status: number; body: Json }>, status: number, code: string) {
    const before = await ledgerState();
    const r = await action();
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code);
    assert.ok(typeof r.body.message === "string" && r.body.message.length > 0);
    assert.deepEqual(await ledgerState(), before, "the ledger and the read model are unchanged");
    return r.body;
  }

  before(async () => {
    consortium = await startTestConsortium([
      { name: "ta", roles: ["TRUST_AUTHORITY"] },
      { name: "na", roles: ["NUMBERING_AUTHORITY"] },
      { name: "kyc", roles: ["KYC_VETTER"] },
      { name: "tnsp", roles: ["TNSP"] },
      { name: "tnsp2", roles: ["TNSP"] },
      { name: "tnr", roles: ["TNR"] },
      { name: "brand", roles: ["ENTERPRISE"] },
      { name: "bpo", roles: ["BPO"] },
      { name: "osp", roles: ["OSP"] },
    ]);
    Object.assign(a, consortium.agents);
    org.ta = await createAccount(a.ta!, "Trust Authority", 6);
    org.na = await createAccount(a.na!, "Numbering Authority", 7);
    org.kyc = await createAccount(a.kyc!, "KYC1", 0);
    org.tnsp = await createAccount(a.tnsp!, "TNSP1", 4);
    org.tnsp2 = await createAccount(a.tnsp2!, "TNSP2", 4);
    org.tnr = await createAccount(a.tnr!, "TNR1", 1);
    org.brand = await createAccount(a.brand!, "Big Bank", 2);
    org.bpo = await createAccount(a.bpo!, "Dial Centre", 3);
    org.osp = await createAccount(a.osp!, "OSP1", 8);
  });
  after(() => consortium?.stop());

  it("creates organisation accounts whose DIDs every agent can read", async () => {
    const seen = await eventually(async () => {
      const r = await a.osp!.call<Account & { hosted: boolean }>("GET", `/v1/accounts/${org.brand!.did}`);
      assert.equal(r.status, 200);
      return r.body;
    });
    assert.equal(seen.name, "Big Bank");
    assert.equal(seen.type, 2);
    assert.equal(seen.hosted, false);
    // A member cannot host an organisation of a type whose role it lacks: refused before any key or DID exists.
    const dids = await a.tnr!.call<{ items: unknown[] }>("GET", "/v1/identity/dids");
    const refused = await a.tnr!.call<{ code: string; details: Json[] }>("POST", "/v1/accounts", {
      name: "Not a TNSP",
      type: 4,
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "EIDL_ROLE_MISSING");
    assert.match(JSON.stringify(refused.body.details), /body\.type/);
    assert.equal(
      (await a.tnr!.call<{ items: unknown[] }>("GET", "/v1/identity/dids")).body.items.length,
      dids.body.items.length,
    );
    const mine = await a.brand!.call<{ items: Account[] }>("GET", "/v1/eidl/hosted-accounts");
    assert.deepEqual(
      mine.body.items.map((x) => x.did),
      [org.brand!.did],
    );
  });

  it("runs the trust hierarchy: TA vets TNSPs, the KYC vetter and the OSP; the KYC vetter vets TNR, Brand, BPO", async () => {
    for (const o of [org.tnsp!, org.tnsp2!, org.kyc!, org.osp!]) await vet(a.ta!, o, org.ta!);
    await vet(a.kyc!, org.tnr!, org.kyc!);
    const brandVetting = await vet(a.kyc!, org.brand!, org.kyc!, 0, "Big Bank");
    await vet(a.kyc!, org.bpo!, org.kyc!);
    assert.equal(brandVetting.authorized, true);
    const vc = brandVetting.verifiableCredential as {
      type: string[];
      issuer: string;
      credentialSubject: Json;
      proof: { jwt: string };
    };
    assert.deepEqual(vc.type, ["VerifiableCredential", "VettingStatus"]);
    assert.equal(vc.issuer, org.kyc!.did);
    assert.equal(vc.credentialSubject.id, org.brand!.did);
    assert.equal(vc.credentialSubject.organisationVettingStatus, "Authorized");
    assert.equal(vc.credentialSubject.brandName, "Big Bank");
    // Any other agent (the OSP) verifies it: signature through the KYC vetter's DID, status on chain.
    const verified = await a.osp!.call<{ verified: boolean }>("POST", "/v1/identity/credentials/verify", {
      jwt: vc.proof.jwt,
    });
    assert.equal(verified.body.verified, true, JSON.stringify(verified.body));

    const current = await eventually(async () => {
      const r = await a.osp!.call<Json>("GET", `/v1/vetterAuthorization/${org.brand!.did}/vetter/${org.kyc!.did}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    });
    assert.equal(current.result, 0);
    assert.equal(current.status, 1);
    assert.equal(current.version, 1);
    assert.equal((current.vetter as Account).did, org.kyc!.did);

    // The whole tree, as any member reads it (GET /v1/eidl/organisations, pages of two): each organisation under the
    // vetter of its latest decision, the TA a root.
    const tree = await eventually(async () => {
      const listed: Array<Account & { vetter: string | null; result: number | null }> = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const r = await a.osp!.call<{ items: typeof listed; nextCursor: string | null }>(
          "GET",
          `/v1/eidl/organisations?limit=2${query}`,
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.ok(r.body.items.length <= 2);
        listed.push(...r.body.items);
        cursor = r.body.nextCursor;
      } while (cursor);
      const bpo = listed.find((o) => o.did === org.bpo!.did);
      assert.equal(bpo?.vetter, org.kyc!.did, "the BPO's vetting is indexed");
      return new Map(listed.map((o) => [o.did, o]));
    });
    assert.equal(tree.get(org.ta!.did)?.vetter, null);
    assert.equal(tree.get(org.ta!.did)?.result, null);
    for (const o of [org.tnsp!, org.tnsp2!, org.kyc!, org.osp!]) {
      assert.deepEqual([tree.get(o.did)?.vetter, tree.get(o.did)?.result], [org.ta!.did, 0]);
    }
    for (const o of [org.tnr!, org.brand!, org.bpo!]) {
      assert.deepEqual([tree.get(o.did)?.vetter, tree.get(o.did)?.result], [org.kyc!.did, 0]);
    }
    assert.equal(tree.get(org.brand!.did)?.name, org.brand!.name);
  });

  it("rejects a vetting outside the hierarchy: a KYC vetter cannot vet a TNSP", async () => {
    await expectUnchanged(
      () =>
        a.kyc!.call("POST", `/v1/vetterAuthorization/${org.tnsp2!.did}/vetter/${org.kyc!.did}`, {
          status: 1,
          result: 0,
        }),
      403,
      "EIDL_VETTING_NOT_ALLOWED",
    );
  });

  it("a Numbering Authority allocates only inside the numbering-plan scope the governors set through their agents", async () => {
    const item = { tnId: `${BLOCK}XXXX`, issuerId: org.na!.did, subjectId: org.tnsp!.did };
    // No scope yet: the authority allocates nothing, refused before any transaction.
    await expectUnchanged(() => grant(a.na!, item), 403, "EIDL_OUTSIDE_NUMBERING_SCOPE");
    // The TA's agent proposes the NANP (its approval counts); 9 governors: four more approvals make the majority.
    const proposed = await a.ta!.call<{ proposalId: number; executed: boolean; code?: string }>(
      "POST",
      "/v1/eidl/numbering-scopes",
      { numberingAuthorityId: org.na!.did, prefixes: ["1"] },
    );
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    assert.equal(proposed.body.executed, false);
    const approvers = [a.na!, a.kyc!, a.tnsp!, a.tnsp2!];
    for (const [i, agent] of approvers.entries()) {
      const r = await agent.call<{ executed: boolean }>(
        "POST",
        `/v1/eidl/numbering-scopes/${proposed.body.proposalId}/approve`,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.executed, i === approvers.length - 1, `approval ${i + 2} of 9`);
    }
    const scope = await a.osp!.call<{ prefixes: string[] }>("GET", `/v1/eidl/numbering-scopes/${org.na!.did}`);
    assert.deepEqual(scope.body.prefixes, ["1"]);
    // Outside the scope (country code 44): a named 403 on the item's field, nothing changed.
    const outside = await expectUnchanged(
      () => grant(a.na!, { ...item, tnId: "4420710000" }),
      403,
      "EIDL_OUTSIDE_NUMBERING_SCOPE",
    );
    assert.match(JSON.stringify(outside.details), /body\.tnAllocation\[0\]\.tnId/);
    // Bad proposals are refused naming the field.
    const twice = await a.ta!.call<Json>("POST", "/v1/eidl/numbering-scopes", {
      numberingAuthorityId: org.na!.did,
      prefixes: ["44", "44"],
    });
    assert.equal(twice.status, 400, JSON.stringify(twice.body));
    assert.match(JSON.stringify(twice.body.details), /body\.prefixes\[1\]/);
    const notNa = await a.ta!.call<Json>("POST", "/v1/eidl/numbering-scopes", {
      numberingAuthorityId: org.tnsp!.did,
      prefixes: ["44"],
    });
    assert.equal(notNa.status, 403, JSON.stringify(notNa.body));
    assert.equal(notNa.body.code, "EIDL_NOT_NUMBERING_AUTHORITY");
  });

  it("allocates a block, assigns a sub-block, delegates a number to the Brand and on to the BPO", async () => {
    const allocation = await grant(a.na!, { tnId: `${BLOCK}XXXX`, issuerId: org.na!.did, subjectId: org.tnsp!.did });
    assert.equal(allocation.status, 201, JSON.stringify(allocation.body));
    const alloc = allocation.body.tnAllocationResponse[0]!;
    assert.equal(alloc.type, "Allocation");
    assert.equal(alloc.verifiableCredential.holder, org.tnsp!.did);
    assert.equal(alloc.verifiableCredential.issuer, org.na!.did);

    const assignment = await grant(a.tnsp!, { tnId: SUB_BLOCK, issuerId: org.tnsp!.did, subjectId: org.tnr!.did });
    assert.equal(assignment.status, 201, JSON.stringify(assignment.body));
    assert.equal(assignment.body.tnAllocationResponse[0]!.type, "Assignment");

    const delegation = await grant(a.tnr!, {
      tnId: TN,
      issuerId: org.tnr!.did,
      subjectId: org.brand!.did,
      callerName: "Big Bank",
      purpose: "Loan Application",
    });
    assert.equal(delegation.status, 201, JSON.stringify(delegation.body));
    const vc = delegation.body.tnAllocationResponse[0]!.verifiableCredential;
    assert.deepEqual(vc.type, ["VerifiableCredential", "TNAuthorization"]);
    assert.equal(vc.holder, org.brand!.did);
    const tnAuthorization = vc.credentialSubject["TN Authorization"] as Json;
    assert.match(String(tnAuthorization.CallerSalt), /^0x[0-9a-f]{64}$/);
    assert.deepEqual(tnAuthorization, {
      TN,
      Type: "Delegation",
      CallerName: "Big Bank",
      Purpose: "Loan Application",
      CallerSalt: tnAuthorization.CallerSalt,
      ValidStart: tnAuthorization.ValidStart,
      ParentGrant: assignment.body.tnAllocationResponse[0]!.grantId,
    });

    // Issue 11, item 17: the caller name and purpose reach the chain only as their salted hash, and the id the API
    // acknowledged is the chain's (issue 10).
    const delegated = delegation.body.tnAllocationResponse[0]!;
    const chain = a.tnr!.agent.chain;
    const tx = await chain.getTransaction({ hash: delegated.txHash });
    const receipt = await chain.getTransactionReceipt({ hash: delegated.txHash });
    const onChain = [tx.input, ...receipt.logs.flatMap((l) => [l.data, ...l.topics])].join("").toLowerCase();
    for (const text of ["Big Bank", "Loan Application"]) {
      assert.ok(!onChain.includes(stringToHex(text).slice(2)), `"${text}" is in the transaction or its logs`);
    }
    const [recorded] = parseEventLogs({ abi: TnAuthority.abi, logs: receipt.logs, eventName: "GrantRecorded" });
    assert.equal(recorded?.args.grantId.toString(), delegated.grantId, "the acknowledged id is the chain's");
    assert.equal(
      recorded?.args.constraints.callerHash,
      callerHashOf(tnAuthorization.CallerSalt as Hex, "Big Bank", "Loan Application"),
      "the hash the credential's salt and text give",
    );
    const asIssuer = await eventually(async () => {
      const r = await a.tnr!.call<Json>("GET", `/v1/eidl/grants/${delegated.grantId}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    });
    assert.equal(asIssuer.callerName, "Big Bank", "the issuing agent reads the name from its credential");
    const asOther = await eventually(async () => {
      const r = await a.osp!.call<Json>("GET", `/v1/eidl/grants/${delegated.grantId}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    });
    assert.equal(asOther.callerName, "", "another agent never learns it from the chain");
    const verified = await a.osp!.call<{ verified: boolean }>("POST", "/v1/identity/credentials/verify", {
      jwt: delegation.body.tnAllocationResponse[0]!.proof.jws,
    });
    assert.equal(verified.body.verified, true);

    const onward = await grant(a.brand!, { tnId: TN, issuerId: org.brand!.did, subjectId: org.bpo!.did });
    assert.equal(onward.status, 201, JSON.stringify(onward.body));

    const who = await eventually(async () => {
      const h = await holders(a.osp!, TN);
      assert.equal(h.holders.length, 4);
      return h;
    });
    assert.deepEqual(who.holders, [org.tnsp!.did, org.tnr!.did, org.brand!.did, org.bpo!.did]);
    assert.deepEqual(
      who.chain.map((c) => c.type),
      ["Allocation", "Assignment", "Delegation", "Delegation"],
    );
    assert.deepEqual((await holders(a.osp!, TN, "?source=chain")).holders, who.holders, "the chain's view agrees");
    assert.deepEqual((await holders(a.osp!, "12002001999")).holders, [org.tnsp!.did, org.tnr!.did]);
    assert.deepEqual((await holders(a.osp!, "12002009999")).holders, [org.tnsp!.did]);
    assert.deepEqual((await holders(a.osp!, "13005550000")).holders, []);

    const custody = await a.osp!.call<{ items: Array<Json> }>("GET", `/v1/eidl/tn/${TN}/custody`);
    assert.equal(custody.status, 200);
    assert.deepEqual(
      custody.body.items.map((e) => [e.event, e.type, e.to, e.currentStatus]),
      [
        ["granted", "Allocation", org.tnsp!.did, "valid"],
        ["granted", "Assignment", org.tnr!.did, "valid"],
        ["granted", "Delegation", org.brand!.did, "valid"],
        ["granted", "Delegation", org.bpo!.did, "valid"],
      ],
    );
  });

  it("read model and chain agree on who may use a sample of numbers, now and at other times", async () => {
    const future = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
    const past = new Date(Date.now() - 365 * 24 * 3600 * 1000).toISOString();
    for (const tn of [
      TN,
      "12002001000",
      "12002001999",
      "12002000001",
      "12002009999",
      "1200200",
      "12002011234",
      "44207946000",
    ]) {
      for (const at of ["", `?at=${future}`, `?at=${past}`]) {
        const fromModel = await holders(a.tnsp2!, tn, at);
        const fromChain = await holders(a.tnsp2!, tn, `${at ? `${at}&` : "?"}source=chain`);
        assert.deepEqual(fromModel.holders, fromChain.holders, `${tn} ${at}`);
      }
    }
  });

  it("rejects passing on a number by a non-holder, to an unvetted or blacklisted recipient, and overlapping allocations", async () => {
    // TNSP2 holds nothing in the block.
    await expectUnchanged(
      () => grant(a.tnsp2!, { tnId: TN, issuerId: org.tnsp2!.did, subjectId: org.tnr!.did }),
      403,
      "EIDL_TN_NOT_HELD",
    );
    // An organisation nobody vetted.
    const unvetted = await createAccount(a.brand!, "Shady Brand", 2);
    await eventually(async () => assert.equal((await a.tnr!.call("GET", `/v1/accounts/${unvetted.did}`)).status, 200));
    const rejected = await expectUnchanged(
      () => grant(a.tnr!, { tnId: "12002001235", issuerId: org.tnr!.did, subjectId: unvetted.did }),
      422,
      "CHAIN_REVERTED",
    );
    assert.match(String(rejected.message), /NotAuthorized|Unauthorized|NotVetted/i);
    // A blacklisted one.
    const blacklisted = await createAccount(a.brand!, "Blacklisted Brand", 2);
    await eventually(async () =>
      assert.equal((await a.kyc!.call("GET", `/v1/accounts/${blacklisted.did}`)).status, 200),
    );
    await vet(a.kyc!, blacklisted, org.kyc!, 2);
    await eventually(async () =>
      assert.equal((await a.tnr!.call("GET", `/v1/accounts/${blacklisted.did}`)).status, 200),
    );
    await expectUnchanged(
      () => grant(a.tnr!, { tnId: "12002001236", issuerId: org.tnr!.did, subjectId: blacklisted.did }),
      422,
      "CHAIN_REVERTED",
    );
    // The same numbers to a second TNSP: inside, equal to, and around the allocated block.
    for (const tnId of [SUB_BLOCK, BLOCK, "120020"]) {
      await expectUnchanged(
        () => grant(a.na!, { tnId, issuerId: org.na!.did, subjectId: org.tnsp2!.did }),
        422,
        "CHAIN_REVERTED",
      );
    }
  });

  it("rejects malformed numbers and DIDs naming the field, steps outside their window, and keys without the role", async () => {
    for (const tnId of ["0123", "12a4", "1234567890123456", ""]) {
      const r = await expectUnchanged(
        () => grant(a.tnr!, { tnId, issuerId: org.tnr!.did, subjectId: org.brand!.did }),
        400,
        "VALIDATION_FAILED",
      );
      assert.match(JSON.stringify(r.details), /tnId/);
    }
    const badDid = await expectUnchanged(
      () => grant(a.tnr!, { tnId: TN, issuerId: org.tnr!.did, subjectId: "did:ethr:0x1234" }),
      400,
      "VALIDATION_FAILED",
    );
    assert.match(JSON.stringify(badDid.details), /subjectId/);
    const ended = await expectUnchanged(
      () =>
        grant(a.tnr!, {
          tnId: "12002001237",
          issuerId: org.tnr!.did,
          subjectId: org.brand!.did,
          allocationStartDate: "2020-01-01T00:00:00Z",
          allocationEndDate: "2021-01-01T00:00:00Z",
        }),
      400,
      "VALIDATION_FAILED",
    );
    assert.match(JSON.stringify(ended.details), /allocationEndDate/);
    const unknownOrg = org.tnr!.did.replace(/0x[0-9a-f]{40}$/, `0x${"ab".repeat(20)}`);
    const unknown = await expectUnchanged(
      () => grant(a.tnr!, { tnId: TN, issuerId: org.tnr!.did, subjectId: unknownOrg }),
      404,
      "EIDL_UNKNOWN_ORGANISATION",
    );
    assert.match(JSON.stringify(unknown.details), /body\.tnAllocation\[0\]\.subjectId/);

    // Unauthorised API keys: none, another member's, a read-only one.
    await expectUnchanged(
      () =>
        a.tnr!.call(
          "POST",
          "/v1/tnallocation",
          { tnAllocation: [{ tnId: TN, issuerId: org.tnr!.did, subjectId: org.brand!.did }] },
          "",
        ),
      401,
      "UNAUTHENTICATED",
    );
    await expectUnchanged(
      () =>
        a.tnr!.call(
          "POST",
          "/v1/tnallocation",
          { tnAllocation: [{ tnId: TN, issuerId: org.tnr!.did, subjectId: org.brand!.did }] },
          a.brand!.adminKey,
        ),
      401,
      "UNAUTHENTICATED",
    );
    const reader = await a.tnr!.call<{ key: string }>("POST", "/v1/api-keys", {
      userName: "auditor",
      role: "read-only",
    });
    await expectUnchanged(
      () =>
        a.tnr!.call(
          "POST",
          "/v1/tnallocation",
          { tnAllocation: [{ tnId: TN, issuerId: org.tnr!.did, subjectId: org.brand!.did }] },
          reader.body.key,
        ),
      403,
      "FORBIDDEN",
    );
    // Acting for an organisation another agent hosts.
    await expectUnchanged(
      () => grant(a.tnsp2!, { tnId: TN, issuerId: org.tnr!.did, subjectId: org.brand!.did }),
      403,
      "EIDL_NOT_HOSTED",
    );
  });

  it("a step valid only later is not valid now, and is at its time", async () => {
    const start = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
    const later = await grant(a.tnr!, {
      tnId: "12002001500",
      issuerId: org.tnr!.did,
      subjectId: org.brand!.did,
      allocationStartDate: start,
    });
    assert.equal(later.status, 201, JSON.stringify(later.body));
    assert.deepEqual((await holders(a.tnr!, "12002001500")).holders, [org.tnsp!.did, org.tnr!.did]);
    const then = new Date(Date.parse(start) + 1000).toISOString();
    assert.deepEqual((await holders(a.tnr!, "12002001500", `?at=${then}`)).holders, [
      org.tnsp!.did,
      org.tnr!.did,
      org.brand!.did,
    ]);
    assert.deepEqual((await holders(a.tnr!, "12002001500", `?at=${then}&source=chain`)).holders, [
      org.tnsp!.did,
      org.tnr!.did,
      org.brand!.did,
    ]);
  });

  it("a revocation in the middle ends everything below it, revokes its credential and blocks passing it on", async () => {
    const grants = await a.tnr!.call<{
      items: Array<{ grantId: string; tnId: string; type: string; subjectId: string }>;
    }>("GET", `/v1/eidl/grants?holder=${org.brand!.did}`);
    const toBrand = grants.body.items.find((g) => g.tnId === TN)!;
    const revoked = await a.tnr!.call<Json>("POST", `/v1/eidl/grants/${toBrand.grantId}/revoke`, {
      reason: "Canceled",
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.status, "revoked");
    const who = await eventually(async () => {
      const h = await holders(a.osp!, TN);
      assert.equal(h.holders.length, 2);
      return h;
    });
    assert.deepEqual(who.holders, [org.tnsp!.did, org.tnr!.did]);
    assert.deepEqual((await holders(a.osp!, TN, "?source=chain")).holders, who.holders);
    const custody = await a.osp!.call<{ items: Json[] }>("GET", `/v1/eidl/tn/${TN}/custody`);
    const byEvent = custody.body.items.map((e) => [e.event, e.to, e.currentStatus, e.reason]);
    assert.deepEqual(byEvent.at(-1), ["revoked", org.brand!.did, "revoked", "Canceled"]);
    assert.ok(
      byEvent.some((e) => e[1] === org.bpo!.did && e[2] === "invalid"),
      "the BPO's delegation is no longer valid",
    );
    // The Brand can no longer pass the number on.
    await expectUnchanged(
      () => grant(a.brand!, { tnId: TN, issuerId: org.brand!.did, subjectId: org.bpo!.did }),
      403,
      "EIDL_TN_NOT_HELD",
    );
  });

  it("a number port ends the old chain and starts a new one at the new TNSP, keeping the history", async () => {
    const portBody = {
      tnId: BLOCK,
      issuerId: org.na!.did,
      subjectId: org.tnsp2!.did,
      portAuthority: "BothProvidersConsented",
      evidenceHash: `0x${"0".repeat(64)}`,
    };
    // A port names its evidence: a zero hash is refused on its field, nothing changed.
    const noEvidence = await expectUnchanged(
      () => a.na!.call("POST", "/v1/eidl/ports", portBody),
      400,
      "VALIDATION_FAILED",
    );
    assert.match(JSON.stringify(noEvidence.details), /body\.evidenceHash/);
    const evidenceHash = keccak256(stringToHex("signed LOA and the losing provider's confirmation"));
    const ported = await a.na!.call<{ endedGrantId: string; allocation: Allocation }>("POST", "/v1/eidl/ports", {
      ...portBody,
      evidenceHash,
    });
    assert.equal(ported.status, 201, JSON.stringify(ported.body));
    // The port records its authority and evidence on chain.
    const receipt = await a.na!.agent.chain.getTransactionReceipt({ hash: ported.body.allocation.txHash });
    const [event] = parseEventLogs({ abi: TnAuthority.abi, logs: receipt.logs, eventName: "NumberPorted" });
    assert.equal(event?.args.authority, 0);
    assert.equal(event?.args.evidenceHash, evidenceHash);
    const who = await eventually(async () => {
      const h = await holders(a.osp!, TN);
      assert.deepEqual(h.holders, [org.tnsp2!.did]);
      return h;
    });
    assert.deepEqual((await holders(a.osp!, TN, "?source=chain")).holders, who.holders);
    const custody = await a.osp!.call<{ items: Json[] }>("GET", `/v1/eidl/tn/${TN}/custody`);
    const events = custody.body.items.map((e) => [e.event, e.type, e.to, e.reason]);
    assert.ok(events.some((e) => e[0] === "revoked" && e[2] === org.tnsp!.did && e[3] === "NumberPort"));
    assert.deepEqual(events.at(-2), ["granted", "Allocation", org.tnsp2!.did, null]);
    assert.deepEqual(events.at(-1), ["ported", "Allocation", org.tnsp2!.did, "NumberPort"]);
    // The new TNSP can now assign; the old one cannot.
    await expectUnchanged(
      () => grant(a.tnsp!, { tnId: SUB_BLOCK, issuerId: org.tnsp!.did, subjectId: org.tnr!.did }),
      403,
      "EIDL_TN_NOT_HELD",
    );
    const reassigned = await grant(a.tnsp2!, { tnId: SUB_BLOCK, issuerId: org.tnsp2!.did, subjectId: org.tnr!.did });
    assert.equal(reassigned.status, 201, JSON.stringify(reassigned.body));
  });

  it("pages every list with limit and cursor: the pages together are the whole list, in order", async () => {
    /** Every page of a list at `limit` items a page, following nextCursor to the end. */
    async function pages(agent: TestAgent, path: string, limit: number) {
      const out: Json[][] = [];
      let cursor: string | null = null;
      do {
        const sep = path.includes("?") ? "&" : "?";
        const r: { status: number; body: { items: Json[]; nextCursor: string | null } } = await agent.call(
          "GET",
          `${path}${sep}limit=${limit}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`,
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.ok(r.body.items.length <= limit);
        out.push(r.body.items);
        cursor = r.body.nextCursor;
      } while (cursor !== null && out.length < 50);
      return out;
    }
    async function paged(agent: TestAgent, path: string, limit: number) {
      const all = await pages(agent, path, 100);
      assert.equal(all.length, 1, `${path}: one page of 100 holds it all`);
      const whole = all[0] ?? [];
      assert.ok(whole.length > limit, `${path}: more items (${whole.length}) than a page of ${limit}`);
      const small = await pages(agent, path, limit);
      assert.equal(
        small.length,
        Math.ceil(whole.length / limit),
        `${path}: ${whole.length} items in pages of ${limit}`,
      );
      assert.deepEqual(small.flat(), whole, `${path}: the pages together are the list`);
    }
    // A second decision on the BPO: its history has two versions.
    await vet(a.kyc!, org.bpo!, org.kyc!);
    await paged(a.osp!, `/v1/eidl/tn/${TN}/custody`, 2);
    await paged(a.tnr!, `/v1/eidl/grants?holder=${org.tnr!.did}`, 1);
    await paged(a.brand!, "/v1/eidl/hosted-accounts", 2);
    await paged(a.osp!, `/v1/vetterAuthorization/${org.bpo!.did}/history`, 1);
    const first = await a.osp!.call<Json>(
      "GET",
      `/v1/vetterAuthorization/${org.bpo!.did}/vetter/${org.kyc!.did}?status=1&limit=1`,
    );
    assert.deepEqual(
      (first.body.history as Json[]).map((v) => v.version),
      [1],
    );
    const second = await a.osp!.call<Json>(
      "GET",
      `/v1/vetterAuthorization/${org.bpo!.did}/vetter/${org.kyc!.did}?status=1&limit=1&cursor=${first.body.nextCursor}`,
    );
    assert.deepEqual(
      (second.body.history as Json[]).map((v) => v.version),
      [2],
    );
    assert.equal(second.body.nextCursor, null);
    // A cursor this endpoint never made is refused, naming the field.
    const bad = await a.osp!.call<Json>("GET", `/v1/eidl/tn/${TN}/custody?cursor=not-a-cursor`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "VALIDATION_FAILED");
    assert.match(JSON.stringify(bad.body.details), /query\.cursor/);
  });

  it("drives the same operations from the CLI through an agent's API", async () => {
    const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
    // Asynchronous: the agents run in this process and must keep answering while the CLI waits.
    const cli = async (agent: TestAgent, ...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [bin, "eidl", ...args, "--url", agent.url, "--api-key", agent.adminKey, "--json"],
        { encoding: "utf8", timeout: 120_000 },
      );
      return JSON.parse(stdout) as Json;
    };
    const granted = await cli(
      a.tnsp2!,
      "grant",
      "12002002",
      org.tnsp2!.did,
      org.tnr!.did,
      "--intended-use",
      "CLI test",
    );
    const made = (granted.tnAllocationResponse as Array<{ type: string; grantId: string }>)[0]!;
    assert.equal(made.type, "Assignment");
    const both = [org.tnsp2!.did, org.tnr!.did];
    assert.deepEqual((await cli(a.tnsp2!, "who", "12002002000")).holders, both);
    assert.deepEqual((await cli(a.tnsp2!, "who", "12002002000", "--chain")).holders, both);
    const custody = (await cli(a.tnsp2!, "custody", "12002002000")).items as Json[];
    assert.equal(custody.at(-1)?.grantId, made.grantId);
    assert.equal((await cli(a.osp!, "account", "show", org.tnr!.did)).name, "TNR1");
    const revoked = await cli(a.tnsp2!, "revoke", made.grantId, "--reason", "Canceled");
    assert.equal(revoked.status, "revoked");
    assert.deepEqual((await cli(a.tnsp2!, "who", "12002002000")).holders, [org.tnsp2!.did]);
  });

  it("a grant whose block the chain dropped is replayed from the journal under the id the API acknowledged", async () => {
    const rpc = (method: string, params: unknown[] = []) =>
      fetch(consortium.devnet.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      }).then((r) => r.json() as Promise<{ result: unknown }>);
    const snapshot = (await rpc("evm_snapshot")).result;
    const made = await grant(a.na!, { tnId: "1500500", issuerId: org.na!.did, subjectId: org.tnsp!.did });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const acknowledged = made.body.tnAllocationResponse[0]!;
    const onChainId = async () => {
      const h = await a.osp!.call<{ chain: Array<{ grantId: string }> }>(
        "GET",
        "/v1/eidl/tn/15005001234/holders?source=chain",
      );
      return h.body.chain?.[0]?.grantId;
    };
    assert.equal(await onChainId(), acknowledged.grantId);

    // The devnet goes back to before the grant (as a restore or a reorganisation does): the NA agent's outbox sees
    // the chain went back and broadcasts the journalled transaction again, with the same salt.
    assert.equal((await rpc("evm_revert", [snapshot])).result, true);
    await eventually(
      async () => assert.equal(await onChainId(), acknowledged.grantId, "same id after the replay"),
      30_000,
    );
    const receipt = await a.na!.agent.chain.getTransactionReceipt({ hash: acknowledged.txHash });
    assert.equal(receipt.status, "success", "the journalled transaction itself was mined again");
    const report = await eventually(async () => {
      const r = await a.osp!.call<{ differences: Array<{ domain: string }> }>("GET", "/v1/agent/consistency");
      assert.deepEqual(r.body.differences, [], "the read model followed the rewind and the replay");
      return r.body;
    }, 30_000);
    assert.deepEqual(report.differences, []);
  });

  it("the consistency check finds every EIDL table equal to the chain, and names a corrupted row", async () => {
    interface Report {
      checked: string[];
      differences: Array<{ domain: string; table: string; key: string; readModel: unknown; chain: unknown }>;
    }
    const check = async () => {
      const r = await a.osp!.call<Report>("GET", "/v1/agent/consistency");
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };
    const clean = await check();
    assert.ok(clean.checked.includes("eidl"));
    assert.deepEqual(
      clean.differences.filter((d) => d.domain === "eidl"),
      [],
      "after the whole scenario, the read model is the chain",
    );

    const store = a.osp!.agent.store;
    const victim = (await store.one<{ id: string; holder: string; prefix: string }>(
      "SELECT id, holder, prefix FROM eidl_grants WHERE prefix = $1 AND kind = 2 ORDER BY created_block LIMIT 1",
      [TN],
    )) as { id: string; holder: string; prefix: string };
    const forged = "0x00000000000000000000000000000000000000aa";
    const holderName = (
      (await store.one<{ name: string }>("SELECT name FROM eidl_orgs WHERE org = $1", [victim.holder])) as {
        name: string;
      }
    ).name;
    await store.exec("UPDATE eidl_grants SET holder = $2 WHERE id = $1", [victim.id, forged]);
    await store.exec("UPDATE eidl_orgs SET name = 'Forged Name' WHERE org = $1", [victim.holder]);
    try {
      const report = await check();
      const eidl = report.differences.filter((d) => d.domain === "eidl");
      const grantDiff = eidl.find((d) => d.table === "eidl_grants" && d.key === victim.id);
      assert.ok(grantDiff, `the corrupted grant is named: ${JSON.stringify(eidl)}`);
      assert.equal((grantDiff.readModel as { holder: string }).holder, forged);
      assert.equal((grantDiff.chain as { holder: string }).holder, victim.holder);
      const orgDiff = eidl.find((d) => d.table === "eidl_orgs" && d.key === victim.holder);
      assert.equal((orgDiff?.readModel as { name: string } | undefined)?.name, "Forged Name");
      assert.equal(eidl.length, 2, JSON.stringify(eidl));
    } finally {
      await store.exec("UPDATE eidl_grants SET holder = $2 WHERE id = $1", [victim.id, victim.holder]);
      await store.exec("UPDATE eidl_orgs SET name = $2 WHERE org = $1", [victim.holder, holderName]);
    }
    assert.deepEqual(
      (await check()).differences.filter((d) => d.domain === "eidl"),
      [],
      "restored: equal again",
    );

    // A grant the read model lost altogether is named by its id from the contract's GrantRecorded log.
    const row = (await store.one<Record<string, SqlParam>>("SELECT * FROM eidl_grants WHERE id = $1", [
      victim.id,
    ])) as Record<string, SqlParam>;
    const columns = Object.keys(row);
    await store.exec("DELETE FROM eidl_grants WHERE id = $1", [victim.id]);
    try {
      const eidl = (await check()).differences.filter((d) => d.domain === "eidl");
      const lost = eidl.find((d) => d.table === "eidl_grants" && d.key === victim.id);
      assert.ok(lost, `the lost grant is named: ${JSON.stringify(eidl)}`);
      assert.equal(lost.readModel ?? null, null, "absent from the read model");
      assert.equal((lost.chain as { prefix: string }).prefix, victim.prefix);
    } finally {
      await store.exec(
        `INSERT INTO eidl_grants (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
        columns.map((c) => row[c] ?? null),
      );
    }
  });
});
