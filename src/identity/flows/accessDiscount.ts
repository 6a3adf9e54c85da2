// Flow 2.4 (EEA use case 6): Alice uses her ISP account attestation at a partner operator for a discount spent once.
// The partner's enterprise agent, holding a granted access permission (access.ts), retrieves the ISP account
// attestation from Alice's hub: a holder-bound presentation (flows/presentation.ts) the user agent made for this
// request (aud = the partner's messaging DID, nonce = the RequestAccess identifier) and sealed to the partner. The
// agent validates it (holder binding, issuer trusted, status not revoked, type), issues a discount attestation to
// Alice's pairwise DID for the partner and delivers it (DeliverAttestation). At purchase, the site asks for the
// discount (RequestAttestation through the outbox), Alice's user agent presents it (PresentAttestation, bound to that
// request), and the site redeems the presentation: the discount is spent once, durably and race-safe (one conditional
// insert keyed by the credential id: of two concurrent redemptions exactly one inserts), then revoked on chain with the
// reason Spent so that any verifier sees it; a second use is refused as ATTESTATION_SPENT.
import { randomUUID } from "node:crypto";
import { decodeJWT } from "did-jwt";
import type { Resolvable } from "did-resolver";
import { type CredentialStatusService, credentialIdOf } from "../../core/identity/credentialStatus.ts";
import type { CredentialService } from "../../core/identity/credentials.ts";
import type { DidService } from "../../core/identity/did.ts";
import { invalidInput } from "../../core/identity/errors.ts";
import { MESSAGE_CONTEXT, type MessageOf, type ReplayGuard } from "../../core/identity/messages/index.ts";
import type { AttestationMessaging, StoredMessage } from "../messaging.ts";
import type { AccessFlow } from "./access.ts";
import { AccessError } from "./accessErrors.ts";
import { type VerifiedPresentation, verifyPresentation } from "./presentation.ts";
import type { AccessRepository, SpentRecord } from "./repositoryAccess.ts";

export const DISCOUNT_TYPE = "DiscountAttestation";
export const ACCOUNT_TYPE = "IspAccount";

export interface DiscountFlowOptions {
  access: AccessFlow;
  messaging: AttestationMessaging;
  credentials: Pick<CredentialService, "issue" | "verify" | "verifySdJwt">;
  status: Pick<CredentialStatusService, "revoke">;
  dids: Pick<DidService, "get">;
  resolver: Resolvable;
  /** Where presentation nonces are spent (the agent's SQL replay guard). */
  nonces: ReplayGuard;
}

export interface DiscountInput {
  /** A did:ethr this agent hosts: the discount's issuer. */
  issuer: string;
  /** Issuers whose ISP account attestation this partner accepts. */
  trustedIssuers: string[];
  /** The discount, in percent (1-100). */
  percent: number;
  /** What it applies to, for people (e.g. "smartphone"). */
  product: string;
  /** Seconds the discount is valid (default 30 days). */
  validForSeconds?: number;
}

export interface IssuedDiscount {
  permissionId: string;
  account: { issuer: string; holder: string; claims: Record<string, unknown> };
  discount: { id: string; credentialId: string; holder: string; percent: number; product: string };
  delivered: StoredMessage;
}

export interface Redemption {
  credentialId: string;
  issuer: string;
  holder: string;
  percent: number;
  product: string;
  presentation: string;
  spentAt: string;
  /** The on-chain status set for any verifier: revoked (Spent), or why it could not be set yet. */
  onChain: { status: "revoked"; reason: "Spent" } | { status: "not-revoked"; error: string };
}

const refused = (problem: string, message: string, details: Record<string, unknown> = {}) =>
  new AccessError("ATTESTATION_NOT_ACCEPTED", message, { details: { problem, ...details } });

export class DiscountFlow {
  readonly #o: DiscountFlowOptions;
  readonly #repo: AccessRepository;

  constructor(options: DiscountFlowOptions) {
    this.#o = options;
    this.#repo = options.access.repository;
  }

  /** Steps 7-9: retrieve the ISP account attestation, validate it, issue and deliver the discount. */
  async issueDiscount(permissionId: string, input: DiscountInput): Promise<IssuedDiscount> {
    await this.#o.dids.get(input.issuer).catch(() => {
      throw invalidInput("body.issuer", `${input.issuer} is not a DID this agent hosts`);
    });
    const { record, attestations } = await this.#o.access.retrieve(permissionId, [ACCOUNT_TYPE]);
    const copy = attestations.find((a) => a.attestationType === ACCOUNT_TYPE);
    if (!copy) throw refused("missing", `the hub answered no ${ACCOUNT_TYPE} under permission ${permissionId}`);
    const { did } = await this.#o.messaging.identity();
    // Holder binding: a presentation signed by the DID the account was issued to, for this agent and this request.
    const verified = await verifyPresentation(
      { format: copy.format, payload: copy.payload },
      { audience: did, nonce: record.requestIdentifier },
      { credentials: this.#o.credentials, resolver: this.#o.resolver, nonces: this.#o.nonces },
    );
    const account = verified.credentials.find((c) => c.types.includes(ACCOUNT_TYPE));
    if (!account) throw refused("type", `the presentation carries no ${ACCOUNT_TYPE} credential`);
    if (!input.trustedIssuers.includes(account.issuer)) {
      throw refused("issuer-not-trusted", `${account.issuer} is not an issuer this partner trusts`, {
        issuer: account.issuer,
      });
    }
    const validFor = input.validForSeconds ?? 30 * 86_400;
    const issued = await this.#o.credentials.issue({
      issuerDid: input.issuer,
      type: DISCOUNT_TYPE,
      credentialSubject: {
        id: record.peer,
        percent: input.percent,
        product: input.product,
        basedOn: ACCOUNT_TYPE,
        singleUse: true,
      },
      expirationDate: new Date(Date.now() + validFor * 1000),
    });
    const message: MessageOf<"DeliverAttestation"> = {
      "@context": MESSAGE_CONTEXT,
      "@type": "DeliverAttestation",
      identifier: `deliver-${randomUUID()}`,
      replyTo: record.requestIdentifier,
      object: { format: "jwt_vc", payload: issued.jwt },
      description: `${input.percent}% off a ${input.product}, for customers of a partner ISP (single use)`,
      tags: [DISCOUNT_TYPE],
      deliveredAt: Math.floor(Date.now() / 1000),
    };
    const { sent } = await this.#o.messaging.send({ to: record.peer, endpoint: record.endpoint, message });
    return {
      permissionId,
      account: { issuer: account.issuer, holder: verified.holder, claims: account.claims },
      discount: {
        id: issued.id,
        credentialId: issued.credentialId,
        holder: record.peer,
        percent: input.percent,
        product: input.product,
      },
      delivered: sent,
    };
  }

  /**
   * Steps 13-15: redeems the discount a PresentAttestation (received at the inbox) presents, answering the
   * RequestAttestation this agent sent to the same person. Spent once: ATTESTATION_SPENT the second time.
   */
  async redeem(presentationId: string, redeemedBy: string): Promise<Redemption> {
    const received = await this.#repo.exchanged("in", presentationId, "PresentAttestation");
    if (!received) {
      throw invalidInput("body.presentation", `no PresentAttestation ${presentationId} was received here`);
    }
    const presented = received.message as MessageOf<"PresentAttestation">;
    const request = presented.replyTo && (await this.#repo.exchanged("out", presented.replyTo, "RequestAttestation"));
    if (!request || request.peer !== received.peer) {
      throw refused(
        "not-requested",
        `PresentAttestation ${presentationId} answers no RequestAttestation sent to its sender`,
      );
    }
    // Named before verification: a discount spent here is revoked on chain, which verification would report instead.
    for (const credentialId of credentialIdsIn(presented.object.payload)) {
      const spent = await this.#repo.spent(credentialId);
      if (spent) throw spentError(spent);
    }
    const { did } = await this.#o.messaging.identity();
    const verified: VerifiedPresentation = await verifyPresentation(
      presented.object,
      { audience: did, nonce: presented.replyTo as string },
      { credentials: this.#o.credentials, resolver: this.#o.resolver, nonces: this.#o.nonces },
    );
    if (verified.holder !== received.peer) {
      throw refused("holder", `the presentation's holder ${verified.holder} is not its sender ${received.peer}`);
    }
    const discount = verified.credentials.find((c) => c.types.includes(DISCOUNT_TYPE));
    if (!discount?.id) throw refused("type", `the presentation carries no ${DISCOUNT_TYPE} credential`);
    await this.#o.dids.get(discount.issuer).catch(() => {
      throw refused("issuer-not-hosted", `${discount.issuer} is not a DID of this agent: it issued no such discount`);
    });
    const record: SpentRecord = {
      credentialId: credentialIdOf(discount.id),
      issuer: discount.issuer,
      holder: verified.holder,
      presentation: presentationId,
      spentAt: new Date().toISOString(),
      spentBy: redeemedBy,
    };
    // The one conditional insert: of two concurrent redemptions of one discount, exactly one wins.
    if (!(await this.#repo.spend(record))) {
      const spent = await this.#repo.spent(record.credentialId);
      throw spentError(spent ?? record);
    }
    let onChain: Redemption["onChain"];
    try {
      await this.#o.status.revoke(discount.issuer, record.credentialId as `0x${string}`, "Spent");
      onChain = { status: "revoked", reason: "Spent" };
    } catch (error) {
      // The spend is recorded (durable, refused here from now on); the chain status is for other verifiers.
      onChain = { status: "not-revoked", error: error instanceof Error ? error.message : String(error) };
    }
    return {
      credentialId: record.credentialId,
      issuer: record.issuer,
      holder: record.holder,
      percent: Number(discount.claims.percent),
      product: String(discount.claims.product),
      presentation: presentationId,
      spentAt: record.spentAt,
      onChain,
    };
  }
}

function spentError(spent: SpentRecord): AccessError {
  return new AccessError("ATTESTATION_SPENT", `discount ${spent.credentialId} was spent at ${spent.spentAt}`, {
    details: { credentialId: spent.credentialId, spentAt: spent.spentAt, presentation: spent.presentation },
  });
}

/** The credential ids inside a JWT VP (unverified: only to name a spent one before verifying). */
function credentialIdsIn(payload: string): string[] {
  try {
    const vp = (decodeJWT(payload, false).payload as { vp?: { verifiableCredential?: unknown } }).vp;
    const list = Array.isArray(vp?.verifiableCredential) ? vp.verifiableCredential : [];
    return list.flatMap((token) => {
      if (typeof token !== "string") return [];
      const p = decodeJWT(token, false).payload as { jti?: unknown; vc?: { id?: unknown } };
      const id = typeof p.vc?.id === "string" ? p.vc.id : typeof p.jti === "string" ? p.jti : undefined;
      return id === undefined ? [] : [credentialIdOf(id)];
    });
  } catch {
    return [];
  }
}
