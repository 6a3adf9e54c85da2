// REST API of the data-usage domain under /v1/datausage/: contracts (create, read, list), decisions, uses and
// transfers, processor imports, subject revocations, consultation batches and consent receipts; the insights market
// (routesInsights.ts). Schemas in schemas.ts; reads from the read model or through the service; writes through the
// service.
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
import type { BrokerService } from "./brokerService.ts";
import type { CustodyService } from "./custodyService.ts";
import type { DecisionIndex } from "./decisionIndex.ts";
import { DataUsageError } from "./errors.ts";
import type { InsightsService } from "./insightsService.ts";
import type { KeyShareService } from "./keyShares.ts";
import type { DataRecord } from "./modify.ts";
import type { OdrlPolicy } from "./odrl.ts";
import type { ContractRow, DataUsageReadModel } from "./readModel.ts";
import type { InsightsReadModel } from "./readModelInsights.ts";
import type { DataUsageRepository } from "./repository.ts";
import { registerBrokerRoutes } from "./routesBroker.ts";
import { registerInsightRoutes } from "./routesInsights.ts";
import { registerCustodyRoutes, registerKeyShareRoutes, registerShareRoutes } from "./routesShare.ts";
import { registerSubscriberRoutes } from "./routesSubscriber.ts";
import {
  AnchoredSchema,
  ConsultationSchema,
  ContractSchema,
  ContractsQuery,
  CreateBody,
  CreatedSchema,
  DecideBody,
  DecisionSchema,
  IdParams,
  ImportedSchema,
  PackageSchema,
  ReceiptCheckSchema,
  ReceiptSchema,
  RevokeBody,
  RevokedSchema,
  TransferBody,
  TransferredSchema,
  UseBody,
  UsedSchema,
} from "./schemas.ts";
import type { ConsentReceipt, DataUsageService, TransferPackage } from "./service.ts";
import type { ShareService } from "./shareService.ts";
import type { SubscriberService } from "./subscriberService.ts";

const tags = ["datausage"];

export interface DataUsageApiDeps {
  service: DataUsageService;
  readModel: DataUsageReadModel;
  repository: DataUsageRepository;
  index: DecisionIndex;
  insights: InsightsService;
  insightsReadModel: InsightsReadModel;
  subscribers: SubscriberService;
  brokers: BrokerService;
  shares: ShareService;
  custody: CustodyService;
  keyShares: KeyShareService;
}

export function dataUsageApiModule({
  service,
  readModel,
  repository,
  index,
  insights,
  insightsReadModel,
  subscribers,
  brokers,
  shares,
  custody,
  keyShares,
}: DataUsageApiDeps): ApiModule {
  const view = async (r: ContractRow) => {
    const revoked = index.revokedAncestor(r.id) ?? null;
    return {
      id: r.id,
      controller: r.controller,
      parent: r.parent,
      root: r.root,
      depth: Number(r.depth),
      maxDepth: Number(r.max_depth),
      subjectFingerprint: r.subject_fingerprint,
      dataFingerprint: r.data_fingerprint,
      policyFingerprint: r.policy_fingerprint,
      policyStructure: r.policy_structure,
      consentHash: r.consent_hash,
      createdAt: Number(r.created_at),
      revokedAt: Number(r.revoked_at),
      revokedAncestor: revoked,
      active: revoked === null,
      held: (await repository.holding(r.id)) !== undefined,
      blockNumber: Number(r.block_number),
    };
  };

  return {
    name: "datausage",
    tags: [{ name: "datausage", description: "Data usage contracts, ODRL usage control, consent receipts (DTM-001)" }],
    register(app) {
      app.post(
        "/v1/datausage/contracts",
        {
          schema: {
            summary: "Create a subject's data usage contract with this member as controller (fingerprints on chain)",
            tags,
            operationId: "datausageCreate",
            body: CreateBody,
            response: { 200: CreatedSchema, ...writeErrors("DATAUSAGE_INVALID_POLICY") },
          },
          config: { auth: "operator" },
        },
        async (request) =>
          service.create({
            ...request.body,
            data: request.body.data as DataRecord,
            policy: request.body.policy as OdrlPolicy,
            recipients: request.body.recipients as Address[],
          }),
      );

      app.get(
        "/v1/datausage/contracts",
        {
          schema: {
            summary: "Data usage contracts on the ledger in id order, optionally one controller's",
            tags,
            operationId: "datausageListContracts",
            querystring: ContractsQuery,
            response: { 200: pageOf(ContractSchema), ...readErrors() },
          },
        },
        async (request) => {
          const page = pageRequest(request.query, 1);
          const after = page.after?.[0] === undefined ? undefined : String(page.after[0]);
          const rows = await readModel.contracts(page.limit, after, request.query.controller);
          const result = pageOfRows(rows, page.limit, (r) => [r.id]);
          return { items: await Promise.all(result.items.map(view)), nextCursor: result.nextCursor };
        },
      );

      app.get(
        "/v1/datausage/contracts/:id",
        {
          schema: {
            summary: "One data usage contract: fingerprints, chain of parents, whether it (or an ancestor) is revoked",
            tags,
            operationId: "datausageGetContract",
            params: IdParams,
            response: { 200: ContractSchema, ...readErrors("DATAUSAGE_UNKNOWN_CONTRACT") },
          },
        },
        async (request) => {
          const row = await readModel.contract(request.params.id);
          if (!row)
            throw new DataUsageError("DATAUSAGE_UNKNOWN_CONTRACT", `no data usage contract ${request.params.id}`, {
              field: "params.id",
            });
          return view(row);
        },
      );

      app.post(
        "/v1/datausage/contracts/:id/decisions",
        {
          schema: {
            summary: "What the contract's policy answers now for an action and purpose (nothing is used or recorded)",
            tags,
            operationId: "datausageDecide",
            params: IdParams,
            body: DecideBody,
            response: { 200: DecisionSchema, ...readErrors("DATAUSAGE_UNKNOWN_CONTRACT", "DATAUSAGE_NOT_HELD") },
          },
          config: { auth: "read-only" },
        },
        async (request) => {
          const d = await service.decide(
            request.params.id as Hex,
            request.body.action,
            request.body.purpose,
            request.body.recipient as Address | undefined,
          );
          return {
            contractId: request.params.id,
            verdict: d.verdict,
            reason: d.reason,
            modifications: [...d.modifications],
            obligations: [...d.obligations],
            notBefore: d.notBefore ?? null,
          };
        },
      );

      app.post(
        "/v1/datausage/contracts/:id/uses",
        {
          schema: {
            summary:
              "Use the data held under a contract: decided by its policy, modified where it says, consultation recorded",
            tags,
            operationId: "datausageUse",
            params: IdParams,
            body: UseBody,
            response: {
              200: UsedSchema,
              ...writeErrors(
                "DATAUSAGE_UNKNOWN_CONTRACT",
                "DATAUSAGE_NOT_HELD",
                "DATAUSAGE_DENIED",
                "DATAUSAGE_DELAYED",
              ),
            },
          },
          config: { auth: "operator" },
        },
        async (request) => service.use(request.params.id as Hex, request.body.purpose, request.body.activity),
      );

      app.post(
        "/v1/datausage/contracts/:id/transfers",
        {
          schema: {
            summary: "Transfer the data to a processor: decided by the policy and the contract, creating its contract",
            tags,
            operationId: "datausageTransfer",
            params: IdParams,
            body: TransferBody,
            response: {
              200: TransferredSchema,
              ...writeErrors(
                "DATAUSAGE_UNKNOWN_CONTRACT",
                "DATAUSAGE_NOT_HELD",
                "DATAUSAGE_DENIED",
                "DATAUSAGE_DELAYED",
              ),
            },
          },
          config: { auth: "operator" },
        },
        async (request) =>
          service.transfer(request.params.id as Hex, request.body.processor as Address, request.body.purpose),
      );

      app.post(
        "/v1/datausage/imports",
        {
          schema: {
            summary: "Take a transfer package as processor: checked against its contract on chain",
            tags,
            operationId: "datausageImport",
            body: PackageSchema,
            response: {
              200: ImportedSchema,
              ...writeErrors("DATAUSAGE_UNKNOWN_CONTRACT", "DATAUSAGE_PACKAGE_MISMATCH"),
            },
          },
          config: { auth: "operator" },
        },
        async (request) => service.importPackage(request.body as unknown as TransferPackage),
      );

      app.post(
        "/v1/datausage/revocations",
        {
          schema: {
            summary:
              "Relay a subject's revocation (their secret opens the contract's commitment); stops every descendant",
            tags,
            operationId: "datausageRevoke",
            body: RevokeBody,
            response: {
              200: RevokedSchema,
              ...writeErrors("DATAUSAGE_UNKNOWN_CONTRACT", "DATAUSAGE_BAD_SECRET", "DATAUSAGE_ALREADY_REVOKED"),
            },
          },
          config: { auth: "operator" },
        },
        async (request) => service.revoke(request.body.contractId as Hex, request.body.secret as Hex),
      );

      app.post(
        "/v1/datausage/consultations/batches",
        {
          schema: {
            summary: "Anchor every pending consultation record of this agent in one batch (one Merkle root on chain)",
            tags,
            operationId: "datausageAnchor",
            response: { 200: AnchoredSchema, ...writeErrors("DATAUSAGE_NOTHING_TO_ANCHOR") },
          },
          config: { auth: "operator" },
        },
        async () => service.anchor(),
      );

      app.get(
        "/v1/datausage/contracts/:id/consultations",
        {
          schema: {
            summary: "This agent's consultation records of a contract, with batch, proof and the chain's verdict",
            tags,
            operationId: "datausageListConsultations",
            params: IdParams,
            querystring: PageQuerySchema,
            response: { 200: pageOf(ConsultationSchema), ...readErrors() },
          },
        },
        async (request) => {
          const page = pageRequest(request.query, 1);
          const after = page.after?.[0] === undefined ? undefined : String(page.after[0]);
          const rows = await service.consultations(request.params.id as Hex, page.limit, after);
          return pageOfRows(rows, page.limit, (c) => [c.leaf]);
        },
      );

      app.get(
        "/v1/datausage/contracts/:id/receipt",
        {
          schema: {
            summary: "The subject's consent receipt (ISO/IEC TS 27560 record) from the controller that issued it",
            tags,
            operationId: "datausageReceipt",
            params: IdParams,
            response: { 200: ReceiptSchema, ...readErrors("DATAUSAGE_NOT_HELD") },
          },
        },
        async (request) => service.receipt(request.params.id as Hex),
      );

      app.post(
        "/v1/datausage/receipts/checks",
        {
          schema: {
            summary: "Check a consent receipt against the chain (its hash must be the contract's consentHash)",
            tags,
            operationId: "datausageCheckReceipt",
            body: ReceiptSchema,
            response: { 200: ReceiptCheckSchema, ...readErrors() },
          },
          config: { auth: "read-only" },
        },
        async (request) => service.verifyReceipt(request.body as unknown as ConsentReceipt),
      );

      registerInsightRoutes(app, insights, insightsReadModel);
      registerSubscriberRoutes(app, subscribers, insightsReadModel);
      registerBrokerRoutes(app, brokers);
      registerShareRoutes(app, shares, insightsReadModel);
      registerCustodyRoutes(app, custody);
      registerKeyShareRoutes(app, keyShares);
    },
  };
}
