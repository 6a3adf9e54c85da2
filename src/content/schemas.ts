// TypeBox schemas of the content API, and the views it answers (read-model rows in API shape).
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, strictObject, TxHashSchema } from "../core/api/index.ts";
import type { LicenceRow, SplitRecipientRow, SplitRow, WorkRow } from "./readModel.ts";
import { bitsToRights, bitsToTerritories, RIGHTS, TERRITORIES } from "./terms.ts";

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const MAX_BATCH_WORKS = 200;
export const MAX_DELIVERIES_PER_CALL = 1000;
export const MAX_SPLIT_RECIPIENTS = 2000;
export const MAX_ANCHOR_BATCHES = 1000;

export const TokenIdSchema = Type.String({ pattern: "^[1-9][0-9]{0,77}$", description: "ERC-721 token id, decimal" });
export const AmountSchema = Type.String({ pattern: "^[0-9]{1,30}$", description: "Settlement-token minor units" });
export const BpsSchema = Type.Integer({ minimum: 1, maximum: 10_000, description: "Basis points (10,000 = 100%)" });
export const TerritorySchema = literals(TERRITORIES);
export const RightSchema = literals(RIGHTS);
export const PeriodSchema = Type.Integer({ minimum: 200001, maximum: 299912, description: "Royalty period, YYYYMM" });

export const TokenIdParams = strictObject({ tokenId: TokenIdSchema });
export const LicenceIdParams = strictObject({ licenceId: Bytes32Schema });
export const SplitIdParams = strictObject({ splitId: Bytes32Schema });
export const TxResultSchema = strictObject({ txHash: TxHashSchema });

export const RegisterBody = strictObject({
  fingerprint: Bytes32Schema,
  royaltyBps: Type.Integer({ minimum: 0, maximum: 10_000, description: "Resale royalty signalled by ERC-2981" }),
  metadataHash: Bytes32Schema,
});

export const RegisterBatchBody = strictObject({
  royaltyBps: Type.Integer({ minimum: 0, maximum: 10_000 }),
  items: Type.Array(strictObject({ fingerprint: Bytes32Schema, metadataHash: Bytes32Schema }), {
    minItems: 1,
    maxItems: MAX_BATCH_WORKS,
  }),
});

export const ShareBody = strictObject({ to: AddressSchema, bps: BpsSchema });

export const LicenceBody = strictObject({
  tokenId: TokenIdSchema,
  parentId: Type.Optional(Bytes32Schema),
  licensee: AddressSchema,
  rights: Type.Array(RightSchema, { minItems: 1, maxItems: RIGHTS.length, uniqueItems: true }),
  territories: Type.Array(TerritorySchema, { minItems: 1, maxItems: TERRITORIES.length, uniqueItems: true }),
  start: Type.Integer({ minimum: 0, maximum: 2 ** 40, description: "Unix seconds" }),
  end: Type.Integer({ minimum: 1, maximum: 2 ** 40, description: "Unix seconds, after start" }),
  maxAccesses: Type.Integer({ minimum: 1, maximum: 4_294_967_295 }),
  ratePerDelivery: AmountSchema,
  revocable: Type.Boolean(),
});

export const CheckBody = strictObject({
  licenceId: Bytes32Schema,
  territory: TerritorySchema,
  at: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 40, description: "Unix seconds (default: now)" })),
});

export const CheckResultSchema = strictObject({
  allowed: Type.Boolean(),
  reason: Type.String({
    description:
      "allowed | unknown-licence | not-licensee | no-distribution-right | territory | not-started | expired | exhausted | revoked",
  }),
  remaining: Type.Optional(Type.Integer()),
});

export const DeliveriesBody = strictObject({
  items: Type.Array(
    strictObject({
      licenceId: Bytes32Schema,
      territory: TerritorySchema,
      user: Type.String({ minLength: 1, maxLength: 128, description: "The operator's user id; salted, never sent" }),
      promoter: Type.Optional(AddressSchema),
    }),
    { minItems: 1, maxItems: MAX_DELIVERIES_PER_CALL },
  ),
});

export const DeliveryResultSchema = strictObject({
  deliveryId: Type.Optional(Type.String()),
  allowed: Type.Boolean(),
  reason: Type.String(),
  remaining: Type.Optional(Type.Integer()),
});

export const AnchorBody = strictObject({ licenceId: Type.Optional(Bytes32Schema) });

export const AnchorResultSchema = strictObject({
  batches: Type.Array(
    strictObject({
      licenceId: Bytes32Schema,
      period: Type.Integer(),
      count: Type.Integer(),
      recordsRoot: Bytes32Schema,
      txHash: TxHashSchema,
      gasUsed: Type.String(),
    }),
    { maxItems: MAX_ANCHOR_BATCHES },
  ),
});

export const SplitBody = strictObject({
  tokenId: TokenIdSchema,
  recipients: Type.Array(strictObject({ account: AddressSchema, bps: BpsSchema }), {
    minItems: 1,
    maxItems: MAX_SPLIT_RECIPIENTS,
  }),
});

export const TipBody = strictObject({
  amount: Type.String({ pattern: "^[1-9][0-9]{0,29}$", description: "Settlement-token minor units, at least 1" }),
  user: Type.String({ minLength: 1, maxLength: 128, description: "The operator's user id; salted, never sent" }),
});

export const PayBody = strictObject({ licenceId: Bytes32Schema, period: PeriodSchema });

export const WorkSchema = strictObject({
  tokenId: TokenIdSchema,
  fingerprint: Bytes32Schema,
  registrant: AddressSchema,
  holder: AddressSchema,
  royaltyBps: Type.Integer(),
  metadataHash: Bytes32Schema,
  shareVersion: Type.Integer(),
  registeredBlock: Type.Integer(),
  registeredAt: Type.Integer(),
});

export const WorkDetailSchema = strictObject({
  ...WorkSchema.properties,
  shares: Type.Array(strictObject({ holder: AddressSchema, bps: Type.Integer() }), {
    maxItems: 10_000,
    description: "Owners other than the holder (each at least 1 bp, so at most 10,000)",
  }),
  holderBps: Type.Integer(),
  splitId: Type.Union([Bytes32Schema, Type.Null()], { description: "The split payments go to now, if declared" }),
});

export const LicenceSchema = strictObject({
  licenceId: Bytes32Schema,
  tokenId: TokenIdSchema,
  parentId: Type.Union([Bytes32Schema, Type.Null()]),
  grantor: AddressSchema,
  licensee: AddressSchema,
  rights: Type.Array(RightSchema, { maxItems: RIGHTS.length }),
  territories: Type.Array(TerritorySchema, { maxItems: TERRITORIES.length }),
  start: Type.Integer(),
  end: Type.Integer(),
  maxAccesses: Type.Integer(),
  ratePerDelivery: AmountSchema,
  revocable: Type.Boolean(),
  delivered: Type.Integer(),
  reserved: Type.Integer(),
  revoked: Type.Boolean(),
});

export const SplitSchema = strictObject({
  splitId: Bytes32Schema,
  tokenId: TokenIdSchema,
  shareVersion: Type.Integer(),
  received: AmountSchema,
});

export const SplitRecipientSchema = strictObject({
  recipient: AddressSchema,
  bps: Type.Integer(),
  claimed: AmountSchema,
});

export const workView = (row: WorkRow) => ({
  tokenId: row.token_id,
  fingerprint: row.fingerprint,
  registrant: row.registrant,
  holder: row.holder,
  royaltyBps: Number(row.royalty_bps),
  metadataHash: row.metadata_hash,
  shareVersion: Number(row.share_version),
  registeredBlock: Number(row.registered_block),
  registeredAt: Number(row.registered_at),
});

export const licenceView = (row: LicenceRow) => ({
  licenceId: row.licence_id,
  tokenId: row.token_id,
  parentId: row.parent_id,
  grantor: row.grantor,
  licensee: row.licensee,
  rights: bitsToRights(Number(row.rights)),
  territories: bitsToTerritories(BigInt(row.territories)),
  start: Number(row.starts_at),
  end: Number(row.ends_at),
  maxAccesses: Number(row.max_accesses),
  ratePerDelivery: row.rate_per_delivery,
  revocable: Number(row.revocable) === 1,
  delivered: Number(row.delivered),
  reserved: Number(row.reserved),
  revoked: Number(row.revoked) === 1,
});

export const splitView = (row: SplitRow) => ({
  splitId: row.split_id,
  tokenId: row.token_id,
  shareVersion: Number(row.share_version),
  received: row.received,
});

export const splitRecipientView = (row: SplitRecipientRow) => ({
  recipient: row.recipient,
  bps: Number(row.bps),
  claimed: row.claimed,
});

export const MAX_REWARD_ITEMS = 500;
export const RewardKindSchema = literals(["view", "attention", "survey", "promotion", "bonus"]);

export const PromoterFeesBody = strictObject({
  licenceId: Bytes32Schema,
  period: PeriodSchema,
  feePerDelivery: Type.String({
    pattern: "^[1-9][0-9]{0,29}$",
    description: "Settlement-token minor units paid per attributed delivery, at least 1",
  }),
});

export const PromoterFeesResultSchema = strictObject({
  payments: Type.Array(
    strictObject({ promoter: AddressSchema, deliveries: Type.Integer(), amount: AmountSchema, txHash: TxHashSchema }),
    { maxItems: MAX_DELIVERIES_PER_CALL },
  ),
});

export const RewardsBody = strictObject({
  period: PeriodSchema,
  items: Type.Array(
    strictObject({
      user: Type.String({ minLength: 1, maxLength: 128, description: "The operator's user id; salted, never sent" }),
      account: AddressSchema,
      kind: RewardKindSchema,
      units: Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: "Views, minutes of attention, survey answers, attributed deliveries, or bonus credits",
      }),
    }),
    { minItems: 1, maxItems: MAX_REWARD_ITEMS },
  ),
});

export const RewardsResultSchema = strictObject({
  batches: Type.Array(
    strictObject({
      batchId: Bytes32Schema,
      kind: RewardKindSchema,
      accounts: Type.Integer(),
      credits: AmountSchema,
      recordsRoot: Bytes32Schema,
      txHash: TxHashSchema,
      gasUsed: Type.String(),
    }),
    { maxItems: 5 },
  ),
});

export const ClaimAllResultSchema = strictObject({
  amount: AmountSchema,
  splits: Type.Array(strictObject({ splitId: Bytes32Schema, amount: AmountSchema }), { maxItems: 200 }),
  txHash: TxHashSchema,
  gasUsed: Type.String(),
});

export const AccountParams = strictObject({ account: AddressSchema });
export const CreditsSchema = strictObject({ account: AddressSchema, credits: AmountSchema, issuedBy: AmountSchema });

export const ReconciliationQuery = strictObject({ period: PeriodSchema });

export const ReconciliationSchema = strictObject({
  period: Type.Integer(),
  member: AddressSchema,
  licences: Type.Array(
    strictObject({
      licenceId: Bytes32Schema,
      tokenId: Type.Union([TokenIdSchema, Type.Null()]),
      recorded: Type.Integer({ description: "Deliveries this agent recorded in the period" }),
      recordedAnchored: Type.Integer({ description: "Of those, anchored by this agent" }),
      anchoredOnChain: Type.Integer(),
      royaltiesOwed: AmountSchema,
      royaltiesPaid: AmountSchema,
      promoterDeliveries: Type.Integer(),
      promoterFees: AmountSchema,
    }),
    { maxItems: 100_000 },
  ),
  splits: Type.Array(
    strictObject({
      splitId: Bytes32Schema,
      tokenId: TokenIdSchema,
      bps: Type.Integer(),
      received: AmountSchema,
      entitled: AmountSchema,
      claimed: AmountSchema,
      claimable: AmountSchema,
    }),
    { maxItems: 100_000 },
  ),
  credits: Type.Array(
    strictObject({ kind: Type.String(), records: Type.Integer(), recorded: AmountSchema, issued: AmountSchema }),
    { maxItems: 5 },
  ),
  custody: strictObject({ paidIntoSplits: AmountSchema, claimed: AmountSchema, held: AmountSchema }),
  mismatches: Type.Array(Type.String(), { maxItems: 200_000 }),
  balanced: Type.Boolean(),
});

export const TicketClassBody = strictObject({
  fingerprint: Bytes32Schema,
  supply: Type.String({ pattern: "^[1-9][0-9]{0,29}$", description: "Units (tickets, editions), at least 1" }),
  royaltyBps: Type.Integer({ minimum: 0, maximum: 10_000, description: "Resale royalty signalled by ERC-2981" }),
  metadataHash: Bytes32Schema,
});
export const TicketIdParams = strictObject({ id: TokenIdSchema, account: AddressSchema });
export const TicketBalanceSchema = strictObject({
  id: TokenIdSchema,
  account: AddressSchema,
  supply: AmountSchema,
  balance: AmountSchema,
});
