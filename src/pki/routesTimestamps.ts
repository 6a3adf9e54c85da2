// REST API of proof of existence: anchoring file digests (batched Merkle roots on the TimestampLedger), a file's
// stamps, the check of a proof against the chain, and the RFC 3161 time-stamping interface (DER over HTTP, RFC 3161
// §3.4: application/timestamp-query in, application/timestamp-reply out) that `openssl ts` and other tools speak.
import { Type } from "@sinclair/typebox";
import type { ApiApp } from "../core/api/index.ts";
import {
  AddressSchema,
  Bytes32Schema,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../core/api/index.ts";
import type { TimestampAnchoring } from "./tsa/anchoring.ts";
import type { TimeStampAuthority } from "./tsa/authority.ts";

const tags = ["pki"];
/** Digests one call anchors at most (a batch may join several calls). */
const MAX_DIGESTS = 1000;
const MAX_PROOF = 64;
const MAX_STAMPS = 100;
/** A TimeStampReq with a SHA-256 imprint and a nonce is under 100 bytes; anything much larger is no request. */
const MAX_QUERY_BYTES = 4096;

const Proof = Type.Array(Bytes32Schema, { maxItems: MAX_PROOF });
export const StampSchema = strictObject({
  digest: Bytes32Schema,
  root: Bytes32Schema,
  leafIndex: Type.Integer(),
  treeSize: Type.Integer(),
  proof: Proof,
  submitter: AddressSchema,
  anchoredAt: Type.Integer({ description: "the anchoring block's time, seconds since the epoch" }),
  blockNumber: Type.Integer(),
  txHash: Type.Union([TxHashSchema, Type.Null()]),
});

export function registerTimestampRoutes(app: ApiApp, anchoring: TimestampAnchoring, tsa: TimeStampAuthority): void {
  app.post(
    "/v1/pki/timestamps",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Timestamp files by their SHA-256 digests (never the files): batched into a Merkle root anchored on chain",
        tags,
        operationId: "pkiTimestampsAnchor",
        body: strictObject({ digests: Type.Array(Bytes32Schema, { minItems: 1, maxItems: MAX_DIGESTS }) }),
        response: {
          200: strictObject({ stamps: Type.Array(StampSchema, { maxItems: MAX_DIGESTS }) }),
          ...writeErrors(),
        },
      },
    },
    async (request) => {
      const digests = request.body.digests.map((d) => Buffer.from(d.slice(2), "hex"));
      return { stamps: await anchoring.stamp(digests.map((d) => new Uint8Array(d))) };
    },
  );

  app.get(
    "/v1/pki/timestamps/:digest",
    {
      schema: {
        summary: "The stamps this agent anchored for a file digest, earliest first",
        tags,
        operationId: "pkiTimestampsOf",
        params: strictObject({ digest: Bytes32Schema }),
        response: {
          200: strictObject({ stamps: Type.Array(StampSchema, { maxItems: MAX_STAMPS }) }),
          ...readErrors("PKI_TIMESTAMP_NOT_FOUND"),
        },
      },
    },
    async (request) => ({
      stamps: (await anchoring.stamps(request.params.digest as `0x${string}`)).slice(0, MAX_STAMPS),
    }),
  );

  app.post(
    "/v1/pki/timestamps/verify",
    {
      config: { auth: "read-only" },
      schema: {
        summary: "Check a timestamp proof: the path must lead from the digest to a root anchored on chain",
        tags,
        operationId: "pkiTimestampsVerify",
        body: strictObject({
          digest: Bytes32Schema,
          root: Bytes32Schema,
          leafIndex: Type.Integer({ minimum: 0 }),
          treeSize: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }),
          proof: Proof,
        }),
        response: {
          200: strictObject({
            valid: Type.Boolean(),
            digest: Bytes32Schema,
            root: Bytes32Schema,
            submitter: AddressSchema,
            count: Type.Integer(),
            anchoredAt: Type.Integer(),
            blockNumber: Type.Integer(),
          }),
          ...readErrors("PKI_TIMESTAMP_PROOF_INVALID", "PKI_TIMESTAMP_NOT_ANCHORED"),
        },
      },
    },
    async (request) => anchoring.verify(request.body as Parameters<TimestampAnchoring["verify"]>[0]),
  );

  // RFC 3161 over HTTP: the body is a DER TimeStampReq, the answer a DER TimeStampResp (a refusal is a rejection
  // response naming the failure, as the RFC says, so standard clients read it).
  app.addContentTypeParser(
    "application/timestamp-query",
    { parseAs: "buffer", bodyLimit: MAX_QUERY_BYTES },
    (_request, body, done) => done(null, body),
  );
  app.post(
    "/v1/pki/tsa",
    {
      config: { auth: "operator" },
      schema: {
        summary: "RFC 3161 time-stamping: a DER TimeStampReq in, a DER TimeStampResp backed by a ledger anchor out",
        description:
          "Content-Type application/timestamp-query (as `openssl ts -query` writes it); the answer is " +
          "application/timestamp-reply. Only the member holding the issuing CA runs the TSA.",
        tags,
        operationId: "pkiTsa",
        response: {
          // Granted or not, the answer is a DER TimeStampResp: RFC 3161 carries a refusal (a malformed query, an
          // unknown policy) as a rejection status inside a 200, which is what standard clients read.
          200: {
            description: "DER TimeStampResp (granted, or rejection naming the failure)",
            content: { "application/timestamp-reply": { schema: { type: "string", format: "binary" } } },
          },
          ...writeErrors("PKI_NOT_ISSUER"),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const der = Buffer.isBuffer(body) ? new Uint8Array(body) : new Uint8Array();
      const { response } = await tsa.respond(der);
      return reply.type("application/timestamp-reply").send(Buffer.from(response));
    },
  );

  app.get(
    "/v1/pki/tsa/certificate",
    {
      schema: {
        summary: "The TSA's certificate (PEM), issued by the consortium's CA for timeStamping only",
        tags,
        operationId: "pkiTsaCertificate",
        response: { 200: strictObject({ certificate: Type.String() }), ...readErrors("PKI_NOT_ISSUER") },
      },
    },
    async () => ({ certificate: await tsa.certificatePem() }),
  );
}
