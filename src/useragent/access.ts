// The user agent's side of access permissions (flow 2.4 steps 3-5, and retraction): it opens an agent's RequestAccess,
// and the person grants or denies it. A grant seals, on the device, a copy of each granted attestation to the
// grantee's key-agreement key, posts the permission with the copies to the person's hub (signed by the hub owner key),
// then tells the agent with a GrantAccess; a denial is a DenyAccess. Retraction deletes the permission at the hub first
// (immediate: the copies go with it), then sends the RetractAccess notice.
import { randomUUID } from "node:crypto";
import { Resolver } from "did-resolver";
import { didKeyResolver } from "../core/identity/didKey.ts";
import { invalidInput } from "../core/identity/errors.ts";
import { keyAgreementOf, MESSAGE_CONTEXT, type MessageOf } from "../core/identity/messages/index.ts";
import {
  type CopyContent,
  grantAtHub,
  type PermissionObject,
  permissionsAtHub,
  retractAtHub,
  sealCopy,
} from "../identity/hub/permissionsClient.ts";
import type { HubPermission } from "../identity/hub/repositoryPermissions.ts";
import type { AgentContact, UserAgentWallet } from "./wallet.ts";

export type { CopyContent } from "../identity/hub/permissionsClient.ts";

export interface AccessRequestOpened {
  /** The agent that asks (its messaging DID: the sender, and the permission's grantee). */
  agentDid: string;
  request: MessageOf<"RequestAccess">;
}

/** The sender (`iss`) of a compact JWS, unverified: only to pick the relationship to open it with. */
function issuerOf(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      iss?: unknown;
    };
    if (typeof payload.iss === "string") return payload.iss;
  } catch {
    // refused below
  }
  throw invalidInput("token", "is not a message signed by an agent (a compact JWS with iss)");
}

export class WalletAccess {
  readonly #wallet: UserAgentWallet;
  readonly #resolver = new Resolver(didKeyResolver());

  constructor(wallet: UserAgentWallet) {
    this.#wallet = wallet;
  }

  /** Opens a RequestAccess an agent sealed to the pairwise DID for it (signature, expiry, schema, replay). */
  async openRequest(token: string): Promise<AccessRequestOpened> {
    const agentDid = issuerOf(token);
    const opened = await this.#wallet.open(token, agentDid);
    if (opened.message["@type"] !== "RequestAccess") {
      throw invalidInput("token", `carries a ${opened.message["@type"]}, not a RequestAccess`);
    }
    const request = opened.message as MessageOf<"RequestAccess">;
    if (request.object.grantee !== opened.sender) {
      throw invalidInput("token", "asks access for another grantee than the agent that sent it");
    }
    return { agentDid: opened.sender, request };
  }

  /**
   * Grants `request` to the agent: copies sealed here to the grantee, the permission posted to the hub at `hubUrl`,
   * then a GrantAccess to the agent's inbox. `expiresAt` may shorten what the agent asked (never lengthen it).
   */
  async grant(input: {
    hubUrl: string;
    contact: AgentContact;
    request: MessageOf<"RequestAccess">;
    copies: CopyContent[];
    expiresAt?: number;
  }): Promise<{ permission: HubPermission; answer: Record<string, unknown> }> {
    const { request, contact } = input;
    if (request.object.grantee !== contact.agentDid) {
      throw invalidInput("request.object.grantee", "is not the agent this wallet answers");
    }
    const asked = request.object.expiresAt;
    const expiresAt =
      input.expiresAt === undefined ? asked : asked === undefined ? input.expiresAt : Math.min(asked, input.expiresAt);
    const permission: PermissionObject = {
      id: request.object.id ?? `perm-${randomUUID()}`,
      grantee: request.object.grantee,
      attestationTypes: request.object.attestationTypes,
      actions: ["read"],
      ...(expiresAt === undefined ? {} : { expiresAt }),
    };
    input.copies.forEach((copy, i) => {
      if (!permission.attestationTypes.includes(copy.attestationType)) {
        throw invalidInput(`copies.${i}.attestationType`, "was not asked for");
      }
    });
    const granteeKey = await keyAgreementOf(this.#resolver, permission.grantee);
    const sealed = await Promise.all(input.copies.map((c) => sealCopy(c, granteeKey)));
    const { client } = await this.#wallet.hub(input.hubUrl);
    const stored = await grantAtHub(client, input.hubUrl, permission, sealed);
    const answer = await this.#wallet.send(contact, {
      "@context": MESSAGE_CONTEXT,
      "@type": "GrantAccess",
      identifier: `grant-${randomUUID()}`,
      replyTo: request.identifier,
      object: permission,
    });
    return { permission: stored, answer };
  }

  /** Denies `request`: a DenyAccess to the agent (nothing is stored at the hub). */
  async deny(input: {
    contact: AgentContact;
    request: MessageOf<"RequestAccess">;
    purpose?: string;
  }): Promise<Record<string, unknown>> {
    return this.#wallet.send(input.contact, {
      "@context": MESSAGE_CONTEXT,
      "@type": "DenyAccess",
      identifier: `deny-${randomUUID()}`,
      replyTo: input.request.identifier,
      object: input.request.object,
      ...(input.purpose === undefined ? {} : { purpose: input.purpose }),
    });
  }

  /** Retracts at the hub (immediate), then sends the agent a RetractAccess notice. */
  async retract(input: {
    hubUrl: string;
    contact: AgentContact;
    permissionId: string;
    purpose?: string;
  }): Promise<{ permission: HubPermission; answer: Record<string, unknown> }> {
    const { client } = await this.#wallet.hub(input.hubUrl);
    const permission = await retractAtHub(client, input.hubUrl, input.permissionId);
    const answer = await this.#wallet.send(input.contact, {
      "@context": MESSAGE_CONTEXT,
      "@type": "RetractAccess",
      identifier: `retract-${randomUUID()}`,
      object: { permissionId: input.permissionId },
      ...(input.purpose === undefined ? {} : { purpose: input.purpose }),
    });
    return { permission, answer };
  }

  /** The permissions at the person's hub, newest first. */
  async list(hubUrl: string): Promise<HubPermission[]> {
    const { client } = await this.#wallet.hub(hubUrl);
    return permissionsAtHub(client, hubUrl);
  }

  /**
   * A holder-bound presentation (flows/presentation.ts) of credentials the wallet holds for the relationship with
   * `holderPeer` (signed by that pairwise DID, the credentials' subject), for one verifier and one request: the copy a
   * grant seals for flow 2.4 (audience: the grantee, nonce: the RequestAccess identifier), or what a
   * PresentAttestation carries (nonce: the RequestAttestation identifier).
   */
  async presentation(input: {
    holderPeer: string;
    credentials: string[];
    audience: string;
    nonce: string;
  }): Promise<{ format: "jwt_vp"; payload: string }> {
    const { createPresentation } = await import("../identity/flows/presentation.ts");
    const presented = await createPresentation({
      holder: this.#wallet.signerFor(input.holderPeer),
      credentials: input.credentials,
      audience: input.audience,
      nonce: input.nonce,
    });
    return { format: "jwt_vp", payload: presented.payload };
  }

  /** Answers an agent's RequestAttestation with a PresentAttestation of held credentials issued to this relationship. */
  async present(input: {
    contact: AgentContact;
    request: MessageOf<"RequestAttestation">;
    credentials: string[];
    description?: string;
  }): Promise<{ identifier: string; answer: Record<string, unknown> }> {
    const object = await this.presentation({
      holderPeer: input.contact.agentDid,
      credentials: input.credentials,
      audience: input.contact.agentDid,
      nonce: input.request.identifier,
    });
    const identifier = `present-${randomUUID()}`;
    const answer = await this.#wallet.send(input.contact, {
      "@context": MESSAGE_CONTEXT,
      "@type": "PresentAttestation",
      identifier,
      replyTo: input.request.identifier,
      object,
      description: input.description ?? input.request.description,
    });
    return { identifier, answer };
  }
}
