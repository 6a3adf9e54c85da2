// Paid data offers (ENT-001) through the agents on a real devnet: a client's request is a call for offers, two
// providers offer time-stamped data, the client pays one in the settlement token, that provider grants access and
// the client fetches the data from the provider's agent and checks its proof against the chain. A free dataset is
// served at once. Refused, each with a named reason and nothing moved: a payment replayed or made on another offer of
// a paid request, access before payment, a member paying another's request, an untimestamped root, bad input.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Address, encodeFunctionData, type Hex, keccak256, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { TxRevertedError } from "../../src/core/chain/errors.ts";
import { DataOffers } from "../../src/generated/contracts.ts";
import { accessMessageOf } from "../../src/pki/offers/ids.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

interface Offer {
  offerId: Hex;
  requestId: Hex;
  provider: string;
  price: string;
  dataRoot: Hex;
  paid: boolean;
  access: null | { accessRef: Hex };
}
interface Request {
  requestId: Hex;
  client: string;
  state: string;
  dataset: null | { provider: string; dataRoot: Hex };
  payment: null | { offerId: Hex; price: string };
  offers?: Offer[];
}
interface Failure {
  code: string;
  message: string;
  details?: Array<{ field: string }>;
}
interface Stamp {
  digest: Hex;
  root: Hex;
}
interface Fetched {
  content: string;
  digest: Hex;
  stamp: Stamp;
  verified: boolean;
  anchor: { blockNumber: number };
}

type Name = "bank" | "client" | "alpha" | "beta" | "outsider";

describe("paid data offers through the agents", () => {
  let c: TestConsortium;
  const agent = (name: Name) => c.agents[name] as TestAgent;
  const account = (name: Name): Address => agent(name).agent.config.memberAccount;
  const ok = async <T>(name: Name, method: string, path: string, body?: unknown, status = 200): Promise<T> => {
    const r = await agent(name).call<T>(method, path, body);
    assert.equal(r.status, status, `${name} ${method} ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const refused = async (name: Name, method: string, path: string, body: unknown, status: number, code: string) => {
    const r = await agent(name).call<Failure>(method, path, body);
    assert.equal(r.status, status, `${name} ${method} ${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    return r.body;
  };
  const dataOffers = () =>
    (JSON.parse(readFileSync(c.manifestPath, "utf8")) as { contracts: Record<string, { address: Address }> }).contracts
      .DataOffers?.address as Address;
  const balance = async (name: Name) =>
    (await ok<{ balance: string }>("bank", "GET", `/v1/settlement/balances/${account(name)}`)).balance;
  const addFile = (name: Name, text: string) =>
    ok<{ digest: Hex; stamp: Stamp }>(
      name,
      "POST",
      "/v1/pki/data-offers/files",
      { content: Buffer.from(text).toString("base64"), mediaType: "application/json" },
      201,
    );
  const requestData = async (query: string) =>
    (await ok<{ request: Request }>("client", "POST", "/v1/pki/data-offers/requests", { query }, 201)).request;

  before(async () => {
    c = await startTestConsortium([
      { name: "bank", roles: ["SETTLEMENT_BANK"] },
      { name: "client", roles: ["MOBILE_OPERATOR"] },
      { name: "alpha", roles: ["TNSP"] },
      { name: "beta", roles: ["TNSP"] },
      { name: "outsider", roles: ["OSP"] },
    ]);
    await ok(
      "bank",
      "POST",
      "/v1/settlement/mint",
      { to: account("client"), amount: "10000", bankRef: "offers-1" },
      201,
    );
  });
  after(async () => {
    await c?.stop();
  });

  it("takes two offers on a call for offers; the client pays one, the provider grants, the client fetches and verifies", async () => {
    const alphaData = JSON.stringify({ tile: "31UDQ", at: "2026-11-30T01:00Z", cloud: 0.12, by: "alpha" });
    const betaData = JSON.stringify({ tile: "31UDQ", at: "2026-11-30T01:05Z", cloud: 0.08, by: "beta" });
    const alphaFile = await addFile("alpha", alphaData);
    const betaFile = await addFile("beta", betaData);

    const request = await requestData("tile:31UDQ:2026-11-30");
    assert.equal(request.state, "open", "no free dataset: a call for offers");
    assert.equal(request.client, account("client").toLowerCase());
    const id = request.requestId;

    const offerOf = async (name: Name, file: { digest: Hex; stamp: Stamp }, price: string) =>
      (
        await ok<{ offer: Offer }>(
          name,
          "POST",
          `/v1/pki/data-offers/requests/${id}/offers`,
          { price, digest: file.digest, dataRoot: file.stamp.root },
          201,
        )
      ).offer;
    const alphaOffer = await offerOf("alpha", alphaFile, "1500");
    const betaOffer = await offerOf("beta", betaFile, "1200");
    assert.equal(betaOffer.dataRoot, betaFile.stamp.root.toLowerCase(), "the offer carries the anchored root");

    const seen = await ok<Request>("client", "GET", `/v1/pki/data-offers/requests/${id}`);
    assert.deepEqual(
      seen.offers?.map((o) => [o.provider, o.price]),
      [
        [account("alpha").toLowerCase(), "1500"],
        [account("beta").toLowerCase(), "1200"],
      ],
    );

    // Access before payment: neither the grant nor the data API gives anything.
    await refused(
      "beta",
      "POST",
      `/v1/pki/data-offers/offers/${betaOffer.offerId}/grant`,
      {},
      409,
      "PKI_DATA_ACCESS_NOT_DUE",
    );
    await refused(
      "client",
      "POST",
      `/v1/pki/data-offers/requests/${id}/fetch`,
      { providerUrl: agent("beta").url },
      403,
      "PKI_DATA_ACCESS_DENIED",
    );
    // Only the requesting member pays.
    await refused(
      "outsider",
      "POST",
      `/v1/pki/data-offers/offers/${betaOffer.offerId}/pay`,
      {},
      403,
      "PKI_DATA_NOT_CLIENT",
    );

    const before = { client: await balance("client"), alpha: await balance("alpha"), beta: await balance("beta") };
    assert.deepEqual(before, { client: "10000", alpha: "0", beta: "0" });
    const paid = await ok<{ balance: string; offer: Offer }>(
      "client",
      "POST",
      `/v1/pki/data-offers/offers/${betaOffer.offerId}/pay`,
      {},
    );
    assert.equal(paid.balance, "8800");
    assert.equal(paid.offer.paid, true);
    const afterPay = { client: await balance("client"), alpha: await balance("alpha"), beta: await balance("beta") };
    assert.deepEqual(afterPay, { client: "8800", alpha: "0", beta: "1200" }, "the price moved to the paid provider");

    // Payment replay: the same offer again, or another offer of the paid request; named, nothing moved.
    const replay = await refused(
      "client",
      "POST",
      `/v1/pki/data-offers/offers/${betaOffer.offerId}/pay`,
      {},
      409,
      "PKI_DATA_ALREADY_PAID",
    );
    assert.match(replay.message, /paid already/);
    await refused(
      "client",
      "POST",
      `/v1/pki/data-offers/offers/${alphaOffer.offerId}/pay`,
      {},
      409,
      "PKI_DATA_ALREADY_PAID",
    );
    // The contract refuses the same when the agent's check is bypassed: its AlreadyPaid comes before any transfer.
    await assert.rejects(
      agent("client").agent.outbox.send({
        from: account("client"),
        to: dataOffers(),
        data: encodeFunctionData({ abi: DataOffers.abi, functionName: "pay", args: [alphaOffer.offerId] }),
        label: "test: replayed pay",
      }),
      (error: unknown) => error instanceof TxRevertedError && error.errorName === "AlreadyPaid",
    );
    assert.deepEqual(
      { client: await balance("client"), alpha: await balance("alpha"), beta: await balance("beta") },
      afterPay,
      "balances unchanged by the refused payments",
    );

    // Only the offering provider grants; once.
    await refused(
      "alpha",
      "POST",
      `/v1/pki/data-offers/offers/${betaOffer.offerId}/grant`,
      {},
      403,
      "PKI_DATA_NOT_PROVIDER",
    );
    await refused(
      "alpha",
      "POST",
      `/v1/pki/data-offers/offers/${alphaOffer.offerId}/grant`,
      {},
      409,
      "PKI_DATA_ACCESS_NOT_DUE",
    );
    const granted = await ok<{ offer: Offer }>(
      "beta",
      "POST",
      `/v1/pki/data-offers/offers/${betaOffer.offerId}/grant`,
      {},
    );
    assert.ok(granted.offer.access?.accessRef, "the grant is recorded on chain");
    await refused(
      "beta",
      "POST",
      `/v1/pki/data-offers/offers/${betaOffer.offerId}/grant`,
      {},
      409,
      "PKI_DATA_ACCESS_NOT_DUE",
    );

    // The provider that was not paid serves nothing; the paid one serves the data with a proof the chain confirms.
    await refused(
      "client",
      "POST",
      `/v1/pki/data-offers/requests/${id}/fetch`,
      { providerUrl: agent("alpha").url },
      403,
      "PKI_DATA_ACCESS_DENIED",
    );
    const fetched = await ok<Fetched>("client", "POST", `/v1/pki/data-offers/requests/${id}/fetch`, {
      providerUrl: agent("beta").url,
    });
    assert.equal(Buffer.from(fetched.content, "base64").toString("utf8"), betaData);
    assert.equal(fetched.verified, true);
    assert.equal(fetched.stamp.root, betaOffer.dataRoot);
    assert.equal(fetched.digest, betaFile.digest);
    assert.ok(fetched.anchor.blockNumber > 0);

    // Another member cannot fetch through its agent, nor with a signature of its own at the provider's data API.
    await refused(
      "outsider",
      "POST",
      `/v1/pki/data-offers/requests/${id}/fetch`,
      { providerUrl: agent("beta").url },
      403,
      "PKI_DATA_NOT_CLIENT",
    );
    const stranger = privateKeyToAccount(generatePrivateKey());
    const expires = Math.floor(Date.now() / 1000) + 60;
    const chainId = agent("beta").agent.config.chain.chainId;
    const contract = dataOffers();
    const signature = await stranger.signMessage({ message: { raw: accessMessageOf(chainId, contract, id, expires) } });
    const direct = await fetch(
      `${agent("beta").url}/v1/pki/data-offers/requests/${id}/data?expires=${expires}&signature=${signature}`,
    );
    assert.equal(direct.status, 403);
    assert.equal(((await direct.json()) as Failure).code, "PKI_DATA_ACCESS_DENIED");

    const final = await ok<Request>("alpha", "GET", `/v1/pki/data-offers/requests/${id}`);
    assert.equal(final.state, "paid");
    assert.equal(final.payment?.offerId, betaOffer.offerId);
    assert.deepEqual(
      final.offers?.map((o) => [o.paid, o.access !== null]),
      [
        [false, false],
        [true, true],
      ],
    );
  });

  it("serves a free dataset at once, without payment", async () => {
    const data = JSON.stringify({ tile: "31UDQ", at: "2026-12-01", open: true });
    const file = await addFile("alpha", data);
    await ok(
      "alpha",
      "POST",
      "/v1/pki/data-offers/datasets",
      { query: "tile:31UDQ:2026-12-01", digest: file.digest, dataRoot: file.stamp.root },
      201,
    );
    const before = await balance("client");
    const request = await requestData("tile:31UDQ:2026-12-01");
    assert.equal(request.state, "served");
    assert.equal(request.dataset?.provider, account("alpha").toLowerCase());
    await refused(
      "client",
      "POST",
      `/v1/pki/data-offers/requests/${request.requestId}/offers`,
      { price: "100", digest: file.digest, dataRoot: file.stamp.root },
      409,
      "PKI_DATA_REQUEST_NOT_OPEN",
    );
    const fetched = await ok<Fetched>("client", "POST", `/v1/pki/data-offers/requests/${request.requestId}/fetch`, {
      providerUrl: agent("alpha").url,
    });
    assert.equal(Buffer.from(fetched.content, "base64").toString("utf8"), data);
    assert.equal(fetched.verified, true);
    assert.equal(await balance("client"), before, "nothing paid for free data");
  });

  it("refuses an untimestamped root and bad input, naming the field, and keeps the read model consistent", async () => {
    const request = await requestData("tile:32UDQ:2026-11-30");
    const file = await addFile("alpha", "tile 32UDQ");
    const path = `/v1/pki/data-offers/requests/${request.requestId}/offers`;
    const never = keccak256(toHex("a root never anchored"));
    const untimestamped = await refused(
      "alpha",
      "POST",
      path,
      { price: "100", digest: file.digest, dataRoot: never },
      409,
      "PKI_DATA_NOT_TIMESTAMPED",
    );
    assert.equal(untimestamped.details?.[0]?.field, "body.dataRoot");
    // Anchored, but by another file's batch: this data is not under that root.
    const other = await addFile("alpha", "another tile");
    await refused(
      "alpha",
      "POST",
      path,
      { price: "100", digest: file.digest, dataRoot: other.stamp.root },
      409,
      "PKI_DATA_NOT_TIMESTAMPED",
    );
    // The contract refuses an unanchored root itself too.
    await assert.rejects(
      agent("alpha").agent.outbox.send({
        from: account("alpha"),
        to: dataOffers(),
        data: encodeFunctionData({
          abi: DataOffers.abi,
          functionName: "makeOffer",
          args: [request.requestId, 100n, never],
        }),
        label: "test: untimestamped offer",
      }),
      (error: unknown) => error instanceof TxRevertedError && error.errorName === "DataNotTimestamped",
    );

    const field = async (name: Name, method: string, p: string, body: unknown, expected: string) => {
      const r = await agent(name).call<Failure>(method, p, body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.details?.[0]?.field, expected, JSON.stringify(r.body));
    };
    await field("alpha", "POST", path, { price: "12.5", digest: file.digest, dataRoot: file.stamp.root }, "body.price");
    await field("alpha", "POST", path, { price: "0", digest: file.digest, dataRoot: file.stamp.root }, "body.price");
    await field("alpha", "POST", path, { price: "100", digest: "0x12", dataRoot: file.stamp.root }, "body.digest");
    await field("client", "POST", "/v1/pki/data-offers/requests", { query: "" }, "body.query");
    await field("client", "POST", "/v1/pki/data-offers/offers/0x1234/pay", {}, "params.id");
    await field(
      "alpha",
      "POST",
      "/v1/pki/data-offers/files",
      { content: "not base64!", mediaType: "text/plain" },
      "body.content",
    );
    await field(
      "client",
      "POST",
      `/v1/pki/data-offers/requests/${request.requestId}/fetch`,
      { providerUrl: "ftp://x" },
      "body.providerUrl",
    );
    await refused(
      "client",
      "POST",
      `/v1/pki/data-offers/offers/0x${"00".repeat(31)}01/pay`,
      {},
      404,
      "PKI_DATA_OFFER_NOT_FOUND",
    );
    const open = await ok<{ items: Request[] }>("alpha", "GET", "/v1/pki/data-offers/requests?state=open&limit=10");
    assert.ok(open.items.some((r) => r.requestId === request.requestId));

    for (const name of ["client", "alpha", "beta"] as const) {
      const report = await ok<{ differences: unknown[] }>(name, "GET", "/v1/agent/consistency");
      assert.deepEqual(report.differences, [], JSON.stringify(report));
    }
  });
});
