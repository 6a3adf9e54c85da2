// The EIDL enumerations: Annex A's numbers (organisation type, vetting status and result, TN identifier type) and
// the ledger's grant kinds. The API speaks Annex A's integers; the read model stores the same integers.

/** Annex A `type`: 0 KYC Vetter … 6 TA; 7 and 8 are ours (the seed names these actors but gives them no number). */
export const ORG_TYPES = [
  "KYC Vetter",
  "TNR",
  "Brand",
  "BPO",
  "TNSP",
  "CSP",
  "TA",
  "Numbering Authority",
  "OSP",
] as const;
export type OrgTypeName = (typeof ORG_TYPES)[number];
export const OrgType = {
  KycVetter: 0,
  Tnr: 1,
  Brand: 2,
  Bpo: 3,
  Tnsp: 4,
  Csp: 5,
  TrustAuthority: 6,
  NumberingAuthority: 7,
  Osp: 8,
} as const;

/** Annex A vetting `status`. */
export const VETTING_STATUSES = ["In Progress", "Complete"] as const;
/** Annex A vetting `result`. */
export const VETTING_RESULTS = ["Authorized", "Not Authorized", "Blacklisted"] as const;
export const VettingResult = { Authorized: 0, NotAuthorized: 1, Blacklisted: 2 } as const;

/** Annex A `tnIdType`: only E.164 (0) is supported; the others are reserved by the seed "as the solution grows". */
export const TN_ID_TYPES = ["E.164", "UUID", "DID", "Verifiable Credential"] as const;

/** The seed's TN Authorization `Type`, in the order the contract stores it. */
export const GRANT_KINDS = ["Allocation", "Assignment", "Delegation"] as const;
export type GrantKindName = (typeof GRANT_KINDS)[number];

/** Who the trust hierarchy lets vet whom (the contract enforces it; the agent checks first for a clearer error). */
export const TA_VETS: readonly number[] = [OrgType.Tnsp, OrgType.KycVetter, OrgType.Osp, OrgType.Csp];
export const KYC_VETS: readonly number[] = [OrgType.Tnr, OrgType.Brand, OrgType.Bpo];

export function orgTypeName(type: number): string {
  return ORG_TYPES[type] ?? `Unknown(${type})`;
}

/** The consortium role a member needs for each organisation type (IOrganisationRegistry.roleFor). */
export const ROLE_FOR_TYPE = [
  "KYC_VETTER",
  "TNR",
  "ENTERPRISE",
  "BPO",
  "TNSP",
  "CSP",
  "TRUST_AUTHORITY",
  "NUMBERING_AUTHORITY",
  "OSP",
] as const;
