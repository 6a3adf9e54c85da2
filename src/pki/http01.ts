// ACME-style HTTP-01 (RFC 8555 §8.3) for DV applications. The token is the application id (32 bytes from the
// applicant's random salt, base64url); the key authorization binds it to the key being certified: token "." base64url
// (SHA-256 of the SubjectPublicKeyInfo), where ACME uses its account key's JWK thumbprint. A validator fetches
// http://<name>/.well-known/acme-challenge/<token> itself and attests on chain only when the body matches.
import { createHash } from "node:crypto";
import { type Hex, hexToBytes } from "viem";

export const CHALLENGE_PATH = "/.well-known/acme-challenge/";
const FETCH_TIMEOUT_MS = 5_000;
const MAX_BODY = 1024;

export interface Http01Challenge {
  token: string;
  keyAuthorization: string;
  /** Where a validator looks: http://<dnsName>/.well-known/acme-challenge/<token>. */
  url: string;
}

export function challengeOf(applicationId: Hex, dnsName: string, publicKey: Hex): Http01Challenge {
  const token = Buffer.from(hexToBytes(applicationId)).toString("base64url");
  const thumbprint = createHash("sha256").update(hexToBytes(publicKey)).digest("base64url");
  return { token, keyAuthorization: `${token}.${thumbprint}`, url: `http://${dnsName}${CHALLENGE_PATH}${token}` };
}

export type Http01Outcome =
  | { ok: true; url: string }
  | { ok: false; url: string; reason: "unreachable" | "status" | "mismatch"; detail: string };

/**
 * The validator's view of where a name's HTTP server is: the name itself on port 80, unless the operator pinned it
 * to host:port (curl --resolve style, from TELCO_PKI_HTTP01_RESOLVE "name=host:port,..." or the API), as ACME test
 * servers do for names that public DNS does not know.
 */
export class Http01Validator {
  readonly #pinned = new Map<string, string>();

  constructor(spec = process.env.TELCO_PKI_HTTP01_RESOLVE ?? "") {
    for (const entry of spec.split(",").filter(Boolean)) {
      const [name, target] = entry.split("=");
      if (name && target) this.#pinned.set(name.trim().toLowerCase(), target.trim());
    }
  }

  pin(dnsName: string, target: string): void {
    this.#pinned.set(dnsName.toLowerCase(), target);
  }

  pinned(): Array<{ dnsName: string; target: string }> {
    return [...this.#pinned].map(([dnsName, target]) => ({ dnsName, target }));
  }

  async check(dnsName: string, challenge: Http01Challenge): Promise<Http01Outcome> {
    const host = this.#pinned.get(dnsName.toLowerCase()) ?? dnsName;
    const url = `http://${host}${CHALLENGE_PATH}${challenge.token}`;
    let response: Response;
    try {
      response = await fetch(url, {
        redirect: "manual",
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (error) {
      return { ok: false, url, reason: "unreachable", detail: (error as Error).message };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return { ok: false, url, reason: "status", detail: `HTTP ${response.status}` };
    }
    const body = (await response.text()).slice(0, MAX_BODY).trim();
    if (body !== challenge.keyAuthorization) {
      return { ok: false, url, reason: "mismatch", detail: "the body is not the key authorization" };
    }
    return { ok: true, url };
  }
}
