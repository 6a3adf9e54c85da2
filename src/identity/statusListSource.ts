// Where this agent may obtain a W3C Bitstring status list credential: only from an address on its allow-list (this
// agent's own public URL; member agents' URLs once the consortium publishes them), never from any host a credential
// names, so verifying a credential cannot make the agent call out to a stranger. Anything else is "unavailable" with
// the reason, which the verification answer reports as status unknown.
import type { StatusListSource } from "../core/identity/bitstringStatus.ts";

/** Largest status list credential read: 1 MiB (a 16 KiB list compresses to far less). */
const MAX_LIST_JWT_BYTES = 1024 * 1024;
const FETCH_TIMEOUT_MS = 5000;

export function allowListedStatusLists(allowedOrigins: readonly string[]): StatusListSource {
  const origins = new Set(allowedOrigins.filter((u) => URL.canParse(u)).map((u) => new URL(u).origin));
  return {
    async get(url) {
      const origin = new URL(url).origin;
      if (!origins.has(origin)) {
        return {
          unavailable: `not fetched: ${origin} is not a member agent address this agent may read status lists from`,
        };
      }
      try {
        const response = await fetch(url, {
          headers: { accept: "application/vc+jwt, application/jwt, text/plain" },
          redirect: "error",
          signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        });
        if (!response.ok) return { unavailable: `${url} answered HTTP ${response.status}` };
        const text = await response.text();
        if (text.length > MAX_LIST_JWT_BYTES) return { unavailable: `${url} answered more than 1 MiB` };
        return { jwt: text.trim() };
      } catch (error) {
        return { unavailable: `${url} could not be read: ${error instanceof Error ? error.message : error}` };
      }
    },
  };
}
