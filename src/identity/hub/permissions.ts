// Access permissions at a person's identity hub (EEA use case 6, flow 2.4 steps 4-7). The hub holds only sealed data,
// so it enforces *access*, not content: the person's device posts a permission (a capability: grantee DID, attestation
// types, actions ["read"], optional expiry) with copies of the granted attestations it sealed, on the device, to the
// grantee's key-agreement key; the hub keeps them without being able to open them. The grantee retrieves them with a
// RetrieveAttestations message: a JWS signed by the grantee's DID, addressed to the hub's owner, short-lived and
// single use (its jti on the agent's replay table). The hub answers the copies only while the permission stands: it
// exists, the signer is its grantee, it is not retracted, not expired, and every type asked is granted; each refusal
// is named. The person (owner or a device) retracts at once: the copies are deleted with the retraction.
import type { Resolvable } from "did-resolver";
import { jweKid } from "../../core/identity/ecdhJwe.ts";
import { invalidInput } from "../../core/identity/errors.ts";
import { keyAgreementOf, type MessageOf, openMessage, type ReplayGuard } from "../../core/identity/messages/index.ts";
import { HubError } from "./errors.ts";
import { HubPermissionError } from "./permissionsErrors.ts";
import type { HubPermission, HubPermissionStore, SealedCopy } from "./repositoryPermissions.ts";
import { MAX_REQUEST_LIFETIME_SECONDS } from "./requestAuth.ts";
import type { HubService, SignedRequest } from "./service.ts";

/** Bounds per hub: permissions standing, and rows kept (retracted ones are forgotten 30 days after retraction). */
export const PERMISSION_LIMITS = { live: 256, rows: 2048, copies: 16, keepRetractedDays: 30 } as const;

export interface GrantInput {
  id: string;
  grantee: string;
  attestationTypes: string[];
  actions: "read"[];
  expiresAt?: number;
  copies: SealedCopy[];
}

export interface Retrieved {
  permissionId: string;
  grantee: string;
  expiresAt: number | null;
  attestations: SealedCopy[];
}

export class HubPermissions {
  readonly #hubs: HubService;
  readonly #store: HubPermissionStore;
  readonly #resolver: Resolvable;
  readonly #replay: ReplayGuard;

  constructor(hubs: HubService, store: HubPermissionStore, resolver: Resolvable, replay: ReplayGuard) {
    this.#hubs = hubs;
    this.#store = store;
    this.#resolver = resolver;
    this.#replay = replay;
  }

  /** The person (owner or a device) grants: the permission and the copies sealed to the grantee on the device. */
  async grant(owner: string, request: SignedRequest, input: GrantInput): Promise<HubPermission> {
    const { signer } = await this.#hubs.authorise(owner, request);
    const now = Math.floor(Date.now() / 1000);
    if (input.expiresAt !== undefined && input.expiresAt <= now) {
      throw invalidInput("body.permission.expiresAt", "must be in the future");
    }
    const types = new Set(input.attestationTypes);
    if (types.size !== input.attestationTypes.length) {
      throw invalidInput("body.permission.attestationTypes", "names a type twice");
    }
    // The copies must be sealed to the grantee's key-agreement key: the hub cannot tell what they hold, only to whom.
    const recipient = await keyAgreementOf(this.#resolver, input.grantee);
    input.copies.forEach((copy, i) => {
      if (!types.has(copy.attestationType)) {
        throw invalidInput(`body.copies.${i}.attestationType`, "is not one of the permission's attestationTypes");
      }
      if (copy.jwe.split(".").length !== 5 || jweKid(copy.jwe) !== recipient.kid) {
        throw new HubError(
          "HUB_ITEM_NOT_SEALED",
          `copy ${i} is not a compact JWE to the grantee's key ${recipient.kid}`,
          {
            field: `body.copies.${i}.jwe`,
          },
        );
      }
    });
    await this.#store.pruneRetracted(
      owner,
      new Date(Date.now() - PERMISSION_LIMITS.keepRetractedDays * 86_400_000).toISOString(),
    );
    const counts = await this.#store.counts(owner);
    if (counts.live >= PERMISSION_LIMITS.live || counts.all >= PERMISSION_LIMITS.rows) {
      const limit = counts.live >= PERMISSION_LIMITS.live ? PERMISSION_LIMITS.live : PERMISSION_LIMITS.rows;
      throw new HubError("HUB_QUOTA_EXCEEDED", `the hub holds its limit of ${limit} permissions`, {
        details: { what: "permissions", limit },
      });
    }
    const permission: HubPermission = {
      owner,
      id: input.id,
      grantee: input.grantee,
      attestationTypes: input.attestationTypes,
      actions: input.actions,
      expiresAt: input.expiresAt ?? null,
      createdAt: new Date().toISOString(),
      createdBy: signer,
      retractedAt: null,
      retrievedCount: 0,
      lastRetrievedAt: null,
    };
    if (!(await this.#store.insert(permission, input.copies))) {
      throw new HubPermissionError("HUB_PERMISSION_EXISTS", `the hub of ${owner} holds a permission ${input.id}`, {
        field: "body.permission.id",
      });
    }
    return permission;
  }

  /** The hub's permissions, newest first (for the owner or a device). */
  async list(
    owner: string,
    request: SignedRequest,
    limit: number,
    after?: readonly [string, string],
  ): Promise<HubPermission[]> {
    await this.#hubs.authorise(owner, request);
    return this.#store.list(owner, limit, after);
  }

  /** Retraction by the person: immediate, the copies deleted with it. */
  async retract(owner: string, request: SignedRequest, id: string): Promise<HubPermission> {
    await this.#hubs.authorise(owner, request);
    const found = await this.#store.get(owner, id);
    if (!found) {
      throw new HubPermissionError("HUB_PERMISSION_NOT_FOUND", `the hub of ${owner} holds no permission ${id}`, {
        field: "params.permissionId",
      });
    }
    if (!(await this.#store.retract(owner, id, new Date().toISOString()))) {
      throw new HubPermissionError("HUB_ACCESS_RETRACTED", `permission ${id} was retracted already`, {
        details: { retractedAt: found.permission.retractedAt },
      });
    }
    return (await this.#store.get(owner, id))?.permission ?? found.permission;
  }

  /** A grantee's RetrieveAttestations (a JWS by its DID, to the owner): the sealed copies, if the permission stands. */
  async retrieve(owner: string, token: string): Promise<Retrieved> {
    await this.#hubs.hubOf(owner);
    const opened = await openMessage(token, { resolver: this.#resolver, recipientDid: owner, replay: this.#replay });
    if (opened.message["@type"] !== "RetrieveAttestations") {
      throw invalidInput("body.message", `must carry a RetrieveAttestations message, not ${opened.message["@type"]}`);
    }
    if (opened.expiresAt - opened.issuedAt > MAX_REQUEST_LIFETIME_SECONDS) {
      throw new HubError(
        "HUB_REQUEST_INVALID",
        `a retrieval may live at most ${MAX_REQUEST_LIFETIME_SECONDS} s; this one ${opened.expiresAt - opened.issuedAt} s`,
        { field: "body.message" },
      );
    }
    const message = opened.message as MessageOf<"RetrieveAttestations">;
    const { permissionId } = message.object;
    const found = await this.#store.get(owner, permissionId);
    // Another grantee's permission is refused exactly as an unknown one: a stranger learns nothing of what exists.
    if (!found || found.permission.grantee !== opened.sender) {
      throw new HubPermissionError(
        "HUB_ACCESS_NOT_GRANTED",
        `the hub of ${owner} holds no permission ${permissionId} granted to ${opened.sender}`,
      );
    }
    const { permission } = found;
    if (permission.retractedAt !== null) {
      throw new HubPermissionError("HUB_ACCESS_RETRACTED", `permission ${permissionId} was retracted`, {
        details: { retractedAt: permission.retractedAt },
      });
    }
    const now = Math.floor(Date.now() / 1000);
    if (permission.expiresAt !== null && permission.expiresAt <= now) {
      throw new HubPermissionError(
        "HUB_ACCESS_EXPIRED",
        `permission ${permissionId} expired at ${new Date(permission.expiresAt * 1000).toISOString()}`,
        { details: { expiresAt: permission.expiresAt } },
      );
    }
    const asked = message.object.attestationTypes ?? permission.attestationTypes;
    const notGranted = asked.filter((t) => !permission.attestationTypes.includes(t));
    if (notGranted.length > 0) {
      throw new HubPermissionError(
        "HUB_ACCESS_TYPE_NOT_GRANTED",
        `permission ${permissionId} does not grant ${notGranted.join(", ")}`,
        { details: { notGranted, granted: permission.attestationTypes } },
      );
    }
    // Counted only while not retracted: a retraction committed meanwhile wins, and nothing is answered.
    if (!(await this.#store.countRetrieval(owner, permissionId, new Date().toISOString()))) {
      throw new HubPermissionError("HUB_ACCESS_RETRACTED", `permission ${permissionId} was retracted`);
    }
    return {
      permissionId,
      grantee: permission.grantee,
      expiresAt: permission.expiresAt,
      attestations: found.copies.filter((c) => asked.includes(c.attestationType)),
    };
  }
}
