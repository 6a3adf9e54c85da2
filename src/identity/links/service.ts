// Flow 2.1, linking a person to this member (EEA use case 6): a site asks its enterprise agent for a link; the person's
// user agent proves a pairwise DID by answering the link's single-use DID-Auth challenge (QR code or deep link, or the
// challenge relayed to the person's identity hub), or, without a user agent on the device used, by typing into the
// site a code the agent sealed to that DID and relayed through the hub (2FA variant). The site polls the link until it
// is linked (with the proven DID), expired, or locked (too many wrong codes).
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { Resolvable } from "did-resolver";
import { type DidAuth, MAX_CHALLENGE_TTL_MS } from "../../core/identity/didAuth.ts";
import { challengeKeyOf } from "../../core/identity/didAuthChallenges.ts";
import { IdentityError, invalidInput } from "../../core/identity/errors.ts";
import type { Keystore } from "../../core/identity/keystore.ts";
import { callPeer } from "../../core/identity/messages/http.ts";
import { keyAgreementOf, sealEnvelope } from "../../core/identity/messages/index.ts";
import type { Store } from "../../core/store/index.ts";
import type { AttestationMessaging } from "../messaging.ts";
import { LinkError } from "./errors.ts";
import { type LinkOffer, offerUrls, responsePath } from "./format.ts";
import { LINK_CODE_DIGITS, type LinkMessage } from "./messages.ts";
import { type LinkMode, type LinkRecord, LinkStore } from "./repository.ts";

/** Wrong codes a link takes before it is locked for good. */
export const LINK_CODE_MAX_ATTEMPTS = 5;
/** Default life of a link (the person scans and answers within it); at most the DID-Auth challenge's 600 s. */
export const LINK_DEFAULT_TTL_SECONDS = 300;
export const LINK_MAX_TTL_SECONDS = MAX_CHALLENGE_TTL_MS / 1000;
/** Pending links one API key may hold (a DID-Auth link also holds a challenge, capped by DidAuth as well). */
export const LINK_MAX_OPEN_PER_KEY = 100;

export interface CreateLinkInput {
  label?: string;
  ttlSeconds?: number;
  /** Hub and code variants: the DID the person disclosed to the site. */
  did?: string;
  /** Hub and code variants: the person's hub inbox URL (`…/v1/identity/hubs/{owner}/inbox`). */
  hub?: string;
  /** qr (default without `did`), hub (default with `did`), or code. */
  mode?: LinkMode;
}

export interface LinkView {
  linkId: string;
  mode: LinkMode;
  label: string | null;
  status: "pending" | "linked" | "expired" | "locked";
  /** The DID proven (once linked). */
  did: string | null;
  /** Hub and code variants: the DID the site asked to prove. */
  requestedDid: string | null;
  /** The person's hub inbox URL, when the site or the person's signed response gave one. */
  hub: string | null;
  createdAt: string;
  expiresAt: string;
  linkedAt: string | null;
  /** Code variant: wrong codes still accepted. */
  attemptsLeft: number | null;
}

export interface CreatedLink extends LinkView {
  /** QR variant: the offer in its two spellings and as a QR code of the https URL. */
  offer?: LinkOffer & { url: string; deepLink: string; qr: { svg: string; png: string } };
}

export interface LinkServiceOptions {
  store: Store;
  didAuth: DidAuth;
  messaging: AttestationMessaging;
  keystore: Keystore;
  /** Resolves the person's DID (did:key) to find the key a hub message is sealed to. */
  resolver: Resolvable;
  publicUrl: string;
  fetch?: typeof fetch;
}

export class LinkService {
  readonly #links: LinkStore;
  readonly #options: LinkServiceOptions;
  readonly #fetch: typeof fetch;

  constructor(options: LinkServiceOptions) {
    this.#links = new LinkStore(options.store);
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Opens a link for the site (`createdBy`: the API key asking). */
  async create(input: CreateLinkInput, createdBy: string): Promise<CreatedLink> {
    const mode: LinkMode = input.mode ?? (input.did === undefined ? "qr" : "hub");
    if (mode === "qr" && (input.did !== undefined || input.hub !== undefined)) {
      throw invalidInput(
        input.did !== undefined ? "body.did" : "body.hub",
        "a QR link names no DID nor hub: the wallet brings them; use mode hub or code",
      );
    }
    if (mode !== "qr") {
      if (input.did === undefined) throw invalidInput("body.did", `is required for a ${mode} link`);
      if (input.hub === undefined) throw invalidInput("body.hub", `is required for a ${mode} link`);
    }
    const ttlSeconds = input.ttlSeconds ?? LINK_DEFAULT_TTL_SECONDS;
    const now = new Date();
    if ((await this.#links.openCount(createdBy, now.toISOString())) >= LINK_MAX_OPEN_PER_KEY) {
      throw new IdentityError(
        "DID_AUTH_TOO_MANY_CHALLENGES",
        `this API key holds ${LINK_MAX_OPEN_PER_KEY} pending links, the most allowed; wait for some to expire`,
        { details: { limit: LINK_MAX_OPEN_PER_KEY, scope: "key" } },
      );
    }
    // The person's key is looked up before anything is written: a DID without a P-256 key-agreement key is refused.
    const recipient = mode === "qr" ? undefined : await keyAgreementOf(this.#options.resolver, input.did as string);
    const linkId = randomBytes(16).toString("base64url");
    const agent = await this.#options.messaging.identity();
    const record: LinkRecord = {
      linkId,
      mode,
      label: input.label ?? null,
      createdBy,
      challengeHash: null,
      requestedDid: input.did ?? null,
      hub: input.hub ?? null,
      codeSalt: null,
      codeHash: null,
      codeAttempts: 0,
      status: "pending",
      did: null,
      linkedAt: null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    };
    let offer: LinkOffer | undefined;
    let message: LinkMessage;
    if (mode === "code") {
      const code = String(randomInt(0, 10 ** LINK_CODE_DIGITS)).padStart(LINK_CODE_DIGITS, "0");
      record.codeSalt = randomBytes(16).toString("base64url");
      record.codeHash = codeHashOf(record.codeSalt, linkId, code);
      message = {
        "@type": "LinkCode",
        linkId,
        code,
        expiresAt: Math.floor(Date.parse(record.expiresAt) / 1000),
        ...(input.label === undefined ? {} : { label: input.label }),
      };
    } else {
      const challenge = await this.#options.didAuth.createChallenge(createdBy, ttlSeconds * 1000);
      record.challengeHash = challengeKeyOf(challenge.challenge);
      record.expiresAt = challenge.expiresAt.toISOString();
      offer = {
        linkId,
        agentDid: agent.did,
        challenge: challenge.challenge,
        audience: challenge.audience,
        responseUrl: `${this.#options.publicUrl.replace(/\/$/, "")}${responsePath(linkId)}`,
        expiresAt: Math.floor(challenge.expiresAt.getTime() / 1000),
        ...(input.label === undefined ? {} : { label: input.label }),
      };
      message = { "@type": "LinkChallenge", ...offer };
    }
    await this.#links.insert(record);
    if (recipient !== undefined) {
      // Hub and code variants: the challenge (or code) goes to the person's hub, signed by this agent's messaging
      // DID and sealed to the person's DID, so the hub learns only whom it is for.
      try {
        const token = await sealEnvelope(
          message,
          { did: agent.did, kid: agent.kid, sign: this.#options.keystore.es256Signer(agent.keyId) },
          input.did as string,
          recipient,
          { ttlSeconds },
        );
        await callPeer(this.#fetch, "POST", hubUrl(input.hub as string), { message: token });
      } catch (error) {
        await this.#links.remove(linkId);
        throw error;
      }
    }
    const view = viewOf(record, now);
    if (mode !== "qr" || offer === undefined) return view;
    const { url, deepLink } = offerUrls(this.#options.publicUrl, offer);
    const QRCode = (await import("qrcode")).default;
    const qr = {
      svg: await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 4 }),
      png: await QRCode.toDataURL(url, { errorCorrectionLevel: "M", margin: 4, scale: 4 }),
    };
    return { ...view, offer: { ...offer, url, deepLink, qr } };
  }

  /** The link as the site polls it. */
  async get(linkId: string): Promise<LinkView> {
    return viewOf(await this.#found(linkId), new Date());
  }

  /** Links newest first: [createdAt, linkId] keyset pages. */
  async list(limit: number, after?: readonly [string, string]): Promise<LinkRecord[]> {
    return this.#links.list(limit, after);
  }

  view(record: LinkRecord): LinkView {
    return viewOf(record, new Date());
  }

  /**
   * The user agent's DID-Auth response to the link's challenge (QR and hub variants): the challenge is this link's,
   * answered once, before expiry, addressed to this agent, signed by a key under `authentication` of the DID it
   * names; in the hub variant that DID must be the one the site asked for. A `hub` claim (the person's hub inbox)
   * is kept with the link.
   */
  async respond(linkId: string, jwt: string): Promise<LinkView> {
    const link = await this.#pending(linkId, "did-auth");
    const claims = payloadOf(jwt);
    if (typeof claims.nonce !== "string" || challengeKeyOf(claims.nonce) !== link.challengeHash) {
      throw new IdentityError("DID_AUTH_INVALID", "the response answers another challenge than this link's", {
        field: "body.jwt",
      });
    }
    let hub: string | null = null;
    if (claims.hub !== undefined) {
      if (typeof claims.hub !== "string" || claims.hub.length > 2048) {
        throw invalidInput("body.jwt", "the hub claim must be the person's hub inbox URL");
      }
      hub = hubUrl(claims.hub, "body.jwt").toString();
    }
    // Consumes the challenge (once, atomically): a replay, a late or a forged answer is refused by name.
    const { did } = await this.#options.didAuth.verify(jwt);
    if (link.requestedDid !== null && did !== link.requestedDid) {
      throw new IdentityError(
        "DID_AUTH_INVALID",
        `the response is signed by ${did}, but the link asked ${link.requestedDid} to prove control`,
        { field: "body.jwt" },
      );
    }
    const at = new Date().toISOString();
    if (!(await this.#links.markLinked(linkId, did, at, hub))) throw used(await this.#found(linkId));
    return this.get(linkId);
  }

  /** The 2FA variant: the code the person typed. Counted first, compared in constant time, at most 5 wrong. */
  async enterCode(linkId: string, code: string): Promise<LinkView> {
    const link = await this.#pending(linkId, "code");
    if (!(await this.#links.countAttempt(linkId, LINK_CODE_MAX_ATTEMPTS, new Date().toISOString()))) {
      // Another attempt got there first: answer what the link is now.
      await this.#pending(linkId, "code");
      throw attemptsExhausted();
    }
    const expected = Buffer.from(link.codeHash ?? "", "hex");
    const given = Buffer.from(codeHashOf(link.codeSalt ?? "", linkId, code), "hex");
    if (expected.length === given.length && timingSafeEqual(expected, given)) {
      if (!(await this.#links.markLinked(linkId, link.requestedDid as string, new Date().toISOString(), null))) {
        throw used(await this.#found(linkId));
      }
      return this.get(linkId);
    }
    const now = await this.#found(linkId);
    const attemptsLeft = Math.max(0, LINK_CODE_MAX_ATTEMPTS - now.codeAttempts);
    if (attemptsLeft === 0) {
      await this.#links.lock(linkId);
      throw attemptsExhausted();
    }
    throw new LinkError("LINK_CODE_WRONG", `the code does not match; ${attemptsLeft} attempts left`, {
      field: "body.code",
      details: { attemptsLeft },
    });
  }

  async #found(linkId: string): Promise<LinkRecord> {
    const link = await this.#links.get(linkId);
    if (!link) throw new LinkError("LINK_NOT_FOUND", `this agent opened no link ${linkId}`, { field: "params.linkId" });
    return link;
  }

  /** The link, if it is pending, unexpired and answered the way its mode asks; otherwise the named refusal. */
  async #pending(linkId: string, answer: "did-auth" | "code"): Promise<LinkRecord> {
    const link = await this.#found(linkId);
    if ((link.mode === "code") !== (answer === "code")) {
      throw new LinkError(
        "LINK_MODE_MISMATCH",
        link.mode === "code"
          ? "this link is confirmed by the code the person types, not by a DID-Auth response"
          : "this link is confirmed by the person's DID-Auth response, not by a code",
        { details: { mode: link.mode } },
      );
    }
    if (link.status === "linked") throw used(link);
    if (link.status === "locked") throw attemptsExhausted();
    if (Date.parse(link.expiresAt) <= Date.now()) {
      throw new LinkError("LINK_EXPIRED", `the link expired at ${link.expiresAt}; open a new one`, {
        details: { expiredAt: link.expiresAt },
      });
    }
    return link;
  }
}

function viewOf(r: LinkRecord, now: Date): LinkView {
  const expired = r.status === "pending" && Date.parse(r.expiresAt) <= now.getTime();
  return {
    linkId: r.linkId,
    mode: r.mode,
    label: r.label,
    status: expired ? "expired" : r.status,
    did: r.did,
    requestedDid: r.requestedDid,
    hub: r.hub,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    linkedAt: r.linkedAt,
    attemptsLeft: r.mode === "code" ? Math.max(0, LINK_CODE_MAX_ATTEMPTS - r.codeAttempts) : null,
  };
}

/** The code is kept salted and hashed (bound to its link): the store never holds a code that could be typed. */
function codeHashOf(salt: string, linkId: string, code: string): string {
  return createHash("sha256").update(`${salt}\n${linkId}\n${code}`, "utf8").digest("hex");
}

function payloadOf(jwt: string): Record<string, unknown> {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as unknown;
    if (typeof payload === "object" && payload !== null) return payload as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalidInput("body.jwt", "must be a compact JWT with a JSON payload");
}

function hubUrl(value: string, field = "body.hub"): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidInput(field, "must be the person's hub inbox: an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalidInput(field, "must be the person's hub inbox: an absolute http(s) URL");
  }
  return url;
}

const used = (link: LinkRecord) =>
  new LinkError("LINK_USED", `the link was linked at ${link.linkedAt}: it takes one answer`, {
    details: { linkedAt: link.linkedAt },
  });

const attemptsExhausted = () =>
  new LinkError("LINK_CODE_ATTEMPTS", `${LINK_CODE_MAX_ATTEMPTS} wrong codes: the link is locked; open a new one`, {
    details: { limit: LINK_CODE_MAX_ATTEMPTS },
  });
