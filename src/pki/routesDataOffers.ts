// REST API of paid data offers (DataOffers, ENT-001). Client: request data for a query, see the offers, pay one
// (approve + pay in the settlement token), fetch the data from the provider's agent and check its proof. Provider:
// add a data file (time-stamped as it is added), offer it on a request or publish it free, grant the paying client
// access, and serve the data to that client only (a public route: the client's member signature is the credential).
import { randomBytes } from "node:crypto";
import { Type } from "@sinclair/typebox";
import type { ApiApp } from "../core/api/index.ts";
import {
  AddressSchema,
  Bytes32Schema,
  invalidField,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  pageRequest,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../core/api/index.ts";
import type { DataOfferService } from "./offers/service.ts";
import { StampSchema } from "./routesTimestamps.ts";

const tags = ["pki"];
/** A data file of at most 256 KiB: base64 grows it by a third, under the API's 1 MiB body limit. */
const MAX_CONTENT_BASE64 = 349_528;
const MAX_OFFERS = 100;
const QueryText = Type.String({
  minLength: 1,
  maxLength: 200,
  description: "what the data is about, e.g. `tile:31UDQ:2026-11-30` (public facts; keyed as keccak256 of the text)",
});
const Price = Type.String({ pattern: "^[0-9]{1,30}$", description: "settlement-token minor units (1250 = 12.50 EUR)" });
const Id = strictObject({ id: Bytes32Schema });
const RequestState = Type.Union([Type.Literal("open"), Type.Literal("served"), Type.Literal("paid")]);
const OfferSchema = strictObject({
  offerId: Bytes32Schema,
  requestId: Bytes32Schema,
  provider: AddressSchema,
  price: Price,
  dataRoot: Bytes32Schema,
  blockNumber: Type.Integer(),
  paid: Type.Boolean(),
  access: Type.Union([
    Type.Null(),
    strictObject({ accessRef: Bytes32Schema, blockNumber: Type.Integer(), txHash: TxHashSchema }),
  ]),
});
const RequestSchema = strictObject({
  requestId: Bytes32Schema,
  client: AddressSchema,
  query: Bytes32Schema,
  state: RequestState,
  dataset: Type.Union([
    Type.Null(),
    strictObject({ datasetId: Bytes32Schema, provider: AddressSchema, dataRoot: Bytes32Schema }),
  ]),
  payment: Type.Union([
    Type.Null(),
    strictObject({
      offerId: Bytes32Schema,
      provider: AddressSchema,
      price: Price,
      blockNumber: Type.Integer(),
      txHash: TxHashSchema,
    }),
  ]),
  blockNumber: Type.Integer(),
  txHash: TxHashSchema,
});
const RequestDetailSchema = strictObject({
  ...RequestSchema.properties,
  offers: Type.Array(OfferSchema, { maxItems: MAX_OFFERS }),
});
const OfferWritten = strictObject({ offer: OfferSchema, txHash: TxHashSchema });
const DeliverySchema = strictObject({
  requestId: Bytes32Schema,
  saleId: Bytes32Schema,
  mediaType: Type.String(),
  content: Type.String({ description: "the data, base64" }),
  digest: Bytes32Schema,
  stamp: StampSchema,
});
const FileBody = strictObject({
  content: Type.String({ minLength: 1, maxLength: MAX_CONTENT_BASE64, description: "the data file, base64" }),
  mediaType: Type.String({ minLength: 1, maxLength: 100, pattern: "^[a-z]+/[a-zA-Z0-9.+-]+$" }),
});
const TimestampedBody = { digest: Bytes32Schema, dataRoot: Bytes32Schema };
const salt = () => `0x${randomBytes(32).toString("hex")}` as const;

export function registerDataOfferRoutes(app: ApiApp, offers: DataOfferService): void {
  registerProviderRoutes(app, offers);
  registerClientRoutes(app, offers);
}

function registerProviderRoutes(app: ApiApp, offers: DataOfferService): void {
  app.post(
    "/v1/pki/data-offers/files",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Provider: keep a data file this agent serves, time-stamped as it is added (its SHA-256 anchored)",
        tags,
        operationId: "pkiDataFileAdd",
        body: FileBody,
        response: {
          201: strictObject({
            digest: Bytes32Schema,
            mediaType: Type.String(),
            size: Type.Integer(),
            stamp: StampSchema,
          }),
          ...writeErrors("PKI_INVALID_INPUT"),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await offers.addFile(request.body.content, request.body.mediaType)),
  );

  app.post(
    "/v1/pki/data-offers/datasets",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Provider: publish a data file as free data for a query; requests for it are served at once",
        tags,
        operationId: "pkiDataFreePublish",
        body: strictObject({ query: QueryText, ...TimestampedBody }),
        response: {
          201: strictObject({
            datasetId: Bytes32Schema,
            query: Bytes32Schema,
            dataRoot: Bytes32Schema,
            txHash: TxHashSchema,
          }),
          ...writeErrors("PKI_DATA_FILE_NOT_FOUND", "PKI_DATA_NOT_TIMESTAMPED"),
        },
      },
    },
    async (request, reply) => {
      const { query, digest, dataRoot } = request.body;
      return reply
        .code(201)
        .send(
          await offers.publishFree(query, { digest: digest as `0x${string}`, dataRoot: dataRoot as `0x${string}` }),
        );
    },
  );

  app.post(
    "/v1/pki/data-offers/requests/:id/offers",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Provider: offer a data file on an open request at a price, under the root it was time-stamped in",
        tags,
        operationId: "pkiDataOffer",
        params: Id,
        body: strictObject({ price: Price, ...TimestampedBody }),
        response: {
          201: OfferWritten,
          ...writeErrors(
            "PKI_INVALID_INPUT",
            "PKI_DATA_REQUEST_NOT_FOUND",
            "PKI_DATA_REQUEST_NOT_OPEN",
            "PKI_DATA_NOT_PROVIDER",
            "PKI_DATA_FILE_NOT_FOUND",
            "PKI_DATA_NOT_TIMESTAMPED",
          ),
        },
      },
    },
    async (request, reply) => {
      const { price, digest, dataRoot } = request.body;
      const input = { price, digest: digest as `0x${string}`, dataRoot: dataRoot as `0x${string}` };
      return reply.code(201).send(await offers.offer(request.params.id as `0x${string}`, input));
    },
  );

  app.post(
    "/v1/pki/data-offers/offers/:id/grant",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Provider: record on chain the access granted to the client that paid this offer (once)",
        tags,
        operationId: "pkiDataGrant",
        params: Id,
        body: strictObject({}),
        response: {
          200: OfferWritten,
          ...writeErrors(
            "PKI_DATA_OFFER_NOT_FOUND",
            "PKI_DATA_NOT_PROVIDER",
            "PKI_DATA_ACCESS_NOT_DUE",
            "PKI_DATA_FILE_NOT_FOUND",
          ),
        },
      },
    },
    async (request) => offers.grant(request.params.id as `0x${string}`),
  );

  app.get(
    "/v1/pki/data-offers/requests/:id/data",
    {
      // No API key: the requesting member's EIP-191 signature over (chain, contract, request, expiry) is the credential.
      config: { auth: "public" },
      schema: {
        summary: "Provider's data API: the data and its timestamp proof, to the member that paid for it only",
        description:
          "`signature` is the requesting member's EIP-191 signature of keccak256(abi.encode(" +
          '"telco-ledger/pki/data-access/v1", chainId, DataOffers, requestId, expires)); `expires` at most 300 s ahead.',
        tags,
        operationId: "pkiDataDeliver",
        params: Id,
        querystring: strictObject({
          expires: Type.Integer({ minimum: 0, maximum: 2 ** 40, description: "seconds since the epoch" }),
          signature: Type.String({ pattern: "^0x[0-9a-fA-F]{130}$" }),
        }),
        response: {
          200: DeliverySchema,
          ...readErrors(
            "PKI_DATA_ACCESS_DENIED",
            "PKI_DATA_REQUEST_NOT_FOUND",
            "PKI_DATA_OFFER_NOT_FOUND",
            "PKI_DATA_FILE_NOT_FOUND",
            "PKI_DATA_NOT_TIMESTAMPED",
          ),
        },
      },
    },
    async (request) =>
      offers.deliver(
        request.params.id as `0x${string}`,
        request.query.expires,
        request.query.signature as `0x${string}`,
      ),
  );
}

function registerClientRoutes(app: ApiApp, offers: DataOfferService): void {
  app.post(
    "/v1/pki/data-offers/requests",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Client: request data on a query; served at once from a free dataset, else a call for offers",
        description: "The id derives from this member, the query key and a salt, as the contract derives it.",
        tags,
        operationId: "pkiDataRequest",
        body: strictObject({ query: QueryText }),
        response: { 201: strictObject({ request: RequestSchema, txHash: TxHashSchema }), ...writeErrors() },
      },
    },
    async (request, reply) => reply.code(201).send(await offers.request(request.body.query, salt())),
  );

  app.get(
    "/v1/pki/data-offers/requests",
    {
      schema: {
        summary: "Data requests on the ledger in ledger order, optionally in one state or one client's",
        tags,
        operationId: "pkiDataRequests",
        querystring: strictObject({
          ...PageQuerySchema.properties,
          state: Type.Optional(RequestState),
          client: Type.Optional(AddressSchema),
        }),
        response: { 200: pageOf(RequestSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query, 2);
      if (after && (typeof after[0] !== "number" || typeof after[1] !== "string")) {
        throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
      }
      const { state, client } = request.query;
      const filter = { ...(state ? { state } : {}), ...(client ? { client: client as `0x${string}` } : {}) };
      const rows = await offers.requests(filter, limit, after as [number, string] | undefined);
      return pageOfRows(rows, limit, (r) => [r.blockNumber, r.requestId]);
    },
  );

  app.get(
    "/v1/pki/data-offers/requests/:id",
    {
      schema: {
        summary: "A data request: its state, the free dataset or payment, and its offers (with their grants)",
        tags,
        operationId: "pkiDataRequestGet",
        params: Id,
        response: { 200: RequestDetailSchema, ...readErrors("PKI_DATA_REQUEST_NOT_FOUND") },
      },
    },
    async (request) => offers.requestView(request.params.id as `0x${string}`),
  );

  app.post(
    "/v1/pki/data-offers/offers/:id/pay",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Client: pay an offer on its own request (approve, then the contract pulls the price to the provider)",
        description: "A request is paid once: paying it again, or another of its offers, is PKI_DATA_ALREADY_PAID.",
        tags,
        operationId: "pkiDataPay",
        params: Id,
        body: strictObject({}),
        response: {
          200: strictObject({
            offer: OfferSchema,
            price: Price,
            provider: AddressSchema,
            balance: Type.String({ description: "this member's balance after paying, minor units" }),
            txHash: TxHashSchema,
          }),
          ...writeErrors(
            "PKI_DATA_OFFER_NOT_FOUND",
            "PKI_DATA_NOT_CLIENT",
            "PKI_DATA_ALREADY_PAID",
            "PKI_DATA_REQUEST_NOT_OPEN",
            "PKI_DATA_BALANCE_TOO_LOW",
          ),
        },
      },
    },
    async (request) => offers.pay(request.params.id as `0x${string}`),
  );

  app.post(
    "/v1/pki/data-offers/requests/:id/fetch",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Client: fetch the data from the provider's agent, signed as this member, and check its proof",
        tags,
        operationId: "pkiDataFetch",
        params: Id,
        body: strictObject({
          providerUrl: Type.String({
            pattern: "^https?://[^\\s/?#]+/?$",
            maxLength: 300,
            description: "the provider agent's base URL",
          }),
        }),
        response: {
          200: strictObject({
            ...DeliverySchema.properties,
            verified: Type.Literal(true),
            anchor: strictObject({
              submitter: AddressSchema,
              count: Type.Integer(),
              anchoredAt: Type.Integer(),
              blockNumber: Type.Integer(),
            }),
          }),
          ...writeErrors(
            "PKI_DATA_REQUEST_NOT_FOUND",
            "PKI_DATA_NOT_CLIENT",
            "PKI_DATA_ACCESS_DENIED",
            "PKI_DATA_FILE_NOT_FOUND",
            "PKI_DATA_NOT_TIMESTAMPED",
            "PKI_DATA_PROOF_INVALID",
            "PKI_DATA_FETCH_FAILED",
          ),
        },
      },
    },
    async (request) => {
      // The pattern lets through hosts WHATWG URL parsing refuses (schemathesis sent lone surrogates): name the field.
      if (!URL.canParse(request.body.providerUrl)) throw invalidField("body.providerUrl", "is not a URL");
      return offers.fetch(request.params.id as `0x${string}`, request.body.providerUrl);
    },
  );
}
