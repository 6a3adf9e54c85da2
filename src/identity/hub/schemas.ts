// TypeBox schemas of the identity hubs' API (/v1/identity/hubs).
import { Type } from "@sinclair/typebox";
import { PageQuerySchema, pageOf, strictObject } from "../../core/api/index.ts";
import { HUB_LIMITS } from "./service.ts";

/** A P-256 did:key (multicodec p256-pub, base58btc: always `did:key:zDn...`): the person's and the devices' DIDs. */
export const DidKeySchema = Type.String({
  pattern: "^did:key:zDn[1-9A-HJ-NP-Za-km-z]{40,52}$",
  description: "A P-256 did:key (the person's owner DID or one of their devices)",
});
const CompactJwe = (maxLength: number) =>
  Type.String({ pattern: "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){4}$", maxLength, description: "Compact JWE" });
const CompactToken = Type.String({
  pattern: "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){2}$|^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){4}$",
  maxLength: 65_536,
  description: "A sealed message: compact JWS (3 parts) or JWE (5 parts)",
});
const Seq = Type.Integer({ minimum: 0, description: "A change number of the hub (items and inbox share the count)" });

export const HubParams = strictObject({ did: DidKeySchema });
export const DeviceParams = strictObject({ did: DidKeySchema, device: DidKeySchema });
export const ItemParams = strictObject({
  did: DidKeySchema,
  itemId: Type.String({ pattern: "^[A-Za-z0-9_-]{1,64}$", description: "Chosen by the user agent" }),
});
export const AliasParams = strictObject({ did: DidKeySchema, alias: DidKeySchema });
export const MessageParams = strictObject({ did: DidKeySchema, seq: Type.Integer({ minimum: 1 }) });

export const CreateHubBody = strictObject({ owner: DidKeySchema });
export const AddDeviceBody = strictObject({
  device: DidKeySchema,
  label: Type.String({ minLength: 1, maxLength: 100, description: "What the person calls the device" }),
});
export const AddAliasBody = strictObject({
  alias: { ...DidKeySchema, description: "One of the person's pairwise DIDs (a P-256 did:key made per relationship)" },
});
export const PutItemBody = strictObject({
  kind: Type.String({ pattern: "^[A-Za-z][A-Za-z0-9_.-]{0,63}$", description: "e.g. attestation, credential, note" }),
  jwe: CompactJwe(262_144),
  baseSeq: Type.Optional({
    ...Seq,
    description: "The revision this write replaces (0: a new item); omit to overwrite",
  }),
});
export const DeleteItemQuery = strictObject({ baseSeq: Type.Optional(Seq) });
export const RelayBody = strictObject({ message: CompactToken });
export const ChangesQuery = strictObject({
  ...PageQuerySchema.properties,
  after: Type.Optional({ ...Seq, description: "The last change number this device applied (default 0: everything)" }),
});
export const InboxQuery = strictObject({
  ...ChangesQuery.properties,
  wait: Type.Optional(
    Type.Integer({ minimum: 0, maximum: HUB_LIMITS.waitSeconds, description: "Seconds to hold an empty inbox open" }),
  ),
});

export const HubDeviceSchema = strictObject({ device: DidKeySchema, label: Type.String(), addedAt: Type.String() });
export const HubAliasSchema = strictObject({
  alias: DidKeySchema,
  addedAt: Type.String(),
  added: Type.Optional(Type.Boolean({ description: "false: the hub listed it already (nothing changed)" })),
});
export const HubAliasList = strictObject({
  aliases: Type.Array(HubAliasSchema, { maxItems: HUB_LIMITS.aliases }),
});
export const HubSchema = strictObject({
  owner: DidKeySchema,
  createdAt: Type.String(),
  createdBy: Type.String({ description: "The API key (id) of the member's operator that created it" }),
});
export const HubWithDevicesSchema = strictObject({
  ...HubSchema.properties,
  devices: Type.Array(HubDeviceSchema, { maxItems: HUB_LIMITS.devices }),
});
export const HubItemSchema = strictObject({
  itemId: Type.String(),
  seq: Type.Integer(),
  kind: Type.String(),
  jwe: Type.Union([Type.String(), Type.Null()], { description: "null: deleted (a tombstone every device applies)" }),
  updatedAt: Type.String(),
  updatedBy: Type.String({ description: "The DID (owner or device) that signed the change" }),
});
const ForSchema = { ...DidKeySchema, description: "The DID the message is for: the owner or one of its aliases" };
export const HubMessageSchema = strictObject({
  seq: Type.Integer(),
  message: Type.String(),
  receivedAt: Type.String(),
  for: ForSchema,
});
export const RelayedSchema = strictObject({ seq: Type.Integer(), receivedAt: Type.String(), for: ForSchema });
export const ItemPage = pageOf(HubItemSchema);
export const MessagePage = pageOf(HubMessageSchema);
