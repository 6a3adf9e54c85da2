// Where the visited side learns who the home operator of an IMSI is and which key to encrypt to: the network codes
// and operator identities come from the read model of the OperatorRegistry; the keys from the operator's DID
// document (keyAgreement keys published as `did/pub/JsonWebKey2020/enc`), resolved through the agent's cached
// resolver, which the indexer invalidates on every DID registry change.
import type { Address } from "viem";
import { formatDid } from "../core/identity/didEthr.ts";
import type { DidResolver } from "../core/identity/resolver.ts";
import { type EncryptionPublicJwk, jwkFromPublicHex } from "./crypto/jwk.ts";
import { RoamingError } from "./errors.ts";
import { homePlmnOf, msinOf } from "./imsi.ts";
import type { NetworkRow, RoamingReadModel } from "./readModel.ts";

export interface HomeNetwork {
  plmn: string;
  operator: Address;
}

const CACHE_MS = 1000;

export class OperatorDirectory {
  readonly #readModel: RoamingReadModel;
  readonly #resolver: DidResolver;
  readonly #chainId: number;
  #networks: { at: number; rows: NetworkRow[] } | undefined;
  // Parsed keys per operator for a second: an attach burst must not re-parse the DID document per IMSI. A rotation
  // is noticed a second later at most, well inside the old key's grace period.
  readonly #keys = new Map<string, { at: number; keys: EncryptionPublicJwk[] }>();

  constructor(readModel: RoamingReadModel, resolver: DidResolver, chainId: number) {
    this.#readModel = readModel;
    this.#resolver = resolver;
    this.#chainId = chainId;
  }

  async networksOf(operator: Address): Promise<string[]> {
    return (await this.#rows()).filter((r) => r.operator === operator.toLowerCase()).map((r) => r.plmn);
  }

  /** The home network of an IMSI (longest held prefix, within the declared MSIN ranges), or undefined. */
  async homeOf(imsi: string): Promise<HomeNetwork | undefined> {
    const rows = await this.#rows();
    const plmn = homePlmnOf(
      imsi,
      rows.map((r) => r.plmn),
    );
    const row = rows.find((r) => r.plmn === plmn);
    if (!row) return undefined;
    const declared = JSON.parse(row.msin_ranges) as Array<{ first: string; last: string }>;
    if (declared.length > 0) {
      const msin = msinOf(imsi, row.plmn);
      if (!declared.some((r) => msin >= BigInt(r.first) && msin <= BigInt(r.last))) return undefined;
    }
    return { plmn: row.plmn, operator: row.operator as Address };
  }

  /** The operator's DID (from its OperatorIdentitySet), or undefined. */
  async didOf(operator: Address): Promise<string | undefined> {
    const identity = await this.#readModel.identityOf(operator);
    if (!identity || /^0x0+$/.test(identity)) return undefined;
    return formatDid(this.#chainId, identity as Address);
  }

  /** Every encryption key the operator publishes, oldest first: the last is the one to encrypt to. */
  async encryptionKeysOf(operator: Address): Promise<EncryptionPublicJwk[]> {
    const cached = this.#keys.get(operator.toLowerCase());
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.keys;
    const keys = await this.#loadKeys(operator);
    this.#keys.set(operator.toLowerCase(), { at: Date.now(), keys });
    return keys;
  }

  async #loadKeys(operator: Address): Promise<EncryptionPublicJwk[]> {
    const did = await this.didOf(operator);
    if (!did) throw new RoamingError("ROAMING_NO_ENCRYPTION_KEY", `operator ${operator} has named no DID`);
    const { didDocument } = await this.#resolver.resolve(did);
    const refs = new Set((didDocument?.keyAgreement ?? []).map((k) => (typeof k === "string" ? k : k.id)));
    const keys: EncryptionPublicJwk[] = [];
    for (const method of didDocument?.verificationMethod ?? []) {
      if (!refs.has(method.id) || method.type !== "JsonWebKey2020" || !method.publicKeyHex) continue;
      try {
        keys.push(jwkFromPublicHex(method.publicKeyHex));
      } catch {
        // Not a P-256 point: not a key we can use; other keys of the document may be.
      }
    }
    return keys;
  }

  /** The key to encrypt to now. */
  async currentKeyOf(operator: Address): Promise<EncryptionPublicJwk> {
    const keys = await this.encryptionKeysOf(operator);
    const key = keys[keys.length - 1];
    if (!key) throw new RoamingError("ROAMING_NO_ENCRYPTION_KEY", `operator ${operator} publishes no encryption key`);
    return key;
  }

  /** A named key of the operator (e.g. the one a peer used), published now. */
  async keyOf(operator: Address, kid: string): Promise<EncryptionPublicJwk> {
    let key = (await this.encryptionKeysOf(operator)).find((k) => k.kid === kid);
    if (!key) {
      // Perhaps published within the last second: look again past the memo.
      this.#keys.delete(operator.toLowerCase());
      key = (await this.encryptionKeysOf(operator)).find((k) => k.kid === kid);
    }
    if (!key) throw new RoamingError("ROAMING_KEY_NOT_FOUND", `operator ${operator} publishes no key ${kid}`);
    return key;
  }

  async #rows(): Promise<NetworkRow[]> {
    if (this.#networks && Date.now() - this.#networks.at < CACHE_MS) return this.#networks.rows;
    const rows = await this.#readModel.allNetworks();
    this.#networks = { at: Date.now(), rows };
    return rows;
  }
}
