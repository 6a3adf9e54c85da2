// REST routes for the court's governed parameters and the multi-signature settlement bank: governors propose and
// approve parameter sets (naming the bank as slashSink among them); a member deploys a bank; its signers approve mints
// and burns. Registered by routes.ts inside the auditing module.
import type { Address, Hex } from "viem";
import { type ApiApp, readErrors, writeErrors } from "../core/api/index.ts";
import type { AuditingGovernance, BankOperation, ParamField } from "./bank.ts";
import {
  BankApprovalBody,
  BankApprovedSchema,
  BankDeployedSchema,
  BankParams,
  BankSchema,
  DeployBankBody,
  ParamsProposalSchema,
  ParamsSchema,
  ProposalParams,
  ProposeParamsBody,
} from "./schemas.ts";

const tags = ["auditing"];

export function registerBankRoutes(app: ApiApp, governance: AuditingGovernance): void {
  const write = { config: { auth: "operator" as const } };
  app.get(
    "/v1/auditing/params",
    {
      schema: {
        summary: "The court's current parameters",
        tags,
        operationId: "getAuditingParams",
        response: { 200: ParamsSchema, ...readErrors() },
      },
    },
    async () => governance.params(),
  );
  app.post(
    "/v1/auditing/params/proposals",
    {
      ...write,
      schema: {
        summary:
          "As governor: propose the current parameters with some changed (e.g. slashSink: the bank); counts as this governor's approval",
        tags,
        operationId: "proposeAuditingParams",
        body: ProposeParamsBody,
        response: {
          201: ParamsProposalSchema,
          ...writeErrors("AUDITING_NOT_GOVERNOR", "AUDITING_INVALID_PARAMS", "AUDITING_ALREADY_APPROVED"),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await governance.proposeParams(
            (request.body as { changes: Partial<Record<ParamField, string | number>> }).changes,
          ),
        ),
  );
  app.post(
    "/v1/auditing/params/proposals/:proposalId/approve",
    {
      ...write,
      schema: {
        summary: "As governor: approve a parameter proposal; a majority of governors executes it",
        tags,
        operationId: "approveAuditingParams",
        params: ProposalParams,
        response: {
          200: ParamsProposalSchema,
          ...writeErrors("AUDITING_NOT_GOVERNOR", "AUDITING_UNKNOWN_PROPOSAL", "AUDITING_ALREADY_APPROVED"),
        },
      },
    },
    async (request) => governance.approveParams((request.params as { proposalId: Hex }).proposalId),
  );
  app.post(
    "/v1/auditing/banks",
    {
      ...write,
      schema: {
        summary:
          "Deploy a multi-signature settlement bank (M of N member signers); the governors then admit it as a SETTLEMENT_BANK member",
        tags,
        operationId: "deployBank",
        body: DeployBankBody,
        response: { 201: BankDeployedSchema, ...writeErrors("AUDITING_INVALID_SIGNERS") },
      },
    },
    async (request, reply) => {
      const b = request.body as { signers: Address[]; threshold: number };
      return reply.code(201).send(await governance.deployBank(b.signers, b.threshold));
    },
  );
  app.get(
    "/v1/auditing/banks/:bank",
    {
      schema: {
        summary: "A multi-signature bank: its signers, threshold, balance and whether the court slashes into it",
        tags,
        operationId: "getBank",
        params: BankParams,
        response: { 200: BankSchema, ...readErrors("AUDITING_UNKNOWN_BANK") },
      },
    },
    async (request) => governance.bank((request.params as { bank: Address }).bank),
  );
  app.post(
    "/v1/auditing/banks/:bank/approvals",
    {
      ...write,
      schema: {
        summary: "As a signer: approve a mint or a burn; the threshold-th distinct approval executes it",
        tags,
        operationId: "approveBankOperation",
        params: BankParams,
        body: BankApprovalBody,
        response: {
          201: BankApprovedSchema,
          ...writeErrors(
            "AUDITING_UNKNOWN_BANK",
            "AUDITING_NOT_SIGNER",
            "AUDITING_ALREADY_APPROVED",
            "AUDITING_OPERATION_DONE",
            "AUDITING_BALANCE_TOO_LOW",
          ),
        },
      },
    },
    async (request, reply) => {
      const b = request.body as { kind: BankOperation; member: Address; amount: string; bankRef: string };
      return reply
        .code(201)
        .send(
          await governance.approve(
            (request.params as { bank: Address }).bank,
            b.kind,
            b.member,
            BigInt(b.amount),
            b.bankRef,
          ),
        );
    },
  );
}
