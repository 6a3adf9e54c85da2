// `telco-ledger content ...`: works, shares, licences, the delivery check, deliveries, splits and royalties through a
// member agent's API. Accounts are given as addresses (`telco-ledger agent info --json` prints a member's).
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, table } from "../cli/output.ts";

type Items = { items: Array<Record<string, unknown>> };
type Row = Record<string, unknown>;
const json = (r: object) => JSON.stringify(r, null, 2);
const list = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const DAY = 86_400;

export function registerContentCommands(program: Command): void {
  const content = program.command("content").description("digital content rights, licences and royalties");
  registerWorkCommands(content);
  registerLicenceCommands(content);
  registerDeliveryCommands(content);
  registerRoyaltyCommands(content);
  registerRewardCommands(content);
}

function registerWorkCommands(content: Command): void {
  const works = content.command("works").description("works registered as ERC-721 tokens");
  withClientOptions(works.command("register").description("register a work (this member must hold the CSP role)"))
    .requiredOption("--fingerprint <bytes32>", "content fingerprint: hash of the media")
    .requiredOption("--metadata-hash <bytes32>", "hash of the work's off-chain metadata")
    .option("--royalty-bps <n>", "resale royalty signalled by ERC-2981, basis points", (v) => Number(v), 500)
    .action(async (o: ClientOptions & { fingerprint: string; metadataHash: string; royaltyBps: number }) => {
      const body = { fingerprint: o.fingerprint, metadataHash: o.metadataHash, royaltyBps: o.royaltyBps };
      printResult(await callAgent(targetOf(o), "POST", "/v1/content/works", body), o, (r: Row) => `work ${r.tokenId}`);
    });
  withClientOptions(works.command("list").description("registered works"))
    .option("--limit <n>", "how many", (v) => Number(v), 50)
    .action(async (o: ClientOptions & { limit: number }) => {
      printResult(await callAgent<Items>(targetOf(o), "GET", `/v1/content/works?limit=${o.limit}`), o, (r: Items) =>
        table(r.items, ["tokenId", "registrant", "holder", "royaltyBps"]),
      );
    });
  withClientOptions(works.command("show <tokenId>").description("a work, its holder and other owners")).action(
    async (tokenId: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/content/works/${tokenId}`), o, json);
    },
  );
  withClientOptions(works.command("tip <tokenId>").description("tip a work for a user: paid into its current split"))
    .requiredOption("--amount <minorUnits>", "settlement-token minor units, at least 1")
    .requiredOption("--user <id>", "the operator's user id (salted, never sent)")
    .action(async (tokenId: string, o: ClientOptions & { amount: string; user: string }) => {
      const body = { amount: o.amount, user: o.user };
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/content/works/${tokenId}/tips`, body),
        o,
        (r: Row) => `tipped ${o.amount} into split ${r.splitId}`,
      );
    });
  withClientOptions(works.command("share <tokenId>").description("transfer part of this member's ownership"))
    .requiredOption("--to <address>", "the new owner's account")
    .requiredOption("--bps <n>", "basis points to transfer (3000 = 30%)", (v) => Number(v))
    .action(async (tokenId: string, o: ClientOptions & { to: string; bps: number }) => {
      const body = { to: o.to, bps: o.bps };
      printResult(await callAgent(targetOf(o), "POST", `/v1/content/works/${tokenId}/shares`, body), o, json);
    });
}

function registerLicenceCommands(content: Command): void {
  const licences = content.command("licences").description("licences and sub-licences on works");
  withClientOptions(licences.command("grant <tokenId>").description("grant a licence (--parent: a sub-licence)"))
    .requiredOption("--licensee <address>", "the licensee's account")
    .option("--rights <list>", "distribution,promotion,derivative,sublicense", "distribution")
    .requiredOption("--territories <list>", "ISO 3166 codes, e.g. JP,KR")
    .option("--days <n>", "length from now, days", (v) => Number(v), 30)
    .requiredOption("--max-accesses <n>", "access count", (v) => Number(v))
    .option("--rate <minor units>", "royalty per delivery in settlement-token minor units", "0")
    .option("--parent <licenceId>", "the licence this sub-licenses")
    .option("--irrevocable", "the grantor may not revoke it")
    .action(async (tokenId: string, o: ClientOptions & LicenceOptions) => {
      const start = Math.floor(Date.now() / 1000);
      const body = {
        tokenId,
        licensee: o.licensee,
        rights: list(o.rights),
        territories: list(o.territories),
        start,
        end: start + o.days * DAY,
        maxAccesses: o.maxAccesses,
        ratePerDelivery: o.rate,
        revocable: !o.irrevocable,
        ...(o.parent ? { parentId: o.parent } : {}),
      };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/content/licences", body),
        o,
        (r: Row) => `licence ${r.licenceId}`,
      );
    });
  withClientOptions(licences.command("list").description("licences"))
    .option("--limit <n>", "how many", (v) => Number(v), 50)
    .action(async (o: ClientOptions & { limit: number }) => {
      printResult(await callAgent<Items>(targetOf(o), "GET", `/v1/content/licences?limit=${o.limit}`), o, (r: Items) =>
        table(r.items, ["licenceId", "licensee", "territories", "maxAccesses", "delivered", "revoked"]),
      );
    });
  withClientOptions(licences.command("show <licenceId>").description("a licence and its counters")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/content/licences/${id}`), o, json);
    },
  );
  withClientOptions(licences.command("revoke <licenceId>").description("revoke a licence this member granted")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "POST", `/v1/content/licences/${id}/revoke`), o, json);
    },
  );
}

interface LicenceOptions {
  licensee: string;
  rights: string;
  territories: string;
  days: number;
  maxAccesses: number;
  rate: string;
  parent?: string;
  irrevocable?: boolean;
}

function registerDeliveryCommands(content: Command): void {
  withClientOptions(content.command("check <licenceId>").description("may this operator serve now? (the CDN check)"))
    .requiredOption("--territory <code>", "where the user is, ISO 3166")
    .action(async (id: string, o: ClientOptions & { territory: string }) => {
      const body = { licenceId: id, territory: o.territory };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/content/check", body),
        o,
        (r: Row) =>
          `${r.allowed ? "allowed" : "refused"}: ${r.reason}${r.remaining === undefined ? "" : ` (${r.remaining} left)`}`,
      );
    });
  const deliveries = content.command("deliveries").description("deliveries served under a licence");
  withClientOptions(deliveries.command("record <licenceId>").description("record a delivery (checked first)"))
    .requiredOption("--territory <code>", "where the user is, ISO 3166")
    .requiredOption("--user <id>", "the operator's user id (salted, never sent)")
    .option("--promoter <address>", "the promoter the delivery is attributed to")
    .action(async (id: string, o: ClientOptions & { territory: string; user: string; promoter?: string }) => {
      const item = {
        licenceId: id,
        territory: o.territory,
        user: o.user,
        ...(o.promoter ? { promoter: o.promoter } : {}),
      };
      printResult(
        await callAgent<{ results: Row[] }>(targetOf(o), "POST", "/v1/content/deliveries", { items: [item] }),
        o,
        (r: { results: Row[] }) =>
          r.results
            .map((d) => `${d.allowed ? "recorded" : "refused"}: ${d.reason} (${d.remaining ?? "-"} left)`)
            .join("\n"),
      );
    });
  withClientOptions(deliveries.command("anchor").description("anchor recorded deliveries on the ledger in batches"))
    .option("--licence <licenceId>", "only this licence's")
    .action(async (o: ClientOptions & { licence?: string }) => {
      const body = o.licence ? { licenceId: o.licence } : {};
      printResult(
        await callAgent<{ batches: Row[] }>(targetOf(o), "POST", "/v1/content/deliveries/anchor", body),
        o,
        (r: { batches: Row[] }) => table(r.batches, ["licenceId", "period", "count", "recordsRoot"]),
      );
    });
}

function registerRoyaltyCommands(content: Command): void {
  const splits = content.command("splits").description("royalty splits of works");
  withClientOptions(splits.command("declare <tokenId>").description("declare a work's split (shares sum to 100%)"))
    .requiredOption("--recipient <address:bps...>", "a recipient and its basis points; repeat or list")
    .action(async (tokenId: string, o: ClientOptions & { recipient: string[] }) => {
      const recipients = o.recipient.flatMap(list).map((entry) => {
        const [account, bps] = entry.split(":");
        return { account, bps: Number(bps) };
      });
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/content/splits", { tokenId, recipients }),
        o,
        (r: Row) => `split ${r.splitId}`,
      );
    });
  withClientOptions(splits.command("show <splitId>").description("a split and its recipients")).action(
    async (id: string, o: ClientOptions) => {
      const split = await callAgent<Row>(targetOf(o), "GET", `/v1/content/splits/${id}`);
      const recipients = await callAgent<Items>(targetOf(o), "GET", `/v1/content/splits/${id}/recipients?limit=100`);
      printResult({ ...split, recipients: recipients.items }, o, json);
    },
  );
  const royalties = content.command("royalties").description("delivery-metered royalties");
  withClientOptions(royalties.command("pay <licenceId>").description("pay a period's anchored deliveries"))
    .requiredOption("--period <yyyymm>", "the period", (v) => Number(v))
    .action(async (id: string, o: ClientOptions & { period: number }) => {
      const body = { licenceId: id, period: o.period };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/content/royalties/pay", body),
        o,
        (r: Row) => `paid ${r.amount}`,
      );
    });
  withClientOptions(royalties.command("claim <splitId>").description("claim this member's part of a split")).action(
    async (id: string, o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/content/splits/${id}/claim`),
        o,
        (r: Row) => `claimed ${r.amount}`,
      );
    },
  );
}

function registerRewardCommands(content: Command): void {
  const royalties = content.commands.find((c) => c.name() === "royalties") as Command;
  withClientOptions(
    royalties.command("claim-all").description("claim this member's part of every split that owes it, at once"),
  ).action(async (o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/content/royalties/claim"),
      o,
      (r: Row) => `claimed ${r.amount}`,
    );
  });
  const promoters = content.command("promoters").description("fees to promoters for attributed deliveries");
  withClientOptions(promoters.command("pay <licenceId>").description("pay promoters for a period's deliveries"))
    .requiredOption("--period <yyyymm>", "the period", (v) => Number(v))
    .requiredOption("--fee <minorUnits>", "fee per attributed delivery, settlement-token minor units")
    .action(async (id: string, o: ClientOptions & { period: number; fee: string }) => {
      const body = { licenceId: id, period: o.period, feePerDelivery: o.fee };
      printResult(
        await callAgent<{ payments: Row[] }>(targetOf(o), "POST", "/v1/content/promoters/fees", body),
        o,
        (r: { payments: Row[] }) => table(r.payments, ["promoter", "deliveries", "amount"]),
      );
    });
  const credits = content.command("credits").description("consumer credits issued by operators");
  withClientOptions(credits.command("reward").description("issue credits for a user's views, attention, answers..."))
    .requiredOption("--period <yyyymm>", "the period", (v) => Number(v))
    .requiredOption("--user <id>", "the operator's user id (salted, never sent)")
    .requiredOption("--account <address>", "the user's wallet")
    .requiredOption("--kind <kind>", "view | attention | survey | promotion | bonus")
    .requiredOption("--units <n>", "views, minutes, answers, deliveries or bonus credits", (v) => Number(v))
    .action(
      async (o: ClientOptions & { period: number; user: string; account: string; kind: string; units: number }) => {
        const body = { period: o.period, items: [{ user: o.user, account: o.account, kind: o.kind, units: o.units }] };
        printResult(
          await callAgent<{ batches: Row[] }>(targetOf(o), "POST", "/v1/content/rewards", body),
          o,
          (r: { batches: Row[] }) => table(r.batches, ["kind", "accounts", "credits", "batchId"]),
        );
      },
    );
  withClientOptions(credits.command("show <account>").description("an account's credits")).action(
    async (account: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/content/credits/${account}`), o, json);
    },
  );
  const tickets = content.command("tickets").description("event tickets and editions as ERC-1155 units");
  withClientOptions(tickets.command("register").description("register a class of tickets (this member must hold CSP)"))
    .requiredOption("--fingerprint <bytes32>", "hash of the event's or edition's defining data")
    .requiredOption("--metadata-hash <bytes32>", "hash of the class's off-chain metadata")
    .requiredOption("--supply <n>", "units minted to this member")
    .option("--royalty-bps <n>", "resale royalty signalled by ERC-2981, basis points", (v) => Number(v), 500)
    .action(
      async (o: ClientOptions & { fingerprint: string; metadataHash: string; supply: string; royaltyBps: number }) => {
        const body = {
          fingerprint: o.fingerprint,
          metadataHash: o.metadataHash,
          supply: o.supply,
          royaltyBps: o.royaltyBps,
        };
        printResult(await callAgent(targetOf(o), "POST", "/v1/content/tickets", body), o, (r: Row) => `class ${r.id}`);
      },
    );
  withClientOptions(
    tickets.command("show <id> <account>").description("a class's supply and an account's units"),
  ).action(async (id: string, account: string, o: ClientOptions) => {
    printResult(await callAgent(targetOf(o), "GET", `/v1/content/tickets/${id}/holders/${account}`), o, json);
  });
  withClientOptions(content.command("reconcile").description("this member's reconciliation report of a period"))
    .requiredOption("--period <yyyymm>", "the period", (v) => Number(v))
    .action(async (o: ClientOptions & { period: number }) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/content/reconciliation?period=${o.period}`), o, json);
    });
}
