// The user agent's side of the attestation flows (EEA use case 6, flows 2.2 and 2.3, revocation and amendment): the
// person requests an attestation, answers PreconditionsAttestation by presenting held credentials (a policy callback
// chooses; the CLI names them), receives DeliverAttestation (verified, then kept), and applies RevokeAttestation and
// AmendAttestation to what it holds.
//
// Held attestations are sealed to the person's own key (the wallet's hub owner key) and kept in one file in the wallet
// directory (`held-attestations.sealed`, 0600), and, when the wallet is given its hub's agent URL, also as items of kind
// "attestation" in the person's identity hub (so their other devices sync them).
import { createHash, randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeJWT } from "did-jwt";
import type { Resolvable } from "did-resolver";
import { verifyJwtCredential } from "../core/identity/credentialFormats.ts";
import { IdentityError, invalidInput } from "../core/identity/errors.ts";
import { type AttestationMessage, MESSAGE_CONTEXT, type OpenedMessage } from "../core/identity/messages/index.ts";
import { createPresentation } from "../identity/flows/presentation.ts";
import type { AgentContact, UserAgentWallet } from "./wallet.ts";

type Msg<T extends AttestationMessage["@type"]> = Extract<AttestationMessage, { "@type": T }>;
type Descriptor = Msg<"PreconditionsAttestation">["preconditions"][number];

export interface HeldAttestation {
  /** The credential's id (its `jti`, urn:uuid:…), or the SHA-256 of the token when it has none. */
  id: string;
  format: "jwt_vc" | "vc+jwt";
  token: string;
  issuer: string;
  /** The wallet's pairwise DID it was issued to. */
  subject: string;
  types: string[];
  claims: Record<string, unknown>;
  state: "active" | "revoked" | "superseded";
  /** What the issuer said when it revoked or replaced it. */
  note?: string;
  replacedBy?: string;
  receivedAt: string;
}

/** What the person's policy sees to choose credentials for a PreconditionsAttestation. */
export type PresentationPolicy = (
  preconditions: Descriptor[],
  candidates: HeldAttestation[],
) => HeldAttestation[] | Promise<HeldAttestation[]>;

/** The default policy: the first active credential meeting any precondition (type and issuer). */
export const firstMatching: PresentationPolicy = (preconditions, candidates) => {
  for (const p of preconditions) {
    const found = candidates.find(
      (c) =>
        c.state === "active" && c.types.includes(p.attestationType) && (!p.issuers || p.issuers.includes(c.issuer)),
    );
    if (found) return [found];
  }
  return [];
};

export interface WalletAttestationsOptions {
  wallet: UserAgentWallet;
  /** The wallet's directory (where the sealed held-attestations file lives). */
  dir: string;
  /** A resolver of the issuers' DIDs (did:ethr of the ledger): with it, a delivered credential's signature is checked. */
  resolver?: Resolvable;
  /** The person's identity hub (its agent URL): held attestations are also kept there, sealed. */
  hubUrl?: string;
}

/** What the wallet did with a message it received. */
export type ReceivedOutcome =
  | { type: "PreconditionsAttestation"; message: Msg<"PreconditionsAttestation">; sender: string }
  | { type: "DenyAttestation"; message: Msg<"DenyAttestation">; sender: string }
  | { type: "DeliverAttestation"; held: HeldAttestation; sender: string }
  | { type: "RevokeAttestation"; held: HeldAttestation | undefined; sender: string }
  | { type: "AmendAttestation"; held: HeldAttestation; replaced: HeldAttestation | undefined; sender: string }
  | { type: "other"; opened: OpenedMessage };

/** Not `.json`: the keystore in the same directory reads every `.json` file as a key. */
const FILE = "held-attestations.sealed";

export class WalletAttestations {
  readonly #wallet: UserAgentWallet;
  readonly #file: string;
  readonly #resolver: Resolvable | undefined;
  readonly #hubUrl: string | undefined;

  constructor(options: WalletAttestationsOptions) {
    this.#wallet = options.wallet;
    this.#file = join(options.dir, FILE);
    this.#resolver = options.resolver;
    this.#hubUrl = options.hubUrl;
  }

  /** The attestations this wallet holds, newest first. */
  async held(): Promise<HeldAttestation[]> {
    const sealed = await this.#readFile();
    const all = await Promise.all(Object.values(sealed).map((jwe) => this.#wallet.openPrivate<HeldAttestation>(jwe)));
    return all.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  }

  async #readFile(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(this.#file, "utf8")) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw error;
    }
  }

  async #keep(held: HeldAttestation): Promise<void> {
    const sealed = await this.#readFile();
    const key = createHash("sha256").update(held.id).digest("hex").slice(0, 32);
    sealed[key] = await this.#wallet.sealPrivate(held);
    const temp = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(sealed), { mode: 0o600 });
    await rename(temp, this.#file);
    if (this.#hubUrl) {
      const { client } = await this.#wallet.hub(this.#hubUrl);
      const current = (await client.changes(0)).filter((i) => i.itemId === `att-${key}`).at(-1);
      await client.put(`att-${key}`, "attestation", held, current?.seq ?? 0);
    }
  }

  /**
   * Keeps a credential issued to one of this wallet's pairwise DIDs (e.g. the bank's identity attestation): its
   * subject must be one of them; with a resolver its signature and dates are checked first.
   */
  async keep(token: string): Promise<HeldAttestation> {
    const held = await this.#verify(token);
    await this.#keep(held);
    return held;
  }

  async #verify(token: string): Promise<HeldAttestation> {
    if (typeof token !== "string" || token.split(".").length !== 3)
      throw invalidInput("token", "must be a compact JWT");
    let payload: Record<string, unknown>;
    let credential: Record<string, unknown>;
    let format: HeldAttestation["format"];
    let issuer: string;
    if (this.#resolver) {
      const checked = await verifyJwtCredential(token, this.#resolver);
      ({ payload, credential, issuer } = checked);
      format = checked.format === "vc+jwt-2.0" ? "vc+jwt" : "jwt_vc";
    } else {
      payload = decodeJWT(token, false).payload as Record<string, unknown>;
      const vc = (payload.vc ?? payload) as Record<string, unknown>;
      credential = vc;
      format = payload.vc === undefined ? "vc+jwt" : "jwt_vc";
      const iss = payload.iss ?? (vc.issuer as { id?: unknown } | string | undefined);
      issuer = typeof iss === "string" ? iss : String((iss as { id?: unknown } | undefined)?.id);
    }
    const subjectClaims = (credential.credentialSubject ?? {}) as Record<string, unknown>;
    const subject = typeof subjectClaims.id === "string" ? subjectClaims.id : payload.sub;
    const ours = this.#wallet.relationships().some((r) => r.did === subject);
    if (typeof subject !== "string" || !ours) {
      throw new IdentityError(
        "CREDENTIAL_INVALID",
        `credential invalid: issued to ${String(subject)}, not this wallet`,
      );
    }
    const { id: _subject, ...claims } = subjectClaims;
    const id =
      typeof payload.jti === "string"
        ? payload.jti
        : typeof credential.id === "string"
          ? credential.id
          : createHash("sha256").update(token).digest("hex");
    const types = (Array.isArray(credential.type) ? credential.type : []).filter(
      (t): t is string => typeof t === "string" && t !== "VerifiableCredential",
    );
    return {
      id,
      format,
      token,
      issuer,
      subject,
      types,
      claims,
      state: "active",
      receivedAt: new Date().toISOString(),
    };
  }

  /** Asks the agent for an attestation; its flows answer at `reply` (signed into the message). */
  async request(
    contact: AgentContact,
    input: { attestationType: string; description: string; reply: string },
  ): Promise<string> {
    const identifier = `msg-${randomUUID()}`;
    await this.#wallet.send(
      contact,
      {
        "@context": MESSAGE_CONTEXT,
        "@type": "RequestAttestation",
        identifier,
        attestationType: input.attestationType,
        for: [contact.did],
        format: "jwt_vc",
        description: input.description,
      },
      { reply: input.reply },
    );
    return identifier;
  }

  /**
   * Answers a PreconditionsAttestation: the chosen held credentials (by `policy`, or by `ids`) presented in a JWT VP
   * signed by the DID they were issued to, for the agent (aud) and this preconditions message (nonce).
   */
  async present(
    contact: AgentContact,
    preconditions: Msg<"PreconditionsAttestation">,
    choice: { policy?: PresentationPolicy; ids?: string[]; reply: string },
  ): Promise<HeldAttestation[]> {
    const candidates = (await this.held()).filter((h) => h.state === "active");
    const chosen = choice.ids
      ? choice.ids.map((id) => {
          const found = candidates.find((h) => h.id === id);
          if (!found) throw invalidInput("ids", `this wallet holds no active attestation ${id}`);
          return found;
        })
      : await (choice.policy ?? firstMatching)(preconditions.preconditions, candidates);
    const holder = chosen[0]?.subject;
    if (!holder) throw invalidInput("ids", "no held attestation meets the preconditions");
    if (chosen.some((h) => h.subject !== holder)) {
      throw invalidInput(
        "ids",
        "one presentation is signed by one holder DID: choose credentials issued to the same DID",
      );
    }
    const presentation = await createPresentation({
      holder: this.#wallet.signerForDid(holder),
      credentials: chosen.map((h) => h.token),
      audience: contact.agentDid,
      nonce: preconditions.identifier,
    });
    await this.#wallet.send(
      contact,
      {
        "@context": MESSAGE_CONTEXT,
        "@type": "PresentAttestation",
        identifier: `msg-${randomUUID()}`,
        replyTo: preconditions.identifier,
        object: presentation,
        description: chosen.map((h) => h.types.join("/")).join(", "),
      },
      { reply: choice.reply },
    );
    return chosen;
  }

  /** Opens a message an agent sent to this wallet and applies it to what the wallet holds. */
  async receive(token: string, peer: string): Promise<ReceivedOutcome> {
    const opened = await this.#wallet.open(token, peer);
    const message = opened.message;
    const sender = opened.sender;
    switch (message["@type"]) {
      case "PreconditionsAttestation":
        return { type: message["@type"], message, sender };
      case "DenyAttestation":
        return { type: message["@type"], message, sender };
      case "DeliverAttestation": {
        const held = await this.#verify(this.#token(message.object));
        await this.#keep(held);
        return { type: "DeliverAttestation", held, sender };
      }
      case "RevokeAttestation": {
        const found = (await this.held()).find((h) => h.id === message.object.attestationId);
        if (!found) return { type: "RevokeAttestation", held: undefined, sender };
        const revoked: HeldAttestation = {
          ...found,
          state: "revoked",
          note: `${message.result.revocationCodes.join(", ")}: ${message.purpose}`,
        };
        await this.#keep(revoked);
        return { type: "RevokeAttestation", held: revoked, sender };
      }
      case "AmendAttestation": {
        const held = await this.#verify(this.#token(message.object));
        const found = (await this.held()).find((h) => h.id === message.replaces);
        if (found && found.issuer !== held.issuer) {
          throw new IdentityError(
            "CREDENTIAL_INVALID",
            `credential invalid: an amendment of ${found.id} must come from its issuer ${found.issuer}`,
          );
        }
        await this.#keep(held);
        const replaced = found
          ? { ...found, state: "superseded" as const, replacedBy: held.id, note: message.purpose }
          : undefined;
        if (replaced) await this.#keep(replaced);
        return { type: "AmendAttestation", held, replaced, sender };
      }
      default:
        return { type: "other", opened };
    }
  }

  #token(object: { format: string; payload: string }): string {
    if (object.format !== "jwt_vc" && object.format !== "vc+jwt") {
      throw invalidInput("object.format", `the wallet keeps jwt_vc and vc+jwt credentials, not ${object.format}`);
    }
    return object.payload;
  }
}
