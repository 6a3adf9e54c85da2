// How a message (or a request for an agent's messaging DID) crosses HTTP: one JSON call with a timeout and no
// redirects, whose failure or refusal is MESSAGE_DELIVERY_FAILED carrying the peer's status, code and message.
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
      "MESSAGE_DELIVERY_FAILED",
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
