// The enterprise agent's attestation flows (EEA use case 6, flows 2.2 and 2.3; revocation and amendment), acting on
// the messages its inbox takes (AttestationMessaging.onReceived) and answering through its outbox at the reply
// endpoint the person's user agent signed into its message:
//
//   RequestAttestation (a served type) -> PreconditionsAttestation (what to present; its identifier is the nonce)
//   RequestAttestation (no such service) -> DenyAttestation
//   PresentAttestation (replyTo = the preconditions) -> verify (holder-bound, presentation.ts) -> issue the credential
//     to the requester's pairwise DID -> DeliverAttestation, or, when the presented credential is this service's own
//     earlier attestation (flow 2.3, reopening), AmendAttestation replacing it (the old one revoked "superseded")
//   a refused presentation -> DenyAttestation whose purpose starts with the refusal's code
//
// The operator revokes (on-chain status, then RevokeAttestation to the holder) and amends (a new credential, the old
// revoked "superseded", AmendAttestation to the holder). Every message joins the request's conversation; a request is
// answered once (its row moves from `awaiting` once; the presentation's nonce is spent once).
import { randomUUID } from "node:crypto";
import type { Resolvable } from "did-resolver";
import type { CredentialStatusService, StatusReason } from "../../core/identity/credentialStatus.ts";
import type { CredentialService } from "../../core/identity/credentials.ts";
import type { DidService } from "../../core/identity/did.ts";
import { IdentityError } from "../../core/identity/errors.ts";
import { type AttestationMessage, MESSAGE_CONTEXT, type ReplayGuard } from "../../core/identity/messages/index.ts";
import type { Store } from "../../core/store/index.ts";
import type { AttestationMessaging, StoredMessage } from "../messaging.ts";
import { type PresentedCredential, verifyPresentation } from "./presentation.ts";
import { FlowRepository, type IssuedRow } from "./repository.ts";

/** One precondition: a credential of `type` from one of `issuers` (any-of), optionally with these claim values. */
export interface Precondition {
  type: string;
  issuers: string[];
  description?: string;
  claims?: Record<string, string | number | boolean>;
}

/** An attestation type this agent serves, and what the credential it issues says. */
export interface AttestationServiceDefinition {
  /** The credential type issued (e.g. IspAccount). */
  type: string;
  /** A did:ethr DID this agent hosts: the issuer. */
  issuer: string;
  description: string;
  /** Any one of them admits the requester. */
  preconditions: Precondition[];
  /** The claims policy: fixed values, and claims generated (a new random id each) at first issuance. */
  claims: { values: Record<string, string | number | boolean>; generated: string[] };
  /** Seconds the credential is valid (none: no expiry). */
  validitySeconds?: number;
  /** For people, in an AmendAttestation answering a reopening (flow 2.3). */
  reopenPurpose?: string;
}

/** A service as kept: its definition and when it was last put. */
export type AttestationService = AttestationServiceDefinition & { updatedAt: string };

export interface IssuedAttestation {
  credentialId: string;
  id: string;
  type: string;
  issuer: string;
  holder: string;
  claims: Record<string, unknown>;
  state: "active" | "revoked" | "superseded";
  replacedBy: string | null;
  issuedAt: string;
}

/** RFC 5280 CRLReason names as the on-chain registry's reasons. */
export const CRL_TO_STATUS_REASON: Record<string, StatusReason> = {
  unspecified: "Unspecified",
  keyCompromise: "KeyCompromise",
  affiliationChanged: "Canceled",
  superseded: "Superseded",
  cessationOfOperation: "CessationOfOperation",
  privilegeWithdrawn: "VettingWithdrawn",
};

export interface AttestationFlowsOptions {
  store: Store;
  messaging: AttestationMessaging;
  credentials: Pick<CredentialService, "issue" | "verify" | "verifySdJwt">;
  status: Pick<CredentialStatusService, "revoke">;
  resolver: Resolvable;
  /** The hosted DIDs: a service's issuer must be one. */
  dids: Pick<DidService, "get">;
  /** Spent presentation nonces (the agent's SQL replay guard). */
  nonces: ReplayGuard;
}

const newId = () => `msg-${randomUUID()}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const flowError = (code: "ATTESTATION_SERVICE_NOT_FOUND" | "ATTESTATION_NOT_FOUND", message: string) =>
  new IdentityError(code, message);

const issuedOf = (row: IssuedRow): IssuedAttestation => ({
  credentialId: row.credential_id,
  id: row.vc_id,
  type: row.attestation_type,
  issuer: row.issuer,
  holder: row.holder,
  claims: JSON.parse(row.claims) as Record<string, unknown>,
  state: row.state,
  replacedBy: row.replaced_by,
  issuedAt: row.issued_at,
});

export class AttestationFlows {
  readonly #repo: FlowRepository;
  readonly #messaging: AttestationMessaging;
  readonly #credentials: AttestationFlowsOptions["credentials"];
  readonly #status: AttestationFlowsOptions["status"];
  readonly #resolver: Resolvable;
  readonly #nonces: ReplayGuard;
  readonly #dids: Pick<DidService, "get">;

  constructor(options: AttestationFlowsOptions) {
    this.#repo = new FlowRepository(options.store);
    this.#messaging = options.messaging;
    this.#credentials = options.credentials;
    this.#status = options.status;
    this.#resolver = options.resolver;
    this.#nonces = options.nonces;
    this.#dids = options.dids;
    this.#messaging.onReceived("RequestAttestation", (m) => this.#onRequest(m));
    this.#messaging.onReceived("PresentAttestation", (m) => this.#onPresent(m));
  }

  // ---- attestation services (operator API) ----

  async putService(
    definition: AttestationServiceDefinition,
  ): Promise<{ service: AttestationService; created: boolean }> {
    await this.#dids.get(definition.issuer); // DID_NOT_HOSTED unless this agent holds the issuer's keys
    const updatedAt = new Date().toISOString();
    const service = { ...definition, updatedAt };
    const created = await this.#repo.putService(definition.type, JSON.stringify(service), updatedAt);
    return { service, created };
  }

  async service(type: string): Promise<AttestationService | undefined> {
    const definition = await this.#repo.service(type);
    return definition === undefined ? undefined : (JSON.parse(definition) as AttestationService);
  }

  async getService(type: string): Promise<AttestationService> {
    const found = await this.service(type);
    if (!found) throw flowError("ATTESTATION_SERVICE_NOT_FOUND", `this agent serves no attestation type ${type}`);
    return found;
  }

  /** The services, by type; after `cursor` (a type), at most `limit`. */
  async listServices(limit: number, cursor?: string): Promise<AttestationService[]> {
    const rows = await this.#repo.services(limit, cursor ?? "");
    return rows.map((definition) => JSON.parse(definition) as AttestationService);
  }

  // ---- issued attestations ----

  async issued(credentialId: string): Promise<IssuedAttestation> {
    const row = await this.#repo.issuedById(credentialId.toLowerCase());
    if (!row) throw flowError("ATTESTATION_NOT_FOUND", `no attestation ${credentialId} was issued by these flows`);
    return issuedOf(row);
  }

  /** The attestations these flows issued, newest first; after `cursor` (issuedAt|credentialId), at most `limit`. */
  async listIssued(limit: number, cursor?: [string, string]): Promise<IssuedAttestation[]> {
    const rows = await this.#repo.issuedPage(limit, cursor);
    return rows.map(issuedOf);
  }

  /** Revokes an issued attestation on chain, then tells its holder (RevokeAttestation with the RFC 5280 reason). */
  async revoke(credentialId: string, reason: string, purpose: string): Promise<IssuedAttestation> {
    const issued = await this.issued(credentialId);
    if (issued.state !== "active") {
      throw new IdentityError("ATTESTATION_NOT_ACTIVE", `attestation ${credentialId} is ${issued.state} already`, {
        details: { state: issued.state },
      });
    }
    const statusReason = CRL_TO_STATUS_REASON[reason];
    if (!statusReason)
      throw new IdentityError("IDENTITY_INVALID_INPUT", `reason: ${reason} is not a revocation reason`, {
        field: "body.reason",
      });
    const endpoint = await this.#endpointOf(issued.holder);
    await this.#status.revoke(issued.issuer, issued.credentialId as `0x${string}`, statusReason);
    await this.#setState(issued.credentialId, "revoked", null);
    await this.#messaging.send({
      to: issued.holder,
      endpoint,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "RevokeAttestation",
        identifier: newId(),
        object: { attestationId: issued.id },
        result: { revocationCodes: [reason as "unspecified"], revokedAt: nowSeconds() },
        purpose,
      },
    });
    return { ...issued, state: "revoked" };
  }

  /** Amends an issued attestation: a new credential with the changed claims, the old revoked "superseded". */
  async amend(
    credentialId: string,
    changes: Record<string, string | number | boolean>,
    purpose: string,
  ): Promise<{ replaced: IssuedAttestation; issued: IssuedAttestation }> {
    const old = await this.issued(credentialId);
    if (old.state !== "active") {
      throw new IdentityError("ATTESTATION_NOT_ACTIVE", `attestation ${credentialId} is ${old.state} already`, {
        details: { state: old.state },
      });
    }
    const service = await this.getService(old.type);
    const endpoint = await this.#endpointOf(old.holder);
    return this.#replace(old, { ...old.claims, ...changes }, service, endpoint, purpose, undefined);
  }

  async #replace(
    old: IssuedAttestation,
    claims: Record<string, unknown>,
    service: AttestationServiceDefinition,
    endpoint: string,
    purpose: string,
    replyTo: string | undefined,
  ): Promise<{ replaced: IssuedAttestation; issued: IssuedAttestation }> {
    const { jwt, issued } = await this.#issue(service, old.holder, claims);
    await this.#status.revoke(old.issuer, old.credentialId as `0x${string}`, "Superseded");
    await this.#setState(old.credentialId, "superseded", issued.credentialId);
    await this.#messaging.send({
      to: old.holder,
      endpoint,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "AmendAttestation",
        identifier: newId(),
        ...(replyTo === undefined ? {} : { replyTo }),
        replaces: old.id,
        object: { format: "jwt_vc", payload: jwt },
        description: service.description,
        purpose,
      } as AttestationMessage,
    });
    return { replaced: { ...old, state: "superseded", replacedBy: issued.credentialId }, issued };
  }

  async #setState(credentialId: string, state: IssuedAttestation["state"], replacedBy: string | null) {
    await this.#repo.setIssuedState(credentialId, state, replacedBy);
  }

  async #endpointOf(peer: string): Promise<string> {
    const endpoint = await this.#messaging.replyEndpoint(peer);
    if (!endpoint) {
      throw new IdentityError(
        "ATTESTATION_NO_REPLY_ENDPOINT",
        `${peer} signed no reply endpoint into a message this agent took: it cannot be answered`,
        { details: { peer } },
      );
    }
    return endpoint;
  }

  async #issue(
    service: AttestationServiceDefinition,
    holder: string,
    claims: Record<string, unknown>,
  ): Promise<{ jwt: string; issued: IssuedAttestation }> {
    const expirationDate =
      service.validitySeconds === undefined ? undefined : new Date(Date.now() + service.validitySeconds * 1000);
    const credential = await this.#credentials.issue({
      issuerDid: service.issuer,
      type: service.type,
      credentialSubject: { id: holder, ...claims },
      ...(expirationDate ? { expirationDate } : {}),
    });
    const issued: IssuedAttestation = {
      credentialId: credential.credentialId.toLowerCase(),
      id: credential.id,
      type: service.type,
      issuer: service.issuer,
      holder,
      claims,
      state: "active",
      replacedBy: null,
      issuedAt: new Date().toISOString(),
    };
    await this.#repo.insertIssued({
      credential_id: issued.credentialId,
      vc_id: issued.id,
      attestation_type: issued.type,
      issuer: issued.issuer,
      holder,
      claims: JSON.stringify(claims),
      issued_at: issued.issuedAt,
    });
    return { jwt: credential.jwt, issued };
  }

  // ---- flow handlers ----

  async #onRequest(received: StoredMessage): Promise<void> {
    const request = received.message as Extract<AttestationMessage, { "@type": "RequestAttestation" }>;
    const peer = received.sender;
    const endpoint = await this.#endpointOf(peer);
    if (!(await this.#repo.takeRequest(peer, request.identifier, request.attestationType))) return; // answered once: a second request with the same identifier gets nothing
    const service = await this.service(request.attestationType);
    if (!service) {
      await this.#deny(
        peer,
        endpoint,
        request.identifier,
        request.identifier,
        "ATTESTATION_SERVICE_NOT_FOUND",
        `this agent issues no ${request.attestationType} attestation`,
      );
      return;
    }
    const preconditionsId = newId();
    await this.#repo.awaitPresentation(peer, request.identifier, preconditionsId);
    await this.#messaging.send({
      to: peer,
      endpoint,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "PreconditionsAttestation",
        identifier: preconditionsId,
        replyTo: request.identifier,
        preconditions: service.preconditions.map((p) => ({
          attestationType: p.type,
          description: p.description ?? `A ${p.type} attestation`,
          formats: ["jwt_vp", "vc+sd-jwt"],
          issuers: p.issuers,
        })),
      },
    });
  }

  async #onPresent(received: StoredMessage): Promise<void> {
    const present = received.message as Extract<AttestationMessage, { "@type": "PresentAttestation" }>;
    const peer = received.sender;
    if (present.replyTo === undefined) return; // a presentation outside a flow of this agent: kept, not acted on
    const request = await this.#repo.requestByPreconditions(peer, present.replyTo);
    if (!request) return; // not our preconditions for this peer: nothing to answer
    const endpoint = await this.#endpointOf(peer);
    const service = await this.service(request.attestation_type);
    const { did: audience } = await this.#messaging.identity();
    let credentials: PresentedCredential[];
    try {
      if (!service) throw flowError("ATTESTATION_SERVICE_NOT_FOUND", `${request.attestation_type} is no longer served`);
      ({ credentials } = await verifyPresentation(
        present.object,
        { audience, nonce: present.replyTo },
        {
          credentials: this.#credentials,
          resolver: this.#resolver,
          nonces: this.#nonces,
        },
      ));
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      await this.#deny(peer, endpoint, present.identifier, request.request_id, error.code, error.message);
      return;
    }
    const met = service ? matchPrecondition(service, credentials) : undefined;
    if (!service || !met) {
      const offered = credentials.map((c) => `${c.types.join("/")} from ${c.issuer}`).join(", ");
      await this.#deny(
        peer,
        endpoint,
        present.identifier,
        request.request_id,
        "ATTESTATION_PRECONDITIONS_NOT_MET",
        `the presented ${offered} meets none of the preconditions (a type from one of the issuers named)`,
      );
      return;
    }
    // Answered once: the request leaves `awaiting` here, before anything is issued.
    if (!(await this.#repo.markIssued(peer, request.request_id))) return;
    // Flow 2.3: the presented credential is this service's own earlier attestation: reopen it (amend, keep its ids).
    const previous = met.issuer === service.issuer && met.types.includes(service.type) ? met : undefined;
    const prior = previous?.id ? await this.#repo.issuedByVcId(previous.id) : undefined;
    if (previous && prior && prior.holder === peer) {
      const generated = Object.fromEntries(service.claims.generated.map((name) => [name, previous.claims[name]]));
      await this.#replace(
        issuedOf(prior),
        { ...previous.claims, ...generated, ...service.claims.values },
        service,
        endpoint,
        service.reopenPurpose ?? `Your ${service.description} has been reopened`,
        present.identifier,
      );
      return;
    }
    const generated = Object.fromEntries(
      service.claims.generated.map((name) => [name, previous?.claims[name] ?? randomUUID()]),
    );
    const { jwt } = await this.#issue(service, peer, { ...generated, ...service.claims.values });
    await this.#messaging.send({
      to: peer,
      endpoint,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "DeliverAttestation",
        identifier: newId(),
        replyTo: present.identifier,
        object: { format: "jwt_vc", payload: jwt },
        description: service.description,
        deliveredAt: nowSeconds(),
      },
    });
  }

  async #deny(peer: string, endpoint: string, replyTo: string, requestId: string, code: string, reason: string) {
    await this.#repo.markDenied(peer, requestId, code);
    await this.#messaging.send({
      to: peer,
      endpoint,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "DenyAttestation",
        identifier: newId(),
        replyTo,
        purpose: `${code}: ${reason}`.slice(0, 1000),
      },
    });
  }
}

/** The presented credential meeting one of the service's preconditions (any-of), if any. */
export function matchPrecondition(
  service: AttestationServiceDefinition,
  credentials: PresentedCredential[],
): PresentedCredential | undefined {
  for (const p of service.preconditions) {
    const found = credentials.find(
      (c) =>
        c.types.includes(p.type) &&
        p.issuers.includes(c.issuer) &&
        Object.entries(p.claims ?? {}).every(([name, value]) => c.claims[name] === value),
    );
    if (found) return found;
  }
  return undefined;
}
