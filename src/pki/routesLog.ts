// REST API of the PKI transparency log: the tree head and checkpoints, anchoring (log operator), co-signing
// (witnesses), inclusion and consistency proofs from the read model, and the client-side check of a proof against a
// witnessed checkpoint.
import { Type } from "@sinclair/typebox";
import type { ApiApp } from "../core/api/index.ts";
import { AddressSchema, Bytes32Schema, readErrors, strictObject, writeErrors } from "../core/api/index.ts";
import type { TransparencyLog } from "./log/transparencyLog.ts";

const tags = ["pki"];
/** A proof has at most log2(2^63) hashes; no real log comes near. */
const MAX_PROOF = 64;
const MAX_WITNESSES = 64;

const CheckpointSchema = strictObject({
  treeSize: Type.Integer(),
  rootHash: Bytes32Schema,
  operator: AddressSchema,
  cosignatures: Type.Integer(),
  blockNumber: Type.Integer(),
});
const NullableCheckpoint = Type.Union([CheckpointSchema, Type.Null()]);
const Proof = Type.Array(Bytes32Schema, { maxItems: MAX_PROOF });
const Witnesses = Type.Array(AddressSchema, { maxItems: MAX_WITNESSES });
const TreeSize = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });

export function registerLogRoutes(app: ApiApp, log: TransparencyLog): void {
  app.get(
    "/v1/pki/log",
    {
      schema: {
        summary: "The log's head in this agent's copy, the latest anchored and the latest witnessed checkpoints",
        tags,
        operationId: "pkiLogHead",
        response: {
          200: strictObject({
            treeSize: Type.Integer(),
            rootHash: Bytes32Schema,
            latest: NullableCheckpoint,
            witnessed: NullableCheckpoint,
          }),
          ...readErrors(),
        },
      },
    },
    async () => log.head(),
  );

  app.post(
    "/v1/pki/log/checkpoints",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As the log operator: anchor the current tree head on chain (idempotent)",
        tags,
        operationId: "pkiLogAnchor",
        body: strictObject({}),
        response: { 200: CheckpointSchema, ...writeErrors("PKI_LOG_EMPTY", "PKI_LOG_CHECKPOINT_NOT_FOUND") },
      },
    },
    async () => log.anchor(),
  );

  app.post(
    "/v1/pki/log/checkpoints/:treeSize/cosign",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As a witness: recompute the root from this agent's own log and co-sign the checkpoint if it matches",
        tags,
        operationId: "pkiLogCosign",
        params: strictObject({ treeSize: TreeSize }),
        response: {
          200: strictObject({ ...CheckpointSchema.properties, witnesses: Witnesses }),
          ...writeErrors("PKI_LOG_CHECKPOINT_NOT_FOUND", "PKI_LOG_ROOT_MISMATCH"),
        },
      },
    },
    async (request) => log.cosign(request.params.treeSize),
  );

  app.get(
    "/v1/pki/log/proofs/inclusion",
    {
      schema: {
        summary: "Inclusion proof of a certificate (by SHA-256) in a checkpoint (default: the latest witnessed)",
        tags,
        operationId: "pkiLogInclusion",
        querystring: strictObject({ sha256: Bytes32Schema, treeSize: Type.Optional(TreeSize) }),
        response: {
          200: strictObject({
            applicationId: Bytes32Schema,
            leafIndex: Type.Integer(),
            leafHash: Bytes32Schema,
            treeSize: Type.Integer(),
            rootHash: Bytes32Schema,
            proof: Proof,
            cosignatures: Type.Integer(),
            witnesses: Witnesses,
          }),
          ...readErrors("PKI_CERTIFICATE_NOT_FOUND", "PKI_LOG_CHECKPOINT_NOT_FOUND", "PKI_LOG_NOT_INCLUDED"),
        },
      },
    },
    async (request) => log.inclusion(request.query.sha256 as `0x${string}`, request.query.treeSize),
  );

  app.get(
    "/v1/pki/log/proofs/consistency",
    {
      schema: {
        summary: "Consistency proof between two anchored checkpoints",
        tags,
        operationId: "pkiLogConsistency",
        querystring: strictObject({ first: TreeSize, second: TreeSize }),
        response: {
          200: strictObject({ first: CheckpointSchema, second: CheckpointSchema, proof: Proof }),
          ...readErrors("PKI_LOG_CHECKPOINT_NOT_FOUND"),
        },
      },
    },
    async (request) => log.consistency(request.query.first, request.query.second),
  );

  app.post(
    "/v1/pki/log/proofs/inclusion/verify",
    {
      config: { auth: "read-only" },
      schema: {
        summary:
          "Check an inclusion proof: its view must be a witnessed checkpoint on chain, its path lead to the root",
        tags,
        operationId: "pkiLogVerifyInclusion",
        body: strictObject({
          leafHash: Bytes32Schema,
          leafIndex: Type.Integer({ minimum: 0 }),
          treeSize: TreeSize,
          rootHash: Bytes32Schema,
          proof: Proof,
        }),
        response: {
          200: strictObject({ included: Type.Boolean(), checkpoint: CheckpointSchema, witnesses: Witnesses }),
          ...readErrors("PKI_LOG_VIEW_UNWITNESSED", "PKI_INCLUSION_PROOF_INVALID"),
        },
      },
    },
    async (request) => log.verifyInclusion(request.body as Parameters<TransparencyLog["verifyInclusion"]>[0]),
  );
}
