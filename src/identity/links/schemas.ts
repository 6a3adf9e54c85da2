// TypeBox schemas of the links API (/v1/identity/links, flow 2.1).
import { Type } from "@sinclair/typebox";
import { PageQuerySchema, pageOf, strictObject } from "../../core/api/index.ts";
import { DidKeySchema } from "../hub/schemas.ts";
import { JwtSchema } from "../schemas.ts";
import { LINK_CODE_DIGITS } from "./messages.ts";
import { LINK_MAX_TTL_SECONDS } from "./service.ts";

const LinkId = Type.String({ pattern: "^[A-Za-z0-9_-]{1,64}$", description: "The link's id (random, 128 bits)" });
const Mode = Type.Union([Type.Literal("qr"), Type.Literal("hub"), Type.Literal("code")], {
  description:
    "qr: a link the person's user agent answers (QR code, deep link); hub: the challenge is relayed to the person's " +
    "hub; code: a code is relayed to the user agent and typed into the site (2FA without a user agent)",
});
const HubInbox = Type.String({
  pattern: "^https?://[^\\s]+$",
  maxLength: 2048,
  description: "The person's hub inbox URL (…/v1/identity/hubs/{owner}/inbox)",
});
const AnyDid = Type.String({ maxLength: 256, description: "A DID (a person's pairwise did:key, or a did:ethr)" });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const LinkParams = strictObject({ linkId: LinkId });

export const CreateLinkBody = strictObject({
  label: Type.Optional(
    Type.String({ pattern: "^[^\\p{C}]+$", maxLength: 200, description: "Shown by the wallet: who asks" }),
  ),
  ttlSeconds: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: LINK_MAX_TTL_SECONDS,
      description: "How long the link may be answered (default 300)",
    }),
  ),
  did: Type.Optional({ ...DidKeySchema, description: "hub and code: the pairwise DID the person disclosed" }),
  hub: Type.Optional(HubInbox),
  mode: Type.Optional(Mode),
});

export const LinkResponseBody = strictObject({
  jwt: JwtSchema(16384),
});

export const LinkCodeBody = strictObject({
  code: Type.String({ pattern: `^[0-9]{${LINK_CODE_DIGITS}}$`, description: "The code the person's user agent shows" }),
});

export const LinkSchema = strictObject({
  linkId: LinkId,
  mode: Mode,
  label: Nullable(Type.String()),
  status: Type.Union(
    [Type.Literal("pending"), Type.Literal("linked"), Type.Literal("expired"), Type.Literal("locked")],
    { description: "locked: too many wrong codes" },
  ),
  did: Type.Union([AnyDid, Type.Null()], { description: "The DID proven, once linked" }),
  requestedDid: Type.Union([AnyDid, Type.Null()], { description: "hub and code: the DID asked to prove control" }),
  hub: Nullable(Type.String()),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  linkedAt: Nullable(Type.String()),
  attemptsLeft: Type.Union([Type.Integer(), Type.Null()], { description: "code: wrong codes still accepted" }),
});

export const CreatedLinkSchema = strictObject({
  ...LinkSchema.properties,
  offer: Type.Optional(
    strictObject(
      {
        linkId: LinkId,
        agentDid: { ...DidKeySchema, description: "The agent's messaging DID: the wallet's peer for this link" },
        challenge: Type.String(),
        audience: Type.String(),
        responseUrl: Type.String(),
        expiresAt: Type.Integer({ description: "Unix seconds" }),
        label: Type.Optional(Type.String()),
        url: Type.String({ description: "The https spelling (encode it in the QR code)" }),
        deepLink: Type.String({ description: "telco-ledger://link?… (the same query)" }),
        qr: strictObject({
          svg: Type.String({ description: "The QR code of `url`, as SVG" }),
          png: Type.String({ description: "The QR code of `url`, as a PNG data URL" }),
        }),
      },
      { description: 'qr: the link to show (docs/identity.md, "The link format")' },
    ),
  ),
});

export const LinkPage = pageOf(LinkSchema);
export const LinkListQuery = strictObject({ ...PageQuerySchema.properties });
