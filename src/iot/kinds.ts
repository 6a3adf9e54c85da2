// Attester kinds: one bit each, as the contracts store them (contracts/iot/IIotRegistry.sol).
export const ATTESTER_KINDS = { oem: 1, operator: 2, "third-party": 4, peer: 8 } as const;
export type AttesterKindName = keyof typeof ATTESTER_KINDS;
export const ATTESTER_KIND_NAMES = Object.keys(ATTESTER_KINDS) as AttesterKindName[];

export function kindBits(names: readonly AttesterKindName[]): number {
  return names.reduce((bits, name) => bits | ATTESTER_KINDS[name], 0);
}

export function kindNames(bits: number): AttesterKindName[] {
  return ATTESTER_KIND_NAMES.filter((name) => (bits & ATTESTER_KINDS[name]) !== 0);
}
