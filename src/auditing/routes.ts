// REST API of the auditing domain under /v1/auditing/: auditor accounts (created, vetted, signalling, withdrawing),
// agreements and tasks with escrow, complaints, the members' beacon, draws, votes, tallies, objections, cases and
// balances (evidence, parameters and the bank, slice measurements: routesEvidence.ts, routesBank.ts,
// routesMeasurements.ts). Schemas in schemas.ts; reads from the read model or
// through the service; writes through the service.
import type { Address, Hex } from "viem";
import {
  type ApiModule,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  pageRequest,
  readErrors,
  writeErrors,
} from "../core/api/index.ts";
import type { AuditingGovernance } from "./bank.ts";
import { AuditingError } from "./errors.ts";
import type { AuditingEvidence } from "./evidenceService.ts";
import type { Measurement } from "./measurements.ts";
import type { AuditingReadModel, AuditorRow, CaseRow } from "./readModel.ts";
import type { AuditingRepository } from "./repository.ts";
import { registerAuditRoutes } from "./routesAudits.ts";
import { registerBankRoutes } from "./routesBank.ts";
import { registerEvidenceRoutes } from "./routesEvidence.ts";
import { registerMeasurementRoutes } from "./routesMeasurements.ts";
import {
  AcceptedSchema,
  AccountParams,
  AffiliatedSchema,
  AffiliationBody,
  AgreementParams,
  AuditorDetailSchema,
  AuditorSchema,
  BalancesQuery,
  BalancesSchema,
  BeaconStepSchema,
  CaseParams,
  CaseSchema,
  CaseSummarySchema,
  ComplainedSchema,
  ComplaintBody,
  CreateAuditorBody,
  CreatedAuditorSchema,
  EpochSchema,
  LotterySchema,
  OrderBody,
  OrderedSchema,
  ProposeBody,
  ProposedSchema,
  ReportBody,
  RevealBody,
  RevealedSchema,
  SeedsRevealedSchema,
  SignalBody,
  SilentBody,
  SilentSlashedSchema,
  StakeSchema,
  StepSchema,
  TaskParams,
  TaskSchema,
  TaskWrittenSchema,
  VetBody,
  VettedSchema,
  VoteBody,
  VotedSchema,
  WithdrawBody,
} from "./schemas.ts";
import type { AuditingService, VoteName } from "./service.ts";

const tags = ["auditing"];
const VOTE_NAMES = ["none", "uphold", "reject"];

export interface AuditingApiDeps {
  service: AuditingService;
  evidence: AuditingEvidence;
  governance: AuditingGovernance;
  readModel: AuditingReadModel;
  repository: AuditingRepository;
}

const auditorView = (r: AuditorRow) => ({
  account: r.account,
  didHash: r.did_hash,
  affiliation: r.affiliation,
  vetters: Number(r.vetters),
  capacity: Number(r.capacity),
  firstEpoch: Number(r.first_epoch),
  lastEpoch: Number(r.last_epoch),
});

/** A case the escrow requested was opened by its agreement's random-audit lottery, not by a complaint. */
const triggerOf = (r: CaseRow, escrow: string) =>
  r.requester.toLowerCase() === escrow ? ("random-audit" as const) : ("complaint" as const);

const summaryView = (r: CaseRow, escrow: string) => ({
  caseId: r.case_id,
  taskId: r.task_id,
  trigger: triggerOf(r, escrow),
  requester: r.requester,
  status: r.status,
  round: Number(r.round),
  firstVerdict: r.first_verdict,
  finalVerdict: r.final_verdict,
});

export function auditingApiModule({
  service,
  evidence,
  governance,
  readModel,
  repository,
}: AuditingApiDeps): ApiModule {
  const caseView = async (caseId: string) => {
    const r = await readModel.case(caseId);
    if (!r) throw new AuditingError("AUDITING_UNKNOWN_CASE", `no case ${caseId} in the read model (yet)`);
    const jurors = await readModel.jurors(caseId);
    const panels = await readModel.panels(caseId);
    const keys = [...new Set([...panels, ...jurors].map((j) => `${j.round}:${j.attempt}`))];
    return {
      caseId: r.case_id,
      taskId: r.task_id,
      trigger: triggerOf(r, await service.escrowAddress()),
      requester: r.requester,
      requesterStake: r.requester_stake,
      status: r.status,
      round: Number(r.round),
      attempt: Number(r.attempt),
      beaconKey: r.beacon_key,
      firstVerdict: r.first_verdict,
      finalVerdict: r.final_verdict,
      objector: r.objector,
      objectionStake: r.objection_stake,
      filedAt: Number(r.filed_at),
      juries: keys.map((key) => {
        const [round, attempt] = key.split(":").map(Number) as [number, number];
        const panel = panels.find((p) => Number(p.round) === round && Number(p.attempt) === attempt);
        return {
          round,
          attempt,
          commitEnd: panel ? Number(panel.commit_end) : null,
          revealEnd: panel ? Number(panel.reveal_end) : null,
          lottery: panel
            ? { epoch: Number(panel.epoch), slot: Number(panel.slot), seed: panel.seed, threshold: panel.threshold }
            : null,
          jurors: jurors
            .filter((j) => Number(j.round) === round && Number(j.attempt) === attempt)
            .map((j) => ({
              juror: j.juror,
              ticket: j.ticket,
              deposit: j.deposit,
              committed: Number(j.committed) === 1,
              vote: VOTE_NAMES[Number(j.vote)] ?? String(j.vote),
              slashed: j.slashed,
            })),
        };
      }),
      payments: (await readModel.payments(caseId)).map((p) => ({
        to: p.recipient,
        amount: p.amount,
        reason: p.reason,
      })),
    };
  };

  return {
    name: "auditing",
    tags: [
      { name: "auditing", description: "Escrowed service outcomes judged by staked auditor juries (EEA use case 5)" },
    ],
    register(app) {
      const write = { config: { auth: "operator" as const } };

      // ---- auditors
      app.post(
        "/v1/auditing/auditors",
        {
          ...write,
          schema: {
            summary: "Create an auditor account in this agent's keystore, bound to this member, with its own did:ethr",
            tags,
            operationId: "createAuditor",
            body: CreateAuditorBody,
            response: { 201: CreatedAuditorSchema, ...writeErrors() },
          },
        },
        async (request, reply) =>
          reply.code(201).send(await service.createAuditor((request.body as { label: string }).label)),
      );
      app.get(
        "/v1/auditing/auditors",
        {
          schema: {
            summary: "Vetted auditors, by account",
            tags,
            operationId: "listAuditors",
            querystring: PageQuerySchema,
            response: { 200: pageOf(AuditorSchema), ...readErrors() },
          },
        },
        async (request) => {
          const page = pageRequest(request.query as { limit?: number; cursor?: string }, 1);
          const rows = await readModel.auditors(page.limit, String(page.after?.[0] ?? ""));
          return pageOfRows(rows.map(auditorView), page.limit, (a) => [a.account]);
        },
      );
      app.get(
        "/v1/auditing/auditors/:account",
        {
          schema: {
            summary: "An auditor: its vetting and signalled epochs, its live stake, and whether this agent hosts it",
            tags,
            operationId: "getAuditor",
            params: AccountParams,
            response: { 200: AuditorDetailSchema, ...readErrors("AUDITING_UNKNOWN_AUDITOR") },
          },
        },
        async (request) => {
          const account = (request.params as { account: Address }).account.toLowerCase() as Address;
          const vetted = await readModel.auditor(account);
          const hosted = await repository.hostedAuditor(account);
          if (!vetted && !hosted) throw new AuditingError("AUDITING_UNKNOWN_AUDITOR", `no auditor ${account}`);
          return {
            account,
            vetted: vetted ? auditorView(vetted) : null,
            hosted: hosted ? { did: hosted.did, label: hosted.label, createdAt: hosted.created_at } : null,
            ...(await service.stake(account)),
          };
        },
      );
      app.post(
        "/v1/auditing/auditors/:account/vet",
        {
          ...write,
          schema: {
            summary: "As KYC vetter: vet an auditor under its DID, affiliated with the member its account is bound to",
            tags,
            operationId: "vetAuditor",
            params: AccountParams,
            body: VetBody,
            response: { 201: VettedSchema, ...writeErrors("AUDITING_NOT_VETTER", "AUDITING_DID_TAKEN") },
          },
        },
        async (request, reply) =>
          reply
            .code(201)
            .send(
              await service.vetAuditor(
                (request.params as { account: Address }).account,
                (request.body as { did: string }).did,
              ),
            ),
      );
      app.post(
        "/v1/auditing/auditors/:account/affiliation",
        {
          ...write,
          schema: {
            summary: "As KYC vetter: record the member an auditor works for",
            tags,
            operationId: "declareAffiliation",
            params: AccountParams,
            body: AffiliationBody,
            response: { 201: AffiliatedSchema, ...writeErrors("AUDITING_NOT_VETTER", "AUDITING_NOT_VETTED") },
          },
        },
        async (request, reply) =>
          reply
            .code(201)
            .send(
              await service.declareAffiliation(
                (request.params as { account: Address }).account,
                (request.body as { member: Address }).member,
              ),
            ),
      );
      app.post(
        "/v1/auditing/auditors/:account/signal",
        {
          ...write,
          schema: {
            summary: "A hosted auditor stakes (funded by this member) and signals for epochs from the next one",
            tags,
            operationId: "signalAuditor",
            params: AccountParams,
            body: SignalBody,
            response: {
              201: StakeSchema,
              ...writeErrors(
                "AUDITING_UNKNOWN_AUDITOR",
                "AUDITING_NOT_VETTED",
                "AUDITING_STAKE_REFUSED",
                "AUDITING_BALANCE_TOO_LOW",
              ),
            },
          },
        },
        async (request, reply) => {
          const body = request.body as { amount: string; capacity: number; epochs: number };
          const account = (request.params as { account: Address }).account;
          return reply.code(201).send(await service.signal(account, BigInt(body.amount), body.capacity, body.epochs));
        },
      );
      app.post(
        "/v1/auditing/auditors/:account/seeds",
        {
          ...write,
          schema: {
            summary:
              "A hosted auditor reveals its ticket seeds for every epoch over (due before its stake can leave; lets anyone slash the silent)",
            tags,
            operationId: "revealTicketSeeds",
            params: AccountParams,
            response: {
              201: SeedsRevealedSchema,
              ...writeErrors("AUDITING_UNKNOWN_AUDITOR", "AUDITING_TICKET_SEED"),
            },
          },
        },
        async (request, reply) =>
          reply.code(201).send(await service.revealSeeds((request.params as { account: Address }).account)),
      );
      app.post(
        "/v1/auditing/auditors/:account/withdrawals",
        {
          ...write,
          schema: {
            summary: "A hosted auditor withdraws free stake (refused while bonded: its epochs or an open case)",
            tags,
            operationId: "withdrawStake",
            params: AccountParams,
            body: WithdrawBody,
            response: {
              201: StakeSchema,
              ...writeErrors("AUDITING_UNKNOWN_AUDITOR", "AUDITING_STAKE_BONDED", "AUDITING_STAKE_REFUSED"),
            },
          },
        },
        async (request, reply) =>
          reply
            .code(201)
            .send(
              await service.withdraw(
                (request.params as { account: Address }).account,
                BigInt((request.body as { amount: string }).amount),
              ),
            ),
      );

      // ---- agreements and tasks
      app.post(
        "/v1/auditing/agreements",
        {
          ...write,
          schema: {
            summary: "As recipient: propose a service agreement (fee Z, X% at completion, Y% escrowed for A seconds)",
            tags,
            operationId: "proposeAgreement",
            body: ProposeBody,
            response: { 201: ProposedSchema, ...writeErrors("AUDITING_NOT_PARTY") },
          },
        },
        async (request, reply) => {
          const b = request.body as {
            provider: Address;
            fee: string;
            upfrontBps: number;
            escrowSeconds: number;
            auditBps?: number;
            terms: string;
          };
          return reply.code(201).send(await service.proposeAgreement({ ...b, fee: BigInt(b.fee) }));
        },
      );
      app.post(
        "/v1/auditing/agreements/:agreementId/accept",
        {
          ...write,
          schema: {
            summary: "As provider: accept an agreement",
            tags,
            operationId: "acceptAgreement",
            params: AgreementParams,
            response: { 201: AcceptedSchema, ...writeErrors("AUDITING_NOT_PARTY", "AUDITING_UNKNOWN_TASK") },
          },
        },
        async (request, reply) =>
          reply.code(201).send(await service.acceptAgreement((request.params as { agreementId: Hex }).agreementId)),
      );
      app.post(
        "/v1/auditing/tasks",
        {
          ...write,
          schema: {
            summary: "As recipient: order a task under an accepted agreement, paying the fee into the escrow",
            tags,
            operationId: "orderTask",
            body: OrderBody,
            response: {
              201: OrderedSchema,
              ...writeErrors(
                "AUDITING_NOT_PARTY",
                "AUDITING_UNKNOWN_TASK",
                "AUDITING_WRONG_STATUS",
                "AUDITING_BALANCE_TOO_LOW",
              ),
            },
          },
        },
        async (request, reply) => {
          const b = request.body as { agreementId: Hex; reference: string };
          return reply.code(201).send(await service.orderTask(b.agreementId, b.reference));
        },
      );
      app.get(
        "/v1/auditing/tasks/:taskId",
        {
          schema: {
            summary: "A task as the escrow holds it",
            tags,
            operationId: "getTask",
            params: TaskParams,
            response: { 200: TaskSchema, ...readErrors("AUDITING_UNKNOWN_TASK") },
          },
        },
        async (request) => service.task((request.params as { taskId: Hex }).taskId),
      );
      app.post(
        "/v1/auditing/tasks/:taskId/completion",
        {
          ...write,
          schema: {
            summary: "As provider: report the task completed; X% is paid at once and Y% escrowed",
            tags,
            operationId: "completeTask",
            params: TaskParams,
            body: ReportBody,
            response: { 201: TaskWrittenSchema, ...writeErrors("AUDITING_NOT_PARTY", "AUDITING_WRONG_STATUS") },
          },
        },
        async (request, reply) =>
          reply
            .code(201)
            .send(
              await service.completeTask(
                (request.params as { taskId: Hex }).taskId,
                (request.body as { report: string }).report,
              ),
            ),
      );
      app.post(
        "/v1/auditing/tasks/:taskId/release",
        {
          ...write,
          schema: {
            summary:
              "Anyone: release a task's escrow to the provider once its escrow period is over (and its random-audit lottery, if agreed, was drawn)",
            tags,
            operationId: "releaseEscrow",
            params: TaskParams,
            response: { 201: TaskWrittenSchema, ...writeErrors("AUDITING_WRONG_STATUS", "AUDITING_AUDIT_PENDING") },
          },
        },
        async (request, reply) =>
          reply.code(201).send(await service.releaseEscrow((request.params as { taskId: Hex }).taskId)),
      );
      app.post(
        "/v1/auditing/tasks/:taskId/complaints",
        {
          ...write,
          schema: {
            summary:
              "As recipient: complain about a completed task (stake complaintStakeBps of the fee); opens the draw",
            tags,
            operationId: "complain",
            params: TaskParams,
            body: ComplaintBody,
            response: {
              201: ComplainedSchema,
              ...writeErrors(
                "AUDITING_NOT_PARTY",
                "AUDITING_WRONG_STATUS",
                "AUDITING_CASE_EXISTS",
                "AUDITING_BALANCE_TOO_LOW",
                "AUDITING_MEASUREMENT_WRONG_SIGNER",
                "AUDITING_MEASUREMENT_TAMPERED",
              ),
            },
          },
        },
        async (request, reply) =>
          reply
            .code(201)
            .send(
              await service.complain(
                (request.params as { taskId: Hex }).taskId,
                (request.body as { evidence: string }).evidence,
                (request.body as { measurements?: Array<{ measurement: Measurement; signature: Hex }> }).measurements,
              ),
            ),
      );

      // ---- cases
      app.get(
        "/v1/auditing/cases",
        {
          schema: {
            summary: "Cases, by id",
            tags,
            operationId: "listCases",
            querystring: PageQuerySchema,
            response: { 200: pageOf(CaseSummarySchema), ...readErrors() },
          },
        },
        async (request) => {
          const page = pageRequest(request.query as { limit?: number; cursor?: string }, 1);
          const rows = await readModel.cases(page.limit, String(page.after?.[0] ?? ""));
          const escrow = await service.escrowAddress();
          return pageOfRows(
            rows.map((r) => summaryView(r, escrow)),
            page.limit,
            (c) => [c.caseId],
          );
        },
      );
      app.get(
        "/v1/auditing/cases/:caseId",
        {
          schema: {
            summary: "A case: its status, verdicts, every jury drawn with its ballots, and every payment",
            tags,
            operationId: "getCase",
            params: CaseParams,
            response: { 200: CaseSchema, ...readErrors("AUDITING_UNKNOWN_CASE") },
          },
        },
        async (request) => caseView((request.params as { caseId: Hex }).caseId),
      );
      const caseStep = (
        path: string,
        operationId: string,
        summary: string,
        codes: string[],
        run: (caseId: Hex) => Promise<unknown>,
        schema: typeof StepSchema | typeof BeaconStepSchema | typeof ComplainedSchema = StepSchema,
      ) =>
        app.post(
          `/v1/auditing/cases/:caseId/${path}`,
          {
            ...write,
            schema: {
              summary,
              tags,
              operationId,
              params: CaseParams,
              response: { 201: schema, ...writeErrors("AUDITING_UNKNOWN_CASE", "AUDITING_WRONG_STATUS", ...codes) },
            },
          },
          async (request, reply) =>
            reply.code(201).send((await run((request.params as { caseId: Hex }).caseId)) as never),
        );
      caseStep(
        "beacon/commit",
        "beaconCommit",
        "This member commits a fresh secret (kept in this agent) to the case's beacon round",
        ["AUDITING_BEACON_PHASE"],
        (id) => service.beaconCommit(id),
        BeaconStepSchema,
      );
      caseStep(
        "beacon/reveal",
        "beaconReveal",
        "This member reveals its kept secret to the case's beacon round",
        ["AUDITING_BEACON_PHASE"],
        (id) => service.beaconReveal(id),
        BeaconStepSchema,
      );
      caseStep(
        "draw",
        "drawJury",
        "Anyone: draw the case's jury from the beacon's value",
        ["AUDITING_BEACON_NOT_READY"],
        (id) => service.draw(id),
      );
      caseStep(
        "tally",
        "tally",
        "Anyone: count the revealed votes once the reveal period is over; pays on a verdict",
        ["AUDITING_VOTING_NOT_OVER"],
        (id) => service.tally(id),
      );
      caseStep(
        "finalize",
        "finalize",
        "Anyone: close an unobjected verdict after its objection window; pays out",
        ["AUDITING_OBJECTION_WINDOW_OPEN"],
        (id) => service.finalize(id),
      );
      caseStep(
        "objection",
        "object",
        "As a party: object to the first verdict (stake objectionStakeBps of the escrow); a fresh jury is drawn",
        ["AUDITING_NOT_PARTY", "AUDITING_OBJECTION_WINDOW_CLOSED", "AUDITING_BALANCE_TOO_LOW"],
        (id) => service.object(id),
        ComplainedSchema,
      );
      app.post(
        "/v1/auditing/cases/:caseId/votes",
        {
          ...write,
          schema: {
            summary:
              "A hosted auditor drawn in the case's lottery claims its seat and commits its vote (ticket and salt from this agent)",
            tags,
            operationId: "commitVote",
            params: CaseParams,
            body: VoteBody,
            response: {
              201: VotedSchema,
              ...writeErrors(
                "AUDITING_UNKNOWN_CASE",
                "AUDITING_UNKNOWN_AUDITOR",
                "AUDITING_NOT_A_JUROR",
                "AUDITING_NOT_DRAWN",
                "AUDITING_INVALID_TICKET",
                "AUDITING_ON_FIRST_JURY",
                "AUDITING_AFFILIATED_JUROR",
                "AUDITING_ALREADY_VOTED",
                "AUDITING_COMMIT_CLOSED",
                "AUDITING_WRONG_STATUS",
              ),
            },
          },
        },
        async (request, reply) => {
          const b = request.body as { juror: Address; vote: VoteName };
          return reply.code(201).send(await service.vote((request.params as { caseId: Hex }).caseId, b.juror, b.vote));
        },
      );
      app.get(
        "/v1/auditing/cases/:caseId/lottery",
        {
          schema: {
            summary:
              "The case's current lottery and this agent's auditors in it: each one's ticket, drawn or not, claimed, seated",
            tags,
            operationId: "getLottery",
            params: CaseParams,
            response: { 200: LotterySchema, ...readErrors("AUDITING_UNKNOWN_CASE", "AUDITING_WRONG_STATUS") },
          },
        },
        async (request) => service.lottery((request.params as { caseId: Hex }).caseId),
      );
      app.post(
        "/v1/auditing/cases/:caseId/silent",
        {
          ...write,
          schema: {
            summary:
              "Anyone: slash an auditor drawn in one of the case's lotteries that never claimed (once its ticket seed is revealed)",
            tags,
            operationId: "slashSilent",
            params: CaseParams,
            body: SilentBody,
            response: {
              201: SilentSlashedSchema,
              ...writeErrors("AUDITING_UNKNOWN_CASE", "AUDITING_NOT_SILENT", "AUDITING_TICKET_SEED"),
            },
          },
        },
        async (request, reply) => {
          const b = request.body as { round: number; attempt: number; auditor: Address };
          const caseId = (request.params as { caseId: Hex }).caseId;
          return reply.code(201).send(await service.slashSilent(caseId, b.round, b.attempt, b.auditor));
        },
      );
      app.post(
        "/v1/auditing/cases/:caseId/reveals",
        {
          ...write,
          schema: {
            summary: "A hosted juror reveals its kept vote and salt",
            tags,
            operationId: "revealVote",
            params: CaseParams,
            body: RevealBody,
            response: {
              201: RevealedSchema,
              ...writeErrors(
                "AUDITING_UNKNOWN_CASE",
                "AUDITING_UNKNOWN_AUDITOR",
                "AUDITING_NO_COMMITMENT",
                "AUDITING_ALREADY_VOTED",
                "AUDITING_REVEAL_NOT_OPEN",
                "AUDITING_REVEAL_CLOSED",
                "AUDITING_COMMITMENT_MISMATCH",
                "AUDITING_WRONG_STATUS",
              ),
            },
          },
        },
        async (request, reply) => {
          const b = request.body as { juror: Address; salt?: Hex };
          return reply
            .code(201)
            .send(await service.reveal((request.params as { caseId: Hex }).caseId, b.juror, b.salt));
        },
      );
      app.get(
        "/v1/auditing/epoch",
        {
          schema: {
            summary: "The court's current epoch, when it started and when the next one starts (chain time)",
            tags,
            operationId: "getEpoch",
            response: { 200: EpochSchema, ...readErrors() },
          },
        },
        async () => service.epoch(),
      );
      app.get(
        "/v1/auditing/balances",
        {
          schema: {
            summary:
              "Settlement-money balances of up to 32 accounts, and of the court and the escrow, with auditor stakes",
            tags,
            operationId: "getBalances",
            querystring: BalancesQuery,
            response: { 200: BalancesSchema, ...readErrors() },
          },
        },
        async (request) =>
          service.balances(
            (request.query as { accounts: string }).accounts.split(",").map((a) => a.toLowerCase() as Address),
          ),
      );

      registerEvidenceRoutes(app, evidence);
      registerBankRoutes(app, governance);
      registerMeasurementRoutes(app, service);
      registerAuditRoutes(app, service);
    },
  };
}
