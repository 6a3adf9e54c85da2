// Payment channels between two operators' agents on a real devnet: north opens a channel with south, both deposit,
// usage payments are co-signed agent to agent over HTTP (each agent calls the other's cosign route with the API key
// the other issued to it), a cooperative close pays out at once; in a second channel north closes with a stale
// co-signed state and south's watchtower answers by itself with its newer one, which is what is paid. Refusals name
// the field and change nothing.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { encodeFunctionData, type Hex, recoverAddress } from "viem";
import { PaymentChannels } from "../../src/generated/contracts.ts";
import { ChannelDigester } from "../../src/settlement/channels/digest.ts";
import { type StateJson, stateFromJson } from "../../src/settlement/channels/service.ts";
import { channelIdOf, stateDigest, typedState } from "../../src/settlement/channels/state.ts";
import { latestBlockTimestamp, mineBlockAt } from "../../testkit/chainTime.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";
import { type Answer, type MemberName, membersOf, OPERATORS_AND_BANK } from "./roamingFixtures.ts";

describe("settlement: payment channels between two operators' agents", () => {
  let consortium: TestConsortium<TestAgent>;
  const { agent, account, call } = membersOf(() => consortium);
  const ok = async (name: MemberName, method: string, path: string, body?: unknown, status = 200) => {
    const answer = await call(name, method, path, body);
    assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const balance = async (name: MemberName) =>
    BigInt((await ok("bank", "GET", `/v1/settlement/balances/${account(name)}`)).balance as string);
  /** An operator API key `issuer`'s agent gives to `holder`'s agent for co-signing. */
  const peerOf = async (issuer: MemberName, holder: MemberName) => {
    const created = await ok(issuer, "POST", "/v1/api-keys", { userName: `peer ${holder}`, role: "operator" }, 201);
    return { url: agent(issuer).url, apiKey: created.key as string };
  };
  const contract = () => channelsAt;
  let channelsAt: Hex;
  let tokenAt: Hex;
  let chainId: number;

  before(async () => {
    consortium = await startTestConsortium(OPERATORS_AND_BANK);
    const { readFile } = await import("node:fs/promises");
    const manifest = JSON.parse(await readFile(consortium.manifestPath, "utf8")) as {
      contracts: Record<string, { address: Hex }>;
    };
    channelsAt = manifest.contracts.PaymentChannels?.address as Hex;
    tokenAt = manifest.contracts.SettlementToken?.address as Hex;
    assert.ok(channelsAt, "PaymentChannels deployed");
    chainId = agent("north").agent.chain.chain.id;
    await ok("bank", "POST", "/v1/settlement/mint", { to: account("north"), amount: "5000", bankRef: "CH-N" }, 201);
    await ok("bank", "POST", "/v1/settlement/mint", { to: account("south"), amount: "5000", bankRef: "CH-S" }, 201);
  });
  after(async () => {
    await consortium?.stop();
  });

  let channelId: Hex;

  it("opens a channel under the id derived from both members, the token and the salt, and both deposit", async () => {
    const salt = `0x${"11".repeat(32)}` as Hex;
    const opened = await ok(
      "north",
      "POST",
      "/v1/settlement/channels",
      {
        counterparty: account("south"),
        challengePeriodSeconds: 600,
        salt,
        deposit: "1000",
        peer: await peerOf("south", "north"),
      },
      201,
    );
    channelId = channelIdOf(chainId, contract(), account("north"), account("south"), tokenAt, salt);
    assert.equal(opened.channelId, channelId);
    assert.equal(opened.side, "a");
    assert.equal(opened.depositA, "1000");
    const seen = await ok("south", "GET", `/v1/settlement/channels/${channelId}`);
    assert.equal(seen.side, "b");
    await ok("south", "PUT", `/v1/settlement/channels/${channelId}/peer`, await peerOf("north", "south"));
    const deposited = await ok("south", "POST", `/v1/settlement/channels/${channelId}/deposit`, { amount: "500" });
    assert.equal(deposited.depositB, "500");
    assert.equal(await balance("north"), 4000n);
    assert.equal(await balance("south"), 4500n);
    const listed = await ok("north", "GET", "/v1/settlement/channels?limit=10");
    assert.deepEqual(
      (listed.items ?? []).map((c) => c.channelId),
      [channelId],
    );
    const bystander = await call("bank", "GET", `/v1/settlement/channels/${channelId}`);
    assert.equal(bystander.status, 404, JSON.stringify(bystander.body));
    assert.equal(bystander.body.code, "SETTLEMENT_CHANNEL_NOT_FOUND");
  });

  it("co-signs usage payments agent to agent; both hold the same doubly signed newest state", async () => {
    for (const amount of ["120", "80", "26"]) {
      await ok("north", "POST", `/v1/settlement/channels/${channelId}/pay`, { amount });
    }
    const back = await ok("south", "POST", `/v1/settlement/channels/${channelId}/pay`, { amount: "6" });
    assert.equal(back.version, 4);
    assert.equal(back.balanceA, String(1000 - 226 + 6));
    assert.equal(back.balanceB, String(500 + 226 - 6));
    const atNorth = await ok("north", "GET", `/v1/settlement/channels/${channelId}/state`);
    const atSouth = await ok("south", "GET", `/v1/settlement/channels/${channelId}/state`);
    assert.deepEqual(atNorth, atSouth);
    const digest = stateDigest(chainId, contract(), stateFromJson(atNorth.state as StateJson));
    const signer = async (signature: unknown) =>
      (await recoverAddress({ hash: digest, signature: signature as Hex })).toLowerCase();
    assert.equal(await signer(atNorth.sigA), account("north").toLowerCase());
    assert.equal(await signer(atNorth.sigB), account("south").toLowerCase());
    // the agents' own digest (cached domain separator, libsecp256k1 signatures) is the contract's, for random states
    const digester = new ChannelDigester(chainId, contract());
    for (let i = 0; i < 5; i++) {
      const random = BigInt(`0x${randomBytes(16).toString("hex")}`);
      const state = {
        ...stateFromJson(atNorth.state as StateJson),
        version: BigInt(i * 977 + 1),
        balanceA: random,
        depositA: random * 3n,
        isFinal: i % 2 === 0,
      };
      const onChain = await agent("north").agent.chain.readContract({
        address: contract(),
        abi: PaymentChannels.abi,
        functionName: "stateDigest",
        args: [state],
      });
      assert.equal(digester.digestHex(state), onChain);
    }
    // and its batch digest (what a member signs once for an exchange's Merkle root) is the contract's too
    for (let i = 0; i < 3; i++) {
      const root = randomBytes(32);
      const onChain = await agent("north").agent.chain.readContract({
        address: contract(),
        abi: PaymentChannels.abi,
        functionName: "batchDigest",
        args: [channelId, `0x${root.toString("hex")}`],
      });
      assert.equal(`0x${Buffer.from(digester.batchDigest(channelId, root)).toString("hex")}`, onChain);
    }
  });

  it("refuses an overdraft, a state paying the proposer, a forged signature and an old version, naming the field", async () => {
    const over = await call("north", "POST", `/v1/settlement/channels/${channelId}/pay`, { amount: "100000" });
    assert.equal(over.status, 409, JSON.stringify(over.body));
    assert.equal(over.body.code, "SETTLEMENT_CHANNEL_FUNDS");
    const zero = await call("north", "POST", `/v1/settlement/channels/${channelId}/pay`, { amount: "0" });
    assert.equal(zero.status, 400, JSON.stringify(zero.body));
    const latest = (await ok("north", "GET", `/v1/settlement/channels/${channelId}/state`)).state as StateJson;
    const signedBy = (name: MemberName, state: StateJson) =>
      agent(name)
        .agent.keystore.account(account(name))
        .signTypedData(typedState(chainId, contract(), stateFromJson(state)));
    const cosign = async (state: StateJson, signature: Hex) =>
      call("south", "POST", `/v1/settlement/channels/${channelId}/cosign`, { state, signature });
    const moved = (by: number, version = latest.version + 1): StateJson => ({
      ...latest,
      version,
      balanceA: String(Number(latest.balanceA) + by),
      balanceB: String(Number(latest.balanceB) - by),
    });
    // north's agent asks south's to co-sign a state that moves money from south to north
    const greedy = moved(100);
    const refused = await cosign(greedy, await signedBy("north", greedy));
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "SETTLEMENT_CHANNEL_STATE_REFUSED");
    assert.ok(
      refused.body.details?.some((d) => d.field === "body.state.balanceB"),
      JSON.stringify(refused.body),
    );
    // a fair payment to south, but signed by the bank's account, not north's
    const fair = moved(-1);
    const forged = await cosign(fair, await signedBy("bank", fair));
    assert.equal(forged.status, 422, JSON.stringify(forged.body));
    assert.ok(
      forged.body.details?.some((d) => d.field === "body.signature"),
      JSON.stringify(forged.body),
    );
    // north's own signature with the other v: low s and v 27/28 as the contract wants, but it recovers another account
    // (south has north's key cached from the payments above: the check is by recovery with this v, not verify())
    const good = await signedBy("north", fair);
    const flipped = `${good.slice(0, 130)}${good.endsWith("1b") ? "1c" : "1b"}` as Hex;
    const wrongV = await cosign(fair, flipped);
    assert.equal(wrongV.status, 422, JSON.stringify(wrongV.body));
    assert.ok(
      wrongV.body.details?.some((d) => d.field === "body.signature"),
      JSON.stringify(wrongV.body),
    );
    // an old version
    const old = moved(-1, 2);
    const stale = await cosign(old, await signedBy("north", old));
    assert.equal(stale.status, 422, JSON.stringify(stale.body));
    assert.ok(
      stale.body.details?.some((d) => d.field === "body.state.version"),
      JSON.stringify(stale.body),
    );
    const after = await ok("south", "GET", `/v1/settlement/channels/${channelId}/state`);
    assert.equal((after.state as StateJson).version, 4, "nothing co-signed");
  });

  it("closes cooperatively: the final state both signed is paid out at once, and only once", async () => {
    const closed = await ok("south", "POST", `/v1/settlement/channels/${channelId}/close`);
    assert.equal(closed.status, "closed");
    assert.deepEqual(closed.payout, { a: "780", b: "720" });
    assert.equal(await balance("north"), 4780n);
    assert.equal(await balance("south"), 5220n);
    const again = await call("north", "POST", `/v1/settlement/channels/${channelId}/close`);
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.code, "SETTLEMENT_WRONG_STATE");
  });

  it("answers a stale unilateral close by itself (watchtower): the newer co-signed state is what is paid", async () => {
    const opened = await ok(
      "north",
      "POST",
      "/v1/settlement/channels",
      {
        counterparty: account("south"),
        challengePeriodSeconds: 600,
        deposit: "1000",
        peer: await peerOf("south", "north"),
      },
      201,
    );
    const id = opened.channelId as Hex;
    await ok("north", "POST", `/v1/settlement/channels/${id}/pay`, { amount: "100" });
    const stale = await ok("north", "GET", `/v1/settlement/channels/${id}/state`);
    await ok("north", "POST", `/v1/settlement/channels/${id}/pay`, { amount: "300" });
    // north's member closes with its version-1 state, going around its own agent's service (a modified agent)
    await agent("north").agent.outbox.send({
      from: account("north"),
      to: contract(),
      data: encodeFunctionData({
        abi: PaymentChannels.abi,
        functionName: "startClose",
        args: [stateFromJson(stale.state as StateJson), stale.sigA as Hex, stale.sigB as Hex],
      }),
      label: "test: stale close",
    });
    const answered = await eventually(async () => {
      const seen = await ok("south", "GET", `/v1/settlement/channels/${id}`);
      assert.equal((seen.onChain as Answer).version, 2, "the watchtower registered version 2");
      return seen;
    }, 30_000);
    assert.equal(answered.status, "closing");
    assert.equal((answered.onChain as Answer).balanceB, "400");
    const early = await call("north", "POST", `/v1/settlement/channels/${id}/settle`);
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.equal(early.body.code, "SETTLEMENT_WINDOW");
    const rpcUrl = consortium.devnet.rpcUrl;
    await mineBlockAt(rpcUrl, (await latestBlockTimestamp(rpcUrl)) + 601);
    const before = await balance("south");
    const settled = await ok("north", "POST", `/v1/settlement/channels/${id}/settle`);
    assert.deepEqual(settled.payout, { a: "600", b: "400" });
    assert.equal(await balance("south"), before + 400n);
    const twice = await call("south", "POST", `/v1/settlement/channels/${id}/settle`);
    assert.equal(twice.status, 409, JSON.stringify(twice.body));
  });

  it("resumes a disputed channel when both ask, from the state the dispute ended on", async () => {
    const opened = await ok(
      "north",
      "POST",
      "/v1/settlement/channels",
      {
        counterparty: account("south"),
        challengePeriodSeconds: 600,
        deposit: "200",
        peer: await peerOf("south", "north"),
      },
      201,
    );
    const id = opened.channelId as Hex;
    await ok("south", "PUT", `/v1/settlement/channels/${id}/peer`, await peerOf("north", "south"));
    await ok("north", "POST", `/v1/settlement/channels/${id}/pay`, { amount: "50" });
    const closing = await ok("south", "POST", `/v1/settlement/channels/${id}/close-unilateral`);
    assert.equal(closing.status, "closing");
    await ok("north", "POST", `/v1/settlement/channels/${id}/resume`);
    const resumed = await ok("south", "POST", `/v1/settlement/channels/${id}/resume`);
    assert.equal(resumed.status, "open");
    assert.equal((resumed.onChain as Answer).version, 1);
    const next = await ok("north", "POST", `/v1/settlement/channels/${id}/pay`, { amount: "25" });
    assert.equal(next.version, 2);
    const closed = await ok("north", "POST", `/v1/settlement/channels/${id}/close`);
    assert.deepEqual(closed.payout, { a: "125", b: "75" });
  });

  /** `name`'s member signature of `state`, by its keystore account (viem, EIP-712). */
  const memberSigned = (name: MemberName, state: StateJson) =>
    agent(name)
      .agent.keystore.account(account(name))
      .signTypedData(typedState(chainId, contract(), stateFromJson(state)));

  it("a state both members co-signed in a batch is accepted by the contract's close-unilateral", async () => {
    const opened = await ok(
      "north",
      "POST",
      "/v1/settlement/channels",
      {
        counterparty: account("south"),
        challengePeriodSeconds: 600,
        deposit: "300",
        peer: await peerOf("south", "north"),
      },
      201,
    );
    const id = opened.channelId as Hex;
    const stateAt = (version: number, paid: number): StateJson => ({
      channelId: id,
      version,
      balanceA: String(300 - paid),
      balanceB: String(paid),
      depositA: "300",
      depositB: "0",
      isFinal: false,
    });
    const states = [stateAt(1, 10), stateAt(2, 25), stateAt(3, 40)];
    const items = await Promise.all(
      states.map(async (state) => ({ state, signature: await memberSigned("north", state) })),
    );
    // the same signature made high-s (n - s, other v) still recovers to north, but the contract would refuse it
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const sig = items[0]?.signature as Hex;
    const highS = `${sig.slice(0, 66)}${(n - BigInt(`0x${sig.slice(66, 130)}`)).toString(16).padStart(64, "0")}${
      sig.slice(130) === "1b" ? "1c" : "1b"
    }` as Hex;
    const digest1 = stateDigest(chainId, contract(), stateFromJson(states[0] as StateJson));
    assert.equal(
      (await recoverAddress({ hash: digest1, signature: highS })).toLowerCase(),
      account("north").toLowerCase(),
    );
    const malleated = await call("south", "POST", `/v1/settlement/channels/${id}/cosign-batch`, {
      items: [{ ...items[0], signature: highS }],
    });
    assert.equal(malleated.status, 422, JSON.stringify(malleated.body));
    assert.ok(
      malleated.body.details?.some((d) => d.field === "body.items[0].signature"),
      JSON.stringify(malleated.body),
    );
    const answer = await ok("south", "POST", `/v1/settlement/channels/${id}/cosign-batch`, { items });
    assert.equal(answer.refused, undefined, JSON.stringify(answer));
    const cosigned = answer.signatures as Hex[];
    assert.equal(cosigned.length, 3);
    // south signed the exchange once: the same r‖s‖v, each item followed by its own Merkle proof (2, 2 and 1 words)
    assert.deepEqual(
      cosigned.map((sig) => [sig.slice(0, 132), (sig.length - 132) / 64]),
      cosigned.map((_, k) => [(cosigned[0] as Hex).slice(0, 132), k < 2 ? 2 : 1]),
    );
    for (const [k, state] of states.entries()) {
      // the contract takes each item with north's single signature and south's batch one: every state stands alone
      const [memberA, memberB] = await agent("north").agent.chain.readContract({
        address: contract(),
        abi: PaymentChannels.abi,
        functionName: "checkState",
        args: [stateFromJson(state), items[k]?.signature as Hex, cosigned[k] as Hex],
      });
      assert.deepEqual(
        [memberA.toLowerCase(), memberB.toLowerCase()],
        [account("north"), account("south")].map((a) => a.toLowerCase()),
        `item ${k}`,
      );
    }
    // a proof moved to another item of the exchange is refused on chain
    await assert.rejects(
      agent("north").agent.chain.readContract({
        address: contract(),
        abi: PaymentChannels.abi,
        functionName: "checkState",
        args: [stateFromJson(states[2] as StateJson), items[2]?.signature as Hex, cosigned[0] as Hex],
      }),
      /BadSignature/,
    );
    // south registers the newest co-signed state on chain: the contract checks both signatures
    const closing = await ok("south", "POST", `/v1/settlement/channels/${id}/close-unilateral`);
    assert.equal(closing.status, "closing");
    assert.deepEqual(closing.onChain, { ...(closing.onChain as Answer), version: 3, balanceA: "260", balanceB: "40" });
  });

  it("co-signs a batch of consecutive states in one exchange; a bad item is refused by its index, nothing after it signed", async () => {
    const opened = await ok(
      "north",
      "POST",
      "/v1/settlement/channels",
      {
        counterparty: account("south"),
        challengePeriodSeconds: 600,
        deposit: "300",
        peer: await peerOf("south", "north"),
      },
      201,
    );
    const id = opened.channelId as Hex;
    const stateAt = (version: number, paid: number): StateJson => ({
      channelId: id,
      version,
      balanceA: String(300 - paid),
      balanceB: String(paid),
      depositA: "300",
      depositB: "0",
      isFinal: false,
    });
    const item = async (state: StateJson, by: MemberName = "north") => ({
      state,
      signature: await memberSigned(by, state),
    });
    const batch = async (items: Promise<unknown>[]) =>
      call("south", "POST", `/v1/settlement/channels/${id}/cosign-batch`, { items: await Promise.all(items) });
    // a bad first item: the error itself, nothing co-signed
    const forged = await batch([item(stateAt(1, 10), "bank"), item(stateAt(2, 20))]);
    assert.equal(forged.status, 422, JSON.stringify(forged.body));
    assert.ok(
      forged.body.details?.some((d) => d.field === "body.items[0].signature"),
      JSON.stringify(forged.body),
    );
    // the third item pays north back (south's balance falls): the first two co-signed, the third and fourth not
    const answer = await batch([item(stateAt(1, 10)), item(stateAt(2, 20)), item(stateAt(3, 5)), item(stateAt(4, 40))]);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal((answer.body.signatures as string[]).length, 2);
    assert.deepEqual(
      { ...(answer.body.refused as Answer), message: undefined },
      { index: 2, code: "SETTLEMENT_CHANNEL_STATE_REFUSED", field: "body.items[2].state.balanceB", message: undefined },
    );
    const atSouth = await ok("south", "GET", `/v1/settlement/channels/${id}/state`);
    assert.equal((atSouth.state as StateJson).version, 2, "nothing after the refused item");
    assert.equal((atSouth.state as StateJson).balanceB, "20");
    // versions must follow one another inside a batch
    const gap = await batch([item(stateAt(3, 30)), item(stateAt(5, 50))]);
    assert.equal(gap.status, 200, JSON.stringify(gap.body));
    assert.equal((gap.body.refused as Answer).field, "body.items[1].state.version");
    const digest = stateDigest(chainId, contract(), stateFromJson(stateAt(3, 30)));
    const sig = (gap.body.signatures as Hex[])[0] as Hex;
    assert.equal(
      (await recoverAddress({ hash: digest, signature: sig })).toLowerCase(),
      account("south").toLowerCase(),
      "each item's own co-signature",
    );
    // the handed-out evidence: both signatures recover as they are
    const evidence = await ok("south", "GET", `/v1/settlement/channels/${id}/state`);
    assert.equal((evidence.state as StateJson).version, 3);
    assert.equal(
      (await recoverAddress({ hash: digest, signature: evidence.sigA as Hex })).toLowerCase(),
      account("north").toLowerCase(),
    );
    assert.equal(
      (await recoverAddress({ hash: digest, signature: evidence.sigB as Hex })).toLowerCase(),
      account("south").toLowerCase(),
    );
  });

  it("pipelines concurrent payments of one channel: each its own co-signed state, both agents agree", async () => {
    const opened = await ok(
      "north",
      "POST",
      "/v1/settlement/channels",
      {
        counterparty: account("south"),
        challengePeriodSeconds: 600,
        deposit: "100",
        peer: await peerOf("south", "north"),
      },
      201,
    );
    const id = opened.channelId as Hex;
    const paid = await Promise.all(
      Array.from({ length: 30 }, () => ok("north", "POST", `/v1/settlement/channels/${id}/pay`, { amount: "3" })),
    );
    assert.deepEqual(
      paid.map((p) => p.version).sort((a, b) => Number(a) - Number(b)),
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    // an overdraft among concurrent payments is refused alone
    const more = await Promise.all(
      Array.from({ length: 5 }, () => call("north", "POST", `/v1/settlement/channels/${id}/pay`, { amount: "3" })),
    );
    assert.deepEqual(more.map((m) => m.status).sort(), [200, 200, 200, 409, 409]);
    const atNorth = await ok("north", "GET", `/v1/settlement/channels/${id}/state`);
    const atSouth = await ok("south", "GET", `/v1/settlement/channels/${id}/state`);
    assert.deepEqual(atNorth, atSouth);
    assert.equal((atNorth.state as StateJson).version, 33);
    assert.equal((atNorth.state as StateJson).balanceB, "99");
    const closed = await ok("north", "POST", `/v1/settlement/channels/${id}/close`);
    assert.deepEqual(closed.payout, { a: "1", b: "99" });
  });

  it("pays a list of amounts in one call: each its own co-signed state, an overdraft refused alone by its index", async () => {
    const opened = await ok(
      "north",
      "POST",
      "/v1/settlement/channels",
      {
        counterparty: account("south"),
        challengePeriodSeconds: 600,
        deposit: "50",
        peer: await peerOf("south", "north"),
      },
      201,
    );
    const id = opened.channelId as Hex;
    const bad = await call("north", "POST", `/v1/settlement/channels/${id}/payments`, { amounts: ["5", "0"] });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    const none = await call("north", "POST", `/v1/settlement/channels/${id}/payments`, { amounts: [] });
    assert.equal(none.status, 400, JSON.stringify(none.body));
    const answer = await ok("north", "POST", `/v1/settlement/channels/${id}/payments`, {
      amounts: ["10", "20", "30", "15"],
    });
    const states = answer.states as (StateJson | null)[];
    assert.deepEqual(
      states.map((s) => s && [s.version, s.balanceA, s.balanceB]),
      [[1, "40", "10"], [2, "20", "30"], null, [3, "5", "45"]],
    );
    assert.deepEqual(
      (answer.errors as { index: number; code: string }[]).map((e) => [e.index, e.code]),
      [[2, "SETTLEMENT_CHANNEL_FUNDS"]],
    );
    const atSouth = await ok("south", "GET", `/v1/settlement/channels/${id}/state`);
    assert.deepEqual(atSouth.state, states[3]);
    const all = await call("north", "POST", `/v1/settlement/channels/${id}/payments`, { amounts: ["6"] });
    assert.equal(all.status, 409, JSON.stringify(all.body));
    assert.equal(all.body.code, "SETTLEMENT_CHANNEL_FUNDS");
  });
});
