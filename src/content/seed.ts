// Sandbox seeding (idempotent): osp (a CSP) registers a demo film, sells 30% of it to tnsp-beta (the aggregator),
// licenses its distribution in Japan for 30 days to mno-north (the distributing operator) and declares the split:
// osp 60%, tnsp-beta 30% (its ownership share), call-centre 10% (the promoter). Money needs a settlement bank, which
// the sandbox has none of, so royalties are not paid here (docs/content.md).
import { keccak256, stringToHex } from "viem";
import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent } from "../cli/agentClient.ts";

export const SANDBOX_FILM_FINGERPRINT = keccak256(stringToHex("telco-ledger sandbox film: media bytes"));
const FILM_METADATA = keccak256(stringToHex("telco-ledger sandbox film: title, kind, duration"));
const DAY = 86_400;

type Work = {
  tokenId: string;
  fingerprint: string;
  holder: string;
  shares: Array<{ holder: string }>;
  splitId: string | null;
};
type Licence = { licenceId: string; tokenId: string; licensee: string };

export async function seedContentSandbox(
  members: readonly SandboxMemberHandle[],
  log: (message: string) => void,
): Promise<void> {
  const byName = (name: string) => members.find((m) => m.name === name);
  const [creator, aggregator, operator, promoter] = ["osp", "tnsp-beta", "mno-north", "call-centre"].map(byName);
  if (!creator || !aggregator || !operator || !promoter) return;
  const call = <T>(member: SandboxMemberHandle, method: string, path: string, body?: unknown) =>
    expectAgent<T>(member, method, path, body);

  const { items: works } = await call<{ items: Work[] }>(creator, "GET", "/v1/content/works?limit=100");
  let tokenId = works.find((w) => w.fingerprint === SANDBOX_FILM_FINGERPRINT.toLowerCase())?.tokenId;
  if (!tokenId) {
    ({ tokenId } = await call<{ tokenId: string }>(creator, "POST", "/v1/content/works", {
      fingerprint: SANDBOX_FILM_FINGERPRINT,
      metadataHash: FILM_METADATA,
      royaltyBps: 500,
    }));
    log(`osp registers the demo film as work ${tokenId}`);
  }
  const aggregatorAccount = aggregator.memberAccount.toLowerCase();
  let work = await call<Work>(creator, "GET", `/v1/content/works/${tokenId}`);
  if (!work.shares.some((s) => s.holder === aggregatorAccount)) {
    await call(creator, "POST", `/v1/content/works/${tokenId}/shares`, { to: aggregator.memberAccount, bps: 3000 });
    log("osp sells 30% of the film to tnsp-beta");
    work = await call<Work>(creator, "GET", `/v1/content/works/${tokenId}`);
  }
  const { items: licences } = await call<{ items: Licence[] }>(creator, "GET", "/v1/content/licences?limit=100");
  const operatorAccount = operator.memberAccount.toLowerCase();
  if (!licences.some((l) => l.tokenId === tokenId && l.licensee === operatorAccount)) {
    const start = Math.floor(Date.now() / 1000);
    const { licenceId } = await call<{ licenceId: string }>(creator, "POST", "/v1/content/licences", {
      tokenId,
      licensee: operator.memberAccount,
      rights: ["distribution", "promotion", "sublicense"],
      territories: ["JP"],
      start,
      end: start + 30 * DAY,
      maxAccesses: 1000,
      ratePerDelivery: "2",
      revocable: true,
    });
    log(`osp licenses distribution in JP for 30 days to mno-north (licence ${licenceId})`);
  }
  if (!work.splitId) {
    const { splitId } = await call<{ splitId: string }>(creator, "POST", "/v1/content/splits", {
      tokenId,
      recipients: [
        { account: creator.memberAccount, bps: 6000 },
        { account: aggregator.memberAccount, bps: 3000 },
        { account: promoter.memberAccount, bps: 1000 },
      ],
    });
    log(`osp declares the film's split (osp 60%, tnsp-beta 30%, call-centre 10%): ${splitId}`);
  }
}
