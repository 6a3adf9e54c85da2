// REST API of sharing an insight with a friend under /v1/datausage/: a friend's key registration (signed by that
// key), the subscriber's signed share with the envelope its own client sealed to the friend, and the share read back
// with its envelope for the friend to open. The agent only submits and stores; it never holds a key that opens it.
// Schemas in schemasShare.ts.
import type { Address, Hex } from "viem";
import { type ApiApp, pageOf, pageOfRows, pageRequest, readErrors, writeErrors } from "../core/api/index.ts";
import type { CustodyService } from "./custodyService.ts";
import { DataUsageError } from "./errors.ts";
import { CUSTODY_KEY_PATH, KEY_SHARE_INBOX_PATH, type KeyShareService } from "./keyShares.ts";
import type { InsightsReadModel } from "./readModelInsights.ts";
import { IdParams } from "./schemas.ts";
import { ConsentParams, InsightParams } from "./schemasInsights.ts";
import {
  CustodiansBody,
  CustodiansNamedSchema,
  CustodyKeySchema,
  FriendKeyParams,
  FriendKeySchema,
  KeyErasureSchema,
  KeyShareInboxBody,
  KeyShareReceivedSchema,
  KeyShareSchema,
  KeySharesBody,
  KeySharesDistributedSchema,
  RegisteredFriendKeySchema,
  RegisterFriendKeyBody,
  ShareBody,
  SharedSchema,
  ShareParams,
  ShareSchema,
  SharesQuery,
  ShareWithEnvelopeSchema,
} from "./schemasShare.ts";
import { type ShareService, shareView } from "./shareService.ts";

const tags = ["datausage"];

export function registerCustodyRoutes(app: ApiApp, custody: CustodyService): void {
  app.post(
    "/v1/datausage/contracts/:id/custodians",
    {
      schema: {
        summary:
          "As controller, name the custodians of the contract's subject key and how many must attest its destruction",
        tags,
        operationId: "datausageNameCustodians",
        params: IdParams,
        body: CustodiansBody,
        response: {
          200: CustodiansNamedSchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_CONTRACT",
            "DATAUSAGE_NOT_HELD",
            "DATAUSAGE_CUSTODIANS_EXIST",
            "DATAUSAGE_BAD_CUSTODY",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      custody.nameCustodians(request.params.id as Hex, {
        custodians: request.body.custodians as Address[],
        threshold: request.body.threshold,
      }),
  );

  app.get(
    "/v1/datausage/erasures/:consentId/attestations",
    {
      schema: {
        summary:
          "The custodians' attestations of the key's destruction: status, threshold, when and by whom (for a subject or regulator)",
        tags,
        operationId: "datausageKeyErasure",
        params: ConsentParams,
        response: { 200: KeyErasureSchema, ...readErrors("DATAUSAGE_NO_CUSTODIANS") },
      },
    },
    async (request) => custody.keyErasure(request.params.consentId as Hex),
  );
}

const ENVELOPE_ERRORS = [
  "MESSAGE_UNDECRYPTABLE",
  "MESSAGE_SIGNATURE_INVALID",
  "MESSAGE_WRONG_RECIPIENT",
  "MESSAGE_EXPIRED",
  "MESSAGE_REPLAYED",
  "DID_RESOLUTION_FAILED",
];

/** The subject key's shares: the controller splits and delivers, each custodian's agent receives, keeps and releases. */
export function registerKeyShareRoutes(app: ApiApp, keyShares: KeyShareService): void {
  app.get(
    CUSTODY_KEY_PATH,
    {
      // No API key: the answer is public and self-certifying (the member account's signature binds the key).
      config: { auth: "public" },
      schema: {
        summary:
          "This agent's custody key (a P-256 did:key) bound to its member by the member account's signature: a controller seals key shares to it",
        tags,
        operationId: "datausageCustodyKey",
        response: { 200: CustodyKeySchema, ...readErrors() },
      },
    },
    async () => keyShares.custodyKey(),
  );

  app.post(
    "/v1/datausage/contracts/:id/key-shares",
    {
      schema: {
        summary:
          "As controller, split the subject key among its custodians (Shamir, any threshold of them rebuild it) and deliver each its share, sealed to its agent's custody key",
        tags,
        operationId: "datausageDistributeKeyShares",
        params: IdParams,
        body: KeySharesBody,
        response: {
          200: KeySharesDistributedSchema,
          ...writeErrors(
            "DATAUSAGE_NO_CUSTODIANS",
            "DATAUSAGE_NOT_HELD",
            "DATAUSAGE_BAD_CUSTODY",
            "DATAUSAGE_KEY_ERASED",
            "DATAUSAGE_CUSTODIAN_UNREACHABLE",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      keyShares.distribute(
        request.params.id as Hex,
        request.body.agents.map((a) => ({ custodian: a.custodian as Address, endpoint: a.endpoint })),
      ),
  );

  app.post(
    KEY_SHARE_INBOX_PATH,
    {
      // No API key: the envelope is signed by the consent's controller's custody key, checked before anything is kept.
      config: { auth: "public" },
      schema: {
        summary:
          "Custodian's inbox: a share of a subject key from the consent's controller, opened and checked (sender bound to the controller on chain, addressed to this member as a named custodian, unexpired, first use) and kept",
        tags,
        operationId: "datausageReceiveKeyShare",
        body: KeyShareInboxBody,
        response: {
          200: KeyShareReceivedSchema,
          ...writeErrors(
            ...ENVELOPE_ERRORS,
            "DATAUSAGE_NO_CUSTODIANS",
            "DATAUSAGE_BAD_KEY_SHARE",
            "DATAUSAGE_KEY_ERASED",
          ),
        },
      },
    },
    async (request) => keyShares.receive(request.body.envelope),
  );

  app.get(
    "/v1/datausage/custody/shares/:consentId",
    {
      schema: {
        summary:
          "As custodian, to this member's own operator: the share of the subject key it holds, refused from the key's erasure request on",
        tags,
        operationId: "datausageKeyShare",
        params: ConsentParams,
        response: { 200: KeyShareSchema, ...readErrors("DATAUSAGE_NO_KEY_SHARE", "DATAUSAGE_KEY_ERASED") },
      },
      config: { auth: "operator" },
    },
    async (request) => keyShares.release(request.params.consentId as Hex),
  );
}

export function registerShareRoutes(app: ApiApp, service: ShareService, readModel: InsightsReadModel): void {
  app.post(
    "/v1/datausage/friend-keys",
    {
      schema: {
        summary: "Submit a friend's registration of its wallet key (signed by that key; once per key)",
        tags,
        operationId: "datausageRegisterFriendKey",
        body: RegisterFriendKeyBody,
        response: {
          200: RegisteredFriendKeySchema,
          ...writeErrors("DATAUSAGE_FRIEND_KEY_EXISTS", "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE"),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.registerFriendKey({
        publicKey: request.body.publicKey as Hex,
        signature: request.body.signature as Hex,
      }),
  );

  app.get(
    "/v1/datausage/friend-keys/:key",
    {
      schema: {
        summary: "A registered friend key and its public key (what a subscriber seals a share to)",
        tags,
        operationId: "datausageGetFriendKey",
        params: FriendKeyParams,
        response: { 200: FriendKeySchema, ...readErrors("DATAUSAGE_UNKNOWN_FRIEND_KEY") },
      },
    },
    async (request) => service.friendKey(request.params.key as Hex),
  );

  app.post(
    "/v1/datausage/insights/:id/shares",
    {
      schema: {
        summary:
          "Submit the subscriber's signed share of an insight it holds with a friend's key, with the envelope its own client sealed to the friend",
        tags,
        operationId: "datausageShareInsight",
        params: InsightParams,
        body: ShareBody,
        response: {
          200: SharedSchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_INSIGHT",
            "DATAUSAGE_INSIGHT_ERASED",
            "DATAUSAGE_NOT_ACCEPTED",
            "DATAUSAGE_DENIED",
            "DATAUSAGE_UNKNOWN_FRIEND_KEY",
            "DATAUSAGE_SELF_SHARE",
            "DATAUSAGE_SIGNATURE_EXPIRED",
            "DATAUSAGE_SHARE_EXISTS",
            "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.share(request.params.id as Hex, {
        friendKey: request.body.friendKey as Address,
        envelope: {
          ephemeralPublicKey: request.body.envelope.ephemeralPublicKey as Hex,
          iv: request.body.envelope.iv as Hex,
          ciphertext: request.body.envelope.ciphertext as Hex,
          tag: request.body.envelope.tag as Hex,
        },
        deadline: request.body.deadline,
        signature: request.body.signature as Hex,
      }),
  );

  app.get(
    "/v1/datausage/insights/:id/shares",
    {
      schema: {
        summary: "An insight's shares with friends (keys and envelope digests, never content), paginated",
        tags,
        operationId: "datausageInsightShares",
        params: InsightParams,
        querystring: SharesQuery,
        response: { 200: pageOf(ShareSchema), ...readErrors("DATAUSAGE_UNKNOWN_INSIGHT") },
      },
    },
    async (request) => {
      if (!(await readModel.insight(request.params.id)))
        throw new DataUsageError("DATAUSAGE_UNKNOWN_INSIGHT", `no insight ${request.params.id}`, {
          field: "params.id",
        });
      const page = pageRequest(request.query, 1);
      const after = page.after?.[0] === undefined ? undefined : String(page.after[0]);
      const rows = await readModel.shares(request.params.id, page.limit, after);
      const result = pageOfRows(rows, page.limit, (r) => [r.share_id]);
      return { items: result.items.map(shareView), nextCursor: result.nextCursor };
    },
  );

  app.get(
    "/v1/datausage/shares/:shareId",
    {
      schema: {
        summary:
          "A share as on chain, with the envelope sealed to the friend when this agent keeps it (refused once the insight is erased)",
        tags,
        operationId: "datausageGetShare",
        params: ShareParams,
        response: {
          200: ShareWithEnvelopeSchema,
          ...readErrors("DATAUSAGE_UNKNOWN_SHARE", "DATAUSAGE_INSIGHT_ERASED"),
        },
      },
    },
    async (request) => service.shareOf(request.params.shareId as Hex),
  );
}
