// Routes of W3C verifiable credentials (/v1/identity/credentials): issue from a hosted DID, verify any credential,
// change the on-chain status of one this member issued, and read any credential's status and its history.
import type { Hex } from "viem";
import {
  type ApiApp,
  errorResponses,
  pageOf,
  pageOfRows,
  readErrors,
  strictObject,
  writeErrors,
} from "../core/api/index.ts";
import type { CredentialStatusRecord, CredentialStatusService } from "../core/identity/credentialStatus.ts";
import type { CredentialService, StatusCheck } from "../core/identity/credentials.ts";
import { normaliseDid, parseEthrDid } from "../core/identity/didEthr.ts";
import { IdentityError } from "../core/identity/errors.ts";
import { registerHeldCredentialRoutes } from "./routesHeld.ts";
import { keysetPage } from "./routesPaging.ts";
import {
  CredentialListQuerySchema,
  CredentialParams,
  IssueCredentialBodySchema,
  IssuedCredentialSchema,
  IssuedSdJwtSchema,
  IssuerQuerySchema,
  IssueSdJwtBodySchema,
  JwtSchema,
  ListedCredentialSchema,
  SdJwtVerificationSchema,
  StatusChangeBodySchema,
  StatusChangeSchema,
  StatusHistoryQuerySchema,
  StatusRecordSchema,
  VerificationSchema,
  VerifySdJwtBodySchema,
} from "./schemas.ts";
import { allowListedStatusLists } from "./statusListSource.ts";

export interface CredentialRoutesDeps {
  credentials: CredentialService;
  status: CredentialStatusService;
  /** The ledger's chain id: an issuer hosted here is a DID of this chain. */
  chainId: number;
  /** This agent's public URL: the one address it reads Bitstring status lists from today. */
  publicUrl: string;
}

/** Verification failures answered as `verified: false` (200), not as errors: the credential is the problem. */
const CREDENTIAL_REFUSALS = new Set([
  "CREDENTIAL_INVALID",
  "CREDENTIAL_EXPIRED",
  "CREDENTIAL_NOT_YET_VALID",
  "CREDENTIAL_REVOKED",
  "CREDENTIAL_SUSPENDED",
  "PRESENTATION_INVALID",
]);

function statusView(record: CredentialStatusRecord) {
  return { status: record.status, reason: record.reason, since: record.since ? record.since.toISOString() : null };
}

function statusCheckView(check: StatusCheck) {
  if (check.method !== null && "since" in check) return { method: check.method, ...statusView(check) };
  return check;
}

const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export function registerCredentialRoutes(app: ApiApp, deps: CredentialRoutesDeps): void {
  const { credentials, status } = deps;
  const statusLists = allowListedStatusLists([deps.publicUrl]);
  registerHeldCredentialRoutes(app, deps, statusLists);
  /** The issuer DID of a body in the form this agent stores, or IDENTITY_INVALID_INPUT naming body.issuer. */
  const hostedIssuer = (issuer: string) => normaliseDid(issuer, deps.chainId, "body.issuer");

  app.post(
    "/v1/identity/credentials",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Issue a W3C verifiable credential (JWT, ES256) from a DID hosted here",
        tags: ["credentials"],
        operationId: "issueCredential",
        body: IssueCredentialBodySchema,
        response: {
          201: IssuedCredentialSchema,
          ...writeErrors("IDENTITY_INVALID_INPUT", "DID_NOT_HOSTED", "DID_NO_SIGNING_KEY", "KEY_RETIRED"),
        },
      },
    },
    async (request, reply) => {
      const { issuer, type, credentialSubject, expirationDate, format } = request.body;
      const issued = await credentials.issue({
        issuerDid: hostedIssuer(issuer),
        type,
        credentialSubject,
        ...(expirationDate ? { expirationDate: new Date(expirationDate) } : {}),
        ...(format ? { format } : {}),
      });
      return reply.code(201).send(issued);
    },
  );

  app.post(
    "/v1/identity/credentials/sd-jwt",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Issue an SD-JWT VC of identity attributes (each selectively disclosable) to a holder DID",
        description:
          "Signed ES256 by the issuer DID's signing key (in the keystore), typ dc+sd-jwt, bound (cnf.jwk) to the " +
          "holder DID's P-256 key, its status an entry of this ledger's status registry (revoke it as any other " +
          "credential this member issued). The answer carries every disclosure: it is the holder's copy.",
        tags: ["credentials"],
        operationId: "issueSdJwtCredential",
        body: IssueSdJwtBodySchema,
        response: {
          201: IssuedSdJwtSchema,
          ...writeErrors(
            "IDENTITY_INVALID_INPUT",
            "DID_NOT_HOSTED",
            "DID_NO_SIGNING_KEY",
            "DID_RESOLUTION_FAILED",
            "KEY_RETIRED",
          ),
        },
      },
    },
    async (request, reply) => {
      const { issuer, holder, claims, vct, expirationDate } = request.body;
      const issued = await credentials.issueSdJwt({
        issuerDid: hostedIssuer(issuer),
        holderDid: holder,
        claims,
        ...(vct ? { vct } : {}),
        ...(expirationDate ? { expirationDate: new Date(expirationDate) } : {}),
      });
      return reply.code(201).send(issued);
    },
  );

  app.post(
    "/v1/identity/credentials/verify-sd-jwt",
    {
      config: { auth: "read-only" },
      schema: {
        summary: "Verify an SD-JWT VC presentation: issuer, disclosures, key binding to nonce and audience, status",
        description:
          "The issuer's signature through its DID (ES256 or ES256K), each disclosure against the digests the issuer " +
          "signed, the validity period, the key-binding JWT (required: signed by the credential's cnf key over the " +
          "presented disclosures, this nonce and audience, iat within 5 minutes plus 5 of clock skew), then status (this ledger's " +
          "registry entry; others reported). Answers exactly the disclosed claims; 200 with verified false and the " +
          "reason when refused.",
        tags: ["credentials"],
        operationId: "verifySdJwtPresentation",
        body: VerifySdJwtBodySchema,
        response: {
          200: SdJwtVerificationSchema,
          ...errorResponses("VALIDATION_FAILED", "IDENTITY_INVALID_INPUT", "UNAUTHENTICATED", "CHAIN_UNAVAILABLE"),
        },
      },
    },
    async (request) => {
      const { presentation, nonce, audience } = request.body;
      try {
        const result = await credentials.verifySdJwt(presentation, { nonce, audience });
        return {
          verified: true,
          format: "dc+sd-jwt" as const,
          issuer: result.issuer,
          vct: result.vct,
          subject: result.subject,
          id: result.id,
          credentialId: result.credentialId,
          validFrom: isoOrNull(result.validFrom),
          validUntil: isoOrNull(result.validUntil),
          claims: result.claims,
          ...(result.keyBinding
            ? { keyBinding: { ...result.keyBinding, issuedAt: result.keyBinding.issuedAt.toISOString() } }
            : {}),
          status: statusCheckView(result.status),
        };
      } catch (error) {
        if (error instanceof IdentityError && CREDENTIAL_REFUSALS.has(error.code)) {
          return { verified: false, error: { code: error.code, message: error.message } };
        }
        throw error;
      }
    },
  );

  app.get(
    "/v1/identity/credentials",
    {
      schema: {
        summary: "Credentials this member's hosted DIDs issued, newest first, each with its current on-chain status",
        description:
          "Recorded when issued (by this API or by a domain, e.g. EIDL's vetting and TN Authorization credentials); " +
          "the status is read from the registry when listed. The credentials issued to its DIDs by others are the " +
          "wallet's: GET /v1/identity/credentials/held.",
        tags: ["credentials"],
        operationId: "listCredentials",
        querystring: CredentialListQuerySchema,
        response: { 200: pageOf(ListedCredentialSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string, string]>(request.query, ["string", "string"]);
      const rows = await credentials.issued.listPage(page);
      const { items, nextCursor } = pageOfRows(rows, page.limit, (c) => [c.issuedAt, c.credentialId]);
      const listed = await Promise.all(
        items.map(async (c) => ({ ...c, ...statusView(await status.statusOf(c.issuer, c.credentialId)) })),
      );
      return { items: listed, nextCursor };
    },
  );

  app.post(
    "/v1/identity/credentials/verify",
    {
      // A check, not a change: it reads the issuer's DID and the status registry and writes nothing. POST only
      // because a credential does not fit a URL; so any key of this member may verify, as it may read.
      config: { auth: "read-only" },
      schema: {
        summary: "Verify any W3C credential (JWT-VC 1.1 or vc+jwt 2.0) whose issuer DID resolves here",
        description:
          "Signature through the issuer's DID and the validity period always; status when the credential names a " +
          "method this agent knows (TelcoLedgerStatusRegistry2026, BitstringStatusListEntry), else status.method " +
          "null with a note. A status that cannot be read here is status unknown with the reason. Answers 200 " +
          "with verified false and the reason when the credential is invalid, expired, not yet valid, revoked or " +
          "suspended.",
        tags: ["credentials"],
        operationId: "verifyCredential",
        body: strictObject({ jwt: JwtSchema(65536) }),
        response: {
          200: VerificationSchema,
          ...errorResponses(
            "VALIDATION_FAILED",
            "IDENTITY_INVALID_INPUT",
            "UNAUTHENTICATED",
            "CREDENTIAL_STATUS_UNAVAILABLE",
            "CHAIN_UNAVAILABLE",
          ),
        },
      },
    },
    async (request) => {
      try {
        const result = await credentials.verify(request.body.jwt, { statusLists });
        return {
          verified: true,
          format: result.format,
          issuer: result.issuer,
          id: result.id,
          credentialId: result.credentialId,
          validFrom: isoOrNull(result.validFrom),
          validUntil: isoOrNull(result.validUntil),
          status: statusCheckView(result.status),
          payload: result.payload,
        };
      } catch (error) {
        if (error instanceof IdentityError && CREDENTIAL_REFUSALS.has(error.code)) {
          return { verified: false, error: { code: error.code, message: error.message } };
        }
        throw error;
      }
    },
  );

  for (const action of ["revoke", "suspend", "reinstate"] as const) {
    app.post(
      `/v1/identity/credentials/:credentialId/${action}`,
      {
        config: { auth: "operator" },
        schema: {
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a credential this member issued (only its issuer can)`,
          tags: ["credentials"],
          operationId: `${action}Credential`,
          params: CredentialParams,
          body: StatusChangeBodySchema,
          response: { 200: StatusRecordSchema, ...writeErrors("IDENTITY_INVALID_INPUT", "DID_NOT_HOSTED") },
        },
      },
      async (request) => {
        const { issuer, reason } = request.body;
        return statusView(await status[action](hostedIssuer(issuer), request.params.credentialId as Hex, reason));
      },
    );
  }

  app.get(
    "/v1/identity/credentials/:credentialId/status",
    {
      schema: {
        summary: "Current status of any issuer's credential (its changes: .../status/history)",
        tags: ["credentials"],
        operationId: "getCredentialStatus",
        params: CredentialParams,
        querystring: IssuerQuerySchema,
        response: { 200: StatusRecordSchema, ...readErrors("IDENTITY_INVALID_INPUT") },
      },
    },
    async (request) => {
      parseEthrDid(request.query.issuer, "query.issuer");
      return statusView(await status.statusOf(request.query.issuer, request.params.credentialId as Hex));
    },
  );

  app.get(
    "/v1/identity/credentials/:credentialId/status/history",
    {
      schema: {
        summary: "Every status change of any issuer's credential, oldest first",
        description:
          "The registry keeps the history on chain and answers it whole; pages are cut from it by position, which " +
          "never changes since changes are only appended.",
        tags: ["credentials"],
        operationId: "getCredentialStatusHistory",
        params: CredentialParams,
        querystring: StatusHistoryQuerySchema,
        response: { 200: pageOf(StatusChangeSchema), ...readErrors("IDENTITY_INVALID_INPUT") },
      },
    },
    async (request) => {
      const { issuer, ...pageQuery } = request.query;
      parseEthrDid(issuer, "query.issuer");
      const page = keysetPage<[number]>(pageQuery, ["number"]);
      const history = await status.statusHistory(issuer, request.params.credentialId as Hex);
      const start = page.after ? page.after[0] + 1 : 0;
      const rows = history.slice(start, start + page.limit + 1).map((change, i) => ({
        position: start + i,
        change: {
          status: change.status,
          reason: change.reason,
          at: change.at.toISOString(),
          blockNumber: Number(change.blockNumber),
        },
      }));
      const { items, nextCursor } = pageOfRows(rows, page.limit, (row) => [row.position]);
      return { items: items.map((row) => row.change), nextCursor };
    },
  );
}
