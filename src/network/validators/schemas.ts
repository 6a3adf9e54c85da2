// TypeBox schemas of the network domain's API: validators decided by governance, changes, and the node's own view.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../../core/api/index.ts";
import { CHANGE_KINDS } from "./service.ts";

export { PageQuerySchema };

export const ValidatorSchema = strictObject({
  signer: AddressSchema,
  operator: AddressSchema,
  changeId: Bytes32Schema,
  addedBlock: Type.Integer(),
});

export const ValidatorChangeSchema = strictObject({
  id: Bytes32Schema,
  kind: Type.Union(CHANGE_KINDS.map((k) => Type.Literal(k))),
  signer: AddressSchema,
  operator: AddressSchema,
  proposer: AddressSchema,
  deadline: Type.Integer({ description: "Unix seconds; a pending change past it reads as expired" }),
  status: Type.Union(["pending", "executed", "canceled", "expired"].map((s) => Type.Literal(s))),
  approvals: Type.Integer({ description: "Approvals of governors in office (the proposer's included)" }),
  proposedBlock: Type.Integer(),
  decidedBlock: Type.Union([Type.Integer(), Type.Null()]),
});

export const ProposeChangeBodySchema = strictObject({
  kind: Type.Union(CHANGE_KINDS.map((k) => Type.Literal(k))),
  signer: AddressSchema,
  operator: Type.Optional({ ...AddressSchema, description: "The member running the node (default: this member)" }),
  votingPeriodSeconds: Type.Optional(Type.Integer({ minimum: 600, maximum: 30 * 24 * 3600 })),
});

export const ChangeIdParams = strictObject({ changeId: Bytes32Schema });

export const ChangeCreatedSchema = strictObject({ changeId: Bytes32Schema, txHash: TxHashSchema });
export const TxResultSchema = strictObject({ txHash: TxHashSchema });

export const EngineSchema = strictObject({
  signers: Type.Union([Type.Array(AddressSchema, { maxItems: 1000 }), Type.Null()], {
    description: "The node's signer set (clique_getSigners); null when the engine has no Clique API",
  }),
  votes: Type.Union([Type.Record(Type.String(), Type.Boolean()), Type.Null()], {
    description: "The node's own pending votes: signer -> add (true) or remove (false)",
  }),
});
