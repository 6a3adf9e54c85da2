// Routes of the wallet (/v1/identity/credentials/held): the credentials other issuers gave to this agent's hosted
// DIDs. Received after the same verification as POST /v1/identity/credentials/verify, listed with their status now,
// read back whole to present, removed by the holder.
import { Type } from "@sinclair/typebox";
import type { Hex } from "viem";
import {
  type ApiApp,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  readErrors,
  strictObject,
  writeErrors,
} from "../core/api/index.ts";
import { notFound } from "../core/errors/index.ts";
import type { StatusListSource } from "../core/identity/bitstringStatus.ts";
import type { CredentialStatusService } from "../core/identity/credentialStatus.ts";
import type { CredentialService } from "../core/identity/credentials.ts";
import type { HeldCredentialRecord } from "../core/identity/heldCredentials.ts";
import { keysetPage } from "./routesPaging.ts";
import {
  HeldCredentialSchema,
  HeldCredentialWithJwtSchema,
  HeldParams,
  PresentSdJwtBodySchema,
  ReceiveCredentialBodySchema,
  ReceivedCredentialSchema,
  SdJwtPresentationSchema,
} from "./schemas.ts";

export interface HeldRoutesDeps {
  credentials: CredentialService;
  status: CredentialStatusService;
}

const NOT_READ_HERE =
  "the credential's status is not this ledger's registry: check it when presented (POST /v1/identity/credentials/verify)";

export function registerHeldCredentialRoutes(app: ApiApp, deps: HeldRoutesDeps, statusLists: StatusListSource): void {
  const { credentials, status } = deps;

  /** A held credential with its status now (read from the registry when it lives there). */
  const withStatus = async (record: HeldCredentialRecord) => {
    if (record.statusMethod === null || record.credentialId === null) {
      return { ...record, status: "unknown" as const, reason: NOT_READ_HERE, since: null };
    }
    const now = await status.statusOf(record.issuer, record.credentialId);
    return { ...record, status: now.status, reason: now.reason, since: now.since ? now.since.toISOString() : null };
  };

  app.post(
    "/v1/identity/credentials/held",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Receive a credential (JWT, or SD-JWT VC) issued to a DID hosted here into this member's wallet",
        description:
          "Verified first (signature, validity period, status) as by POST /v1/identity/credentials/verify; a " +
          "credential that fails is refused with that error and not stored. Its subject (credentialSubject.id) must " +
          "be a DID this agent hosts. 201 when stored, 200 when the wallet already held it.",
        tags: ["credentials"],
        operationId: "receiveCredential",
        body: ReceiveCredentialBodySchema,
        response: {
          200: ReceivedCredentialSchema,
          201: ReceivedCredentialSchema,
          ...writeErrors(
            "IDENTITY_INVALID_INPUT",
            "DID_NOT_HOSTED",
            "CREDENTIAL_INVALID",
            "CREDENTIAL_EXPIRED",
            "CREDENTIAL_NOT_YET_VALID",
            "CREDENTIAL_REVOKED",
            "CREDENTIAL_SUSPENDED",
            "CREDENTIAL_STATUS_UNAVAILABLE",
            "DID_RESOLUTION_FAILED",
          ),
        },
      },
    },
    async (request, reply) => {
      const { record, stored } = await credentials.receive(request.body.jwt, { statusLists });
      return reply.code(stored ? 201 : 200).send({ stored, credential: await withStatus(record) });
    },
  );

  app.get(
    "/v1/identity/credentials/held",
    {
      schema: {
        summary: "Credentials this member's hosted DIDs hold, newest received first, each with its status now",
        tags: ["credentials"],
        operationId: "listHeldCredentials",
        querystring: strictObject({ ...PageQuerySchema.properties }),
        response: { 200: pageOf(HeldCredentialSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string, string]>(request.query, ["string", "string"]);
      const rows = await credentials.held.listPage(page);
      const { items, nextCursor } = pageOfRows(rows, page.limit, (c) => [c.receivedAt, c.digest]);
      return { items: await Promise.all(items.map(withStatus)), nextCursor };
    },
  );

  app.get(
    "/v1/identity/credentials/held/:digest",
    {
      schema: {
        summary: "One held credential with its JWT, to present",
        tags: ["credentials"],
        operationId: "getHeldCredential",
        params: HeldParams,
        response: { 200: HeldCredentialWithJwtSchema, ...readErrors("NOT_FOUND") },
      },
    },
    async (request) => {
      const held = await credentials.held.get(request.params.digest as Hex);
      if (!held) throw notFound(`this wallet holds no credential ${request.params.digest}`);
      const { jwt, ...record } = held;
      return { ...(await withStatus(record)), jwt };
    },
  );

  app.post(
    "/v1/identity/credentials/held/:digest/present",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Present a held SD-JWT VC: only the chosen claims, key-bound to the verifier's nonce and audience",
        description:
          "The key-binding JWT is signed by the holder DID's signing key (the key the credential is bound to). " +
          "Claims not named in disclose stay hidden; address members are named address.<member>.",
        tags: ["credentials"],
        operationId: "presentHeldCredential",
        params: HeldParams,
        body: PresentSdJwtBodySchema,
        response: {
          200: SdJwtPresentationSchema,
          ...writeErrors("IDENTITY_INVALID_INPUT", "NOT_FOUND", "DID_NOT_HOSTED", "DID_NO_SIGNING_KEY", "KEY_RETIRED"),
        },
      },
    },
    async (request) => credentials.presentHeld(request.params.digest as Hex, request.body),
  );

  app.delete(
    "/v1/identity/credentials/held/:digest",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Remove a credential from this member's wallet (the issuer's status is not changed)",
        tags: ["credentials"],
        operationId: "removeHeldCredential",
        params: HeldParams,
        response: { 204: Type.Null(), ...writeErrors("NOT_FOUND") },
      },
    },
    async (request, reply) => {
      if (!(await credentials.held.remove(request.params.digest as Hex))) {
        throw notFound(`this wallet holds no credential ${request.params.digest}`);
      }
      return reply.code(204).send(null);
    },
  );
}
