// REST API of identity assurance under /v1/identity/assurance/: vouching for subscribers' ID files (IDM-002), checking
// a file, KYC reuse with the holder's consent, and social attestations with their confidence (IDM-004). Schemas in
// schemas.ts, logic in service.ts; no SQL here.
import type { Address, Hex } from "viem";
import type { ApiApp } from "../../core/api/index.ts";
import { invalidField, pageOf, pageOfRows, pageRequest, readErrors, writeErrors } from "../../core/api/index.ts";
import type { MembershipDirectory } from "../../membership/published.ts";
import type { IdFile, ReuseConsent } from "./idFile.ts";
import type { VouchingView } from "./readModel.ts";
import {
  AttestationIdParams,
  AttestationPageQuery,
  AttestationSchema,
  AttestationWriteSchema,
  AttestBodySchema,
  CheckBodySchema,
  CheckResultSchema,
  ConfidenceQuery,
  ConfidenceSchema,
  DigestQuery,
  DigestSchema,
  RelayBodySchema,
  ReuseBodySchema,
  ReuseResultSchema,
  VouchBodySchema,
  VouchIdParams,
  VouchingPageQuery,
  VouchingSchema,
  VouchingWriteSchema,
  WithdrawBodySchema,
} from "./schemas.ts";
import type { AssuranceService } from "./service.ts";

const tags = ["identity-assurance"];
export const ASSURANCE_TAG = {
  name: "identity-assurance",
  description: "Identity as a service (IDM-002): vouching for ID files, KYC reuse; social attestations (IDM-004)",
};

const HOW_TO_SIGN = "EIP-191 personal_sign of the 32 digest bytes with the attester's did:ethr key";

function cursorKey(after: unknown[] | undefined): [number, string] | undefined {
  if (after && (typeof after[0] !== "number" || typeof after[1] !== "string")) {
    throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
  }
  return after as [number, string] | undefined;
}

export function registerAssuranceRoutes(
  app: ApiApp,
  service: AssuranceService,
  membership: Pick<MembershipDirectory, "getMember">,
) {
  const named = async (v: VouchingView) => ({
    ...v,
    memberName: (await membership.getMember(v.member as Address))?.name ?? null,
  });
  const namedAll = (vs: VouchingView[]) => Promise.all(vs.map(named));

  app.post(
    "/v1/identity/assurance/vouchings",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Vouch for a subscriber's ID file: the operator verified it; its salted fingerprint goes on chain",
        description:
          "Records keccak256(salt || canonical file) under this member; no subscriber id goes on chain. The id is " +
          "derived from member and fingerprint.",
        tags,
        operationId: "identityVouch",
        body: VouchBodySchema,
        response: {
          201: VouchingWriteSchema,
          ...writeErrors("ASSURANCE_INVALID_INPUT", "ASSURANCE_ALREADY_VOUCHED"),
        },
      },
    },
    async (request, reply) => {
      const { vouching, txHash } = await service.vouch((request.body as { file: IdFile }).file);
      return reply.code(201).send({ vouching: await named(vouching), txHash });
    },
  );

  app.post(
    "/v1/identity/assurance/vouchings/:vouchId/revoke",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Revoke this member's vouching (final)",
        tags,
        operationId: "identityRevokeVouching",
        params: VouchIdParams,
        response: {
          200: VouchingWriteSchema,
          ...writeErrors("ASSURANCE_VOUCHING_NOT_FOUND", "ASSURANCE_NOT_VOUCHER", "ASSURANCE_ALREADY_REVOKED"),
        },
      },
    },
    async (request) => {
      const { vouching, txHash } = await service.revoke(request.params.vouchId as Hex);
      return { vouching: await named(vouching), txHash };
    },
  );

  app.get(
    "/v1/identity/assurance/vouchings",
    {
      schema: {
        summary: "The vouchings of a fingerprint, in mining order",
        tags,
        operationId: "identityListVouchings",
        querystring: VouchingPageQuery,
        response: { 200: pageOf(VouchingSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query, 2);
      const rows = await service.vouchingsOf(request.query.fingerprint as Hex, limit, cursorKey(after));
      return pageOfRows(await namedAll(rows), limit, (v) => [v.block, v.vouchId]);
    },
  );

  app.get(
    "/v1/identity/assurance/vouchings/:vouchId",
    {
      schema: {
        summary: "One vouching: who vouched, standing or revoked",
        tags,
        operationId: "identityGetVouching",
        params: VouchIdParams,
        response: { 200: VouchingSchema, ...readErrors("ASSURANCE_VOUCHING_NOT_FOUND") },
      },
    },
    async (request) => named(await service.vouching(request.params.vouchId)),
  );

  app.post(
    "/v1/identity/assurance/check",
    {
      // A check, not a change: it reads the read model and writes nothing. POST only because an ID file (with its
      // scans) does not fit a URL; so any key of this member may check, as it may read.
      config: { auth: "read-only" },
      schema: {
        summary: "Check an ID file against the ledger: its fingerprint, who vouched, valid or revoked",
        tags,
        operationId: "identityCheckFile",
        body: CheckBodySchema,
        response: { 200: CheckResultSchema, ...readErrors("ASSURANCE_INVALID_INPUT") },
      },
    },
    async (request) => {
      const checked = await service.check((request.body as { file: IdFile }).file);
      return { ...checked, vouchings: await namedAll(checked.vouchings) };
    },
  );

  app.post(
    "/v1/identity/assurance/reuse",
    {
      config: { auth: "operator" },
      schema: {
        summary: "KYC reuse: rely on another member's vouching with the holder's signed consent naming this member",
        tags,
        operationId: "identityReuseVouching",
        body: ReuseBodySchema,
        response: {
          200: ReuseResultSchema,
          ...readErrors("ASSURANCE_INVALID_INPUT", "ASSURANCE_CONSENT_INVALID", "ASSURANCE_NOT_VOUCHED"),
        },
      },
    },
    async (request) => {
      const body = request.body as { file: IdFile; consent: ReuseConsent };
      const reused = await service.reuse(body.file, body.consent);
      return { ...reused, vouchings: await namedAll(reused.vouchings) };
    },
  );

  app.post(
    "/v1/identity/assurance/attestations",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Attest a claim (salted hash of a fact) about a person's DID, as this member (a vetted organisation)",
        tags,
        operationId: "identityAttest",
        body: AttestBodySchema,
        response: {
          201: AttestationWriteSchema,
          ...writeErrors("ASSURANCE_INVALID_INPUT", "ASSURANCE_SELF_ATTESTATION", "ASSURANCE_DUPLICATE_ATTESTER"),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.attest(request.body.subject, request.body.claim as Hex)),
  );

  app.post(
    "/v1/identity/assurance/attestations/relay",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Relay a person's attestation signed with their did:ethr key",
        tags,
        operationId: "identityRelayAttestation",
        body: RelayBodySchema,
        response: {
          201: AttestationWriteSchema,
          ...writeErrors(
            "ASSURANCE_INVALID_INPUT",
            "ASSURANCE_SELF_ATTESTATION",
            "ASSURANCE_DUPLICATE_ATTESTER",
            "ASSURANCE_BAD_SIGNATURE",
          ),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return reply.code(201).send(
        await service.relayAttestation({
          attester: b.attester,
          subject: b.subject,
          claim: b.claim as Hex,
          signature: b.signature as Hex,
        }),
      );
    },
  );

  app.get(
    "/v1/identity/assurance/attestations/digest",
    {
      schema: {
        summary: "The digest a person signs to attest a claim about a subject",
        tags,
        operationId: "identityAttestDigest",
        querystring: DigestQuery,
        response: { 200: DigestSchema, ...readErrors("ASSURANCE_INVALID_INPUT") },
      },
    },
    async (request) => ({
      digest: await service.attestDigest(request.query.attester, request.query.subject, request.query.claim as Hex),
      howToSign: HOW_TO_SIGN,
    }),
  );

  app.get(
    "/v1/identity/assurance/attestations/:attestationId/withdraw-digest",
    {
      schema: {
        summary: "The digest a person signs to withdraw their attestation",
        tags,
        operationId: "identityWithdrawDigest",
        params: AttestationIdParams,
        response: { 200: DigestSchema, ...readErrors("ASSURANCE_ATTESTATION_NOT_FOUND") },
      },
    },
    async (request) => ({
      digest: await service.withdrawDigest(request.params.attestationId as Hex),
      howToSign: HOW_TO_SIGN,
    }),
  );

  app.post(
    "/v1/identity/assurance/attestations/:attestationId/withdraw",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Withdraw this member's attestation, or relay a person's signed withdrawal (final)",
        tags,
        operationId: "identityWithdrawAttestation",
        params: AttestationIdParams,
        body: WithdrawBodySchema,
        response: {
          200: AttestationWriteSchema,
          ...writeErrors(
            "ASSURANCE_ATTESTATION_NOT_FOUND",
            "ASSURANCE_NOT_ATTESTER",
            "ASSURANCE_ALREADY_REVOKED",
            "ASSURANCE_BAD_SIGNATURE",
          ),
        },
      },
    },
    async (request) => service.withdraw(request.params.attestationId as Hex, request.body.signature as Hex | undefined),
  );

  app.get(
    "/v1/identity/assurance/attestations",
    {
      schema: {
        summary: "Attestations about a subject (optionally of one claim), in mining order",
        tags,
        operationId: "identityListAttestations",
        querystring: AttestationPageQuery,
        response: { 200: pageOf(AttestationSchema), ...readErrors("ASSURANCE_INVALID_INPUT") },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query, 2);
      const q = request.query;
      const rows = await service.attestationsOf(q.subject, q.claim as Hex | undefined, limit, cursorKey(after));
      return pageOfRows(rows, limit, (a) => [a.block, a.attestationId]);
    },
  );

  app.get(
    "/v1/identity/assurance/attestations/:attestationId",
    {
      schema: {
        summary: "One attestation",
        tags,
        operationId: "identityGetAttestation",
        params: AttestationIdParams,
        response: { 200: AttestationSchema, ...readErrors("ASSURANCE_ATTESTATION_NOT_FOUND") },
      },
    },
    async (request) => service.attestation(request.params.attestationId),
  );

  app.get(
    "/v1/identity/assurance/confidence",
    {
      schema: {
        summary: "The confidence of a claim about a subject: standing attesters by kind and the documented formula",
        tags,
        operationId: "identityConfidence",
        querystring: ConfidenceQuery,
        response: { 200: ConfidenceSchema, ...readErrors("ASSURANCE_INVALID_INPUT") },
      },
    },
    async (request) => service.confidence(request.query.subject, request.query.claim as Hex),
  );
}
