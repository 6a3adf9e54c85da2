// What an agent computes before a grant's transaction is sent: the grant's id (TnAuthority derives it from the chain,
// the contract, the calling account, a salt the caller picks and the grant's key content, so it does not depend on
// the order transactions are mined in; issue 10), and the salted hash of the caller name and purpose the chain keeps
// instead of the text (issue 11, item 17).
import { randomBytes } from "node:crypto";
import { type Address, encodeAbiParameters, type Hex, keccak256, toHex } from "viem";

const ID_BITS = (1n << 64n) - 1n;
const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

/** Everything the id of a new grant derives from (ITnAuthority.grantIdOf). */
export interface GrantIdInput {
  chainId: number;
  tnAuthority: Address;
  /** The account that sends the transaction (msg.sender): the acting organisation's DID controller. */
  caller: Address;
  salt: Hex;
  /** 0 Allocation (also a port), 1 Assignment, 2 Delegation. */
  kind: number;
  /** null (0 on chain) for an allocation. */
  parentId: string | null;
  prefix: string;
  holder: Address;
}

/** A fresh 32-byte salt: one per write, so two grants of the same content by one caller get two ids. */
export function freshSalt(): Hex {
  return toHex(randomBytes(32));
}

/**
 * The grant's id, as a decimal string: the low 64 bits of keccak256(abi.encode(chainId, tnAuthority, caller, salt,
 * kind, parentId, prefix, holder)), exactly as TnAuthority computes it.
 */
export function grantIdOf(g: GrantIdInput): string {
  const encoded = encodeAbiParameters(
    [
      { type: "uint256" },
      { type: "address" },
      { type: "address" },
      { type: "bytes32" },
      { type: "uint8" },
      { type: "uint256" },
      { type: "string" },
      { type: "address" },
    ],
    [BigInt(g.chainId), g.tnAuthority, g.caller, g.salt, g.kind, BigInt(g.parentId ?? 0), g.prefix, g.holder],
  );
  return (BigInt(keccak256(encoded)) & ID_BITS).toString();
}

/**
 * What GrantRecorded carries instead of the caller name and purpose: keccak256(abi.encode(callerSalt, callerName,
 * purpose)); zero when the grant has neither. Names are low-entropy, so the salt (32 random bytes per grant, in the
 * TN Authorization credential as `CallerSalt` beside `CallerName` and `Purpose`) keeps anyone without the credential
 * from testing guesses against the hash.
 */
export function callerHashOf(callerSalt: Hex, callerName: string, purpose: string): Hex {
  if (callerName === "" && purpose === "") return ZERO_HASH;
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "string" }, { type: "string" }],
      [callerSalt, callerName, purpose],
    ),
  );
}
