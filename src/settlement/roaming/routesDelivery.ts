// The agent-to-agent delivery of a batch's records (delivery.ts): the visited operator's agent is asked to deliver,
// and the home operator's agent takes the sealed envelope at its inbox. The inbox needs no API key: the envelope's
// signature by the batch's visited operator is the credential, checked with the encryption, expiry, single use and
// schema before anything is rated or confirmed. Schemas and a call into the service.
import type { Hex } from "viem";
import { type ApiApp, writeErrors } from "../../core/api/index.ts";
import { type BatchDelivery, INBOX_PATH } from "./delivery.ts";
import { BatchParams, DeliverResult, InboxBody, MAX_ENVELOPE_CHARS, ReceiveResult } from "./schemas.ts";

const tags = ["settlement"];
const ENVELOPE_ERRORS = [
  "MESSAGE_UNDECRYPTABLE",
  "MESSAGE_SIGNATURE_INVALID",
  "MESSAGE_WRONG_RECIPIENT",
  "MESSAGE_EXPIRED",
  "MESSAGE_REPLAYED",
  "DID_RESOLUTION_FAILED",
];

export function registerDeliveryRoutes(app: ApiApp, delivery: BatchDelivery): void {
  app.post(
    "/v1/settlement/batches/:batchId/deliver",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "The visited operator's agent seals the batch's records and salt to the home operator (signed by this member's DID, encrypted to the home operator's key) and posts them to the home agent's inbox, which confirms",
        tags,
        operationId: "deliverSettlementBatch",
        params: BatchParams,
        response: {
          200: DeliverResult,
          ...writeErrors(
            "SETTLEMENT_BATCH_NOT_FOUND",
            "SETTLEMENT_NOT_PARTY",
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_RECORDS_UNKNOWN",
            "SETTLEMENT_PEER_UNKNOWN",
            "SETTLEMENT_DELIVERY_FAILED",
            "DID_NOT_HOSTED",
            "DID_NO_SIGNING_KEY",
          ),
        },
      },
    },
    async (request) => delivery.deliver((request.params as { batchId: Hex }).batchId),
  );
  app.post(
    INBOX_PATH,
    {
      // No API key: the envelope is signed by the batch's visited operator, checked before anything else is done.
      config: { auth: "public" },
      bodyLimit: MAX_ENVELOPE_CHARS + 1024,
      schema: {
        summary:
          "Home operator's inbox: a batch delivered by its visited operator's agent, opened, checked (signer is the batch's visited operator on chain, addressed to this member, unexpired, first use) and confirmed as .../confirm does",
        tags,
        operationId: "receiveSettlementBatch",
        body: InboxBody,
        response: {
          200: ReceiveResult,
          ...writeErrors(
            ...ENVELOPE_ERRORS,
            "SETTLEMENT_BATCH_NOT_FOUND",
            "SETTLEMENT_NOT_PARTY",
            "SETTLEMENT_SENDER_NOT_VISITED",
            "SETTLEMENT_PEER_UNKNOWN",
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_TERMS_UNKNOWN",
            "SETTLEMENT_BATCH_MISMATCH",
          ),
        },
      },
    },
    async (request) => delivery.receive((request.body as { envelope: string }).envelope),
  );
}
