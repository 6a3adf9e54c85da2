// The ERC-1056 (EthereumDIDRegistry) binding the identity core uses, and the attribute names it publishes.
// Attribute names are bytes32: UTF-8, right-padded with zeros, at most 32 bytes.
import { type Hex, stringToHex } from "viem";
import { EthereumDIDRegistry } from "../../generated/contracts.ts";

export const ethereumDidRegistryAbi = EthereumDIDRegistry.abi;

export const registryEventNames = ["DIDOwnerChanged", "DIDAttributeChanged", "DIDDelegateChanged"] as const;

/**
 * The P-256 signing key. ethr-did-resolver turns `did/pub/<type>/veriKey` into a verification method of type <type>
 * (no legacy mapping exists for JsonWebKey2020) listed under assertionMethod, and with no encoding suffix puts the
 * value in `publicKeyHex`; did-jwt accepts JsonWebKey2020 for ES256 and reads `publicKeyHex` as SEC1 point bytes.
 * The value is the uncompressed point 0x04 || x || y (65 bytes).
 */
export const signingKeyAttribute = "did/pub/JsonWebKey2020/veriKey";

/** The agent's service endpoint; the resolver publishes it as a service of type TelcoLedgerAgent. */
export const agentServiceAttribute = "did/svc/TelcoLedgerAgent";

/** Ten years: attributes stay valid for the life of a membership unless revoked; an explicit number, not max uint. */
export const attributeValiditySeconds = 10n * 365n * 24n * 60n * 60n;

export function attributeName(name: string): Hex {
  if (new TextEncoder().encode(name).length > 32) throw new Error(`attribute name ${name} is longer than 32 bytes`);
  return stringToHex(name, { size: 32 });
}
