// The settlement domain as a platform plugin. It deploys the consortium's settlement money (one ERC-20 per currency,
// minted and burned only by SETTLEMENT_BANK members) that every domain moving money takes by manifest name, and the
// roaming settlement contract (agreements, batch anchors, invoices, disputes, netting paid in that token). TAP import,
// rating and the usage formats are libraries in src/settlement/{tap,rating,usage} with local CLI commands. Its agent
// routes move the money: a settlement bank mints and burns, anyone reads a balance (money.ts, routes.ts); operators'
// agents propose and approve roaming agreements, projected from the contract's events (roaming/); and they keep
// real-time balances in payment channels per operator pair, co-signed agent to agent, with a watchtower (channels/).
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { PaymentChannels, RoamingSettlement, SettlementToken } from "../generated/contracts.ts";
import { channelMigrations } from "./channels/migrations.ts";
import { channelProjection } from "./channels/projection.ts";
import { channelService } from "./channels/runtime.ts";
import { startWatchtower } from "./channels/watchtower.ts";
import { registerSettlementCommands } from "./cli.ts";
import { SETTLEMENT_ERRORS } from "./errors.ts";
import { SettlementMoney } from "./money.ts";
import { startAutoDelivery } from "./roaming/autoDelivery.ts";
import { roamingSettlementDifferences } from "./roaming/consistency.ts";
import { roamingSettlementMigrations } from "./roaming/migrations.ts";
import { roamingSettlementProjection } from "./roaming/projection.ts";
import { RoamingSettlementReadModel } from "./roaming/readModel.ts";
import { roamingServices } from "./roaming/runtime.ts";
import { settlementApiModule } from "./routes.ts";

/** Manifest name of the settlement token. Other domains read `deployed[SETTLEMENT_TOKEN]` in their deployment. */
export const SETTLEMENT_TOKEN = "SettlementToken";
/** Manifest name of the roaming and wholesale voice settlement contract (agreements, batches, invoices, netting). */
export const ROAMING_SETTLEMENT = "RoamingSettlement";
/** Manifest name of the state channels per operator pair (real-time balances in the settlement token). */
export const PAYMENT_CHANNELS = "PaymentChannels";
/** The sandbox's settlement currency: ISO 4217 code and its minor units. */
export const SETTLEMENT_CURRENCY = { code: "EUR", decimals: 2 } as const;

/** One set of roaming services per agent: the API and the automatic delivery share one BatchDelivery. */
const roamingOf = new WeakMap<AgentContext, ReturnType<typeof roamingServices>>();
const roaming = (context: AgentContext) => {
  let services = roamingOf.get(context);
  if (!services) {
    services = roamingServices(
      context,
      {
        address: context.contractAddress(ROAMING_SETTLEMENT),
        token: context.contractAddress(SETTLEMENT_TOKEN),
        currency: SETTLEMENT_CURRENCY,
      },
      channelUsage()
        ? {
            // a confirmed batch moves the pair's channel balance (never fails the confirm)
            onConfirmed: async ({ batchId, visited, total }) => {
              const paid = await channels(context)
                .payUsage(batchId, visited, total)
                .catch((error: unknown) => ({ status: "pending", error: String(error) }));
              context.logger.info({ domain: "settlement", batchId, ...paid }, "batch usage paid through the channel");
            },
          }
        : {},
    );
    roamingOf.set(context, services);
  }
  return services;
};

/**
 * TELCO_LEDGER_SETTLEMENT_AUTO_DELIVERY=off turns the automatic delivery of anchored batches off (tests of the
 * delivery's refusals, which need a batch to stay anchored; `POST .../deliver` still works).
 */
const autoDelivery = () => process.env.TELCO_LEDGER_SETTLEMENT_AUTO_DELIVERY !== "off";

/**
 * Usage-driven channel updates are on unless TELCO_LEDGER_SETTLEMENT_CHANNEL_USAGE=off: the home agent pays each
 * batch it confirms through the pair's open channel and records the co-signed state naming the batch in
 * RoamingSettlement (recordChannelPayment), which then leaves the batch out of the period's invoice.
 */
const channelUsage = () => process.env.TELCO_LEDGER_SETTLEMENT_CHANNEL_USAGE !== "off";

const channels = (context: AgentContext) =>
  channelService(context, {
    address: context.contractAddress(PAYMENT_CHANNELS),
    token: context.contractAddress(SETTLEMENT_TOKEN),
    consortium: context.contractAddress("ConsortiumRegistry"),
    settlement: context.contractAddress(ROAMING_SETTLEMENT),
  });

export const settlementPlugin: DomainPlugin = {
  name: "settlement",
  description:
    "Settlement money between members: a fiat-backed ERC-20 per currency minted and burned by settlement banks",
  doc: "docs/settlement.md",
  errors: SETTLEMENT_ERRORS,
  registerCommands: registerSettlementCommands,
  migrations: [...roamingSettlementMigrations, ...channelMigrations],
  projections: [roamingSettlementProjection, channelProjection],
  checkConsistency: (context, blockNumber) =>
    roamingSettlementDifferences(
      new RoamingSettlementReadModel(context.store),
      context.chain,
      context.contractAddress(ROAMING_SETTLEMENT),
      blockNumber,
    ),
  api: (context) =>
    settlementApiModule(
      new SettlementMoney({
        outbox: context.outbox,
        chain: context.chain,
        memberAccount: context.config.memberAccount,
        token: context.contractAddress(SETTLEMENT_TOKEN),
        membership: context.published.membership,
        currency: SETTLEMENT_CURRENCY,
      }),
      roaming(context),
      channels(context),
    ),
  async start(context) {
    const watchtower = await startWatchtower({
      channels: channels(context),
      indexer: context.indexer,
      logger: context.logger.child({ domain: "settlement", part: "watchtower" }),
    });
    // confirmed batches whose channel payment could not be made before (peer down, agent stopped): paid now, once
    const catchUp = channels(context)
      .payPendingUsage()
      .then((done) => {
        if (done.length > 0) context.logger.info({ usage: done }, "pending batch usage paid through channels");
      })
      .catch((error: unknown) => context.logger.warn({ err: error }, "pending batch usage not paid through channels"));
    const delivery = autoDelivery()
      ? await startAutoDelivery({
          delivery: roaming(context).delivery,
          db: context.store,
          memberAccount: context.config.memberAccount,
          indexer: context.indexer,
          logger: context.logger.child({ domain: "settlement", part: "delivery" }),
        })
      : undefined;
    return {
      async stop() {
        await catchUp;
        await Promise.all([watchtower.stop(), delivery?.stop()]);
      },
    };
  },
  contracts: {
    [SETTLEMENT_TOKEN]: SettlementToken,
    [ROAMING_SETTLEMENT]: RoamingSettlement,
    [PAYMENT_CHANNELS]: PaymentChannels,
  },
  deployment: [
    {
      name: SETTLEMENT_TOKEN,
      artifact: SettlementToken,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before the settlement token");
        return [consortium.address, SETTLEMENT_CURRENCY.code, SETTLEMENT_CURRENCY.decimals];
      },
    },
    {
      name: PAYMENT_CHANNELS,
      artifact: PaymentChannels,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before the payment channels");
        return [consortium.address];
      },
    },
    {
      name: ROAMING_SETTLEMENT,
      artifact: RoamingSettlement,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        const channels = deployed[PAYMENT_CHANNELS];
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before roaming settlement");
        // its recordChannelPayment checks co-signed channel states through PaymentChannels (deployed just before)
        if (!channels) throw new Error("PaymentChannels must be deployed before roaming settlement");
        return [consortium.address, channels.address];
      },
    },
  ],
};
