// Ids of data requests, offers and free datasets, derived from content and creator exactly as DataOffers.sol derives
// them (chain id and contract address first, so an id never repeats across deployments), and the message a client
// signs to fetch its data from a provider's agent.
import { type Address, encodeAbiParameters, type Hex, keccak256, stringToHex } from "viem";

const ID_PARAMS = [
  { type: "uint256" },
  { type: "address" },
  { type: "address" },
  { type: "bytes32" },
  { type: "bytes32" },
] as const;

/** A query's fixed-size key: keccak256 of its text, e.g. `tile:31UDQ:2026-11-30` (public facts, no personal data). */
export const queryKeyOf = (text: string): Hex => keccak256(stringToHex(text));

export const requestIdOf = (chainId: number, contract: Address, client: Address, query: Hex, salt: Hex): Hex =>
  keccak256(encodeAbiParameters(ID_PARAMS, [BigInt(chainId), contract, client, query, salt]));

export const offerIdOf = (
  chainId: number,
  contract: Address,
  provider: Address,
  requestId: Hex,
  price: bigint,
  dataRoot: Hex,
): Hex =>
  keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
        { type: "bytes32" },
        { type: "uint256" },
        { type: "bytes32" },
      ],
      [BigInt(chainId), contract, provider, requestId, price, dataRoot],
    ),
  );

export const datasetIdOf = (chainId: number, contract: Address, provider: Address, query: Hex, dataRoot: Hex): Hex =>
  keccak256(encodeAbiParameters(ID_PARAMS, [BigInt(chainId), contract, provider, query, dataRoot]));

/** What a client signs (EIP-191) to fetch a request's data: bound to the chain, the contract, the request and a time. */
export const accessMessageOf = (chainId: number, contract: Address, requestId: Hex, expires: number): Hex =>
  keccak256(
    encodeAbiParameters(
      [{ type: "string" }, { type: "uint256" }, { type: "address" }, { type: "bytes32" }, { type: "uint64" }],
      ["telco-ledger/pki/data-access/v1", BigInt(chainId), contract, requestId, BigInt(expires)],
    ),
  );

/** The reference a provider records with its grant: which data file of its data API the offer sells. */
export const accessRefOf = (offerId: Hex, digest: Hex): Hex =>
  keccak256(
    encodeAbiParameters(
      [{ type: "string" }, { type: "bytes32" }, { type: "bytes32" }],
      ["telco-ledger/pki/data-access-ref/v1", offerId, digest],
    ),
  );
