// The content API: works and shares, licences, the licence check a CDN or edge node calls before serving, delivery
// records and their anchoring, royalty splits, payments and claims. Schemas and a call into the service or read
// model; no SQL, no logic.

import { Type } from "@sinclair/typebox";
import type { Hex } from "viem";
import {
  type ApiApp,
  type ApiModule,
  Bytes32Schema,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  pageRequest,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../core/api/index.ts";
import { ContentError } from "./errors.ts";
import {
  AccountParams,
  AmountSchema,
  AnchorBody,
  AnchorResultSchema,
  CheckBody,
  CheckResultSchema,
  ClaimAllResultSchema,
  CreditsSchema,
  DeliveriesBody,
  DeliveryResultSchema,
  LicenceBody,
  LicenceIdParams,
  LicenceSchema,
  licenceView,
  MAX_DELIVERIES_PER_CALL,
  PayBody,
  PromoterFeesBody,
  PromoterFeesResultSchema,
  ReconciliationQuery,
  ReconciliationSchema,
  RegisterBatchBody,
  RegisterBody,
  RewardsBody,
  RewardsResultSchema,
  ShareBody,
  SplitBody,
  SplitIdParams,
  SplitRecipientSchema,
  SplitSchema,
  splitRecipientView,
  splitView,
  TicketBalanceSchema,
  TicketClassBody,
  TicketIdParams,
  TipBody,
  TokenIdParams,
  TokenIdSchema,
  TxResultSchema,
  WorkDetailSchema,
  WorkSchema,
  workView,
} from "./schemas.ts";
import type { ContentService } from "./service.ts";
import type { Territory } from "./terms.ts";

const tags = ["content"];

export function contentApiModule(service: ContentService): ApiModule {
  return {
    name: "content",
    tags: [{ name: "content", description: "Content rights, licences, delivery-metered royalties and splits" }],
    register(app) {
      registerWorkRoutes(app, service);
      registerLicenceRoutes(app, service);
      registerRoyaltyRoutes(app, service);
      registerRewardRoutes(app, service);
    },
  };
}

function registerWorkRoutes(app: ApiApp, service: ContentService): void {
  app.post(
    "/v1/content/works",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Register a work as an ERC-721 token (this member must hold the CSP role)",
        tags,
        operationId: "registerContentWork",
        body: RegisterBody,
        response: { 201: strictObject({ tokenId: TokenIdSchema, txHash: TxHashSchema }), ...writeErrors() },
      },
    },
    async (request, reply) => reply.code(201).send(await service.register(request.body as never)),
  );

  app.post(
    "/v1/content/works/batch",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Register a catalogue of works in one transaction",
        tags,
        operationId: "registerContentWorks",
        body: RegisterBatchBody,
        response: {
          201: strictObject({
            tokenIds: Type.Array(TokenIdSchema, { maxItems: 200 }),
            txHash: TxHashSchema,
            gasUsed: Type.String(),
          }),
          ...writeErrors(),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await service.registerBatch(request.body as never)),
  );

  app.post(
    "/v1/content/tickets",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Register a class of identical tickets or editions as ERC-1155 units (this member must hold CSP)",
        tags,
        operationId: "registerContentTicketClass",
        body: TicketClassBody,
        response: { 201: strictObject({ id: TokenIdSchema, txHash: TxHashSchema }), ...writeErrors() },
      },
    },
    async (request, reply) => reply.code(201).send(await service.registerTicketClass(request.body as never)),
  );

  app.get(
    "/v1/content/tickets/:id/holders/:account",
    {
      schema: {
        summary: "A ticket class's supply and an account's units of it (ERC-1155 balanceOf)",
        tags,
        operationId: "getContentTicketBalance",
        params: TicketIdParams,
        response: { 200: TicketBalanceSchema, ...readErrors() },
      },
    },
    async (request) => service.ticketBalance(request.params.id, request.params.account as Hex),
  );

  app.get(
    "/v1/content/works",
    {
      schema: {
        summary: "Registered works, by token id",
        tags,
        operationId: "listContentWorks",
        querystring: PageQuerySchema,
        response: { 200: pageOf(WorkSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query, 1);
      const rows = await service.readModel.works({ limit, after });
      return pageOfRows(rows.map(workView), limit, (w) => [w.tokenId]);
    },
  );

  app.get(
    "/v1/content/works/:tokenId",
    {
      schema: {
        summary: "One work, its holder and its other owners' shares",
        tags,
        operationId: "getContentWork",
        params: TokenIdParams,
        response: { 200: WorkDetailSchema, ...readErrors("CONTENT_WORK_NOT_FOUND") },
      },
    },
    async (request) => {
      const row = await service.readModel.work(request.params.tokenId);
      if (!row) {
        throw new ContentError("CONTENT_WORK_NOT_FOUND", `no work ${request.params.tokenId}`, {
          field: "params.tokenId",
        });
      }
      const shares = await service.readModel.shares(row.token_id);
      const sold = shares.reduce((sum, s) => sum + Number(s.bps), 0);
      const split = await service.readModel.currentSplit(row.token_id, Number(row.share_version));
      return {
        ...workView(row),
        shares: shares.map((s) => ({ holder: s.holder, bps: Number(s.bps) })),
        holderBps: 10_000 - sold,
        splitId: split?.split_id ?? null,
      };
    },
  );

  app.post(
    "/v1/content/works/:tokenId/shares",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Transfer part of this member's ownership of a work (e.g. 30% to an aggregator)",
        tags,
        operationId: "transferContentShare",
        params: TokenIdParams,
        body: ShareBody,
        response: { 200: TxResultSchema, ...writeErrors("CONTENT_WORK_NOT_FOUND") },
      },
    },
    async (request) => service.transferShare(request.params.tokenId, request.body as never),
  );
}

function registerLicenceRoutes(app: ApiApp, service: ContentService): void {
  app.post(
    "/v1/content/licences",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Grant a licence on a work (parentId: a sub-licence of a licence this member holds)",
        tags,
        operationId: "grantContentLicence",
        body: LicenceBody,
        response: {
          201: strictObject({ licenceId: Bytes32Schema, txHash: TxHashSchema }),
          ...writeErrors("CONTENT_WORK_NOT_FOUND"),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await service.grantLicence(request.body as never)),
  );

  app.get(
    "/v1/content/licences",
    {
      schema: {
        summary: "Licences, by id",
        tags,
        operationId: "listContentLicences",
        querystring: PageQuerySchema,
        response: { 200: pageOf(LicenceSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query, 1);
      const rows = await service.readModel.licences({ limit, after });
      return pageOfRows(rows.map(licenceView), limit, (l) => [l.licenceId]);
    },
  );

  app.get(
    "/v1/content/licences/:licenceId",
    {
      schema: {
        summary: "One licence with its live counters",
        tags,
        operationId: "getContentLicence",
        params: LicenceIdParams,
        response: { 200: LicenceSchema, ...readErrors("CONTENT_LICENCE_NOT_FOUND") },
      },
    },
    async (request) => {
      const row = await service.readModel.licence(request.params.licenceId.toLowerCase());
      if (!row) {
        throw new ContentError("CONTENT_LICENCE_NOT_FOUND", `no licence ${request.params.licenceId}`, {
          field: "params.licenceId",
        });
      }
      return licenceView(row);
    },
  );

  app.post(
    "/v1/content/licences/:licenceId/revoke",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Revoke a licence this member granted (only if its terms allow it)",
        tags,
        operationId: "revokeContentLicence",
        params: LicenceIdParams,
        response: { 200: TxResultSchema, ...writeErrors("CONTENT_LICENCE_NOT_FOUND") },
      },
    },
    async (request) => service.revokeLicence(request.params.licenceId as Hex),
  );

  app.post(
    "/v1/content/check",
    {
      // A POST only to carry a body; it changes nothing, so any key may ask.
      config: { auth: "read-only" },
      schema: {
        summary: "May this operator serve the work under the licence now, in this territory? (the CDN/edge check)",
        tags,
        operationId: "checkContentLicence",
        body: CheckBody,
        response: { 200: CheckResultSchema, ...readErrors() },
      },
    },
    async (request) =>
      service.check(request.body.licenceId as Hex, request.body.territory as Territory, request.body.at),
  );

  app.post(
    "/v1/content/deliveries",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Record deliveries served: each is checked first; a refused one says why and is not recorded",
        tags,
        operationId: "recordContentDeliveries",
        body: DeliveriesBody,
        response: {
          201: strictObject({ results: Type.Array(DeliveryResultSchema, { maxItems: MAX_DELIVERIES_PER_CALL }) }),
          ...writeErrors(),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await service.recordDeliveries(request.body.items as never)),
  );

  app.post(
    "/v1/content/deliveries/anchor",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Anchor the recorded deliveries: one transaction per licence and period with their Merkle root",
        tags,
        operationId: "anchorContentDeliveries",
        body: AnchorBody,
        response: { 200: AnchorResultSchema, ...writeErrors("CONTENT_NOTHING_TO_ANCHOR") },
      },
    },
    async (request) => service.anchor(request.body.licenceId as Hex | undefined),
  );
}

function registerRoyaltyRoutes(app: ApiApp, service: ContentService): void {
  app.post(
    "/v1/content/splits",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Declare a work's royalty split (shares summing to 100%, every other owner at least its share)",
        tags,
        operationId: "declareContentSplit",
        body: SplitBody,
        response: {
          201: strictObject({ splitId: Bytes32Schema, txHash: TxHashSchema }),
          ...writeErrors("CONTENT_WORK_NOT_FOUND"),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.declareSplit(request.body.tokenId, request.body.recipients as never)),
  );

  app.get(
    "/v1/content/splits/:splitId",
    {
      schema: {
        summary: "A split: its work and what it received",
        tags,
        operationId: "getContentSplit",
        params: SplitIdParams,
        response: { 200: SplitSchema, ...readErrors("CONTENT_SPLIT_NOT_FOUND") },
      },
    },
    async (request) => splitView(await splitOf(service, request.params.splitId)),
  );

  app.get(
    "/v1/content/splits/:splitId/recipients",
    {
      schema: {
        summary: "A split's recipients, their shares and what each claimed",
        tags,
        operationId: "listContentSplitRecipients",
        params: SplitIdParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(SplitRecipientSchema), ...readErrors("CONTENT_SPLIT_NOT_FOUND") },
      },
    },
    async (request) => {
      const split = await splitOf(service, request.params.splitId);
      const { limit, after } = pageRequest(request.query, 1);
      const rows = await service.readModel.splitRecipients(split.split_id, { limit, after });
      return pageOfRows(rows.map(splitRecipientView), limit, (r) => [r.recipient]);
    },
  );

  app.post(
    "/v1/content/royalties/pay",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Pay what a period's anchored deliveries owe under a licence this member holds, into the split",
        tags,
        operationId: "payContentRoyalties",
        body: PayBody,
        response: {
          200: strictObject({ amount: AmountSchema, txHash: TxHashSchema }),
          ...writeErrors("CONTENT_LICENCE_NOT_FOUND", "CONTENT_NOTHING_DUE"),
        },
      },
    },
    async (request) => service.payRoyalties(request.body.licenceId as Hex, request.body.period),
  );

  app.post(
    "/v1/content/works/:tokenId/tips",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Tip a work for a user this operator bills: paid into the work's split in the settlement token",
        tags,
        operationId: "tipContentWork",
        params: TokenIdParams,
        body: TipBody,
        response: {
          200: strictObject({ splitId: Bytes32Schema, txHash: TxHashSchema }),
          ...writeErrors("CONTENT_WORK_NOT_FOUND"),
        },
      },
    },
    async (request) => service.tip(request.params.tokenId, request.body),
  );

  app.post(
    "/v1/content/splits/:splitId/claim",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Claim this member's part of a split (refused once everything owed is claimed)",
        tags,
        operationId: "claimContentRoyalties",
        params: SplitIdParams,
        response: {
          200: strictObject({ amount: AmountSchema, txHash: TxHashSchema, gasUsed: Type.String() }),
          ...writeErrors(),
        },
      },
    },
    async (request) => service.claim(request.params.splitId as Hex),
  );

  app.get(
    "/v1/content/balance",
    {
      schema: {
        summary: "This member's settlement-token balance (minor units)",
        tags,
        operationId: "getContentBalance",
        response: { 200: strictObject({ balance: AmountSchema }), ...readErrors() },
      },
    },
    async () => ({ balance: await service.balance() }),
  );
}

function registerRewardRoutes(app: ApiApp, service: ContentService): void {
  app.post(
    "/v1/content/royalties/claim",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Claim this member's part of every split (of any work) that owes it something, in one transaction",
        tags,
        operationId: "claimAllContentRoyalties",
        response: { 200: ClaimAllResultSchema, ...writeErrors("CONTENT_NOTHING_TO_CLAIM") },
      },
    },
    async () => service.rewards.claimAll(),
  );

  app.post(
    "/v1/content/promoters/fees",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Pay each promoter a fee for the period's anchored deliveries attributed to it, not paid yet",
        tags,
        operationId: "payContentPromoterFees",
        body: PromoterFeesBody,
        response: {
          200: PromoterFeesResultSchema,
          ...writeErrors("CONTENT_LICENCE_NOT_FOUND", "CONTENT_NO_ATTRIBUTED_DELIVERIES"),
        },
      },
    },
    async (request) =>
      service.rewards.payPromoterFees(
        request.body.licenceId as Hex,
        request.body.period,
        BigInt(request.body.feePerDelivery),
      ),
  );

  app.post(
    "/v1/content/rewards",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Issue credits for reported rewards (views, attention, survey answers, promotions, bonuses)",
        description: "One reward batch per kind; the records stay with this agent under the batch's Merkle root.",
        tags,
        operationId: "issueContentRewards",
        body: RewardsBody,
        response: { 201: RewardsResultSchema, ...writeErrors() },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.rewards.issueRewards(request.body.period, request.body.items as never)),
  );

  app.get(
    "/v1/content/credits/:account",
    {
      schema: {
        summary: "An account's credits, and the credits it issued (an operator)",
        tags,
        operationId: "getContentCredits",
        params: AccountParams,
        response: { 200: CreditsSchema, ...readErrors() },
      },
    },
    async (request) => service.rewards.credits(request.params.account as Hex),
  );

  app.get(
    "/v1/content/reconciliation",
    {
      schema: {
        summary: "This member's reconciliation report of a period: deliveries, royalties, fees, splits, credits",
        tags,
        operationId: "getContentReconciliation",
        querystring: ReconciliationQuery,
        response: { 200: ReconciliationSchema, ...readErrors() },
      },
    },
    async (request) => service.reconcile(request.query.period),
  );
}

async function splitOf(service: ContentService, splitId: string) {
  const split = await service.readModel.split(splitId.toLowerCase());
  if (!split) throw new ContentError("CONTENT_SPLIT_NOT_FOUND", `no split ${splitId}`, { field: "params.splitId" });
  return split;
}
