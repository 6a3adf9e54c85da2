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
}

export class DidAuth {
  readonly #resolver: Resolvable;
  readonly audience: string;
  readonly #ttlMs: number;
  readonly #open = new Map<string, number>();

  constructor(options: DidAuthOptions) {
    if (typeof options.audience !== "string" || options.audience === "") {
      throw invalidInput("audience", "must be this agent's DID or URL");
    }
    this.#resolver = options.resolver;
    this.audience = options.audience;
    this.#ttlMs = options.ttlMs ?? 120_000;
  }

  createChallenge(): DidAuthChallenge {
    this.#sweep();
    const challenge = randomBytes(32).toString("base64url");
    const expiresAt = Date.now() + this.#ttlMs;
    this.#open.set(challenge, expiresAt);
    return { challenge, audience: this.audience, expiresAt: new Date(expiresAt) };
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
    const expiresAt = typeof nonce === "string" ? this.#open.get(nonce) : undefined;
    if (typeof nonce !== "string" || expiresAt === undefined || expiresAt <= Date.now()) {
      throw new IdentityError("DID_AUTH_CHALLENGE_UNKNOWN", "the challenge is unknown, already used or expired");
    }
    this.#open.delete(nonce);
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
    for (const [challenge, expiresAt] of this.#open) if (expiresAt <= now) this.#open.delete(challenge);
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
