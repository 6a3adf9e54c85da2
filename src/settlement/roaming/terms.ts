// An agreement's terms as both operators sign them: the parties, the settlement token, validity, period, dispute window,
// the version it replaces, and the tariff. Only their hash goes on chain (termsHash); the terms stay with the two
// operators' agents. The hash is over canonical JSON (keys sorted at every level, addresses and ids in lower case,
// behind a domain separator), so both agents compute the same hash from the same terms whatever order the caller wrote
// them in. The agreement id is the contract's derivation, computed before sending so the id acknowledged is the chain's.
import { type Address, encodeAbiParameters, type Hex, keccak256, stringToHex } from "viem";
import { canonicalJson } from "../../core/canonicalJson.ts";
import type { Tariff } from "../rating/tariff.ts";

/** Domain separation: the hash of these terms means nothing to any other hash. */
const TERMS_DOMAIN = "telco-ledger/settlement/agreement-terms/v1:";
export const ZERO_ID: Hex = `0x${"00".repeat(32)}`;

export interface AgreementTerms {
  visited: Address;
  home: Address;
  token: Address;
  /** Unix seconds: events from validFrom (inclusive) to validTo (exclusive). */
  validFrom: number;
  validTo: number;
  periodSeconds: number;
  disputeWindowSeconds: number;
  /** The version this one replaces, or the zero id. */
  previous: Hex;
  tariff: Tariff;
}

/** The terms with addresses and ids in lower case: what is hashed and stored. */
export function normalTerms(terms: AgreementTerms): AgreementTerms {
  return {
    ...terms,
    visited: terms.visited.toLowerCase() as Address,
    home: terms.home.toLowerCase() as Address,
    token: terms.token.toLowerCase() as Address,
    previous: terms.previous.toLowerCase() as Hex,
  };
}

export function termsHashOf(terms: AgreementTerms): Hex {
  return keccak256(stringToHex(`${TERMS_DOMAIN}${canonicalJson(normalTerms(terms))}`));
}

/** RoamingSettlement.proposeAgreement's id: keccak256(abi.encode(terms hash, parties, token, validity, ..., proposer)). */
export function agreementIdOf(terms: AgreementTerms, termsHash: Hex, proposer: Address): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "address" },
        { type: "address" },
        { type: "address" },
        { type: "uint64" },
        { type: "uint64" },
        { type: "uint32" },
        { type: "uint32" },
        { type: "bytes32" },
        { type: "address" },
      ],
      [
        termsHash,
        terms.visited,
        terms.home,
        terms.token,
        BigInt(terms.validFrom),
        BigInt(terms.validTo),
        terms.periodSeconds,
        terms.disputeWindowSeconds,
        terms.previous,
        proposer,
      ],
    ),
  );
}
