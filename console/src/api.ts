// The console's only door to the agent: every call carries the member's API key (Authorization: Bearer), and every
// refusal becomes an ApiFailure with the agent's code and message, so a page shows it instead of swallowing it.

/** An error answered by the agent (or the network failing before it answered). */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    /** The fields the agent named (absolute paths such as body.items[3].tn), with what is wrong with each. */
    readonly details: readonly { field: string; message?: string }[] = [],
  ) {
    super(message);
  }
}

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface ApiClient {
  readonly key: string;
  call<T>(method: Method, path: string, body?: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
  /** A raw authenticated request (the live event stream reads its body as it arrives). */
  open(path: string, signal: AbortSignal): Promise<Response>;
}

export function createApiClient(key: string, fetchImpl: typeof fetch = (...args) => fetch(...args)): ApiClient {
  const headers = (json: boolean): Record<string, string> => ({
    authorization: `Bearer ${key}`,
    ...(json ? { "content-type": "application/json" } : {}),
  });
  const client: ApiClient = {
    key,
    async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        response = await fetchImpl(path, {
          method,
          headers: headers(body !== undefined),
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        throw new ApiFailure(0, "NETWORK", `the agent did not answer: ${(error as Error).message}`);
      }
      return (await readAnswer(response)) as T;
    },
    get<T>(path: string) {
      return client.call<T>("GET", path);
    },
    async open(path, signal) {
      const response = await fetchImpl(path, { headers: headers(false), signal });
      if (!response.ok) await readAnswer(response);
      return response;
    },
  };
  return client;
}

/** The answer's JSON, or an ApiFailure naming the agent's error code and message. */
export async function readAnswer(response: Response): Promise<unknown> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (response.ok) return body;
  const error = (body ?? {}) as { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown };
  const details = Array.isArray(error.details)
    ? error.details.filter((d): d is { field: string; message?: string } => typeof d?.field === "string")
    : [];
  throw new ApiFailure(
    response.status,
    typeof error.code === "string" ? error.code : `HTTP_${response.status}`,
    typeof error.message === "string" ? error.message : text.slice(0, 200) || response.statusText,
    typeof error.requestId === "string" ? error.requestId : undefined,
    details,
  );
}
