// How a message (or a request for an agent's messaging DID) crosses HTTP: one JSON call with a timeout and no
// redirects. A peer that answered with a 4xx refused what the caller asked it to carry (MESSAGE_REFUSED, a client
// error: the endpoint or the message is wrong for that peer); a peer that could not be reached, timed out or failed
// is MESSAGE_DELIVERY_FAILED (a gateway error). Both carry the peer's status, code and message.
import { IdentityError } from "../errors.ts";

const TIMEOUT_MS = 30_000;

export async function callPeer(
  fetchImpl: typeof fetch,
  method: "GET" | "POST",
  url: URL,
  body?: unknown,
): Promise<Record<string, unknown> | null> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    throw new IdentityError("MESSAGE_DELIVERY_FAILED", `${url.origin} could not be reached: ${String(cause)}`, {
      details: { endpoint: url.toString() },
      cause,
    });
  }
  const answer = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (!response.ok) {
    throw new IdentityError(
      peerRefused(response.status) ? "MESSAGE_REFUSED" : "MESSAGE_DELIVERY_FAILED",
      `${url.toString()} refused: ${String(answer?.code ?? response.status)} ${String(answer?.message ?? "")}`.trim(),
      {
        details: {
          endpoint: url.toString(),
          peerStatus: response.status,
          peerCode: answer?.code ?? null,
          peerMessage: answer?.message ?? null,
        },
      },
    );
  }
  return answer;
}

/** A 4xx is the peer's considered refusal; anything else not ok (5xx, odd statuses) is the peer failing. */
export function peerRefused(status: number): boolean {
  return status >= 400 && status < 500;
}
