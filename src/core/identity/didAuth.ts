// DID-Auth: a peer proves control of its DID by signing our single-use challenge (kept in the agent's store, so it
// survives a restart, and consumed atomically, so a replayed response is refused). The response is a short-lived JWT
// (iss = the DID, aud = us, nonce = the challenge) signed with a key listed under `authentication` in its DID document;
// for did:ethr that is the controller account (#controller, ES256K), which is what respondToChallenge signs with.
import { createHash, randomBytes } from "node:crypto";
import { createJWT, verifyJWT } from "did-jwt";
import type { Resolvable } from "did-resolver";
import { bytesToHex } from "viem";
import type { HostedDid } from "./did.ts";
import { type ChallengeLimits, type ChallengeStore, MemoryChallengeStore } from "./didAuthChallenges.ts";
import { IdentityError, invalidInput } from "./errors.ts";
import type { Keystore } from "./keystore.ts";

export interface DidAuthChallenge {
  challenge: string;
  audience: string;
  expiresAt: Date;
}

export interface DidAuthOptions {
  resolver: Resolvable;
  /** Who the responses must be addressed to: this agent's DID or URL. */
  audience: string;
  /** Where open challenges live: the agent's SQL store in an agent (they survive a restart); memory by default. */
  challenges?: ChallengeStore;
  /** How long a challenge may be answered. Default 2 minutes. */
  ttlMs?: number;
  /** Open (unexpired, unanswered) challenges one owner (an API key) may hold. Default 100. */
  maxOpenPerOwner?: number;
  /** Open challenges the agent holds for all owners together. Default 10 000. */
  maxOpen?: number;
}

/** Who opened a challenge when the caller does not say: in-process callers share one allowance. */
const LOCAL_OWNER = "local";
/** The longest a caller may ask a challenge to stay open. */
export const MAX_CHALLENGE_TTL_MS = 600_000;

export class DidAuth {
  readonly #resolver: Resolvable;
  readonly audience: string;
  readonly #challenges: ChallengeStore;
  readonly #ttlMs: number;
  readonly #limits: ChallengeLimits;

  constructor(options: DidAuthOptions) {
    if (typeof options.audience !== "string" || options.audience === "") {
      throw invalidInput("audience", "must be this agent's DID or URL");
    }
    this.#resolver = options.resolver;
    this.audience = options.audience;
    this.#challenges = options.challenges ?? new MemoryChallengeStore();
    this.#ttlMs = options.ttlMs ?? 120_000;
    this.#limits = { perOwner: options.maxOpenPerOwner ?? 100, total: options.maxOpen ?? 10_000 };
  }

  /**
   * Opens a challenge for `owner` (the API key asking), answerable for `ttlMs` (default the agent's). Each open
   * challenge holds a row until it is answered or expires, so an owner may hold at most maxOpenPerOwner and the agent
   * maxOpen: past either, DID_AUTH_TOO_MANY_CHALLENGES (429) until some are answered or expire.
   */
  async createChallenge(owner: string = LOCAL_OWNER, ttlMs?: number): Promise<DidAuthChallenge> {
    if (ttlMs !== undefined && (!Number.isInteger(ttlMs) || ttlMs < 1000 || ttlMs > MAX_CHALLENGE_TTL_MS)) {
      throw invalidInput("query.ttlSeconds", `must be 1 to ${MAX_CHALLENGE_TTL_MS / 1000} seconds`);
    }
    const challenge = randomBytes(32).toString("base64url");
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + (ttlMs ?? this.#ttlMs));
    const refused = await this.#challenges.open(
      { challenge, owner, audience: this.audience, createdAt, expiresAt },
      this.#limits,
    );
    if (refused?.scope === "key") {
      throw new IdentityError(
        "DID_AUTH_TOO_MANY_CHALLENGES",
        `this API key holds ${refused.held} open DID-Auth challenges, the most allowed; answer some or wait for them to expire`,
        { details: { limit: refused.limit, scope: "key" } },
      );
    }
    if (refused?.scope === "agent") {
      throw new IdentityError(
        "DID_AUTH_TOO_MANY_CHALLENGES",
        `the agent holds ${refused.held} open DID-Auth challenges, the most allowed; retry when some expire`,
        { details: { limit: refused.limit, scope: "agent" } },
      );
    }
    return { challenge, audience: this.audience, expiresAt };
  }

  /** Open challenges: for one owner, or for all. */
  openChallenges(owner?: string): Promise<number> {
    return this.#challenges.countOpen(new Date(), owner);
  }

  /**
   * Verifies a response; the challenge is consumed (atomically, once) whether or not the response verifies, so a
   * response can never be tried twice. Returns the proven DID. The audience checked is the one the challenge was
   * opened for.
   */
  async verifyResponse(jwt: string): Promise<{ did: string }> {
    const { did } = await this.verify(jwt);
    return { did };
  }

  /** verifyResponse, answering also the response's claims (a flow may sign more than the nonce, e.g. a hub URL). */
  async verify(jwt: string): Promise<{ did: string; claims: Record<string, unknown> }> {
    if (typeof jwt !== "string" || jwt.split(".").length !== 3) throw invalidInput("jwt", "must be a compact JWT");
    let nonce: unknown;
    try {
      nonce = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"))?.nonce;
    } catch {
      throw invalidInput("jwt", "payload is not JSON");
    }
    if (typeof nonce !== "string" || nonce === "") {
      throw invalidInput("jwt", "payload has no nonce (the challenge answered)");
    }
    const consumed = await this.#challenges.consume(nonce, new Date());
    switch (consumed.outcome) {
      case "unknown":
        throw new IdentityError("DID_AUTH_CHALLENGE_UNKNOWN", "the challenge was not opened by this agent");
      case "used":
        throw new IdentityError(
          "DID_AUTH_CHALLENGE_USED",
          `the challenge was already answered at ${consumed.usedAt.toISOString()}: a response is accepted once`,
          { details: { usedAt: consumed.usedAt.toISOString() } },
        );
      case "expired":
        throw new IdentityError(
          "DID_AUTH_CHALLENGE_EXPIRED",
          `the challenge expired at ${consumed.expiredAt.toISOString()}; open a new one`,
          { details: { expiredAt: consumed.expiredAt.toISOString() } },
        );
    }
    try {
      const result = await verifyJWT(jwt, {
        resolver: this.#resolver,
        audience: consumed.audience,
        proofPurpose: "authentication",
      });
      if (!result.payload.exp) throw new Error("response has no exp");
      return { did: result.issuer, claims: result.payload as Record<string, unknown> };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new IdentityError("DID_AUTH_INVALID", `DID-Auth response rejected: ${message}`, { cause: error });
    }
  }
}

/** Answers a challenge for a DID this agent hosts, signed by its controller account. */
export async function respondToChallenge(
  keystore: Keystore,
  hosted: Pick<HostedDid, "did" | "controller">,
  challenge: Pick<DidAuthChallenge, "challenge" | "audience">,
  ttlSeconds = 60,
): Promise<string> {
  const account = keystore.account(hosted.controller);
  const sign = account.sign;
  if (!sign) throw new Error("controller account cannot sign raw hashes");
  const signer = async (data: string | Uint8Array): Promise<string> => {
    const hash = bytesToHex(createHash("sha256").update(data).digest());
    const signature = await sign({ hash });
    // JOSE ES256K is r || s; the verifier recovers the address from both recovery ids.
    return Buffer.from(signature.slice(2, 130), "hex").toString("base64url");
  };
  return createJWT(
    { aud: challenge.audience, nonce: challenge.challenge },
    { issuer: hosted.did, signer, expiresIn: ttlSeconds },
    { alg: "ES256K" },
  );
}

/** Who signs a DID-Auth response with an ES256 key: a person's pairwise did:key (its `kid` the key's DID URL). */
export interface DidAuthSigner {
  did: string;
  kid: string;
  sign: (data: string | Uint8Array) => Promise<string>;
}

/**
 * Answers a challenge with a P-256 key listed under `authentication` in the signer's DID document (a user agent's
 * pairwise did:key): `{ iss, aud, nonce, iat, exp }` plus `claims` (e.g. `hub`, the person's hub inbox), ES256.
 */
export async function signDidAuthResponse(
  signer: DidAuthSigner,
  challenge: Pick<DidAuthChallenge, "challenge" | "audience">,
  claims: Record<string, unknown> = {},
  ttlSeconds = 60,
): Promise<string> {
  return createJWT(
    { ...claims, aud: challenge.audience, nonce: challenge.challenge },
    { issuer: signer.did, signer: signer.sign, expiresIn: ttlSeconds },
    { alg: "ES256", kid: signer.kid },
  );
}
