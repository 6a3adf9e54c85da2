// `telco-ledger settlement mint|burn|balance`: settlement money through a member agent's API. An account is given as
// an address or as the name of a sandbox member (its agent answers its member account).
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult } from "../cli/output.ts";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

interface Balance {
  account: string;
  balance: string;
  currency: string;
  decimals: number;
  txHash?: string;
}

/** An address as given, or the member account of the sandbox agent so named. */
export async function accountOf(accountOrMember: string, o: ClientOptions): Promise<string> {
  if (ADDRESS.test(accountOrMember)) return accountOrMember;
  const info = await callAgent<{ memberAccount: string }>(
    targetOf({ agent: accountOrMember, ...(o.dataDir ? { dataDir: o.dataDir } : {}) }),
    "GET",
    "/v1/agent",
  );
  return info.memberAccount;
}

/** 1250 minor units with 2 decimals: "12.50 EUR". */
export function formatMoney(minorUnits: string, decimals: number, currency: string): string {
  const padded = minorUnits.padStart(decimals + 1, "0");
  const whole = padded.slice(0, padded.length - decimals);
  return decimals === 0 ? `${whole} ${currency}` : `${whole}.${padded.slice(-decimals)} ${currency}`;
}

const human = (r: Balance) =>
  `${r.account}: ${r.balance} (${formatMoney(r.balance, r.decimals, r.currency)})${r.txHash ? ` tx ${r.txHash}` : ""}`;

export function registerSettlementMoneyCommands(settlement: Command): void {
  for (const [verb, what] of [
    ["mint", "mint settlement money to a member against fiat received (this agent's member: SETTLEMENT_BANK)"],
    ["burn", "burn tokens handed back to this bank against fiat paid out to a member (SETTLEMENT_BANK)"],
  ] as const) {
    withClientOptions(settlement.command(verb).description(what))
      .requiredOption("--to <account|member>", "the member's account, or a sandbox member's name")
      .requiredOption("--amount <minor units>", "amount in minor units (1250 = 12.50 EUR)")
      .requiredOption("--bank-ref <ref>", "the bank's reference of the fiat movement, used once")
      .action(async (o: ClientOptions & { to: string; amount: string; bankRef: string }) => {
        const body = { to: await accountOf(o.to, o), amount: o.amount, bankRef: o.bankRef };
        printResult(await callAgent<Balance>(targetOf(o), "POST", `/v1/settlement/${verb}`, body), o, human);
      });
  }
  withClientOptions(settlement.command("balance <account>").description("an account's settlement money")).action(
    async (account: string, o: ClientOptions) => {
      const path = `/v1/settlement/balances/${await accountOf(account, o)}`;
      printResult(await callAgent<Balance>(targetOf(o), "GET", path), o, human);
    },
  );
}
