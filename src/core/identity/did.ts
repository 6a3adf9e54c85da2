// Organisation DIDs hosted by this agent: did:ethr identities whose controller (secp256k1) and signing key (P-256) live
// in the keystore. Every change is an ERC-1056 transaction sent through the outbox from the current controller.
import { type Address, encodeFunctionData, type Hex, stringToHex, type TransactionReceipt } from "viem";
import type { TxSender } from "../chain/types.ts";
import type { Queryable } from "../store/store.ts";
import { formatDid, normaliseDid } from "./didEthr.ts";
import {
  agentServiceAttribute,
  attributeName,
  attributeValiditySeconds,
  ethereumDidRegistryAbi,
  signingKeyAttribute,
} from "./erc1056.ts";
import { IdentityError, invalidInput } from "./errors.ts";
import type { Keystore } from "./keystore.ts";

export interface HostedDid {
  did: string;
  /** The ERC-1056 identity: the address in the DID, fixed for life. */
  address: Address;
  label: string;
  /** Current owner of the identity in the registry; its key is in the keystore. */
  controller: Address;
  /** Keystore kid of the P-256 key published as the signing key; null after revokeSigningKey. */
  signingKid: string | null;
  serviceEndpoint: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DidServiceOptions {
  keystore: Keystore;
  txSender: TxSender;
  store: Queryable;
  chainId: number;
  /** The EthereumDIDRegistry (ERC-1056) address. */
  registry: Address;
  /**
   * Pays gas for new controller accounts (networks with a gas price). Omit on networks with free gas (Besu QBFT
   * with min-gas-price 0). The transfer goes through the outbox like every other transaction.
   */
  funder?: { from: Address; amount: bigint };
  /** How long published attributes stay valid; default ten years. */
  validitySeconds?: bigint;
}

export interface CreateOrganisationDidInput {
  label: string;
  serviceEndpoint: string;
}

interface Row {
  did: string;
  address: string;
  label: string;
  controller: string;
  signing_kid: string | null;
  service_endpoint: string | null;
  created_at: string;
  updated_at: string;
}

function validLabel(label: unknown): string {
  if (typeof label !== "string" || label.trim() === "" || label.length > 200) {
    throw invalidInput("label", "must be a non-empty string of at most 200 characters");
  }
  return label.trim();
}

function validEndpoint(endpoint: unknown, field = "serviceEndpoint"): string {
  if (typeof endpoint !== "string" || endpoint.length > 2048) {
    throw invalidInput(field, "must be an http(s) URL of at most 2048 characters");
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidInput(field, "must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalidInput(field, "must use https or http");
  return endpoint;
}

function hostedOf(row: Row): HostedDid {
  return {
    did: row.did,
    address: row.address as Address,
    label: row.label,
    controller: row.controller as Address,
    signingKid: row.signing_kid,
    serviceEndpoint: row.service_endpoint,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class DidService {
  readonly #keystore: Keystore;
  readonly #tx: TxSender;
  readonly #db: Queryable;
  readonly chainId: number;
  readonly registry: Address;
  readonly #funder: { from: Address; amount: bigint } | undefined;
  readonly #validity: bigint;

  constructor(options: DidServiceOptions) {
    this.#keystore = options.keystore;
    this.#tx = options.txSender;
    this.#db = options.store;
    this.chainId = options.chainId;
    this.registry = options.registry;
    this.#funder = options.funder;
    this.#validity = options.validitySeconds ?? attributeValiditySeconds;
    if (this.#validity <= 0n) throw invalidInput("validitySeconds", "must be positive");
  }

  /**
   * Creates a DID for an organisation: a new controller account and P-256 signing key in the keystore, the signing
   * key and the agent's endpoint published on the registry. The row is written first, so a crash part-way leaves a
   * visible DID whose missing attributes the next call (rotateSigningKey / setServiceEndpoint) completes.
   */
  async createOrganisationDid(input: CreateOrganisationDidInput): Promise<HostedDid> {
    const label = validLabel(input?.label);
    const serviceEndpoint = validEndpoint(input?.serviceEndpoint);
    const controller = await this.#keystore.create({ kind: "secp256k1", label: `${label} DID controller` });
    const address = controller.address as Address;
    const did = formatDid(this.chainId, address);
    const now = new Date().toISOString();
    await this.#db.exec(
      `INSERT INTO identity_hosted_dids (did, address, label, controller, signing_kid, service_endpoint, created_at, updated_at)
       VALUES ($1, $2, $3, $4, NULL, NULL, $5, $5)`,
      [did, address, label, address, now],
    );
    await this.#fund(address, did);
    const signing = await this.#keystore.create({ kind: "p256", label: `${label} signing key` });
    await this.#setAttribute(did, address, address, signingKeyAttribute, signing.publicKeyHex);
    await this.#update(did, { signing_kid: signing.kid });
    await this.#setAttribute(did, address, address, agentServiceAttribute, stringToHex(serviceEndpoint));
    return this.#update(did, { service_endpoint: serviceEndpoint });
  }

  /** Publishes a new P-256 key, then revokes the old one: resolvers list only the new key. */
  async rotateSigningKey(didInput: string): Promise<HostedDid> {
    const hosted = await this.get(didInput);
    const signing = await this.#keystore.create({ kind: "p256", label: `${hosted.label} signing key` });
    await this.#setAttribute(hosted.did, hosted.address, hosted.controller, signingKeyAttribute, signing.publicKeyHex);
    const updated = await this.#update(hosted.did, { signing_kid: signing.kid });
    if (hosted.signingKid !== null) await this.#revokeKey(hosted, hosted.signingKid);
    return updated;
  }

  /** Revokes the current signing key without a successor (for a compromised key): the DID signs nothing until rotated. */
  async revokeSigningKey(didInput: string): Promise<HostedDid> {
    const hosted = await this.get(didInput);
    if (hosted.signingKid === null) {
      throw new IdentityError("DID_NO_SIGNING_KEY", `${hosted.did} has no signing key to revoke`, {
        details: { did: hosted.did },
      });
    }
    await this.#revokeKey(hosted, hosted.signingKid);
    return this.#update(hosted.did, { signing_kid: null });
  }

  /** Replaces the published agent endpoint (revokes the old value, publishes the new one). */
  async setServiceEndpoint(didInput: string, serviceEndpoint: string): Promise<HostedDid> {
    const endpoint = validEndpoint(serviceEndpoint);
    const hosted = await this.get(didInput);
    if (hosted.serviceEndpoint !== null && hosted.serviceEndpoint !== endpoint) {
      await this.#send(
        hosted.controller,
        "revokeAttribute",
        [hosted.address, attributeName(agentServiceAttribute), stringToHex(hosted.serviceEndpoint)],
        `identity.revokeServiceEndpoint ${hosted.did}`,
      );
    }
    await this.#setAttribute(
      hosted.did,
      hosted.address,
      hosted.controller,
      agentServiceAttribute,
      stringToHex(endpoint),
    );
    return this.#update(hosted.did, { service_endpoint: endpoint });
  }

  /** Hands the identity to a new keystore account (ERC-1056 changeOwner); the old controller key is retired. */
  async changeController(didInput: string): Promise<HostedDid> {
    const hosted = await this.get(didInput);
    const next = await this.#keystore.create({ kind: "secp256k1", label: `${hosted.label} DID controller` });
    const nextAddress = next.address as Address;
    await this.#fund(nextAddress, hosted.did);
    await this.#send(
      hosted.controller,
      "changeOwner",
      [hosted.address, nextAddress],
      `identity.changeController ${hosted.did}`,
    );
    const updated = await this.#update(hosted.did, { controller: nextAddress });
    await this.#keystore.retire(hosted.controller);
    return updated;
  }

  /** A hosted DID; DID_NOT_HOSTED if this agent does not hold it. */
  async get(didInput: string): Promise<HostedDid> {
    const did = normaliseDid(didInput, this.chainId);
    const row = await this.#db.one<Row>("SELECT * FROM identity_hosted_dids WHERE did = $1", [did]);
    if (!row) throw new IdentityError("DID_NOT_HOSTED", `${did} is not hosted by this agent`, { details: { did } });
    return hostedOf(row);
  }

  /** Every hosted DID, oldest first. */
  async list(): Promise<HostedDid[]> {
    const rows = await this.#db.query<Row>("SELECT * FROM identity_hosted_dids ORDER BY created_at, did");
    return rows.map(hostedOf);
  }

  /**
   * One page of hosted DIDs, oldest first: those after the key [createdAt, did] of the previous page's last one, up to
   * `limit + 1` of them (the extra one only says that another page exists).
   */
  async listPage(page: { limit: number; after: readonly [string, string] | undefined }): Promise<HostedDid[]> {
    const [createdAt, did] = page.after ?? ["", ""];
    const rows = await this.#db.query<Row>(
      `SELECT * FROM identity_hosted_dids WHERE created_at > $1 OR (created_at = $1 AND did > $2)
       ORDER BY created_at, did LIMIT $3`,
      [createdAt, did, page.limit + 1],
    );
    return rows.map(hostedOf);
  }

  async #revokeKey(hosted: HostedDid, kid: string): Promise<void> {
    const old = this.#keystore.info(kid);
    await this.#send(
      hosted.controller,
      "revokeAttribute",
      [hosted.address, attributeName(signingKeyAttribute), old.publicKeyHex],
      `identity.revokeSigningKey ${hosted.did}`,
    );
    await this.#keystore.retire(kid);
  }

  async #setAttribute(did: string, identity: Address, from: Address, name: string, value: Hex): Promise<void> {
    await this.#send(
      from,
      "setAttribute",
      [identity, attributeName(name), value, this.#validity],
      `identity.setAttribute ${name} ${did}`,
    );
  }

  async #fund(address: Address, did: string): Promise<void> {
    if (!this.#funder) return;
    await this.#expectSuccess(
      await this.#tx.send({
        from: this.#funder.from,
        to: address,
        data: "0x",
        value: this.#funder.amount,
        label: `identity.fundController ${did}`,
      }),
      `identity.fundController ${did}`,
    );
  }

  async #send(
    from: Address,
    functionName: "setAttribute" | "revokeAttribute" | "changeOwner",
    args: readonly unknown[],
    label: string,
  ): Promise<TransactionReceipt> {
    const data = encodeFunctionData({
      abi: ethereumDidRegistryAbi,
      functionName,
      args: args as never,
    });
    return this.#expectSuccess(await this.#tx.send({ from, to: this.registry, data, label }), label);
  }

  async #expectSuccess(receipt: TransactionReceipt, label: string): Promise<TransactionReceipt> {
    // The outbox rejects reverted transactions; this guards a TxSender that reports them as receipts instead.
    if (receipt.status !== "success") throw new Error(`${label} reverted in ${receipt.transactionHash}`);
    return receipt;
  }

  async #update(
    did: string,
    change: Partial<Pick<Row, "controller" | "signing_kid" | "service_endpoint">>,
  ): Promise<HostedDid> {
    const entries = Object.entries(change);
    const sets = entries.map(([column], i) => `${column} = $${i + 1}`);
    const now = new Date().toISOString();
    await this.#db.exec(
      `UPDATE identity_hosted_dids SET ${sets.join(", ")}, updated_at = $${entries.length + 1} WHERE did = $${entries.length + 2}`,
      [...entries.map(([, v]) => v ?? null), now, did],
    );
    return this.get(did);
  }
}
