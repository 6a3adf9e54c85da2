// The payment channel routes: a member's channels with other operators (open, deposit, pay, close, settle, resume),
// and the co-signing route the counterparty's agent calls. Schemas and a call into ChannelService; no SQL, no logic.
import type { Address, Hex } from "viem";
import { type ApiApp, PageQuerySchema, pageOf, readErrors, writeErrors } from "../../core/api/index.ts";
import { pageOfRows, pageRequest } from "../../core/paging.ts";
import {
  AmountBody,
  AmountsBody,
  BatchParams,
  ChannelParams,
  ChannelSchema,
  ChannelTxResult,
  CosignBatchBody,
  CosignBatchResult,
  CosignBody,
  CosignResult,
  OpenChannelBody,
  PaymentsResult,
  PeerSchema,
  SignedStateSchema,
  StateSchema,
  UsagePaymentSchema,
} from "./schemas.ts";
import type { ChannelService, ChannelView, CosignItem, PeerLink, StateJson } from "./service.ts";

const tags = ["settlement"];
type Params = { channelId: Hex };
const notFound = "SETTLEMENT_CHANNEL_NOT_FOUND";

export function registerChannelRoutes(app: ApiApp, channels: ChannelService): void {
  app.post(
    "/v1/settlement/channels",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Open a payment channel with another operator (this member is A), optionally deposit and set its peer",
        tags,
        operationId: "openSettlementChannel",
        body: OpenChannelBody,
        response: {
          201: ChannelTxResult,
          ...writeErrors("SETTLEMENT_NOT_OPERATOR", "SETTLEMENT_ALREADY_EXISTS"),
        },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        counterparty: Address;
        challengePeriodSeconds: number;
        salt?: Hex;
        deposit?: string;
        peer?: PeerLink;
      };
      return reply.code(201).send(
        await channels.open({
          counterparty: body.counterparty,
          challengePeriodSeconds: body.challengePeriodSeconds,
          ...(body.salt ? { salt: body.salt } : {}),
          ...(body.deposit ? { deposit: BigInt(body.deposit) } : {}),
          ...(body.peer ? { peer: body.peer } : {}),
        }),
      );
    },
  );
  app.get(
    "/v1/settlement/channels",
    {
      schema: {
        summary: "This member's payment channels, by id",
        tags,
        operationId: "listSettlementChannels",
        querystring: PageQuerySchema,
        response: { 200: pageOf(ChannelSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = pageRequest(request.query as { limit?: number; cursor?: string }, 1);
      const after = page.after?.[0];
      const rows = await channels.list({ limit: page.limit, after: after === undefined ? undefined : String(after) });
      return pageOfRows(rows, page.limit, (c) => [c.channelId]);
    },
  );
  app.get(
    "/v1/settlement/channels/:channelId",
    {
      schema: {
        summary: "A channel of this member: on-chain record and the newest co-signed state",
        tags,
        operationId: "getSettlementChannel",
        params: ChannelParams,
        response: { 200: ChannelSchema, ...readErrors(notFound) },
      },
    },
    async (request) => channels.get((request.params as Params).channelId),
  );
  app.get(
    "/v1/settlement/channels/:channelId/state",
    {
      schema: {
        summary: "The newest state both members signed, with both signatures",
        tags,
        operationId: "getSettlementChannelState",
        params: ChannelParams,
        response: { 200: SignedStateSchema, ...readErrors(notFound, "SETTLEMENT_WRONG_STATE") },
      },
    },
    async (request) => channels.latest((request.params as Params).channelId),
  );
  app.get(
    "/v1/settlement/batches/:batchId/channel-payment",
    {
      schema: {
        summary:
          "Home operator: how a batch it confirmed was paid through the channel with the visited operator (usage-driven update)",
        tags,
        operationId: "getSettlementBatchChannelPayment",
        params: BatchParams,
        response: { 200: UsagePaymentSchema, ...readErrors("SETTLEMENT_CHANNEL_USAGE_UNKNOWN") },
      },
    },
    async (request) => channels.usagePayment((request.params as { batchId: Hex }).batchId),
  );
  app.put(
    "/v1/settlement/channels/:channelId/peer",
    {
      config: { auth: "operator" },
      schema: {
        summary: "How to reach the counterparty's agent: its URL and the API key it issued to this member",
        tags,
        operationId: "setSettlementChannelPeer",
        params: ChannelParams,
        body: PeerSchema,
        response: { 200: ChannelSchema, ...writeErrors(notFound) },
      },
    },
    async (request) => channels.setPeer((request.params as Params).channelId, request.body as PeerLink),
  );
  app.post(
    "/v1/settlement/channels/:channelId/deposit",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Deposit settlement tokens of this member into the channel (approve, then deposit)",
        tags,
        operationId: "depositSettlementChannel",
        params: ChannelParams,
        body: AmountBody,
        response: { 200: ChannelTxResult, ...writeErrors(notFound, "SETTLEMENT_WRONG_STATE") },
      },
    },
    async (request) =>
      channels.deposit((request.params as Params).channelId, BigInt((request.body as { amount: string }).amount)),
  );
  app.post(
    "/v1/settlement/channels/:channelId/pay",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Pay the counterparty off chain: a new balance state this agent signs and the counterparty's co-signs",
        tags,
        operationId: "paySettlementChannel",
        params: ChannelParams,
        body: AmountBody,
        response: {
          200: StateSchema,
          ...writeErrors(
            notFound,
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_CHANNEL_FUNDS",
            "SETTLEMENT_CHANNEL_NO_PEER",
            "SETTLEMENT_CHANNEL_PEER",
          ),
        },
      },
    },
    async (request) =>
      channels.pay((request.params as Params).channelId, BigInt((request.body as { amount: string }).amount)),
  );
  app.post(
    "/v1/settlement/channels/:channelId/payments",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Several payments to the counterparty in one call (1 to 256, in order): each its own co-signed state, each answered on its own",
        tags,
        operationId: "paySettlementChannelMany",
        params: ChannelParams,
        body: AmountsBody,
        response: {
          200: PaymentsResult,
          ...writeErrors(
            notFound,
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_CHANNEL_FUNDS",
            "SETTLEMENT_CHANNEL_NO_PEER",
            "SETTLEMENT_CHANNEL_PEER",
          ),
        },
      },
    },
    async (request) =>
      channels.payMany(
        (request.params as Params).channelId,
        (request.body as { amounts: string[] }).amounts.map((a) => BigInt(a)),
      ),
  );
  app.post(
    "/v1/settlement/channels/:channelId/cosign",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Called by the counterparty's agent: co-sign its proposed state when signed by its member and only paying this one",
        tags,
        operationId: "cosignSettlementChannel",
        params: ChannelParams,
        body: CosignBody,
        response: {
          200: CosignResult,
          ...writeErrors(notFound, "SETTLEMENT_WRONG_STATE", "SETTLEMENT_CHANNEL_STATE_REFUSED"),
        },
      },
    },
    async (request) => {
      const body = request.body as { state: StateJson; signature: Hex };
      return channels.cosign((request.params as Params).channelId, body.state, body.signature);
    },
  );
  app.post(
    "/v1/settlement/channels/:channelId/cosign-batch",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Called by the counterparty's agent: co-sign consecutive proposed states in order, up to the first refused one",
        tags,
        operationId: "cosignSettlementChannelBatch",
        params: ChannelParams,
        body: CosignBatchBody,
        response: {
          200: CosignBatchResult,
          ...writeErrors(notFound, "SETTLEMENT_WRONG_STATE", "SETTLEMENT_CHANNEL_STATE_REFUSED"),
        },
      },
    },
    async (request) =>
      channels.cosignBatch((request.params as Params).channelId, (request.body as { items: CosignItem[] }).items),
  );
  const txRoute = (
    path: string,
    operationId: string,
    summary: string,
    run: (id: Hex) => Promise<ChannelView & { txHash: Hex }>,
    ...codes: string[]
  ) =>
    app.post(
      `/v1/settlement/channels/:channelId/${path}`,
      {
        config: { auth: "operator" },
        schema: {
          summary,
          tags,
          operationId,
          params: ChannelParams,
          response: { 200: ChannelTxResult, ...writeErrors(notFound, "SETTLEMENT_WRONG_STATE", ...codes) },
        },
      },
      async (request) => run((request.params as Params).channelId),
    );
  txRoute(
    "close",
    "closeSettlementChannel",
    "Cooperative close: a final state both agents sign, paid out at once",
    (id) => channels.closeCooperatively(id),
    "SETTLEMENT_CHANNEL_NO_PEER",
    "SETTLEMENT_CHANNEL_PEER",
  );
  txRoute(
    "close-unilateral",
    "closeSettlementChannelUnilaterally",
    "Unilateral close with this agent's newest co-signed state: starts the challenge period",
    (id) => channels.startClose(id),
  );
  txRoute(
    "settle",
    "settleSettlementChannel",
    "Pay out a closing channel once its challenge period has passed",
    (id) => channels.settle(id),
    "SETTLEMENT_WINDOW",
  );
  txRoute(
    "resume",
    "resumeSettlementChannel",
    "Ask to reopen a closing channel from its registered state (reopens once both members asked)",
    (id) => channels.resume(id),
  );
}
