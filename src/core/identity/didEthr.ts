// did:ethr identifiers on the project's chain: `did:ethr:<chainId as 0x-hex>:<address>`, the form ethr-did-resolver
// registers for a network configured by chainId (it keys networks by `0x${chainId.toString(16)}`).
import { interpretIdentifier } from "ethr-did-resolver";
import { type Address, getAddress, isAddress } from "viem";
import { invalidInput } from "./errors.ts";

export function networkIdOf(chainId: number | bigint): string {
  return `0x${BigInt(chainId).toString(16)}`;
}

/** The DID of an ERC-1056 identity; the address is written in lower case so that DIDs compare as plain strings. */
export function formatDid(chainId: number | bigint, address: Address): string {
  return `did:ethr:${networkIdOf(chainId)}:${getAddress(address).toLowerCase()}`;
}

export interface ParsedEthrDid {
  did: string;
  /** The network part as written ("0x7a69"), or "mainnet" when absent. */
  network: string;
  /** The ERC-1056 identity (checksummed), also for DIDs named by a public key. */
  address: Address;
}

/** Parses a did:ethr (with or without a #fragment or ?query); `field` names the input in the error. */
export function parseEthrDid(value: unknown, field = "did"): ParsedEthrDid {
  if (typeof value !== "string" || !value.startsWith("did:ethr:")) throw invalidInput(field, "must be a did:ethr DID");
  const did = value.split(/[#?]/)[0] ?? value;
  let interpreted: ReturnType<typeof interpretIdentifier>;
  try {
    interpreted = interpretIdentifier(did);
  } catch {
    throw invalidInput(field, "must end with a 20-byte address or a 33-byte public key");
  }
  if (!isAddress(interpreted.address, { strict: false })) throw invalidInput(field, "has no valid address");
  return { did, network: interpreted.network ?? "mainnet", address: getAddress(interpreted.address) };
}

/** Normalises a DID of this chain to the form formatDid writes. */
export function normaliseDid(value: unknown, chainId: number | bigint, field = "did"): string {
  const parsed = parseEthrDid(value, field);
  if (parsed.network !== networkIdOf(chainId)) {
    throw invalidInput(field, `must be on network ${networkIdOf(chainId)}, not ${parsed.network}`);
  }
  return formatDid(chainId, parsed.address);
}
