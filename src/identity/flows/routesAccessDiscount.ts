// Operator routes of flow 2.4 at the partner's enterprise agent: validate the retrieved ISP account attestation and
// issue the discount (/v1/identity/access/{permissionId}/discount), and redeem a presented discount once
// (/v1/identity/discounts/redeem).
import { Type } from "@sinclair/typebox";
import { type ApiApp, principalOf, strictObject, writeErrors } from "../../core/api/index.ts";
import type { DiscountFlow } from "./accessDiscount.ts";

const tags = ["messages"];
const AnyDid = Type.String({ pattern: "^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$", maxLength: 256, description: "A DID" });
const PermissionId = Type.String({ pattern: "^[A-Za-z0-9._:-]{8,128}$", description: "The permission's id" });
const StoredMessageSchema = Type.Object({}, { additionalProperties: true, description: "The message as recorded" });
const PRESENTATION_ERRORS = [
  "PRESENTATION_INVALID",
  "PRESENTATION_REPLAYED",
  "CREDENTIAL_INVALID",
  "CREDENTIAL_EXPIRED",
  "CREDENTIAL_NOT_YET_VALID",
  "CREDENTIAL_REVOKED",
  "CREDENTIAL_SUSPENDED",
  "ATTESTATION_NOT_ACCEPTED",
] as const;

export function registerDiscountRoutes(app: ApiApp, discounts: DiscountFlow): void {
  app.post(
    "/v1/identity/access/:permissionId/discount",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Flow 2.4: retrieve the person's ISP account attestation under a granted permission, validate it (holder binding, trusted issuer, status) and deliver a single-use discount attestation",
        tags,
        operationId: "issueAccessDiscount",
        params: strictObject({ permissionId: PermissionId }),
        body: strictObject({
          issuer: AnyDid,
          trustedIssuers: Type.Array(AnyDid, { minItems: 1, maxItems: 32, uniqueItems: true }),
          percent: Type.Integer({ minimum: 1, maximum: 100 }),
          product: Type.String({ minLength: 1, maxLength: 200 }),
          validForSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 366 * 86_400 })),
        }),
        response: {
          201: strictObject({
            permissionId: PermissionId,
            account: strictObject({
              issuer: AnyDid,
              holder: AnyDid,
              claims: Type.Object({}, { additionalProperties: true }),
            }),
            discount: strictObject({
              id: Type.String(),
              credentialId: Type.String(),
              holder: AnyDid,
              percent: Type.Integer(),
              product: Type.String(),
            }),
            delivered: StoredMessageSchema,
          }),
          ...writeErrors(
            "IDENTITY_INVALID_INPUT",
            "ACCESS_NOT_FOUND",
            "ACCESS_NOT_GRANTED",
            "MESSAGE_DELIVERY_FAILED",
            "MESSAGE_REFUSED",
            "MESSAGE_UNDECRYPTABLE",
            ...PRESENTATION_ERRORS,
          ),
        },
      },
    },
    async (request, reply) => {
      const { permissionId } = request.params as { permissionId: string };
      const body = request.body as {
        issuer: string;
        trustedIssuers: string[];
        percent: number;
        product: string;
        validForSeconds?: number;
      };
      return reply.code(201).send(await discounts.issueDiscount(permissionId, body));
    },
  );
  app.post(
    "/v1/identity/discounts/redeem",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Flow 2.4 at purchase: redeem the discount a received PresentAttestation presents, once (a second use is ATTESTATION_SPENT)",
        tags,
        operationId: "redeemDiscount",
        body: strictObject({
          presentation: Type.String({
            pattern: "^[A-Za-z0-9._:-]{8,128}$",
            description: "The identifier of the PresentAttestation message received",
          }),
        }),
        response: {
          200: strictObject({
            credentialId: Type.String(),
            issuer: AnyDid,
            holder: AnyDid,
            percent: Type.Integer(),
            product: Type.String(),
            presentation: Type.String(),
            spentAt: Type.String(),
            onChain: Type.Object(
              { status: Type.String(), reason: Type.Optional(Type.String()), error: Type.Optional(Type.String()) },
              { additionalProperties: false },
            ),
          }),
          ...writeErrors("IDENTITY_INVALID_INPUT", "ATTESTATION_SPENT", ...PRESENTATION_ERRORS),
        },
      },
    },
    async (request) =>
      discounts.redeem((request.body as { presentation: string }).presentation, principalOf(request).keyId),
  );
}
