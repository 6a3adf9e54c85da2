// Routes of the identity hubs (/v1/identity/hubs): a member's operator creates a hub for a person; from then on the
// person acts on it with requests signed by their DID or a device's (`Authorization: DID <JWT>`, requestAuth.ts), so
// these routes are "public" to the API-key layer and authenticated here, per request, before anything is read. The
// inbox takes messages from anyone (agents relaying to the person), addressed to the owner and bounded in number.
import { Type } from "@sinclair/typebox";
import { type Resolvable, Resolver } from "did-resolver";
import type { FastifyRequest } from "fastify";
import { type ApiApp, principalOf, readErrors, writeErrors } from "../../core/api/index.ts";
import { didKeyResolver } from "../../core/identity/didKey.ts";
import { SqlReplayGuard } from "../../core/identity/messages/index.ts";
import { pageOfRows, pageRequest } from "../../core/paging.ts";
import type { Store } from "../../core/store/index.ts";
import { HubPermissions } from "./permissions.ts";
import { HubStore } from "./repository.ts";
import { HubPermissionStore } from "./repositoryPermissions.ts";
import { registerHubPermissionRoutes } from "./routesPermissions.ts";
import {
  AddAliasBody,
  AddDeviceBody,
  AliasParams,
  ChangesQuery,
  CreateHubBody,
  DeleteItemQuery,
  DeviceParams,
  HubAliasList,
  HubAliasSchema,
  HubDeviceSchema,
  HubItemSchema,
  HubParams,
  HubSchema,
  HubWithDevicesSchema,
  InboxQuery,
  ItemPage,
  ItemParams,
  MessagePage,
  MessageParams,
  PutItemBody,
  RelayBody,
  RelayedSchema,
} from "./schemas.ts";
import { HubService, type SignedRequest } from "./service.ts";

const tags = ["identity-hubs"];
const SIGNED = [
  "HUB_NOT_FOUND",
  "HUB_REQUEST_UNSIGNED",
  "HUB_REQUEST_INVALID",
  "HUB_REQUEST_REPLAYED",
  "HUB_NOT_A_DEVICE",
];

const signed = (request: FastifyRequest): SignedRequest => ({
  authorization: request.headers.authorization,
  method: request.method,
  url: request.url,
  body: request.body,
});

type Paged = { limit?: number; cursor?: string; after?: number };
/** The sync point: the cursor of a page (the last change number returned) or `after` (the device's own record). */
const afterOf = (query: Paged) => {
  const page = pageRequest(query, 1);
  return { limit: page.limit, after: Number(page.after?.[0] ?? query.after ?? 0) };
};

export function registerHubRoutes(app: ApiApp, hubs: HubService): void {
  app.post(
    "/v1/identity/hubs",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Host an identity hub for a person's DID (a P-256 did:key their user agent made)",
        tags,
        operationId: "createIdentityHub",
        body: CreateHubBody,
        response: { 201: HubSchema, ...writeErrors("HUB_EXISTS", "DID_RESOLUTION_FAILED") },
      },
    },
    async (request, reply) => {
      const { owner } = request.body as { owner: string };
      return reply.code(201).send(await hubs.create(owner, principalOf(request).keyId));
    },
  );
  app.get(
    "/v1/identity/hubs/:did",
    {
      config: { auth: "public" },
      schema: {
        summary: "The hub and its devices (signed by the owner or a device)",
        tags,
        operationId: "getIdentityHub",
        params: HubParams,
        response: { 200: HubWithDevicesSchema, ...readErrors(...SIGNED) },
      },
    },
    async (request) => hubs.describe((request.params as { did: string }).did, signed(request)),
  );
  app.post(
    "/v1/identity/hubs/:did/devices",
    {
      config: { auth: "public" },
      schema: {
        summary: "Add a device (its own did:key) to the hub: signed by the owner DID only",
        tags,
        operationId: "addIdentityHubDevice",
        params: HubParams,
        body: AddDeviceBody,
        response: {
          201: HubDeviceSchema,
          ...writeErrors(
            ...SIGNED,
            "HUB_OWNER_ONLY",
            "HUB_QUOTA_EXCEEDED",
            "IDENTITY_INVALID_INPUT",
            "DID_RESOLUTION_FAILED",
          ),
        },
      },
    },
    async (request, reply) => {
      const { device, label } = request.body as { device: string; label: string };
      const added = await hubs.addDevice((request.params as { did: string }).did, signed(request), device, label);
      return reply.code(201).send(added);
    },
  );
  app.delete(
    "/v1/identity/hubs/:did/devices/:device",
    {
      config: { auth: "public" },
      schema: {
        summary: "Remove a device (lost or retired): its signature is refused from then on; signed by the owner DID",
        tags,
        operationId: "removeIdentityHubDevice",
        params: DeviceParams,
        response: { 204: Type.Null(), ...writeErrors(...SIGNED, "HUB_OWNER_ONLY", "HUB_DEVICE_NOT_FOUND") },
      },
    },
    async (request, reply) => {
      const { did, device } = request.params as { did: string; device: string };
      await hubs.removeDevice(did, signed(request), device);
      return reply.code(204).send(null);
    },
  );
  app.post(
    "/v1/identity/hubs/:did/aliases",
    {
      config: { auth: "public" },
      schema: {
        summary:
          "Register one of the person's pairwise DIDs as an alias: the inbox then takes messages for it; signed by the owner DID",
        tags,
        operationId: "addIdentityHubAlias",
        params: HubParams,
        body: AddAliasBody,
        response: {
          200: HubAliasSchema,
          201: HubAliasSchema,
          ...writeErrors(
            ...SIGNED,
            "HUB_OWNER_ONLY",
            "HUB_QUOTA_EXCEEDED",
            "IDENTITY_INVALID_INPUT",
            "DID_RESOLUTION_FAILED",
          ),
        },
      },
    },
    async (request, reply) => {
      const { alias } = request.body as { alias: string };
      const added = await hubs.addAlias((request.params as { did: string }).did, signed(request), alias);
      return reply.code(added.added ? 201 : 200).send(added);
    },
  );
  app.get(
    "/v1/identity/hubs/:did/aliases",
    {
      config: { auth: "public" },
      schema: {
        summary: "The hub's aliases (the person's pairwise DIDs it takes messages for), oldest first",
        tags,
        operationId: "listIdentityHubAliases",
        params: HubParams,
        response: { 200: HubAliasList, ...readErrors(...SIGNED) },
      },
    },
    async (request) => ({ aliases: await hubs.aliases((request.params as { did: string }).did, signed(request)) }),
  );
  app.delete(
    "/v1/identity/hubs/:did/aliases/:alias",
    {
      config: { auth: "public" },
      schema: {
        summary: "Remove an alias: messages for it are refused from then on; signed by the owner DID",
        tags,
        operationId: "removeIdentityHubAlias",
        params: AliasParams,
        response: { 204: Type.Null(), ...writeErrors(...SIGNED, "HUB_OWNER_ONLY", "HUB_ALIAS_NOT_FOUND") },
      },
    },
    async (request, reply) => {
      const { did, alias } = request.params as { did: string; alias: string };
      await hubs.removeAlias(did, signed(request), alias);
      return reply.code(204).send(null);
    },
  );
  app.put(
    "/v1/identity/hubs/:did/items/:itemId",
    {
      config: { auth: "public" },
      bodyLimit: 300_000,
      schema: {
        summary: "Store an item sealed to the owner's key (compact JWE); baseSeq turns a concurrent change into 409",
        tags,
        operationId: "putIdentityHubItem",
        params: ItemParams,
        body: PutItemBody,
        response: {
          200: HubItemSchema,
          ...writeErrors(...SIGNED, "HUB_ITEM_NOT_SEALED", "HUB_ITEM_CONFLICT", "HUB_QUOTA_EXCEEDED"),
        },
      },
    },
    async (request) => {
      const { did, itemId } = request.params as { did: string; itemId: string };
      const body = request.body as { kind: string; jwe: string; baseSeq?: number };
      return hubs.putItem(did, signed(request), { itemId, ...body });
    },
  );
  app.delete(
    "/v1/identity/hubs/:did/items/:itemId",
    {
      config: { auth: "public" },
      schema: {
        summary: "Delete an item: it syncs to every device as a tombstone",
        tags,
        operationId: "deleteIdentityHubItem",
        params: ItemParams,
        querystring: DeleteItemQuery,
        response: { 200: HubItemSchema, ...writeErrors(...SIGNED, "HUB_ITEM_NOT_FOUND", "HUB_ITEM_CONFLICT") },
      },
    },
    async (request) => {
      const { did, itemId } = request.params as { did: string; itemId: string };
      return hubs.deleteItem(did, signed(request), itemId, (request.query as { baseSeq?: number }).baseSeq);
    },
  );
  app.get(
    "/v1/identity/hubs/:did/items",
    {
      config: { auth: "public" },
      schema: {
        summary: "The item changes after a device's sync point, oldest first (deletions as tombstones)",
        tags,
        operationId: "listIdentityHubChanges",
        params: HubParams,
        querystring: ChangesQuery,
        response: { 200: ItemPage, ...readErrors(...SIGNED) },
      },
    },
    async (request) => {
      const { limit, after } = afterOf(request.query as Paged);
      const rows = await hubs.changes((request.params as { did: string }).did, signed(request), after, limit);
      return pageOfRows(rows, limit, (item) => [item.seq]);
    },
  );
  app.post(
    "/v1/identity/hubs/:did/inbox",
    {
      // Any agent may relay a message to the person: the message carries its own signature, checked by the user agent.
      config: { auth: "public" },
      bodyLimit: 70_000,
      schema: {
        summary:
          "Relay a sealed message (JWE to a key of the owner or an alias, or JWS addressed to one) to the person's devices",
        tags,
        operationId: "relayToIdentityHub",
        params: HubParams,
        body: RelayBody,
        response: {
          202: RelayedSchema,
          ...writeErrors("HUB_NOT_FOUND", "HUB_MESSAGE_NOT_FOR_OWNER", "HUB_QUOTA_EXCEEDED"),
        },
      },
    },
    async (request, reply) => {
      const { message } = request.body as { message: string };
      return reply.code(202).send(await hubs.relay((request.params as { did: string }).did, message));
    },
  );
  app.get(
    "/v1/identity/hubs/:did/inbox",
    {
      config: { auth: "public" },
      schema: {
        summary: "Messages waiting for the person, oldest first; `wait` holds an empty inbox open (long poll)",
        tags,
        operationId: "readIdentityHubInbox",
        params: HubParams,
        querystring: InboxQuery,
        response: { 200: MessagePage, ...readErrors(...SIGNED) },
      },
    },
    async (request) => {
      const query = request.query as Paged & { wait?: number };
      const { limit, after } = afterOf(query);
      const did = (request.params as { did: string }).did;
      const rows = await hubs.inbox(did, signed(request), after, limit, query.wait ?? 0);
      return pageOfRows(rows, limit, (message) => [message.seq]);
    },
  );
  app.delete(
    "/v1/identity/hubs/:did/inbox/:seq",
    {
      config: { auth: "public" },
      schema: {
        summary: "A device took the message: it leaves the inbox for every device",
        tags,
        operationId: "acknowledgeIdentityHubMessage",
        params: MessageParams,
        response: { 204: Type.Null(), ...writeErrors(...SIGNED, "HUB_ITEM_NOT_FOUND") },
      },
    },
    async (request, reply) => {
      const { did, seq } = request.params as { did: string; seq: number };
      await hubs.acknowledge(did, signed(request), seq);
      return reply.code(204).send(null);
    },
  );
}

/**
 * Mounts the hubs on the agent's store (did:key resolution only: owners and devices are P-256 did:keys) and their
 * access permissions (a grantee's DID resolved by `grantees`, did:key included; did:key only when not given).
 */
export function registerIdentityHubs(app: ApiApp, store: Store, grantees?: Resolvable): void {
  const replay = new SqlReplayGuard(store);
  const service = new HubService(new HubStore(store), new Resolver(didKeyResolver()), replay);
  registerHubRoutes(app, service);
  const resolver = grantees ?? new Resolver(didKeyResolver());
  registerHubPermissionRoutes(app, new HubPermissions(service, new HubPermissionStore(store), resolver, replay));
}
