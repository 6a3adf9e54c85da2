// Sharing an insight with a friend, and the m-of-n custodians' attestation of a key's erasure, through the member
// agents' APIs on a real devnet. The subscriber (a wallet key, no member) opens its accepted insight on its own side,
// seals it to a friend's registered key and signs the share; South Mobile's agent only submits and stores the envelope;
// the friend opens it with its key and gets the original. A share signed by any key but the holder's, to an unregistered
// friend, twice, or of an erased insight is refused by name with nothing recorded. North Mobile names three custodians
// the consortium approved (KEY_CUSTODIAN; the third by the governors' vote, refused before it by agent and contract)
// of the subject's key with a threshold of two and splits the key among their agents (Shamir shares sealed member to
// member): any two shares rebuild it, one does not, and a share not sent by the controller is refused; on erasure each
// custodian's agent refuses to hand out its share, destroys it and attests by itself (heldKey true), and the erasure is
// Attested with who and when; a non-custodian and a second attestation are refused.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type Address, type Hex, keccak256 } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { fingerprint } from "../../src/datausage/fingerprints.ts";
import { type Envelope, openAsFriend, openAsSubscriber, sealForFriend } from "../../src/datausage/insightsCrypto.ts";
import { shareIdOf } from "../../src/datausage/insightsLedger.ts";
import { CUSTODY_KEY_LABEL, KEY_SHARE_TYPE, rebuildKey, sealKeyShare } from "../../src/datausage/keyShares.ts";
import { DATAUSAGE_PROFILE } from "../../src/datausage/odrl.ts";
import { InsightsRepository } from "../../src/datausage/repositoryInsights.ts";
import { envelopeDigestOf } from "../../src/datausage/shareService.ts";
import { locationDigestOf, type SigningDomain, subscriberWallet } from "../../src/datausage/subscriberSigning.ts";
import { InsightsMarket } from "../../src/generated/contracts.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

type Json = Record<string, unknown>;

const POLICY = {
  "@type": "Agreement",
  profile: DATAUSAGE_PROFILE,
  permission: [
    { action: "use", constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["insights"] }] },
  ],
};
const INSIGHT = { segment: "weekend hiker", homeArea: "W4", monthlyMb: 12_480 };

describe("datausage: a subscriber shares an insight with a friend; custodians attest a key's erasure m of n", () => {
  let consortium: TestConsortium;
  let north: TestAgent;
  let south: TestAgent;
  let east: TestAgent;
  let market: Address;
  let consent: Hex;
  let domain: SigningDomain;
  let insightId: Hex;
  let shareId: Hex;
  const subscriberKey = generatePrivateKey();
  const subscriber = subscriberWallet(subscriberKey);
  const friendKey = generatePrivateKey();
  const friend = subscriberWallet(friendKey);
  const stranger = subscriberWallet(generatePrivateKey()); // a key no friend registered
  const operator = subscriberWallet(generatePrivateKey()); // any key but the holder's: the operator "sharing for" it
  const deadline = () => Math.floor(Date.now() / 1000) + 600;

  const ok = async <T = Json>(agent: TestAgent, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await agent.call<T>(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const refused = async (
    agent: TestAgent,
    method: string,
    path: string,
    body: unknown,
    status: number,
    code: string,
  ) => {
    const r = await agent.call<{ code: string }>(method, path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    return r.body;
  };
  const simulate = (agent: TestAgent, functionName: string, args: readonly unknown[]) =>
    agent.agent.chain.simulateContract({
      account: agent.agent.config.memberAccount,
      address: market,
      abi: InsightsMarket.abi,
      functionName,
      args,
    } as never);
  const account = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase() as Address;
  /** The subscriber's side: reads its insight from North's store and opens it with its own key. */
  const ownCopy = async () => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const signature = await subscriber.signReading(domain, { insightId, issuedAt: BigInt(issuedAt) });
    const envelope = await ok<Envelope>(north, "POST", `/v1/datausage/insights/${insightId}/readings`, {
      issuedAt,
      signature,
    });
    return openAsSubscriber(subscriberKey, insightId, envelope);
  };
  /** The subscriber's signed share, its envelope sealed on its side to the friend's key. */
  const shareBody = async (signer: ReturnType<typeof subscriberWallet>, to: Address, plaintext: string) => {
    const friendView = await ok<{ publicKey: Hex }>(south, "GET", `/v1/datausage/friend-keys/${friend.address}`);
    const envelope = sealForFriend(friendView.publicKey, shareIdOf(insightId, to), plaintext);
    const until = deadline();
    const signature = await signer.signShare(domain, {
      insightId,
      friendKey: to,
      envelopeDigest: envelopeDigestOf(envelope),
      deadline: BigInt(until),
    });
    return { friendKey: to, envelope, deadline: until, signature };
  };

  before(async () => {
    consortium = await startTestConsortium([
      // North and South are approved key custodians from the consortium's founding; East is approved later by the
      // governors' vote (below).
      { name: "north", roles: ["MOBILE_OPERATOR", "KEY_CUSTODIAN"] },
      { name: "south", roles: ["MOBILE_OPERATOR", "KEY_CUSTODIAN"] },
      { name: "east", roles: ["MOBILE_OPERATOR"] },
    ]);
    north = consortium.agents.north as TestAgent;
    south = consortium.agents.south as TestAgent;
    east = consortium.agents.east as TestAgent;
    const manifest = JSON.parse(readFileSync(consortium.manifestPath, "utf8")) as {
      contracts: Record<string, { address: Address }>;
    };
    market = manifest.contracts.InsightsMarket?.address as Address;
    consent = (
      await ok<{ contractId: Hex }>(north, "POST", "/v1/datausage/contracts", {
        subject: "+447700900881",
        data: { msisdn: "+447700900881", plan: "sim-only", monthlyMb: 12_480 },
        policy: POLICY,
        purposes: ["insights"],
        notice: "North Mobile offers you insights drawn from your usage; you may share them with friends.",
        recipients: [],
        maxDepth: 0,
      })
    ).contractId;
    domain = await ok<SigningDomain>(south, "GET", "/v1/datausage/signing-domain");
    await ok(south, "POST", "/v1/datausage/subscriber-keys", {
      consentId: consent,
      publicKey: subscriber.publicKey,
      signature: await subscriber.signKey(domain, consent),
    });
    insightId = (
      await ok<{ insightId: Hex }>(north, "POST", "/v1/datausage/insights", {
        consentId: consent,
        payload: INSIGHT,
        price: "300",
      })
    ).insightId;
    const until = deadline();
    await ok(north, "POST", `/v1/datausage/insights/${insightId}/answers`, {
      accepted: true,
      location: "agent",
      deadline: until,
      signature: await subscriber.signAnswer(domain, {
        insightId,
        accepted: true,
        locationDigest: locationDigestOf("agent"),
        deadline: BigInt(until),
      }),
    });
  });
  after(async () => {
    await consortium?.stop();
  });

  it("registers a friend's key only with that key's own signature, once", async () => {
    await refused(
      east,
      "POST",
      "/v1/datausage/friend-keys",
      { publicKey: friend.publicKey, signature: await operator.signFriendKey(domain) },
      403,
      "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
    );
    const registered = await ok<Json>(east, "POST", "/v1/datausage/friend-keys", {
      publicKey: friend.publicKey,
      signature: await friend.signFriendKey(domain),
    });
    assert.equal(registered.friendKey, friend.address);
    const seen = await ok<Json>(north, "GET", `/v1/datausage/friend-keys/${friend.address}`);
    assert.equal(seen.publicKey, friend.publicKey.toLowerCase());
    await refused(
      south,
      "POST",
      "/v1/datausage/friend-keys",
      { publicKey: friend.publicKey, signature: await friend.signFriendKey(domain) },
      409,
      "DATAUSAGE_FRIEND_KEY_EXISTS",
    );
  });

  it("refuses a share signed by a non-holder or to an unregistered key: nothing recorded", async () => {
    const plaintext = await ownCopy();
    const path = `/v1/datausage/insights/${insightId}/shares`;
    const forged = await shareBody(operator, friend.address, plaintext);
    await refused(south, "POST", path, forged, 403, "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE");
    // The contract refuses it too, sent past the agent's check.
    await assert.rejects(
      simulate(south, "share", [
        insightId,
        friend.address,
        envelopeDigestOf(forged.envelope),
        BigInt(forged.deadline),
        forged.signature,
      ]),
      /BadSubscriberSignature/,
    );
    await refused(
      south,
      "POST",
      path,
      await shareBody(subscriber, stranger.address, plaintext),
      409,
      "DATAUSAGE_UNKNOWN_FRIEND_KEY",
    );
    const badField = await refused(south, "POST", path, { ...forged, friendKey: "0x1234" }, 400, "VALIDATION_FAILED");
    assert.ok(JSON.stringify(badField).includes("body.friendKey"), JSON.stringify(badField));
    const shares = await ok<{ items: Json[] }>(north, "GET", path);
    assert.equal(shares.items.length, 0, "nothing recorded");
  });

  it("shares the insight re-sealed on the subscriber's side; the friend opens the original, never the agent", async () => {
    const plaintext = await ownCopy();
    const body = await shareBody(subscriber, friend.address, plaintext);
    assert.ok(!JSON.stringify(body).includes(INSIGHT.segment), "no plaintext goes to the agent");
    const shared = await ok<Json>(south, "POST", `/v1/datausage/insights/${insightId}/shares`, body);
    shareId = shared.shareId as Hex;
    assert.equal(shareId, shareIdOf(insightId, friend.address));
    assert.equal(shared.subscriberKey, subscriber.address);
    // The share is an event on chain, seen by every agent's read model.
    const listed = await ok<{ items: Json[] }>(north, "GET", `/v1/datausage/insights/${insightId}/shares`);
    assert.equal(listed.items.length, 1);
    assert.equal(listed.items[0]?.friendKey, friend.address);
    // The friend's side: the envelope from South's store, checked against the chain, opened with its own key.
    const fetched = await ok<Json & { envelope: Envelope }>(south, "GET", `/v1/datausage/shares/${shareId}`);
    assert.equal(envelopeDigestOf(fetched.envelope), fetched.envelopeDigest, "the envelope the holder signed");
    const { payload, salt } = JSON.parse(openAsFriend(friendKey, shareId, fetched.envelope)) as {
      payload: Json;
      salt: Hex;
    };
    assert.deepEqual(payload, INSIGHT, "the friend's plaintext is the original");
    const onChain = await ok<{ contentDigest: Hex }>(east, "GET", `/v1/datausage/insights/${insightId}`);
    assert.equal(fingerprint(salt, payload), onChain.contentDigest);
    assert.throws(() => openAsSubscriber(subscriberKey, shareId, fetched.envelope), "only the friend's key opens it");
    await refused(
      south,
      "POST",
      `/v1/datausage/insights/${insightId}/shares`,
      await shareBody(subscriber, friend.address, plaintext),
      409,
      "DATAUSAGE_SHARE_EXISTS",
    );
  });

  it("drives the share from the CLI: both keys stay in their files, the friend opens the original", async () => {
    const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
    // Asynchronous: the agents run in this process and must keep answering while the CLI waits.
    const cli = async (agent: TestAgent, ...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [bin, "datausage", ...args, "--url", agent.url, "--api-key", agent.adminKey, "--json"],
        { encoding: "utf8", timeout: 120_000 },
      );
      return JSON.parse(stdout) as Json;
    };
    const dir = mkdtempSync(join(tmpdir(), "datausage-share-"));
    const own = (
      await ok<{ contractId: Hex }>(north, "POST", "/v1/datausage/contracts", {
        subject: "+447700900883",
        data: { plan: "family" },
        policy: POLICY,
        purposes: ["insights"],
        notice: "North Mobile offers you insights drawn from your usage.",
        recipients: [],
        maxDepth: 0,
      })
    ).contractId;
    const id = (
      await ok<{ insightId: Hex }>(north, "POST", "/v1/datausage/insights", {
        consentId: own,
        payload: { segment: "commuter" },
        price: "100",
      })
    ).insightId;
    const mine = join(dir, "subscriber.json");
    const theirs = join(dir, "friend.json");
    await cli(north, "new-subscriber-key", "--out", mine);
    const made = await cli(north, "new-subscriber-key", "--out", theirs);
    await cli(south, "register-key", own, "--key-file", mine);
    await cli(north, "answer", id, "accept", "--key-file", mine);
    const registered = await cli(east, "register-friend-key", "--key-file", theirs);
    assert.equal(registered.friendKey, made.address);
    const shared = await cli(north, "share", id, "--friend", String(made.address), "--key-file", mine);
    assert.equal(shared.shareId, shareIdOf(id, made.address as Address));
    const opened = await cli(north, "open-share", String(shared.shareId), "--key-file", theirs);
    assert.deepEqual(opened.payload, { segment: "commuter" });
    assert.equal(opened.digestMatches, true);
  });

  it("names the key's custodians only as its controller, within bounds, once", async () => {
    const path = `/v1/datausage/contracts/${consent}/custodians`;
    const all = [account(north), account(south), account(east)];
    await refused(south, "POST", path, { custodians: all, threshold: 2 }, 404, "DATAUSAGE_NOT_HELD");
    await refused(north, "POST", path, { custodians: all, threshold: 4 }, 400, "DATAUSAGE_BAD_CUSTODY");
    await refused(
      north,
      "POST",
      path,
      { custodians: [...all, "0x00000000000000000000000000000000000000aa"], threshold: 2 },
      400,
      "DATAUSAGE_BAD_CUSTODY",
    );
    await refused(
      north,
      "GET",
      `/v1/datausage/erasures/${consent}/attestations`,
      undefined,
      404,
      "DATAUSAGE_NO_CUSTODIANS",
    );
    // East is a member the consortium has not approved as a key custodian: refused by the agent and by the contract.
    const unapproved = await refused(
      north,
      "POST",
      path,
      { custodians: all, threshold: 2 },
      400,
      "DATAUSAGE_BAD_CUSTODY",
    );
    assert.match(JSON.stringify(unapproved), /KEY_CUSTODIAN/);
    assert.match(JSON.stringify(unapproved), /body\.custodians\[2\]/);
    await assert.rejects(simulate(north, "nameCustodians", [consent, [...all].sort(), 2]), /BadCustodian/);
    // The governors approve East (a set-roles proposal: North proposes, South's approval is the majority of three).
    const eastView = await ok<{ roles: string[] }>(north, "GET", `/v1/membership/members/${account(east)}`);
    const { proposalId } = await ok<{ proposalId: number }>(north, "POST", "/v1/membership/proposals", {
      kind: "set-roles",
      member: account(east),
      roles: [...eastView.roles, "KEY_CUSTODIAN"],
    });
    await ok(south, "POST", `/v1/membership/proposals/${proposalId}/approve`);
    for (const a of [north, east]) await a.agent.indexer.syncOnce();
    const approved = await ok<{ roles: string[] }>(north, "GET", `/v1/membership/members/${account(east)}`);
    assert.ok(approved.roles.includes("KEY_CUSTODIAN"), JSON.stringify(approved));
    const named = await ok<Json>(north, "POST", path, { custodians: all, threshold: 2 });
    assert.deepEqual(named.custodians, [...all].sort());
    const status = await ok<Json>(east, "GET", `/v1/datausage/erasures/${consent}/attestations`);
    assert.equal(status.status, "none");
    assert.equal(status.threshold, 2);
    await refused(north, "POST", path, { custodians: all, threshold: 1 }, 409, "DATAUSAGE_CUSTODIANS_EXIST");
  });

  it("splits the subject key among the custodians' agents: any two shares rebuild it, one does not", async () => {
    const path = `/v1/datausage/contracts/${consent}/key-shares`;
    const agents = [north, south, east].map((a) => ({ custodian: account(a), endpoint: a.url }));
    // Only the controller splits, and only with every named custodian's agent, each once.
    await refused(south, "POST", path, { agents }, 404, "DATAUSAGE_NOT_HELD");
    const partial = await refused(north, "POST", path, { agents: agents.slice(0, 2) }, 400, "DATAUSAGE_BAD_CUSTODY");
    assert.match(JSON.stringify(partial), /body\.agents/);
    await refused(north, "POST", path, { agents: [...agents, agents[0]] }, 400, "DATAUSAGE_BAD_CUSTODY");
    // A custodian's agent whose custody key is not its member's (east's agent named for south) is refused unsent.
    const swapped = agents.map((a) => (a.custodian === account(south) ? { ...a, endpoint: east.url } : a));
    await refused(north, "POST", path, { agents: swapped }, 502, "DATAUSAGE_CUSTODIAN_UNREACHABLE");
    for (const a of [south, east]) {
      await refused(a, "GET", `/v1/datausage/custody/shares/${consent}`, undefined, 404, "DATAUSAGE_NO_KEY_SHARE");
    }

    const split = await ok<Json & { deliveries: Array<{ custodian: string; index: number }> }>(north, "POST", path, {
      agents,
    });
    assert.equal(split.count, 3);
    assert.equal(split.threshold, 2);
    assert.deepEqual(
      split.deliveries.map((d) => d.custodian),
      [...agents.map((a) => a.custodian)].sort(),
    );
    const shares = [];
    for (const a of [north, south, east]) {
      const held = await ok<{ share: Hex; index: number; splitId: string; keyDigest: Hex; custodian: string }>(
        a,
        "GET",
        `/v1/datausage/custody/shares/${consent}`,
      );
      assert.equal(held.custodian, account(a));
      assert.equal(held.splitId, split.splitId);
      shares.push(held);
    }
    // A custodian hands its share to its own operator only.
    const foreign = await south.call("GET", `/v1/datausage/custody/shares/${consent}`, undefined, "not-a-key");
    assert.ok(foreign.status === 401 || foreign.status === 403, JSON.stringify(foreign.body));
    const key = (await new InsightsRepository(north.agent.store).subjectKey(consent)) as Hex;
    assert.match(key, /^0x[0-9a-f]{64}$/);
    assert.equal(split.keyDigest, keccak256(key));
    assert.equal(new Set(shares.map((s) => s.share)).size, 3, "three distinct shares");
    for (const s of shares) assert.notEqual(s.share.slice(0, 66), key, "no share is the key");
    // Any two of the three rebuild the controller's key; any one alone does not.
    for (const [i, j] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      assert.equal(await rebuildKey([shares[i]!.share, shares[j]!.share], 2), key);
    }
    for (const s of shares) {
      const alone = await rebuildKey([s.share], 2).catch(() => undefined);
      assert.notEqual(alone, key);
    }
    // Shares of two different splits do not rebuild it (the digest tells).
    const again = await ok<Json>(north, "POST", path, { agents });
    assert.notEqual(again.splitId, split.splitId);
    const renewed = await ok<{ share: Hex }>(south, "GET", `/v1/datausage/custody/shares/${consent}`);
    assert.notEqual(renewed.share, shares[1]!.share);
    assert.notEqual(keccak256(await rebuildKey([shares[0]!.share, renewed.share], 2)), again.keyDigest);
  });

  it("a custodian's agent takes a share only from the consent's controller, sealed to it, once", async () => {
    const eastKey = await ok<{ member: Address; did: string; proof: Hex }>(east, "GET", "/v1/datausage/custody-key");
    const southKey = await ok<{ did: string }>(south, "GET", "/v1/datausage/custody-key");
    const custodyInfo = east.agent.keystore.list().find((k) => k.label === CUSTODY_KEY_LABEL);
    assert.ok(custodyInfo);
    const sender = {
      did: eastKey.did,
      kid: `${eastKey.did}#${eastKey.did.slice("did:key:".length)}`,
      sign: east.agent.keystore.es256Signer(custodyInfo.kid),
    };
    const custodians = [account(north), account(south), account(east)].sort();
    const forged = {
      type: KEY_SHARE_TYPE,
      consentId: consent,
      controller: account(east),
      custodian: account(south),
      splitId: `0x${"ab".repeat(16)}` as Hex,
      index: custodians.indexOf(account(south)) + 1,
      count: 3,
      threshold: 2,
      share: `0x${"cd".repeat(33)}` as Hex,
      keyDigest: `0x${"ef".repeat(32)}` as Hex,
      controllerKey: eastKey,
    };
    const before = await ok<{ share: Hex }>(south, "GET", `/v1/datausage/custody/shares/${consent}`);
    const inbox = "/v1/datausage/custody/inbox";
    // East is a custodian, not the controller: its share is refused.
    const byEast = await sealKeyShare(forged, sender, southKey.did);
    await refused(south, "POST", inbox, { envelope: byEast }, 403, "DATAUSAGE_BAD_KEY_SHARE");
    // The same envelope again is a replay.
    await refused(south, "POST", inbox, { envelope: byEast }, 409, "MESSAGE_REPLAYED");
    // Claiming to be North with a key North's account did not sign is refused too.
    const posing = await sealKeyShare({ ...forged, controller: account(north) }, sender, southKey.did);
    await refused(south, "POST", inbox, { envelope: posing }, 403, "DATAUSAGE_BAD_KEY_SHARE");
    // Sealed to another agent's key, it does not open here.
    const elsewhere = await sealKeyShare(forged, sender, eastKey.did);
    const undecryptable = await south.call<{ code: string }>("POST", inbox, { envelope: elsewhere });
    assert.equal(undecryptable.body.code, "MESSAGE_UNDECRYPTABLE", JSON.stringify(undecryptable.body));
    const after = await ok<{ share: Hex }>(south, "GET", `/v1/datausage/custody/shares/${consent}`);
    assert.equal(after.share, before.share, "nothing stored");
  });

  it("on erasure each custodian's agent attests by itself; Attested at two of three, with who and when", async () => {
    const erased = await ok<Json>(north, "POST", "/v1/datausage/erasures", { consentId: consent });
    assert.equal(erased.keyErasure, "requested");
    let status: Json & { attestations: Array<{ custodian: string; attestedAt: number }> } = {
      attestations: [],
    };
    for (let tries = 0; tries < 240 && status.status !== "attested"; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await ok(south, "GET", `/v1/datausage/erasures/${consent}/attestations`);
    }
    assert.equal(status.status, "attested", JSON.stringify(status));
    assert.ok(status.attestations.length >= 2, JSON.stringify(status));
    const by = status.attestations.map((a) => a.custodian);
    assert.equal(new Set(by).size, by.length, "distinct custodians");
    for (const custodian of by) assert.ok((status.custodians as string[]).includes(custodian));
    assert.equal(status.attestedAt, status.attestations[1]?.attestedAt, "attested when the second custodian signed");
    assert.ok(Number(status.requestedAt) <= Number(status.attestedAt));
    // No custodian hands out a share any more; each destroys it (the one that did not attest too), and each that
    // attested recorded that it held a share of the key.
    for (const a of [north, south, east]) {
      await refused(a, "GET", `/v1/datausage/custody/shares/${consent}`, undefined, 410, "DATAUSAGE_KEY_ERASED");
      const repository = new InsightsRepository(a.agent.store);
      for (let tries = 0; tries < 120 && (await repository.keyShare(consent)) !== undefined; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      assert.equal(await repository.keyShare(consent), undefined, `${account(a)} destroyed its share`);
      if (by.includes(account(a))) {
        const kept = await repository.custodyDestruction(consent);
        const record = JSON.parse(String(kept?.record)) as { heldKey: boolean; share?: { index: number } };
        assert.equal(record.heldKey, true, JSON.stringify(record));
      }
    }
    await refused(
      north,
      "POST",
      `/v1/datausage/contracts/${consent}/key-shares`,
      { agents: [north, south, east].map((a) => ({ custodian: account(a), endpoint: a.url })) },
      410,
      "DATAUSAGE_KEY_ERASED",
    );
    // A second attestation by a custodian that attested is refused by name, even after completion.
    const first = [north, south, east].find((a) => account(a) === by[0]) as TestAgent;
    await assert.rejects(simulate(first, "attestErasure", [consent, `0x${"11".repeat(32)}`]), /AlreadyAttested/);
  });

  it("refuses a non-custodian's attestation, and any share or reading of the erased insight", async () => {
    const other = (
      await ok<{ contractId: Hex }>(north, "POST", "/v1/datausage/contracts", {
        subject: "+447700900882",
        data: { plan: "family" },
        policy: POLICY,
        purposes: ["insights"],
        notice: "North Mobile offers you insights drawn from your usage.",
        recipients: [],
        maxDepth: 0,
      })
    ).contractId;
    await ok(north, "POST", `/v1/datausage/contracts/${other}/custodians`, {
      custodians: [account(north), account(south)],
      threshold: 1,
    });
    await assert.rejects(simulate(east, "attestErasure", [other, `0x${"22".repeat(32)}`]), /NotCustodian/);
    // The erased insight: the share, the shared envelope and a reading are refused by name.
    const plaintext = JSON.stringify({ payload: INSIGHT, salt: `0x${"00".repeat(32)}` });
    await ok(north, "POST", "/v1/datausage/friend-keys", {
      publicKey: stranger.publicKey,
      signature: await stranger.signFriendKey(domain),
    });
    const late = await shareBody(subscriber, stranger.address, plaintext);
    await refused(south, "POST", `/v1/datausage/insights/${insightId}/shares`, late, 410, "DATAUSAGE_INSIGHT_ERASED");
    await assert.rejects(
      simulate(south, "share", [
        insightId,
        stranger.address,
        envelopeDigestOf(late.envelope),
        BigInt(late.deadline),
        late.signature,
      ]),
      /InsightErased/,
    );
    await refused(south, "GET", `/v1/datausage/shares/${shareId}`, undefined, 410, "DATAUSAGE_INSIGHT_ERASED");
    const issuedAt = Math.floor(Date.now() / 1000);
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${insightId}/readings`,
      { issuedAt, signature: await subscriber.signReading(domain, { insightId, issuedAt: BigInt(issuedAt) }) },
      410,
      "DATAUSAGE_INSIGHT_ERASED",
    );
  });
});
