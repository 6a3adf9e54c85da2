// Paid data offers (ENT-001) through a member's agent. As a client: request data for a query, pay one offer in the
// settlement token (approve, then DataOffers.pay pulls it), fetch the data from the provider's agent and check it
// against the chain. As a provider: keep data files (time-stamped as they are added), offer one on a request or
// publish it free, grant the paying client access, and serve the data to that client only. The contract enforces
// every rule; this service checks the same rules on the chain's current state first, so a refusal names its reason
// (PKI_DATA_*) and sends nothing, and maps the contract's errors to the same codes when state changed in between.
import { createHash } from "node:crypto";
import {
  type Address,
  encodeFunctionData,
  type Hex,
  type LocalAccount,
  parseEventLogs,
  recoverMessageAddress,
  type TransactionReceipt,
} from "viem";
import type { ChainClient } from "../../core/chain/client.ts";
import { TxRevertedError } from "../../core/chain/errors.ts";
import type { TxSender } from "../../core/chain/types.ts";
import { DataOffers, SettlementToken } from "../../generated/contracts.ts";
import { PkiError, type PkiErrorCode } from "../errors.ts";
import { type TimestampAnchoring, verifyStampPath } from "../tsa/anchoring.ts";
import type { Stamp } from "../tsa/repository.ts";
import { accessMessageOf, accessRefOf, datasetIdOf, offerIdOf, queryKeyOf, requestIdOf } from "./ids.ts";
import type { DataOffersReadModel, DataRequestView, OfferView } from "./readModel.ts";

const abi = DataOffers.abi;
const ZERO_ADDRESS = /^0x0{40}$/;
const STATES = ["none", "open", "served", "paid"] as const;
/** How long a client's signed fetch stays valid at most (seconds): a captured URL is useless soon after. */
export const ACCESS_SIGNATURE_TTL = 300;
const FETCH_TIMEOUT_MS = 15_000;
/** The contract's refusals, named as the API names them. */
const REVERTS: Record<string, PkiErrorCode> = {
  AlreadyPaid: "PKI_DATA_ALREADY_PAID",
  DataNotTimestamped: "PKI_DATA_NOT_TIMESTAMPED",
  RequestNotOpen: "PKI_DATA_REQUEST_NOT_OPEN",
  UnknownRequest: "PKI_DATA_REQUEST_NOT_FOUND",
  UnknownOffer: "PKI_DATA_OFFER_NOT_FOUND",
  NotTheClient: "PKI_DATA_NOT_CLIENT",
  NotTheProvider: "PKI_DATA_NOT_PROVIDER",
  AccessNotDue: "PKI_DATA_ACCESS_NOT_DUE",
};

export interface DataOfferOptions {
  outbox: TxSender;
  chain: Pick<ChainClient, "readContract">;
  memberAccount: Address;
  /** Signs this member's fetches (EIP-191), proving to a provider that the requesting member asks. */
  signer: LocalAccount;
  address: Address;
  token: Address;
  chainId: number;
  readModel: DataOffersReadModel;
  anchoring: TimestampAnchoring;
  sync: () => Promise<unknown>;
}

interface ChainRequest {
  client: Address;
  query: Hex;
  state: number;
  datasetId: Hex;
  paidOffer: Hex;
}
interface ChainOffer {
  requestId: Hex;
  provider: Address;
  price: bigint;
  dataRoot: Hex;
  accessGranted: boolean;
  accessRef: Hex;
}

/** What a provider's data API answers: the data and the proof that it existed when its root was anchored. */
export interface DataDelivery {
  requestId: Hex;
  /** The paid offer, or the free dataset that served the request. */
  saleId: Hex;
  mediaType: string;
  /** The data, base64. */
  content: string;
  digest: Hex;
  stamp: Stamp;
}

export class DataOfferService {
  readonly #o: DataOfferOptions;

  constructor(options: DataOfferOptions) {
    this.#o = options;
  }

  // --- provider: data files, offers, free datasets, grants, the data API ---

  /** Keeps a data file (base64) and time-stamps its SHA-256 at once (anchored in a batch): the proof travels with it. */
  async addFile(contentBase64: string, mediaType: string) {
    const bytes = Buffer.from(contentBase64, "base64");
    if (bytes.length === 0 || bytes.toString("base64") !== contentBase64.replace(/\s/g, "")) {
      throw new PkiError("PKI_INVALID_INPUT", "body.content must be non-empty base64", { field: "body.content" });
    }
    const digest = `0x${createHash("sha256").update(bytes).digest("hex")}` as Hex;
    await this.#o.readModel.saveFile(digest, mediaType, bytes.toString("base64"));
    const [stamp] = await this.#o.anchoring.stamp([new Uint8Array(createHash("sha256").update(bytes).digest())]);
    if (!stamp) throw new Error("anchoring answered no stamp");
    return { digest, mediaType, size: bytes.length, stamp };
  }

  /** Offers a data file this agent holds on an open request, at `price` minor units, under its anchored root. */
  async offer(requestId: Hex, input: { price: string; digest: Hex; dataRoot: Hex }) {
    const price = BigInt(input.price);
    if (price <= 0n) throw new PkiError("PKI_INVALID_INPUT", "body.price must be more than 0", { field: "body.price" });
    const request = await this.#chainRequest(requestId);
    if (request.state !== "open") {
      throw new PkiError("PKI_DATA_REQUEST_NOT_OPEN", `request ${requestId} is ${request.state}, not open for offers`, {
        details: { state: request.state },
      });
    }
    if (request.client.toLowerCase() === this.#o.memberAccount.toLowerCase()) {
      throw new PkiError("PKI_DATA_NOT_PROVIDER", "a member does not offer on its own request");
    }
    await this.#timestampedFile(input.digest, input.dataRoot);
    const offerId = offerIdOf(
      this.#o.chainId,
      this.#o.address,
      this.#o.memberAccount,
      requestId,
      price,
      input.dataRoot,
    );
    // Linked before sending: a grant or a fetch after a crash still finds which file the offer sells.
    await this.#o.readModel.linkOffer(offerId, input.digest);
    const receipt = await this.#send("makeOffer", [requestId, price, input.dataRoot], requestId);
    const [made] = parseEventLogs({ abi, eventName: "OfferMade", logs: receipt.logs });
    if (made?.args.offerId.toLowerCase() !== offerId.toLowerCase()) throw new Error("makeOffer mined another id");
    await this.#o.sync();
    return { offer: await this.#offerView(offerId), txHash: receipt.transactionHash };
  }

  /** Publishes a data file this agent holds as free data for a query: requests for it are served at once. */
  async publishFree(query: string, input: { digest: Hex; dataRoot: Hex }) {
    await this.#timestampedFile(input.digest, input.dataRoot);
    const key = queryKeyOf(query);
    const datasetId = datasetIdOf(this.#o.chainId, this.#o.address, this.#o.memberAccount, key, input.dataRoot);
    await this.#o.readModel.linkOffer(datasetId, input.digest);
    const receipt = await this.#send("publishFreeDataset", [key, input.dataRoot], key);
    await this.#o.sync();
    return { datasetId, query: key, dataRoot: input.dataRoot, txHash: receipt.transactionHash };
  }

  /** As the offer's provider, once the client paid it: records the grant on chain. */
  async grant(offerId: Hex) {
    const offer = await this.#chainOffer(offerId);
    if (offer.provider.toLowerCase() !== this.#o.memberAccount.toLowerCase()) {
      throw new PkiError("PKI_DATA_NOT_PROVIDER", `offer ${offerId} is ${offer.provider}'s: only it grants access`);
    }
    const request = await this.#chainRequest(offer.requestId);
    if (request.paidOffer.toLowerCase() !== offerId.toLowerCase()) {
      throw new PkiError("PKI_DATA_ACCESS_NOT_DUE", `offer ${offerId} is not paid: access is granted after payment`);
    }
    if (offer.accessGranted) throw new PkiError("PKI_DATA_ACCESS_NOT_DUE", `access to offer ${offerId} was granted`);
    const digest = await this.#o.readModel.fileOfOffer(offerId);
    if (!digest) throw new PkiError("PKI_DATA_FILE_NOT_FOUND", `this agent holds no data file for offer ${offerId}`);
    const receipt = await this.#send("grantAccess", [offerId, accessRefOf(offerId, digest)], offerId);
    await this.#o.sync();
    return { offer: await this.#offerView(offerId), txHash: receipt.transactionHash };
  }

  /**
   * The provider's data API: answers the data and its timestamp proof to the requesting member only (its signature
   * over the request and an expiry), once the request is paid to this provider and access granted, or at once when
   * this provider's free dataset served it.
   */
  async deliver(requestId: Hex, expires: number, signature: Hex): Promise<DataDelivery> {
    const now = Math.floor(Date.now() / 1000);
    if (expires < now || expires > now + ACCESS_SIGNATURE_TTL) {
      throw new PkiError("PKI_DATA_ACCESS_DENIED", `query.expires must be within ${ACCESS_SIGNATURE_TTL} s from now`, {
        field: "query.expires",
      });
    }
    const request = await this.#chainRequest(requestId);
    const message = accessMessageOf(this.#o.chainId, this.#o.address, requestId, expires);
    const signer = await recoverMessageAddress({ message: { raw: message }, signature }).catch(() => undefined);
    if (signer?.toLowerCase() !== request.client.toLowerCase()) {
      throw new PkiError("PKI_DATA_ACCESS_DENIED", "the signature is not the requesting member's", {
        field: "query.signature",
      });
    }
    const me = this.#o.memberAccount.toLowerCase();
    let saleId: Hex;
    let dataRoot: Hex;
    if (request.state === "served") {
      const dataset = (await this.#read("freeDataset", [request.query])) as { provider: Address; dataRoot: Hex };
      if (dataset.provider.toLowerCase() !== me) {
        throw new PkiError("PKI_DATA_ACCESS_DENIED", "another provider's free dataset served this request");
      }
      saleId = request.datasetId;
      dataRoot = dataset.dataRoot;
    } else if (request.state === "paid") {
      const offer = await this.#chainOffer(request.paidOffer);
      if (offer.provider.toLowerCase() !== me) {
        throw new PkiError("PKI_DATA_ACCESS_DENIED", "the request was paid to another provider");
      }
      if (!offer.accessGranted) {
        throw new PkiError("PKI_DATA_ACCESS_DENIED", "access to the paid offer is not granted on the ledger yet");
      }
      saleId = request.paidOffer;
      dataRoot = offer.dataRoot;
    } else {
      throw new PkiError("PKI_DATA_ACCESS_DENIED", `request ${requestId} is not paid: no access before payment`);
    }
    const digest = await this.#o.readModel.fileOfOffer(saleId);
    const file = digest ? await this.#o.readModel.file(digest) : undefined;
    if (!file) throw new PkiError("PKI_DATA_FILE_NOT_FOUND", `this agent holds no data file for ${saleId}`);
    const stamp = (await this.#o.anchoring.stamps(file.digest)).find(
      (s) => s.root.toLowerCase() === dataRoot.toLowerCase(),
    );
    if (!stamp)
      throw new PkiError("PKI_DATA_NOT_TIMESTAMPED", `this agent holds no proof of the data under ${dataRoot}`);
    return { requestId, saleId, mediaType: file.mediaType, content: file.content, digest: file.digest, stamp };
  }

  // --- client: request, pay, fetch ---

  /** Asks for data on a query: served at once when a free dataset exists, else a call for offers. */
  async request(query: string, salt: Hex) {
    const key = queryKeyOf(query);
    const requestId = requestIdOf(this.#o.chainId, this.#o.address, this.#o.memberAccount, key, salt);
    const receipt = await this.#send("requestData", [key, salt], key);
    await this.#o.sync();
    return { request: await this.#requestView(requestId), txHash: receipt.transactionHash };
  }

  /** Pays an offer as the request's client: approves its price to the contract, which pulls it to the provider. */
  async pay(offerId: Hex) {
    const offer = await this.#chainOffer(offerId);
    const request = await this.#chainRequest(offer.requestId);
    if (request.client.toLowerCase() !== this.#o.memberAccount.toLowerCase()) {
      throw new PkiError("PKI_DATA_NOT_CLIENT", `request ${offer.requestId} is ${request.client}'s: only it pays`);
    }
    if (request.state === "paid") {
      throw new PkiError("PKI_DATA_ALREADY_PAID", `request ${offer.requestId} was paid already: nothing moved`, {
        details: { requestId: offer.requestId, paidOffer: request.paidOffer },
      });
    }
    if (request.state !== "open") {
      throw new PkiError("PKI_DATA_REQUEST_NOT_OPEN", `request ${offer.requestId} is ${request.state}: nothing to pay`);
    }
    const balance = await this.balance(this.#o.memberAccount);
    if (balance < offer.price) {
      throw new PkiError("PKI_DATA_BALANCE_TOO_LOW", `the balance ${balance} is below the price ${offer.price}`, {
        details: { balance: balance.toString(), price: offer.price.toString() },
      });
    }
    await this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.token,
      data: encodeFunctionData({
        abi: SettlementToken.abi,
        functionName: "approve",
        args: [this.#o.address, offer.price],
      }),
      label: `pki.approve data offer ${offer.price}`,
    });
    const receipt = await this.#send("pay", [offerId], offerId);
    await this.#o.sync();
    return {
      offer: await this.#offerView(offerId),
      price: offer.price.toString(),
      provider: offer.provider,
      balance: (await this.balance(this.#o.memberAccount)).toString(),
      txHash: receipt.transactionHash,
    };
  }

  /**
   * Fetches a request's data from the provider's agent at `providerUrl`, signing as this member, and checks it: the
   * bytes hash to the digest, the proof leads from the digest to the root the ledger records for the paid offer (or
   * the free dataset), and that root is anchored.
   */
  async fetch(requestId: Hex, providerUrl: string) {
    const request = await this.#chainRequest(requestId);
    if (request.client.toLowerCase() !== this.#o.memberAccount.toLowerCase()) {
      throw new PkiError(
        "PKI_DATA_NOT_CLIENT",
        `request ${requestId} is ${request.client}'s: only it fetches the data`,
      );
    }
    const expires = Math.floor(Date.now() / 1000) + ACCESS_SIGNATURE_TTL - 60;
    const message = accessMessageOf(this.#o.chainId, this.#o.address, requestId, expires);
    const signature = await this.#o.signer.signMessage({ message: { raw: message } });
    const url = new URL(`/v1/pki/data-offers/requests/${requestId}/data`, providerUrl);
    url.searchParams.set("expires", String(expires));
    url.searchParams.set("signature", signature);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (error) {
      throw new PkiError("PKI_DATA_FETCH_FAILED", `the provider's agent at ${url.origin} did not answer`, {
        cause: error,
      });
    }
    const body = (await response.json().catch(() => ({}))) as Partial<DataDelivery> & {
      code?: string;
      message?: string;
    };
    if (!response.ok) {
      // The provider's refusal names its reason; a code of ours is passed on as such.
      const code = (body.code && body.code in REFUSALS ? body.code : "PKI_DATA_FETCH_FAILED") as PkiErrorCode;
      throw new PkiError(code, `the provider refused: ${body.message ?? `HTTP ${response.status}`}`);
    }
    const expected = await this.#expectedRoot(request);
    const delivery = body as DataDelivery;
    const bytes = Buffer.from(delivery.content ?? "", "base64");
    const digest = `0x${createHash("sha256").update(bytes).digest("hex")}` as Hex;
    const problems: string[] = [];
    if (digest !== delivery.digest?.toLowerCase()) problems.push("the data does not hash to its digest");
    if (delivery.stamp?.digest?.toLowerCase() !== digest) problems.push("the proof is for another file");
    if (delivery.stamp?.root?.toLowerCase() !== expected.toLowerCase()) {
      problems.push(`the proof's root is not ${expected}, the one the ledger records`);
    }
    if (problems.length === 0 && !verifyStampPath({ ...delivery.stamp, digest })) {
      problems.push("the proof's path does not lead from the data's digest to the root");
    }
    if (problems.length > 0) {
      throw new PkiError("PKI_DATA_PROOF_INVALID", problems.join("; "), { details: { problems } });
    }
    const anchor = await this.#o.anchoring.anchorOf(expected);
    if (!anchor) throw new PkiError("PKI_DATA_NOT_TIMESTAMPED", `root ${expected} is not anchored on chain`);
    return { ...delivery, digest, verified: true as const, anchor };
  }

  // --- reads ---

  async requestView(requestId: Hex) {
    await this.#o.sync();
    return { ...(await this.#requestView(requestId)), offers: await this.#o.readModel.offers(requestId) };
  }

  async requests(
    filter: { state?: DataRequestView["state"]; client?: Address },
    limit: number,
    after?: readonly [number, string],
  ) {
    await this.#o.sync();
    return this.#o.readModel.requests(filter, limit, after);
  }

  async balance(account: Address): Promise<bigint> {
    return (await this.#o.chain.readContract({
      address: this.#o.token,
      abi: SettlementToken.abi,
      functionName: "balanceOf",
      args: [account],
    })) as bigint;
  }

  // --- helpers ---

  async #timestampedFile(digest: Hex, dataRoot: Hex): Promise<void> {
    if (!(await this.#o.readModel.file(digest))) {
      throw new PkiError("PKI_DATA_FILE_NOT_FOUND", `this agent holds no data file ${digest}`, {
        field: "body.digest",
      });
    }
    if (!(await this.#o.anchoring.anchorOf(dataRoot))) {
      throw new PkiError("PKI_DATA_NOT_TIMESTAMPED", `root ${dataRoot} was never anchored on the TimestampLedger`, {
        field: "body.dataRoot",
      });
    }
    const stamps = await this.#o.anchoring.stamps(digest).catch(() => [] as Stamp[]);
    if (!stamps.some((s) => s.root.toLowerCase() === dataRoot.toLowerCase())) {
      throw new PkiError("PKI_DATA_NOT_TIMESTAMPED", `data file ${digest} was not time-stamped under ${dataRoot}`, {
        field: "body.dataRoot",
      });
    }
  }

  async #expectedRoot(request: { state: string; query: Hex; paidOffer: Hex }): Promise<Hex> {
    if (request.state === "served") {
      return ((await this.#read("freeDataset", [request.query])) as { dataRoot: Hex }).dataRoot;
    }
    if (request.state === "paid") return (await this.#chainOffer(request.paidOffer)).dataRoot;
    throw new PkiError("PKI_DATA_ACCESS_DENIED", "the request is not paid: no access before payment");
  }

  async #chainRequest(requestId: Hex) {
    const r = (await this.#read("request", [requestId])) as ChainRequest;
    if (r.state === 0) throw new PkiError("PKI_DATA_REQUEST_NOT_FOUND", `no data request ${requestId} on the ledger`);
    return { ...r, state: STATES[r.state] ?? "none" };
  }

  async #chainOffer(offerId: Hex): Promise<ChainOffer> {
    const o = (await this.#read("offer", [offerId])) as ChainOffer;
    if (ZERO_ADDRESS.test(o.provider)) {
      throw new PkiError("PKI_DATA_OFFER_NOT_FOUND", `no data offer ${offerId} on the ledger`);
    }
    return o;
  }

  async #requestView(requestId: Hex): Promise<DataRequestView> {
    const view = await this.#o.readModel.request(requestId);
    if (!view) throw new PkiError("PKI_DATA_REQUEST_NOT_FOUND", `no data request ${requestId} in the read model`);
    return view;
  }

  async #offerView(offerId: Hex): Promise<OfferView> {
    const view = await this.#o.readModel.offer(offerId);
    if (!view) throw new PkiError("PKI_DATA_OFFER_NOT_FOUND", `no data offer ${offerId} in the read model`);
    return view;
  }

  #read(functionName: string, args: readonly unknown[]): Promise<unknown> {
    return this.#o.chain.readContract({ address: this.#o.address, abi, functionName, args } as never);
  }

  async #send(functionName: string, args: readonly unknown[], subject: string): Promise<TransactionReceipt> {
    try {
      return await this.#o.outbox.send({
        from: this.#o.memberAccount,
        to: this.#o.address,
        data: encodeFunctionData({ abi, functionName, args } as never),
        label: `pki.${functionName} ${subject}`,
      });
    } catch (error) {
      if (!(error instanceof TxRevertedError && error.errorName && REVERTS[error.errorName])) throw error;
      throw new PkiError(REVERTS[error.errorName] as PkiErrorCode, error.message, {
        cause: error,
        details: { revert: error.errorName },
      });
    }
  }
}

/** Codes a provider's refusal may carry through to the client. */
const REFUSALS: Record<string, true> = {
  PKI_DATA_ACCESS_DENIED: true,
  PKI_DATA_REQUEST_NOT_FOUND: true,
  PKI_DATA_FILE_NOT_FOUND: true,
  PKI_DATA_NOT_TIMESTAMPED: true,
};
