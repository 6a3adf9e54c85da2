// `telco-ledger auditing ...`: service outcomes through a member agent's API. Members are named by their sandbox agent
// name (looked up through that agent's GET /v1/agent) or by address; amounts are settlement-token minor units
// (10000 = 100.00 EUR) and are printed in EUR.
import type { Command } from "commander";
import { callAgent, callAgentAllItems, resolveAgentTarget } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, table } from "../cli/output.ts";

type Row = Record<string, unknown>;
type Opts = ClientOptions & Record<string, string | undefined>;
const eur = (minor: unknown) => (Number(minor) / 100).toFixed(2);
const list = (v: string) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** A member's account from its address or its sandbox agent's name. */
async function memberAccount(nameOrAddress: string, o: ClientOptions): Promise<string> {
  if (/^0x[0-9a-fA-F]{40}$/.test(nameOrAddress)) return nameOrAddress.toLowerCase();
  const target = resolveAgentTarget({ agent: nameOrAddress, dataDir: o.dataDir });
  const info = await callAgent<{ memberAccount: string }>(target, "GET", "/v1/agent");
  return info.memberAccount.toLowerCase();
}

const caseStep = (r: Row) => `case ${r.caseId}: ${r.status} (round ${r.round}, attempt ${r.attempt})`;

export function registerAuditingCommands(program: Command): void {
  const au = program
    .command("auditing")
    .description("Service outcomes: escrowed fees, staked auditor juries, commit-reveal votes, objections");

  const auditor = au.command("auditor").description("auditor accounts hosted by a member's agent");
  withClientOptions(auditor.command("create").description("create an auditor account bound to this member"))
    .requiredOption("--label <text>", "what the auditor is called at this member")
    .action(async (o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/auditing/auditors", { label: o.label }),
        o,
        (r: Row) => `auditor ${r.account} (${r.did}) bound to ${r.member}`,
      );
    });
  withClientOptions(auditor.command("vet <account>").description("as KYC vetter: vet an auditor under its DID"))
    .requiredOption("--did <did>", "the auditor's did:ethr")
    .action(async (account: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/auditors/${account}/vet`, { did: o.did }),
        o,
        (r: Row) => `vetted ${r.account}, affiliated with ${r.affiliation}`,
      );
    });
  withClientOptions(
    auditor.command("affiliate <account>").description("as KYC vetter: record whom an auditor works for"),
  )
    .requiredOption("--member <member>", "agent name or address")
    .action(async (account: string, o: Opts) => {
      const member = await memberAccount(o.member as string, o);
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/auditors/${account}/affiliation`, { member }),
        o,
        (r: Row) => `${r.account} now affiliated with ${r.affiliation}`,
      );
    });
  withClientOptions(auditor.command("signal <account>").description("stake and signal for epochs from the next one"))
    .requiredOption("--amount <minor>", "stake added, in minor units (10000 = 100.00)")
    .option("--capacity <n>", "outcomes per epoch", "2")
    .option("--epochs <n>", "epochs to stay bonded for", "2")
    .action(async (account: string, o: Opts) => {
      const body = { amount: o.amount, capacity: Number(o.capacity), epochs: Number(o.epochs) };
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/auditors/${account}/signal`, body),
        o,
        (r: Row) => `${r.account} bonded ${eur(r.bonded)} through epoch ${r.lastEpoch}`,
      );
    });
  withClientOptions(
    auditor
      .command("reveal-seeds <account>")
      .description("reveal the auditor's ticket seeds for every epoch over (due before its stake can leave)"),
  ).action(async (account: string, o: Opts) => {
    printResult(
      await callAgent(targetOf(o), "POST", `/v1/auditing/auditors/${account}/seeds`),
      o,
      (r: Row) => `${r.account}: ticket seeds public through epoch ${r.revealedThrough} (${r.revealed} revealed now)`,
    );
  });
  withClientOptions(auditor.command("withdraw <account>").description("withdraw free stake (refused while bonded)"))
    .requiredOption("--amount <minor>", "in minor units")
    .action(async (account: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/auditors/${account}/withdrawals`, { amount: o.amount }),
        o,
        (r: Row) => `${r.account} bonded ${eur(r.bonded)}, holds ${eur(r.balance)}`,
      );
    });
  withClientOptions(au.command("epoch").description("the court's current epoch and when the next starts")).action(
    async (o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "GET", "/v1/auditing/epoch"),
        o,
        (r: Row) => `epoch ${r.epoch}: started ${r.startedAt}, next at ${r.endsAt} (now ${r.now})`,
      );
    },
  );
  withClientOptions(au.command("auditors").description("vetted auditors")).action(async (o: Opts) => {
    printResult(await callAgentAllItems<Row>(targetOf(o), "/v1/auditing/auditors"), o, (r: { items: Row[] }) =>
      table(r.items, ["account", "affiliation", "capacity", "firstEpoch", "lastEpoch"]),
    );
  });

  const agreement = au.command("agreement").description("service agreements");
  withClientOptions(agreement.command("propose").description("as recipient: propose an agreement to a provider"))
    .requiredOption("--provider <member>", "agent name or address")
    .requiredOption("--fee <minor>", "fee Z in minor units")
    .requiredOption("--upfront-bps <bps>", "X: basis points paid at completion")
    .requiredOption("--escrow-seconds <s>", "A: how long Y% stays escrowed")
    .option("--audit-bps <bps>", "chance (of 10000) that each completed task is audited at random", "0")
    .requiredOption("--terms <text>", "the agreed outcome and KPIs (digest on chain)")
    .action(async (o: Opts) => {
      const body = {
        provider: await memberAccount(o.provider as string, o),
        fee: o.fee,
        upfrontBps: Number(o.upfrontBps),
        escrowSeconds: Number(o.escrowSeconds),
        auditBps: Number(o.auditBps),
        terms: o.terms,
      };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/auditing/agreements", body),
        o,
        (r: Row) => `agreement ${r.agreementId} proposed`,
      );
    });
  withClientOptions(agreement.command("accept <agreementId>").description("as provider: accept")).action(
    async (id: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/agreements/${id}/accept`),
        o,
        (r: Row) => `agreement ${r.agreementId} accepted`,
      );
    },
  );

  const task = au.command("task").description("tasks under agreements");
  const taskLine = (r: Row) =>
    `task ${r.taskId}: ${r.status}, escrowed ${eur(r.escrowed)}` +
    (r.audit === "none" ? "" : `, random audit ${r.audit}${r.auditCaseId ? ` (case ${r.auditCaseId})` : ""}`);
  withClientOptions(task.command("order").description("as recipient: order a task, paying the fee into escrow"))
    .requiredOption("--agreement <id>", "the accepted agreement")
    .requiredOption("--ref <text>", "the recipient's reference of the task")
    .action(async (o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/auditing/tasks", { agreementId: o.agreement, reference: o.ref }),
        o,
        (r: Row) => `task ${r.taskId} ordered, ${eur(r.fee)} paid into escrow`,
      );
    });
  withClientOptions(task.command("complete <taskId>").description("as provider: report completion"))
    .requiredOption("--report <text>", "the completion report (digest on chain)")
    .action(async (id: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/tasks/${id}/completion`, { report: o.report }),
        o,
        taskLine,
      );
    });
  withClientOptions(task.command("show <taskId>").description("a task as the escrow holds it")).action(
    async (id: string, o: Opts) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/auditing/tasks/${id}`), o, taskLine);
    },
  );
  withClientOptions(au.command("complain <taskId>").description("as recipient: complain about a completed task"))
    .requiredOption("--evidence <text>", "what fell short (digest on chain)")
    .action(async (id: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/tasks/${id}/complaints`, { evidence: o.evidence }),
        o,
        (r: Row) => `case ${r.caseId} opened, stake ${eur(r.stake)}`,
      );
    });

  const slice = au
    .command("measurement")
    .description("slice SLA measurements signed by each side, anchored per period");
  withClientOptions(
    slice
      .command("sign <taskId>")
      .description("as a party: sign this member's measurement of the period and anchor it"),
  )
    .requiredOption("--latency-p95-ms <n>", "95th-percentile latency, ms")
    .requiredOption("--availability-bps <n>", "availability, basis points (9995 = 99.95%)")
    .requiredOption("--throughput-mbps <n>", "delivered throughput, Mbit/s")
    .action(async (id: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/tasks/${id}/measurements`, {
          latencyP95Ms: Number(o.latencyP95Ms),
          availabilityBps: Number(o.availabilityBps),
          throughputMbps: Number(o.throughputMbps),
        }),
        o,
        (r: Row) => `${(r.measurement as Row).side} measurement signed and anchored: ${r.digest}`,
      );
    });
  withClientOptions(
    slice
      .command("verify")
      .description("check a signed measurement (JSON from `measurement sign --json`) against the chain"),
  )
    .requiredOption("--signed <json>", "the signed measurement: {measurement, signature}")
    .action(async (o: Opts) => {
      const signed = JSON.parse(o.signed as string) as { measurement: unknown; signature: string };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/auditing/measurements/verify", {
          measurement: signed.measurement,
          signature: signed.signature,
        }),
        o,
        (r: Row) => `valid ${r.side} measurement signed by ${r.signer}`,
      );
    });

  // Evidence with blind juries: a party keeps its evidence and anchors the digest; a drawn juror shows a party's agent
  // its ticket proof (the party then knows it is drawn) and gets the evidence sealed to its key; its agent opens it
  // against the digests anchored on chain.
  const evidence = au.command("evidence").description("evidence given by the parties to drawn jurors only");
  withClientOptions(
    evidence
      .command("share <caseId>")
      .description("as a party, while the case is open: keep evidence in this agent and anchor its digest on chain"),
  )
    .option("--cdr <text>", "CDR samples")
    .option("--kpi <text>", "a KPI log")
    .option("--measurements <text>", "SLA measurements")
    .option("--report <text>", "a report")
    .option("--other <text>", "anything else")
    .action(async (id: string, o: Opts) => {
      const kinds = [
        ["cdr", "cdr-samples"],
        ["kpi", "kpi-log"],
        ["measurements", "measurements"],
        ["report", "report"],
        ["other", "other"],
      ] as const;
      const items = kinds.flatMap(([flag, kind]) => (o[flag] ? [{ kind, content: o[flag] }] : []));
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/cases/${id}/evidence`, { items }),
        o,
        (r: Row) => `evidence ${r.evidenceHash} kept by ${r.from}, digest anchored (${r.txHash})`,
      );
    });
  withClientOptions(
    evidence
      .command("list <caseId>")
      .description("as a party: the evidence this member shared on a case and the drawn jurors it gave it to"),
  ).action(async (id: string, o: Opts) => {
    printResult(await callAgent(targetOf(o), "GET", `/v1/auditing/cases/${id}/evidence`), o, (r: Row) =>
      [
        ...(r.shares as Row[]).map((s) => `${s.evidenceHash}: ${(s.items as Row[]).length} item(s), ${s.sharedAt}`),
        ...(r.answered as Row[]).map(
          (a) => `  sealed ${a.evidenceHash} to ${a.juror} (round ${a.round}, attempt ${a.attempt}) ${a.answeredAt}`,
        ),
      ].join("\n"),
    );
  });
  withClientOptions(
    evidence
      .command("request <caseId>")
      .description(
        "as host of a drawn juror: show its ticket proof to a party's agent and get that party's evidence sealed to it (the party learns the juror is drawn)",
      ),
  )
    .requiredOption("--juror <account>", "the drawn juror's account (hosted by this agent)")
    .option("--party <agent>", "the party's sandbox agent name")
    .option("--party-url <url>", "the party's agent base URL (its evidence requests are public)")
    .option("--out <file>", "save the party's answer (its envelopes) as JSON, for `evidence open --file`")
    .action(async (id: string, o: Opts) => {
      if (!o.party === !o.partyUrl) throw new Error("say which party: --party <agent> or --party-url <url>");
      const party = o.partyUrl
        ? { url: o.partyUrl, apiKey: "" }
        : resolveAgentTarget({ agent: o.party as string, dataDir: o.dataDir });
      const ticket = await callAgent<{ juror: string; secret: string; proof: string[] }>(
        targetOf(o),
        "POST",
        `/v1/auditing/cases/${id}/evidence/ticket`,
        { juror: o.juror },
      );
      const answer = await callAgent<Row>(party, "POST", `/v1/auditing/cases/${id}/evidence/requests`, {
        juror: ticket.juror,
        secret: ticket.secret,
        proof: ticket.proof,
      });
      if (o.out) {
        const { writeFile } = await import("node:fs/promises");
        await writeFile(o.out, `${JSON.stringify(answer, null, 2)}\n`, { mode: 0o600 });
      }
      printResult(answer, o, (r: Row) =>
        [
          `${(r.envelopes as Row[]).length} envelope(s) from ${r.from} sealed to ${r.juror} (round ${r.round}, attempt ${r.attempt})${o.out ? `, saved to ${o.out}` : ""}`,
          ...(r.envelopes as Row[]).map((e) => `  ${e.evidenceHash}`),
        ].join("\n"),
      );
    });
  withClientOptions(
    evidence
      .command("open <caseId>")
      .description(
        "as host of a drawn juror: open envelopes a party sealed to it, checked against the anchored digests",
      ),
  )
    .requiredOption("--juror <account>", "the drawn juror's account")
    .requiredOption("--file <file>", "a party's answer saved by `evidence request --out`, or one JWE")
    .action(async (id: string, o: Opts) => {
      const { readFile } = await import("node:fs/promises");
      const saved = JSON.parse(await readFile(o.file as string, "utf8")) as { envelopes?: Array<{ envelope: string }> };
      const envelopes = saved.envelopes ? saved.envelopes.map((e) => e.envelope) : [JSON.stringify(saved)];
      const opened: Row[] = [];
      for (const envelope of envelopes) {
        opened.push(
          await callAgent<Row>(targetOf(o), "POST", `/v1/auditing/cases/${id}/evidence/open`, {
            juror: o.juror,
            envelope,
          }),
        );
      }
      printResult({ caseId: id, opened }, o, () =>
        opened
          .map((r) =>
            [
              `evidence ${r.evidenceHash} from ${r.sharedBy}, opened for ${r.juror}:`,
              ...(r.items as Row[]).map((i) => `  ${i.kind}: ${i.content}`),
            ].join("\n"),
          )
          .join("\n"),
      );
    });

  const params = au.command("params").description("the court's governed parameters");
  withClientOptions(params.command("show").description("the current parameters")).action(async (o: Opts) => {
    printResult(await callAgent(targetOf(o), "GET", "/v1/auditing/params"), o, (r: Row) =>
      Object.entries(r)
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n"),
    );
  });
  withClientOptions(
    params.command("propose").description("as governor: propose the current parameters with some changed"),
  )
    .requiredOption("--set <field=value,...>", "the changes, e.g. slashSink=0x...,jurorDeposit=1500")
    .action(async (o: Opts) => {
      const changes: Record<string, string | number> = {};
      for (const pair of list(o.set as string)) {
        const [field, value] = pair.split("=") as [string, string | undefined];
        if (value === undefined) throw new Error(`--set: ${pair} is not field=value`);
        changes[field] = /^[0-9]+$/.test(value) && !/(Seconds|Stake|Deposit)$/.test(field) ? Number(value) : value;
      }
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/auditing/params/proposals", { changes }),
        o,
        (r: Row) => `proposal ${r.proposalId}; slashSink now ${(r.current as Row).slashSink}`,
      );
    });
  withClientOptions(
    params.command("approve <proposalId>").description("as governor: approve a parameter proposal"),
  ).action(async (id: string, o: Opts) => {
    printResult(
      await callAgent(targetOf(o), "POST", `/v1/auditing/params/proposals/${id}/approve`),
      o,
      (r: Row) => `approved ${r.proposalId}; slashSink now ${(r.current as Row).slashSink}`,
    );
  });

  const bank = au.command("bank").description("the multi-signature settlement bank");
  withClientOptions(bank.command("deploy").description("deploy an M-of-N multi-signature bank"))
    .requiredOption("--signers <list>", "signer members: agent names or addresses, comma separated")
    .requiredOption("--threshold <n>", "approvals that execute an operation")
    .action(async (o: Opts) => {
      const signers = [];
      for (const who of list(o.signers as string)) signers.push(await memberAccount(who, o));
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/auditing/banks", { signers, threshold: Number(o.threshold) }),
        o,
        (r: Row) => `bank ${r.bank}: ${r.threshold} of ${(r.signers as string[]).length} signers`,
      );
    });
  withClientOptions(bank.command("show <bank>").description("a bank's signers, threshold and balance")).action(
    async (address: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "GET", `/v1/auditing/banks/${address}`),
        o,
        (r: Row) =>
          `bank ${r.bank}: ${r.threshold} of ${(r.signers as string[]).length}, balance ${eur(r.balance)}${r.isSlashSink ? ", the court's slashSink" : ""}`,
      );
    },
  );
  withClientOptions(bank.command("approve <bank>").description("as a signer: approve a mint or a burn"))
    .requiredOption("--kind <kind>", "mint | burn")
    .requiredOption("--member <who>", "the member (agent name or address; for a burn, whom the fiat is paid to)")
    .requiredOption("--amount <minor>", "settlement-token minor units")
    .requiredOption("--bank-ref <text>", "the bank's reference of the fiat movement")
    .action(async (address: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/banks/${address}/approvals`, {
          kind: o.kind,
          member: await memberAccount(o.member as string, o),
          amount: o.amount,
          bankRef: o.bankRef,
        }),
        o,
        (r: Row) =>
          `${r.kind} ${eur(r.amount)}: ${r.approvals} of ${r.threshold} approvals${r.executed ? ", executed" : ""}`,
      );
    });

  const audit = au.command("audit").description("a task's random-audit lottery (agreed in its agreement)");
  for (const step of ["commit", "reveal"] as const) {
    withClientOptions(
      audit.command(`${step} <taskId>`).description(`${step} this member's secret to the lottery's beacon round`),
    ).action(async (id: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/tasks/${id}/audit/beacon/${step}`),
        o,
        (r: Row) => `lottery beacon ${r.beaconKey}: ${step === "commit" ? "committed" : "revealed"}`,
      );
    });
  }
  withClientOptions(
    audit.command("draw <taskId>").description("anyone: draw the lottery once its beacon is over"),
  ).action(async (id: string, o: Opts) => {
    printResult(await callAgent(targetOf(o), "POST", `/v1/auditing/tasks/${id}/audit/draw`), o, (r: Row) =>
      r.selected
        ? `task ${r.taskId} selected for audit (roll ${r.roll} < ${r.auditBps}): case ${r.caseId}`
        : `task ${r.taskId} ${r.audit}${r.roll === null ? "" : ` (roll ${r.roll} >= ${r.auditBps})`}`,
    );
  });

  const beacon = au.command("beacon").description("this member's part in a case's jury beacon");
  for (const step of ["commit", "reveal"] as const) {
    withClientOptions(beacon.command(`${step} <caseId>`).description(`${step} this member's beacon secret`)).action(
      async (id: string, o: Opts) => {
        printResult(
          await callAgent(targetOf(o), "POST", `/v1/auditing/cases/${id}/beacon/${step}`),
          o,
          (r: Row) => `beacon ${r.beaconKey}: ${step === "commit" ? "committed" : "revealed"}`,
        );
      },
    );
  }
  for (const [verb, path, what] of [
    ["draw", "draw", "draw the case's jury"],
    ["tally", "tally", "count the revealed votes"],
    ["finalize", "finalize", "close an unobjected verdict after its window"],
  ] as const) {
    withClientOptions(au.command(`${verb} <caseId>`).description(what)).action(async (id: string, o: Opts) => {
      printResult(await callAgent(targetOf(o), "POST", `/v1/auditing/cases/${id}/${path}`), o, caseStep);
    });
  }
  withClientOptions(au.command("object <caseId>").description("as a party: object to the first verdict")).action(
    async (id: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/cases/${id}/objection`),
        o,
        (r: Row) => `objection to ${r.caseId}, stake ${eur(r.stake)}`,
      );
    },
  );
  withClientOptions(
    au
      .command("lottery <caseId>")
      .description("the case's current lottery: this agent's auditors, their tickets, drawn or not"),
  ).action(async (id: string, o: Opts) => {
    printResult(await callAgent(targetOf(o), "GET", `/v1/auditing/cases/${id}/lottery`), o, (r: Row) =>
      [
        `lottery of round ${r.round} attempt ${r.attempt} (epoch ${r.epoch}, slot ${r.slot}): ${r.size} seats, drawn at ticket <= ${r.threshold}`,
        ...(r.auditors as Row[]).map(
          (a) =>
            `  ${a.juror} ticket ${a.ticket}: ${a.drawn ? "drawn" : "not drawn"}${a.claimed ? (a.seated ? ", seated" : ", claimed, not seated") : ""}`,
        ),
      ].join("\n"),
    );
  });
  withClientOptions(
    au
      .command("vote <caseId>")
      .description("a drawn auditor claims its seat and commits its vote (ticket, salt kept here)"),
  )
    .requiredOption("--juror <account>", "the juror's account")
    .requiredOption("--vote <vote>", "uphold | reject")
    .action(async (id: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/cases/${id}/votes`, { juror: o.juror, vote: o.vote }),
        o,
        (r: Row) =>
          `${r.juror} committed on round ${r.round} with ticket ${r.ticket}: ${r.seated ? "seated" : "not seated (lower tickets fill the panel)"}`,
      );
    });
  withClientOptions(
    au
      .command("slash-silent <caseId>")
      .description("anyone: slash an auditor drawn in one of the case's lotteries that never claimed"),
  )
    .requiredOption("--auditor <account>", "the silent auditor")
    .option("--round <n>", "0 first jury, 1 objection jury", "0")
    .option("--attempt <n>", "the lottery's attempt", "0")
    .action(async (id: string, o: Opts) => {
      const body = { auditor: o.auditor, round: Number(o.round), attempt: Number(o.attempt) };
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/cases/${id}/silent`, body),
        o,
        (r: Row) =>
          `${r.auditor} slashed ${eur(r.slashed)} for staying silent in round ${r.round} attempt ${r.attempt}`,
      );
    });
  withClientOptions(au.command("reveal <caseId>").description("a hosted juror reveals its kept vote"))
    .requiredOption("--juror <account>", "the juror's account")
    .action(async (id: string, o: Opts) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/auditing/cases/${id}/reveals`, { juror: o.juror }),
        o,
        (r: Row) => `${r.juror} revealed ${r.vote}`,
      );
    });
  withClientOptions(au.command("cases").description("cases on the ledger, by id")).action(async (o: Opts) => {
    printResult(await callAgentAllItems<Row>(targetOf(o), "/v1/auditing/cases"), o, (r: { items: Row[] }) =>
      r.items.map((c) => `case ${c.caseId} (${c.trigger}) on task ${c.taskId}: ${c.status}`).join("\n"),
    );
  });
  withClientOptions(au.command("case <caseId>").description("a case: juries, ballots, verdicts, payments")).action(
    async (id: string, o: Opts) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/auditing/cases/${id}`), o, (r: Row) =>
        [
          `case ${r.caseId} (${r.trigger}): ${r.status}, first verdict ${r.firstVerdict ?? "-"}, final ${r.finalVerdict ?? "-"}`,
          ...(r.juries as Row[]).map(
            (j) => `jury round ${j.round}: ${(j.jurors as Row[]).map((x) => `${x.juror} ${x.vote}`).join(", ")}`,
          ),
          ...(r.payments as Row[]).map((p) => `paid ${eur(p.amount)} to ${p.to} (${p.reason})`),
        ].join("\n"),
      );
    },
  );
  withClientOptions(au.command("balances").description("settlement-money balances and auditor stakes"))
    .requiredOption("--of <list>", "agent names or addresses, comma separated")
    .option("--auditors", "also every vetted auditor")
    .action(async (o: Opts & { auditors?: boolean }) => {
      const named = new Map<string, string>();
      for (const who of list(o.of as string)) named.set(await memberAccount(who, o), who);
      if (o.auditors) {
        const auditors = await callAgentAllItems<Row>(targetOf(o), "/v1/auditing/auditors");
        for (const a of auditors.items) named.set(String(a.account), `auditor ${String(a.account).slice(0, 10)}`);
      }
      const result = await callAgent<{ accounts: Row[] }>(
        targetOf(o),
        "GET",
        `/v1/auditing/balances?accounts=${[...named.keys()].join(",")}`,
      );
      printResult(result, o, (r: { accounts: Row[] }) =>
        r.accounts
          .map((a) => {
            const who = a.role ?? named.get(String(a.account)) ?? a.account;
            const stake = a.bonded === "0" ? "" : ` (stake ${eur(a.bonded)}, locked ${eur(a.locked)})`;
            return `${who}: ${eur(a.balance)}${stake}`;
          })
          .join("\n"),
      );
    });
}
