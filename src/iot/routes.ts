// REST API of the IoT domain under /v1/iot/: schemas, attesters, devices, attestations (issue on chain or off, import,
// revoke, read with status and proof), batches, relying-party policies and decisions. Schemas in schemas.ts; reads
// from the read model or the index through the service; writes through the service.
import type { Address, Hex } from "viem";
import { type ApiModule, pageOf, pageOfRows, pageRequest, readErrors, writeErrors } from "../core/api/index.ts";
import { IotError } from "./errors.ts";
import { type AttesterKindName, kindNames } from "./kinds.ts";
import type { IotReadModel } from "./readModel.ts";
import {
  AnchorBody,
  AnchoredSchema,
  AttestationSchema,
  AttesterParams,
  AttesterSchema,
  BatchParams,
  BatchSchema,
  BindingQuery,
  BindingSchema,
  CertificateChainBody,
  DecisionQuery,
  DecisionSchema,
  DeviceParams,
  DeviceRegisteredSchema,
  DeviceSchema,
  DocumentBody,
  FirmwareBody,
  FirmwareCheckBody,
  IdParams,
  ImportBody,
  IssueBody,
  OemCertificateBody,
  PeerAttestationBody,
  PolicyBody,
  PolicyParams,
  PolicyQuery,
  PolicySchema,
  RegisterDeviceBody,
  RegisterSchemaBody,
  RevocationDigestSchema,
  RevokedSchema,
  SchemaCreatedSchema,
  SchemaParams,
  SchemaSchema,
  SignedRevocationBody,
  SimBindingSchema,
  SubjectPageQuery,
  SubjectParams,
  TrustedChainSchema,
  UpdatesQuery,
  UpdatesSchema,
  VetBody,
  VettedSchema,
} from "./schemas.ts";
import { type IotService, type IssueInput, subjectOf } from "./service.ts";

const tags = ["iot"];

export function iotApiModule(service: IotService, readModel: IotReadModel): ApiModule {
  return {
    name: "iot",
    tags: [{ name: "iot", description: "IoT trust attributes: attestations about devices and relying-party policies" }],
    register(app) {
      app.post(
        "/v1/iot/schemas",
        {
          schema: {
            summary: "Register an attestation schema (id from its content and this member as creator)",
            tags,
            operationId: "iotRegisterSchema",
            body: RegisterSchemaBody,
            response: { 200: SchemaCreatedSchema, ...writeErrors() },
          },
          config: { auth: "operator" },
        },
        async (request) => service.registerSchema(request.body),
      );

      app.get(
        "/v1/iot/schemas/:schemaId",
        {
          schema: {
            summary: "One attestation schema",
            tags,
            operationId: "iotGetSchema",
            params: SchemaParams,
            response: { 200: SchemaSchema, ...readErrors("IOT_UNKNOWN_SCHEMA") },
          },
        },
        async (request) => {
          const row = await readModel.schema(request.params.schemaId as Hex);
          if (!row)
            throw new IotError("IOT_UNKNOWN_SCHEMA", `no schema ${request.params.schemaId}`, {
              field: "params.schemaId",
            });
          return {
            schemaId: row.schema_id,
            creator: row.creator,
            name: row.name,
            definition: row.definition,
            revocable: row.revocable === 1,
            attesterKinds: kindNames(row.attester_kinds),
            blockNumber: Number(row.block_number),
          };
        },
      );

      app.post(
        "/v1/iot/attesters",
        {
          schema: {
            summary: "Vet an attester DID address as one kind (TRUST_AUTHORITY members only)",
            tags,
            operationId: "iotVetAttester",
            body: VetBody,
            response: { 200: VettedSchema, ...writeErrors("IOT_NOT_TRUST_AUTHORITY") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.vetAttester(request.body.attester as Address, request.body.kind),
      );

      app.get(
        "/v1/iot/attesters/:attester",
        {
          schema: {
            summary: "An attester's kind now (vetted, a registered device as peer, or none)",
            tags,
            operationId: "iotGetAttester",
            params: AttesterParams,
            response: { 200: AttesterSchema, ...readErrors() },
          },
        },
        async (request) => {
          const attester = request.params.attester.toLowerCase() as Address;
          const row = await readModel.attester(attester);
          const device = row ? undefined : await readModel.device(attester);
          const kind: AttesterKindName | null = row ? (kindNames(row.kind)[0] ?? null) : device ? "peer" : null;
          return { attester, kind, vettedBy: row?.vetted_by ?? null };
        },
      );

      app.get(
        "/v1/iot/device-binding",
        {
          schema: {
            summary: "The digest a device signs (EIP-191) to be registered under this member as OEM",
            tags,
            operationId: "iotDeviceBinding",
            querystring: BindingQuery,
            response: { 200: BindingSchema, ...readErrors() },
          },
        },
        async (request) => {
          const { device, make, model } = request.query;
          return service.bindingDigest(device as Address, make, model);
        },
      );

      app.post(
        "/v1/iot/devices",
        {
          schema: {
            summary: "Register a device under this member as OEM, with the device key's signature of its binding",
            tags,
            operationId: "iotRegisterDevice",
            body: RegisterDeviceBody,
            response: { 200: DeviceRegisteredSchema, ...writeErrors("IOT_ATTESTER_NOT_VETTED") },
          },
          config: { auth: "operator" },
        },
        async (request) =>
          service.registerDevice({
            device: request.body.device as Address,
            make: request.body.make,
            model: request.body.model,
            signature: request.body.signature as Hex,
          }),
      );

      app.get(
        "/v1/iot/devices/:device",
        {
          schema: {
            summary: "A device: OEM, make, model, and the operator that attested its SIM-held key",
            tags,
            operationId: "iotGetDevice",
            params: DeviceParams,
            response: { 200: DeviceSchema, ...readErrors("IOT_UNKNOWN_DEVICE") },
          },
        },
        async (request) => {
          const row = await readModel.device(request.params.device as Address);
          if (!row)
            throw new IotError("IOT_UNKNOWN_DEVICE", `no device ${request.params.device}`, { field: "params.device" });
          return {
            device: row.device,
            oem: row.oem,
            modelId: row.model_id,
            make: row.make,
            model: row.model,
            simOperator: row.sim_operator,
          };
        },
      );

      app.post(
        "/v1/iot/devices/:device/sim-binding",
        {
          schema: {
            summary: "Attest, as the network operator, that the device's key is held in a SIM it issued (IoT SAFE)",
            tags,
            operationId: "iotAttestSimBinding",
            params: DeviceParams,
            response: { 200: SimBindingSchema, ...writeErrors("IOT_ATTESTER_NOT_VETTED", "IOT_UNKNOWN_DEVICE") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.attestSimKeyBinding(request.params.device as Address),
      );

      app.post(
        "/v1/iot/attestations",
        {
          schema: {
            summary:
              "Issue an attestation as this member: on chain, or off chain (a signed token, anchored in a batch)",
            tags,
            operationId: "iotIssueAttestation",
            body: IssueBody,
            response: { 200: AttestationSchema, ...writeErrors("IOT_UNKNOWN_SCHEMA", "IOT_ATTESTER_NOT_VETTED") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.issue(request.body as IssueInput),
      );

      app.post(
        "/v1/iot/attestations/import",
        {
          schema: {
            summary:
              "Import another attester's token (with batch id and proof when off chain), checked against the ledger",
            tags,
            operationId: "iotImportAttestation",
            body: ImportBody,
            response: {
              200: AttestationSchema,
              ...writeErrors("IOT_TOKEN_INVALID", "IOT_PROOF_MISMATCH", "IOT_UNKNOWN_BATCH", "IOT_NOT_ON_CHAIN"),
            },
          },
          config: { auth: "operator" },
        },
        async (request) =>
          service.importToken({
            jwt: request.body.jwt,
            ...(request.body.batchId ? { batchId: request.body.batchId as Hex } : {}),
            ...(request.body.proof ? { proof: request.body.proof as Hex[] } : {}),
            ...(request.body.peerSignature ? { peerSignature: request.body.peerSignature as Hex } : {}),
          }),
      );

      app.post(
        "/v1/iot/peer-attestations",
        {
          schema: {
            summary:
              "Accept a device's peer attestation (its token and its signature of the payload id) to relay it in this member's next peer batch",
            tags,
            operationId: "iotAcceptPeerAttestation",
            body: PeerAttestationBody,
            response: {
              200: AttestationSchema,
              ...writeErrors("IOT_TOKEN_INVALID", "IOT_ATTESTER_NOT_VETTED", "IOT_UNKNOWN_SCHEMA"),
            },
          },
          config: { auth: "operator" },
        },
        async (request) => service.acceptPeer({ jwt: request.body.jwt, signature: request.body.signature as Hex }),
      );

      app.post(
        "/v1/iot/peer-batches",
        {
          schema: {
            summary: "Anchor the devices' peer attestations this member relays under one Merkle root",
            tags,
            operationId: "iotAnchorPeerBatch",
            body: AnchorBody,
            response: { 200: AnchoredSchema, ...writeErrors("IOT_NOTHING_TO_ANCHOR", "IOT_ATTESTER_NOT_VETTED") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.anchor(request.body.max, "peer"),
      );

      app.get(
        "/v1/iot/attestations/:id",
        {
          schema: {
            summary: "One attestation, on chain or off, with its status now (or why not valid) and its proof",
            tags,
            operationId: "iotGetAttestation",
            params: IdParams,
            response: { 200: AttestationSchema, ...readErrors("IOT_UNKNOWN_ATTESTATION") },
          },
        },
        async (request) => service.attestation(request.params.id as Hex),
      );

      app.post(
        "/v1/iot/attestations/:id/revoke",
        {
          schema: {
            summary: "Revoke one of this member's attestations (on chain by id, off chain by its leaf)",
            tags,
            operationId: "iotRevokeAttestation",
            params: IdParams,
            response: { 200: RevokedSchema, ...writeErrors("IOT_UNKNOWN_ATTESTATION", "IOT_NOT_ATTESTER") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.revoke(request.params.id as Hex),
      );

      app.get(
        "/v1/iot/attestations/:id/revocation-digest",
        {
          schema: {
            summary: "What the attester of an off-chain attestation (a device) signs to have it revoked by any relay",
            tags,
            operationId: "iotRevocationDigest",
            params: IdParams,
            response: { 200: RevocationDigestSchema, ...readErrors("IOT_UNKNOWN_ATTESTATION") },
          },
        },
        async (request) => service.revocationDigest(request.params.id as Hex),
      );

      app.post(
        "/v1/iot/attestations/:id/revoke-signed",
        {
          schema: {
            summary:
              "Relay the attester's signed revocation of an off-chain attestation (a device revoking its peer attestation)",
            tags,
            operationId: "iotRevokeSigned",
            params: IdParams,
            body: SignedRevocationBody,
            response: { 200: RevokedSchema, ...writeErrors("IOT_UNKNOWN_ATTESTATION", "IOT_NOT_ATTESTER") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.revokeSigned(request.params.id as Hex, request.body.signature as Hex),
      );

      app.get(
        "/v1/iot/subjects/:subject/attestations",
        {
          schema: {
            summary: "A subject's attestations, on chain and off alike, in id order",
            tags,
            operationId: "iotListAttestations",
            params: SubjectParams,
            querystring: SubjectPageQuery,
            response: { 200: pageOf(AttestationSchema), ...readErrors() },
          },
        },
        async (request) => {
          const page = pageRequest(request.query, 1);
          const rows = service.attestationsOf(
            subjectOf(request.params.subject, "params.subject"),
            page.limit,
            page.after?.[0] === undefined ? undefined : String(page.after[0]),
          );
          return pageOfRows(rows, page.limit, (a) => [a.id]);
        },
      );

      app.post(
        "/v1/iot/batches",
        {
          schema: {
            summary: "Anchor this member's pending off-chain attestations under one Merkle root",
            tags,
            operationId: "iotAnchorBatch",
            body: AnchorBody,
            response: { 200: AnchoredSchema, ...writeErrors("IOT_NOTHING_TO_ANCHOR") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.anchor(request.body.max),
      );

      app.get(
        "/v1/iot/batches/:batchId",
        {
          schema: {
            summary: "An anchored batch",
            tags,
            operationId: "iotGetBatch",
            params: BatchParams,
            response: { 200: BatchSchema, ...readErrors("IOT_UNKNOWN_BATCH") },
          },
        },
        async (request) => {
          const row = await readModel.batch(request.params.batchId as Hex);
          if (!row)
            throw new IotError("IOT_UNKNOWN_BATCH", `no batch ${request.params.batchId}`, { field: "params.batchId" });
          return {
            batchId: row.batch_id,
            attester: row.attester,
            root: row.root,
            count: Number(row.leaf_count),
            anchoredAt: Number(row.anchored_at),
            blockNumber: Number(row.block_number),
            txHash: row.tx_hash,
          };
        },
      );

      app.post(
        "/v1/iot/firmware",
        {
          schema: {
            summary: "Publish a firmware release of one of this OEM's models (a leaf of its log once anchored)",
            tags,
            operationId: "iotPublishFirmware",
            body: FirmwareBody,
            response: { 200: AttestationSchema, ...writeErrors("IOT_UNKNOWN_SCHEMA", "IOT_ATTESTER_NOT_VETTED") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.publishFirmware(request.body as never),
      );

      app.post(
        "/v1/iot/documents",
        {
          schema: {
            summary: "Publish a document (a manual) of one of this OEM's models",
            tags,
            operationId: "iotPublishDocument",
            body: DocumentBody,
            response: { 200: AttestationSchema, ...writeErrors("IOT_UNKNOWN_SCHEMA", "IOT_ATTESTER_NOT_VETTED") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.publishDocument(request.body as never),
      );

      app.get(
        "/v1/iot/devices/:device/updates",
        {
          schema: {
            summary: "For a gateway: newer firmware for the device's model and its documents, with inclusion proofs",
            tags,
            operationId: "iotPendingUpdates",
            params: DeviceParams,
            querystring: UpdatesQuery,
            response: { 200: UpdatesSchema, ...readErrors("IOT_UNKNOWN_DEVICE") },
          },
        },
        async (request) => service.updatesFor(request.params.device as Address, request.query.version),
      );

      app.post(
        "/v1/iot/firmware/check",
        {
          schema: {
            summary: "Whether a firmware image's hash is in the device OEM's log for its model",
            tags,
            operationId: "iotCheckFirmware",
            body: FirmwareCheckBody,
            response: { 200: AttestationSchema, ...writeErrors("IOT_UNKNOWN_DEVICE", "IOT_FIRMWARE_NOT_IN_LOG") },
          },
          config: { auth: "read-only" },
        },
        async (request) => service.checkFirmware(request.body.device as Address, request.body.sha256 as Hex),
      );

      app.post(
        "/v1/iot/oem-certificates",
        {
          schema: {
            summary: "As the OEM, attest its root or intermediate certificate (subject its SHA-256 fingerprint)",
            tags,
            operationId: "iotAttestOemCertificate",
            body: OemCertificateBody,
            response: {
              200: AttestationSchema,
              ...writeErrors("IOT_UNKNOWN_SCHEMA", "IOT_ATTESTER_NOT_VETTED"),
            },
          },
          config: { auth: "operator" },
        },
        async (request) => service.attestOemCertificate(request.body),
      );

      app.post(
        "/v1/iot/certificate-chains/verify",
        {
          schema: {
            summary: "Whether a device's certificate chain reaches an OEM certificate attested on the ledger",
            tags,
            operationId: "iotVerifyCertificateChain",
            body: CertificateChainBody,
            response: { 200: TrustedChainSchema, ...writeErrors("IOT_CERT_CHAIN_INVALID") },
          },
          config: { auth: "read-only" },
        },
        async (request) => service.verifyCertificateChain(request.body.chain),
      );

      app.put(
        "/v1/iot/policies/:policyId",
        {
          schema: {
            summary: "Store a new version of a relying-party policy (data: criteria, never code)",
            tags,
            operationId: "iotPutPolicy",
            params: PolicyParams,
            body: PolicyBody,
            response: { 200: PolicySchema, ...writeErrors("IOT_UNKNOWN_SCHEMA", "IOT_POLICY_VERSION_EXISTS") },
          },
          config: { auth: "operator" },
        },
        async (request) => service.putPolicy({ policyId: request.params.policyId, ...request.body } as never),
      );

      app.get(
        "/v1/iot/policies/:policyId",
        {
          schema: {
            summary: "A policy's latest version, or the one asked for",
            tags,
            operationId: "iotGetPolicy",
            params: PolicyParams,
            querystring: PolicyQuery,
            response: { 200: PolicySchema, ...readErrors("IOT_UNKNOWN_POLICY") },
          },
        },
        async (request) => service.policy(request.params.policyId, request.query.version),
      );

      app.get(
        "/v1/iot/subjects/:subject/decision",
        {
          schema: {
            summary: "A relying party's decision for one subject under a policy, per criterion with the attestations",
            tags,
            operationId: "iotDecide",
            params: SubjectParams,
            querystring: DecisionQuery,
            response: { 200: DecisionSchema, ...readErrors("IOT_UNKNOWN_POLICY") },
          },
        },
        async (request) =>
          service.decide(
            subjectOf(request.params.subject, "params.subject"),
            request.query.policyId,
            request.query.version,
          ),
      );
    },
  };
}
