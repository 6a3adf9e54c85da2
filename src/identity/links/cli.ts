// `telco-ledger identity link ...`: the site's side of flow 2.1 through a member agent's API (operator key): open a
// link, poll it, enter the code the person typed, list them.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent } from "../../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../../cli/common.ts";
import { printResult, table } from "../../cli/output.ts";

const pretty = (r: unknown) => JSON.stringify(r, null, 2);

interface CreateOptions extends ClientOptions {
  label?: string;
  ttl?: string;
  did?: string;
  hub?: string;
  code?: boolean;
  qrSvg?: string;
}

export function registerLinkCommands(identity: Command): void {
  const link = identity.command("link").description("flow 2.1: link a person's pairwise DID to this member");
  withClientOptions(
    link
      .command("create")
      .description("open a link: a QR code / deep link (default), or with --did and --hub a challenge sent to the hub"),
  )
    .option("--label <text>", "who asks, shown by the person's wallet")
    .option("--ttl <seconds>", "how long the link may be answered (1-600, default 300)")
    .option("--did <did>", "the pairwise DID the person disclosed (hub and code variants)")
    .option("--hub <url>", "the person's hub inbox URL (hub and code variants)")
    .option("--code", "2FA variant: send a code to the person's user agent, to be typed in with `identity link code`")
    .option("--qr-svg <file>", "write the QR code (SVG) to this file")
    .action(async (o: CreateOptions) => {
      const body = {
        ...(o.label ? { label: o.label } : {}),
        ...(o.ttl ? { ttlSeconds: Number(o.ttl) } : {}),
        ...(o.did ? { did: o.did } : {}),
        ...(o.hub ? { hub: o.hub } : {}),
        ...(o.code ? { mode: "code" } : {}),
      };
      const created = await callAgent<{ offer?: { qr: { svg: string } } }>(
        targetOf(o),
        "POST",
        "/v1/identity/links",
        body,
      );
      if (o.qrSvg && created.offer) writeFileSync(o.qrSvg, created.offer.qr.svg);
      printResult(created, o, (r: { linkId: string; status: string; offer?: { url: string; deepLink: string } }) =>
        [`link ${r.linkId}: ${r.status}`, ...(r.offer ? [r.offer.url, r.offer.deepLink] : [])].join("\n"),
      );
    });
  withClientOptions(
    link.command("show <linkId>").description("the link now: pending, linked (with the DID), expired, locked"),
  ).action(async (linkId: string, o: ClientOptions) =>
    printResult(await callAgent(targetOf(o), "GET", `/v1/identity/links/${linkId}`), o, pretty),
  );
  withClientOptions(
    link.command("code <linkId> <code>").description("enter the code the person typed (2FA variant)"),
  ).action(async (linkId: string, code: string, o: ClientOptions) =>
    printResult(await callAgent(targetOf(o), "POST", `/v1/identity/links/${linkId}/code`, { code }), o, pretty),
  );
  withClientOptions(link.command("list").description("the links this agent opened, newest first (one page)"))
    .option("--limit <n>", "at most this many (1-100)", "50")
    .action(async (o: ClientOptions & { limit: string }) =>
      printResult(
        await callAgent(targetOf(o), "GET", `/v1/identity/links?limit=${Number(o.limit)}`),
        o,
        (r: { items: Array<Record<string, unknown>> }) =>
          table(r.items, ["linkId", "mode", "status", "did", "expiresAt"]),
      ),
    );
}
