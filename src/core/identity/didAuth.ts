// DID-Auth: a peer proves control of its DID by signing our single-use challenge. The response is a short-lived JWT
// (iss = the DID, aud = us, nonce = the challenge) signed with a key listed under `authentication` in its DID document;
// for did:ethr that is the controller account (#controller, ES256K), which is what respondToChallenge signs with.
import { createHash, randomBytes } from "node:crypto";
import { createJWT, verifyJWT } from "did-jwt";
import type { Resolvable } from "did-resolver";
import { bytesToHex } from "viem";
import type { HostedDid } from "./did.ts";
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
  /** How long a challenge may be answered. Default 2 minutes. */
  ttlMs?: number;
  /** Open (unexpired, unanswered) challenges one owner (an API key) may hold. Default 100. */
  maxOpenPerOwner?: number;
  /** Open challenges the agent holds for all owners together. Default 10 000. */
  maxOpen?: number;
}

/** Who opened a challenge when the caller does not say: in-process callers share one allowance. */
const LOCAL_OWNER = "local";

export class DidAuth {
  readonly #resolver: Resolvable;
  readonly audience: string;
  readonly #ttlMs: number;
  readonly #maxOpenPerOwner: number;
  readonly #maxOpen: number;
  // Insertion order is expiry order (one TTL for all), so expired challenges are always at the front.
  readonly #open = new Map<string, { expiresAt: number; owner: string }>();
  readonly #openPerOwner = new Map<string, number>();

  constructor(options: DidAuthOptions) {
    if (typeof options.audience !== "string" || options.audience === "") {
      throw invalidInput("audience", "must be this agent's DID or URL");
    }
    this.#resolver = options.resolver;
    this.audience = options.audience;
    this.#ttlMs = options.ttlMs ?? 120_000;
    this.#maxOpenPerOwner = options.maxOpenPerOwner ?? 100;
    this.#maxOpen = options.maxOpen ?? 10_000;
  }

  /**
   * Opens a challenge for `owner` (the API key asking). Each open challenge holds memory until it is answered or
   * expires, so an owner may hold at most maxOpenPerOwner and the agent maxOpen: past either,
   * DID_AUTH_TOO_MANY_CHALLENGES (429) until some are answered or expire.
   */
  createChallenge(owner: string = LOCAL_OWNER): DidAuthChallenge {
    this.#sweep();
    const held = this.#openPerOwner.get(owner) ?? 0;
    if (held >= this.#maxOpenPerOwner) {
      throw new IdentityError(
        "DID_AUTH_TOO_MANY_CHALLENGES",
        `this API key holds ${held} open DID-Auth challenges, the most allowed; answer some or wait for them to expire`,
        { details: { limit: this.#maxOpenPerOwner, scope: "key" } },
      );
    }
    if (this.#open.size >= this.#maxOpen) {
      throw new IdentityError(
        "DID_AUTH_TOO_MANY_CHALLENGES",
        `the agent holds ${this.#open.size} open DID-Auth challenges, the most allowed; retry when some expire`,
        { details: { limit: this.#maxOpen, scope: "agent" } },
      );
    }
    const challenge = randomBytes(32).toString("base64url");
    const expiresAt = Date.now() + this.#ttlMs;
    this.#open.set(challenge, { expiresAt, owner });
    this.#openPerOwner.set(owner, held + 1);
    return { challenge, audience: this.audience, expiresAt: new Date(expiresAt) };
  }

  /** Open challenges: for one owner, or for all. */
  openChallenges(owner?: string): number {
    this.#sweep();
    return owner === undefined ? this.#open.size : (this.#openPerOwner.get(owner) ?? 0);
  }

  /** Verifies a response; the challenge is consumed whether or not the response verifies. Returns the proven DID. */
  async verifyResponse(jwt: string): Promise<{ did: string }> {
    if (typeof jwt !== "string" || jwt.split(".").length !== 3) throw invalidInput("jwt", "must be a compact JWT");
    let nonce: unknown;
    try {
      nonce = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"))?.nonce;
    } catch {
      throw invalidInput("jwt", "payload is not JSON");
    }
    const open = typeof nonce === "string" ? this.#open.get(nonce) : undefined;
    if (typeof nonce !== "string" || open === undefined || open.expiresAt <= Date.now()) {
      throw new IdentityError("DID_AUTH_CHALLENGE_UNKNOWN", "the challenge is unknown, already used or expired");
    }
    this.#close(nonce, open.owner);
    try {
      const result = await verifyJWT(jwt, {
        resolver: this.#resolver,
        audience: this.audience,
        proofPurpose: "authentication",
      });
      if (!result.payload.exp) throw new Error("response has no exp");
      return { did: result.issuer };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new IdentityError("DID_AUTH_INVALID", `DID-Auth response rejected: ${message}`, { cause: error });
    }
  }

  #sweep(): void {
    const now = Date.now();
    for (const [challenge, { expiresAt, owner }] of this.#open) {
      if (expiresAt > now) break;
      this.#close(challenge, owner);
    }
  }

  #close(challenge: string, owner: string): void {
    this.#open.delete(challenge);
    const held = (this.#openPerOwner.get(owner) ?? 1) - 1;
    if (held > 0) this.#openPerOwner.set(owner, held);
    else this.#openPerOwner.delete(owner);
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
