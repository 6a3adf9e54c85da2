// The two credentials of the seed, as the agent issues them (JWT VCs signed ES256 by the issuer organisation's DID,
// status on chain): `VettingStatus` (a vetter says an organisation is Authorized / Not Authorized / Blacklisted, brand
// name included) and `TN Authorization` (an allocation, assignment or delegation of a number or block to a holder).
//
// Choices where the seed is inconsistent (its examples mix did:ibm and did:iota, and its VC `id` is a DID):
// - the VC id is a urn:uuid (status registry key = keccak256 of it); the subject id is the organisation's DID;
// - the W3C type names have no spaces ("TNAuthorization"); the claim keeps the seed's key "TN Authorization";
// - the holder of a TN Authorization is the recipient organisation's DID: the JWT `sub`, shown as `holder`.
import { decodeJwt } from "jose";
import type { Hex } from "viem";
import type { CredentialService, IssueCredentialInput, IssuedCredential } from "../core/identity/credentials.ts";
import { GRANT_KINDS, ORG_TYPES, VETTING_RESULTS, VETTING_STATUSES } from "./enums.ts";

export const EIDL_CONTEXT = "https://telco-ledger.example/contexts/eidl/v1";
export const VETTING_STATUS_TYPE = "VettingStatus";
export const TN_AUTHORIZATION_TYPE = "TNAuthorization";

export interface VettingClaims {
  orgDid: string;
  orgName: string;
  orgType: number;
  brandName?: string;
  vetterDid: string;
  vetterName: string;
  status: number;
  result: number;
  vettedTS: string;
  version: number;
}

export interface TnAuthorizationClaims {
  holderDid: string;
  issuerDid: string;
  /** The number or block ("12002001234", or a prefix such as "1200200" for a thousand-block). */
  tn: string;
  kind: number;
  callerName?: string;
  purpose?: string;
  /**
   * With a caller name or purpose: the 32-byte salt of their hash on chain (GrantRecorded's `callerHash` is
   * keccak256(abi.encode(callerSalt, callerName, purpose))), so a verifier shown this credential can check the text.
   */
  callerSalt?: Hex;
  intendedUse?: string;
  validStart: string;
  validEnd?: string;
  /** The grant this one is made under (the issuer's own holding), for the chain of custody. */
  parentGrantId?: string;
}

/** A W3C credential in the data-model form the API returns, beside its JWT. */
export interface CredentialDocument {
  "@context": string[];
  id: string;
  type: string[];
  issuer: string;
  holder?: string;
  issuanceDate: string;
  expirationDate?: string;
  credentialSubject: Record<string, unknown>;
  credentialStatus: Record<string, unknown>;
  proof: { type: string; created: string; proofPurpose: string; verificationMethod: string; jwt: string };
}

export interface IssuedEidlCredential extends IssuedCredential {
  document: CredentialDocument;
  /** What the chain records beside the grant or vetting: keccak256 of the VC id, its key in the status registry. */
  credentialHash: Hex;
}

export async function issueVettingCredential(
  credentials: CredentialService,
  claims: VettingClaims,
): Promise<IssuedEidlCredential> {
  const issued = await credentials.issue({
    issuerDid: claims.vetterDid,
    type: VETTING_STATUS_TYPE,
    context: [EIDL_CONTEXT],
    credentialSubject: {
      id: claims.orgDid,
      organisationVettingStatus: VETTING_RESULTS[claims.result],
      vettingProcessStatus: VETTING_STATUSES[claims.status],
      nameOfBusiness: claims.orgName,
      natureOfBusiness: ORG_TYPES[claims.orgType],
      ...(claims.brandName ? { brandName: claims.brandName } : {}),
      vetterName: claims.vetterName,
      vettedTS: claims.vettedTS,
      version: claims.version,
    },
  });
  return withDocument(issued);
}

export async function issueTnAuthorizationCredential(
  credentials: CredentialService,
  claims: TnAuthorizationClaims,
): Promise<IssuedEidlCredential> {
  return withDocument(await credentials.issue(tnAuthorizationInput(claims)), claims.holderDid);
}

/**
 * Many TN Authorization credentials of ONE issuer (bulk numbering): the issuer's key is looked up once and the issued
 * log written in one statement (CredentialService.issueMany); each credential is the one a single issue would make.
 */
export async function issueTnAuthorizationCredentials(
  credentials: CredentialService,
  claims: readonly TnAuthorizationClaims[],
): Promise<IssuedEidlCredential[]> {
  const issued = await credentials.issueMany(claims.map(tnAuthorizationInput));
  return issued.map((c, i) => withDocument(c, (claims[i] as TnAuthorizationClaims).holderDid));
}

function tnAuthorizationInput(claims: TnAuthorizationClaims): IssueCredentialInput {
  const validEnd = claims.validEnd ? new Date(claims.validEnd) : undefined;
  return {
    issuerDid: claims.issuerDid,
    type: TN_AUTHORIZATION_TYPE,
    context: [EIDL_CONTEXT],
    ...(validEnd ? { expirationDate: validEnd } : {}),
    credentialSubject: {
      id: claims.holderDid,
      "TN Authorization": {
        TN: claims.tn,
        Type: GRANT_KINDS[claims.kind],
        ...(claims.callerName ? { CallerName: claims.callerName } : {}),
        ...(claims.purpose ? { Purpose: claims.purpose } : {}),
        ...(claims.callerSalt ? { CallerSalt: claims.callerSalt } : {}),
        ...(claims.intendedUse ? { IntendedUse: claims.intendedUse } : {}),
        ValidStart: claims.validStart,
        ...(claims.validEnd ? { ValidEnd: claims.validEnd } : {}),
        ...(claims.parentGrantId ? { ParentGrant: claims.parentGrantId } : {}),
      },
    },
  };
}

/** The JSON data-model view of a JWT VC (the JWT stays the proof). */
export function documentOf(jwt: string, kid: string, holder?: string): CredentialDocument {
  const payload = decodeJwt(jwt) as {
    iss: string;
    sub?: string;
    jti: string;
    nbf: number;
    exp?: number;
    vc: { "@context": string[]; type: string[]; credentialSubject: Record<string, unknown>; credentialStatus: object };
  };
  const issuanceDate = new Date(payload.nbf * 1000).toISOString();
  return {
    "@context": payload.vc["@context"],
    id: payload.jti,
    type: payload.vc.type,
    issuer: payload.iss,
    ...(holder ? { holder } : {}),
    issuanceDate,
    ...(payload.exp ? { expirationDate: new Date(payload.exp * 1000).toISOString() } : {}),
    credentialSubject: { ...(payload.sub ? { id: payload.sub } : {}), ...payload.vc.credentialSubject },
    credentialStatus: payload.vc.credentialStatus as Record<string, unknown>,
    proof: {
      type: "JwtProof2020",
      created: issuanceDate,
      proofPurpose: "assertionMethod",
      verificationMethod: kid,
      jwt,
    },
  };
}

function withDocument(issued: IssuedCredential, holder?: string): IssuedEidlCredential {
  return {
    ...issued,
    document: documentOf(issued.jwt, issued.kid, holder),
    credentialHash: issued.credentialId,
  };
}
