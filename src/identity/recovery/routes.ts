// Routes of social recovery (/v1/identity/recovery/{identity}): read an identity's guardianship and its recoveries;
// relay what the person signs (enrolment, custody hand-over, cancellation); act as this member when it is a guardian
// (propose, approve), the person's operator (record a SIM swap) or anyone (execute). Rules are the contract's.
import { Type } from "@sinclair/typebox";
import type { Address, Hex } from "viem";
import {
  AddressSchema,
  type ApiApp,
  Bytes32Schema,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../../core/api/index.ts";
import type { RecoveryService } from "./service.ts";

export interface RecoveryRoutesDeps {
  recovery: RecoveryService;
  chainId: number;
}

const SignatureSchema = Type.String({ pattern: "^0x[0-9a-fA-F]{130}$", description: "65-byte signature (r ‖ s ‖ v)" });
const MAX_GUARDIANS = 10;

const IdentityParams = strictObject({ identity: AddressSchema });
const RecoveryParams = strictObject({ identity: AddressSchema, recoveryId: Bytes32Schema });

const GuardianshipSchema = strictObject({
  identity: AddressSchema,
  controller: AddressSchema,
  guardians: Type.Array(AddressSchema, { maxItems: MAX_GUARDIANS }),
  threshold: Type.Integer(),
  delaySeconds: Type.Integer(),
  operator: Type.Union([AddressSchema, Type.Null()]),
  round: Type.String(),
  inCustody: Type.Boolean(),
  coolDownEndsAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  signer: AddressSchema,
  signerNonce: Type.String(),
  registry: AddressSchema,
  registryNonce: Type.String(),
  contract: AddressSchema,
  chainId: Type.Integer({ description: "The chain id of the EIP-712 domain a person signs in" }),
});

const RecoverySchema = strictObject({
  recoveryId: Bytes32Schema,
  identity: AddressSchema,
  newController: AddressSchema,
  approvals: Type.Integer(),
  threshold: Type.Integer(),
  readyAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  open: Type.Boolean(),
});

const ReceiptSchema = strictObject({ txHash: TxHashSchema });
const ProposedSchema = strictObject({ txHash: TxHashSchema, recoveryId: Bytes32Schema });

const EnrolBodySchema = strictObject({
  guardians: Type.Array(AddressSchema, { minItems: 1, maxItems: MAX_GUARDIANS }),
  threshold: Type.Integer({ minimum: 1, maximum: MAX_GUARDIANS }),
  delaySeconds: Type.Integer({ minimum: 0, maximum: 4_294_967_295 }),
  operator: Type.Optional(Type.Union([AddressSchema, Type.Null()])),
  signer: AddressSchema,
  signature: SignatureSchema,
});
const SignedBodySchema = strictObject({ signer: AddressSchema, signature: SignatureSchema });
const CustodyBodySchema = strictObject({ signature: SignatureSchema });
const ProposeBodySchema = strictObject({ newController: AddressSchema });

const RECOVERY_CODES = [
  "RECOVERY_NOT_ENROLLED",
  "RECOVERY_REFUSED",
  "RECOVERY_OPERATOR_COOLING_DOWN",
  "RECOVERY_THRESHOLD_NOT_MET",
  "RECOVERY_DELAY_RUNNING",
  "RECOVERY_UNKNOWN",
  "RECOVERY_CONFLICT",
];

const tags = ["recovery"];
const id = (a: string) => a as Address;

export function registerRecoveryRoutes(app: ApiApp, { recovery, chainId }: RecoveryRoutesDeps): void {
  app.get(
    "/v1/identity/recovery/:identity",
    {
      schema: {
        summary: "An identity's guardians, threshold, delay, operator guardian, custody and SIM-swap cool-down",
        description: "Also who signs the next enrolment or cancellation (`signer`) and with which nonce.",
        tags,
        operationId: "getGuardianship",
        params: IdentityParams,
        response: { 200: GuardianshipSchema, ...readErrors() },
      },
    },
    async (request) => ({
      ...(await recovery.guardianship(id(request.params.identity))),
      contract: recovery.contract,
      chainId,
    }),
  );

  app.post(
    "/v1/identity/recovery/:identity/enrolment",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Relay the person's signed enrolment: guardians, threshold m of n, delay, operator guardian",
        description:
          "The signer (the identity's ERC-1056 owner, or its controller in custody) signs EIP-712 Enrol " +
          "(domain SocialRecovery 1). Then hand the identity over with POST .../custody.",
        tags,
        operationId: "relayRecoveryEnrolment",
        params: IdentityParams,
        body: EnrolBodySchema,
        response: { 201: ReceiptSchema, ...writeErrors(...RECOVERY_CODES) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const receipt = await recovery.relayEnrolment({
        identity: id(request.params.identity),
        guardians: b.guardians.map(id),
        threshold: b.threshold,
        delaySeconds: b.delaySeconds,
        operator: b.operator ? id(b.operator) : null,
        signer: id(b.signer),
        signature: b.signature as Hex,
      });
      return reply.code(201).send(receipt);
    },
  );

  app.post(
    "/v1/identity/recovery/:identity/custody",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Relay the owner's ERC-1056 signature handing the identity to the SocialRecovery contract",
        tags,
        operationId: "relayRecoveryCustody",
        params: IdentityParams,
        body: CustodyBodySchema,
        response: { 201: ReceiptSchema, ...writeErrors(...RECOVERY_CODES) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await recovery.relayCustody(id(request.params.identity), request.body.signature as Hex)),
  );

  app.post(
    "/v1/identity/recovery/:identity/cancellation",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Relay the controller's signed cancellation of every open recovery of the identity",
        tags,
        operationId: "relayRecoveryCancellation",
        params: IdentityParams,
        body: SignedBodySchema,
        response: { 201: ReceiptSchema, ...writeErrors(...RECOVERY_CODES) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await recovery.relayCancellation(
            id(request.params.identity),
            id(request.body.signer),
            request.body.signature as Hex,
          ),
        ),
  );

  app.post(
    "/v1/identity/recovery/:identity/recoveries",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As a guardian, propose a new controller for the identity (this member's approval counts)",
        tags,
        operationId: "proposeRecovery",
        params: IdentityParams,
        body: ProposeBodySchema,
        response: { 201: ProposedSchema, ...writeErrors(...RECOVERY_CODES) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await recovery.propose(id(request.params.identity), id(request.body.newController))),
  );

  app.get(
    "/v1/identity/recovery/:identity/recoveries/:recoveryId",
    {
      schema: {
        summary: "A recovery: its new controller, valid approvals, threshold and when it may execute",
        tags,
        operationId: "getRecovery",
        params: RecoveryParams,
        response: { 200: RecoverySchema, ...readErrors("RECOVERY_UNKNOWN") },
      },
    },
    async (request) => await recovery.recovery(id(request.params.identity), request.params.recoveryId as Hex),
  );

  app.post(
    "/v1/identity/recovery/:identity/recoveries/:recoveryId/approvals",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As a guardian, approve a recovery (the operator guardian is refused during a SIM-swap cool-down)",
        tags,
        operationId: "approveRecovery",
        params: RecoveryParams,
        response: { 201: ReceiptSchema, ...writeErrors(...RECOVERY_CODES) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await recovery.approve(id(request.params.identity), request.params.recoveryId as Hex)),
  );

  app.post(
    "/v1/identity/recovery/:identity/recoveries/:recoveryId/execution",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Execute a recovery with its threshold met and its delay passed: the new controller owns the DID",
        tags,
        operationId: "executeRecovery",
        params: RecoveryParams,
        response: { 201: ReceiptSchema, ...writeErrors(...RECOVERY_CODES) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await recovery.execute(id(request.params.identity), request.params.recoveryId as Hex)),
  );

  app.post(
    "/v1/identity/recovery/:identity/sim-swaps",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As the identity's operator guardian, record a SIM swap of its number: the cool-down starts",
        description:
          "The operator keeps the number-to-identity mapping off chain; only the identity address goes on chain.",
        tags,
        operationId: "recordRecoverySimSwap",
        params: IdentityParams,
        response: { 201: ReceiptSchema, ...writeErrors(...RECOVERY_CODES) },
      },
    },
    async (request, reply) => reply.code(201).send(await recovery.recordSimSwap(id(request.params.identity))),
  );
}
