// Consortium role ids: the TypeScript twin of contracts/membership/Roles.sol (a role id is keccak256 of its name).
// The API speaks names ("TNSP"); the chain stores ids. Unknown ids (roles added by a later domain) pass through as hex.
import { type Hex, keccak256, toBytes } from "viem";

export const ROLE_NAMES = [
  "GOVERNOR",
  "TRUST_AUTHORITY",
  "NUMBERING_AUTHORITY",
  "KYC_VETTER",
  "TNSP",
  "TNR",
  "ENTERPRISE",
  "BPO",
  "OSP",
  "CSP",
  "MOBILE_OPERATOR",
  "AUDITOR",
  "SETTLEMENT_BANK",
  "KEY_CUSTODIAN",
] as const;

export type RoleName = (typeof ROLE_NAMES)[number];

export const roleId = (name: string): Hex => keccak256(toBytes(name));

const byId = new Map<string, RoleName>(ROLE_NAMES.map((name) => [roleId(name), name]));

/** A role's name when it is one of ours, else its 0x id. */
export function roleName(id: Hex): string {
  return byId.get(id.toLowerCase()) ?? id;
}

/** Accepts a role name or a 0x-prefixed 32-byte id. */
export function parseRole(value: string): Hex {
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase() as Hex;
  if ((ROLE_NAMES as readonly string[]).includes(value)) return roleId(value);
  throw new RangeError(`unknown role "${value}"; known: ${ROLE_NAMES.join(", ")} or a 0x-prefixed 32-byte id`);
}
