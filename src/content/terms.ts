// The vocabulary of licence terms shared by the API, the index and the contract: rights as bits (ContentRights.sol)
// and territories as bits over the consortium's territory list (bit i is TERRITORIES[i]; appending keeps old bits).
export const RIGHTS = ["distribution", "promotion", "derivative", "sublicense"] as const;
export type Right = (typeof RIGHTS)[number];
export const DISTRIBUTION_BIT = 1;

/** ISO 3166-1 alpha-2 codes the consortium licenses in. Never reorder: a licence's bits refer to these positions. */
export const TERRITORIES = [
  "JP",
  "KR",
  "US",
  "CA",
  "GB",
  "IE",
  "FR",
  "DE",
  "ES",
  "IT",
  "NL",
  "BE",
  "SE",
  "NO",
  "DK",
  "FI",
  "PL",
  "PT",
  "AU",
  "NZ",
  "BR",
  "MX",
  "IN",
  "SG",
] as const;
export type Territory = (typeof TERRITORIES)[number];

export function rightsToBits(rights: readonly Right[]): number {
  return rights.reduce((bits, right) => bits | (1 << RIGHTS.indexOf(right)), 0);
}

export function bitsToRights(bits: number): Right[] {
  return RIGHTS.filter((_, i) => (bits & (1 << i)) !== 0);
}

export function territoriesToBits(territories: readonly Territory[]): bigint {
  return territories.reduce((bits, code) => bits | (1n << BigInt(TERRITORIES.indexOf(code))), 0n);
}

export function bitsToTerritories(bits: bigint): Territory[] {
  return TERRITORIES.filter((_, i) => (bits & (1n << BigInt(i))) !== 0n);
}

export function territoryBit(code: Territory): bigint {
  return 1n << BigInt(TERRITORIES.indexOf(code));
}

/** The royalty period of a delivery: its UTC month as YYYYMM. */
export function periodOf(unixSeconds: number): number {
  const date = new Date(unixSeconds * 1000);
  return date.getUTCFullYear() * 100 + date.getUTCMonth() + 1;
}
