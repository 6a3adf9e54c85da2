// The CLI talks to a member agent over its REST API (the agent holds the keys; the CLI holds only an API key).
// The target comes from --url/--api-key, the TELCO_LEDGER_URL/TELCO_LEDGER_API_KEY environment variables, or
// --agent <name> looked up in the sandbox file data/sandbox.json.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CliError } from "./output.ts";

export interface AgentTargetOptions {
  agent?: string;
  url?: string;
  apiKey?: string;
  dataDir?: string;
}

export interface AgentTarget {
  url: string;
  apiKey: string;
}

export function defaultDataDir(): string {
  return resolve(process.env.TELCO_LEDGER_DATA ?? "data");
}

export function resolveAgentTarget(options: AgentTargetOptions): AgentTarget {
  const url = options.url ?? process.env.TELCO_LEDGER_URL;
  const apiKey = options.apiKey ?? process.env.TELCO_LEDGER_API_KEY;
  if (url && apiKey && !options.agent) return { url, apiKey };
  const name = options.agent ?? process.env.TELCO_LEDGER_AGENT;
  if (!name) {
    throw new CliError("say which agent: --agent <name> (sandbox), or --url and --api-key", "NO_AGENT");
  }
  const file = resolve(options.dataDir ?? defaultDataDir(), "sandbox.json");
  let sandbox: { agents?: Array<{ name: string; url: string; apiKey: string }> };
  try {
    sandbox = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new CliError(
      `no sandbox file at ${file}: start the sandbox (npm start) or give --url and --api-key`,
      "NO_SANDBOX",
    );
  }
  const agent = sandbox.agents?.find((a) => a.name === name);
  if (!agent) {
    const names = (sandbox.agents ?? []).map((a) => a.name).join(", ");
    throw new CliError(`no agent named "${name}" in ${file}; known: ${names}`, "UNKNOWN_AGENT");
  }
  return { url: url ?? agent.url, apiKey: apiKey ?? agent.apiKey };
}

/** One JSON call to an agent's API with a bearer key; answers the status and the parsed body, never throws on 4xx/5xx. */
export async function requestAgent<T>(
  target: AgentTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, target.url), {
    method,
    headers: {
      ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** requestAgent for seeding and scripts: a non-2xx answer throws with the agent's code and message. */
export async function expectAgent<T>(
  target: AgentTarget & { name?: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const r = await requestAgent<T>(target, method, path, body);
  if (r.status >= 300) {
    throw new Error(`${target.name ?? target.url} ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body;
}

/**
 * expectAgent for a write that names a record another member filed: that member's agent may answer before this one's
 * read model has indexed the record, so a refusal naming one of `untilIndexed` (e.g. NOT_FOUND) is retried for a few
 * seconds; any other refusal throws at once.
 */
export async function expectAgentOnceIndexed<T>(
  target: AgentTarget & { name?: string },
  method: string,
  path: string,
  body: unknown,
  untilIndexed: readonly string[],
  { attempts = 40, delayMs = 250 } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const r = await requestAgent<T & { code?: string }>(target, method, path, body);
    if (r.status < 300) return r.body;
    const code = r.body?.code;
    if (attempt >= attempts || code === undefined || !untilIndexed.includes(code)) {
      throw new Error(`${target.name ?? target.url} ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

export async function callAgent<T>(target: AgentTarget, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, target.url), {
      method,
      headers: {
        authorization: `Bearer ${target.apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new CliError(`agent at ${target.url} is unreachable: ${(error as Error).message}`, "AGENT_UNREACHABLE");
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const err = (parsed ?? {}) as {
      code?: string;
      message?: string;
      details?: Array<{ field: string; message: string }>;
    };
    throw new CliError(err.message ?? `HTTP ${response.status}`, err.code ?? `HTTP_${response.status}`, err.details);
  }
  return parsed as T;
}

/** Every item of a paginated list (`{ items, nextCursor }`), following nextCursor: the CLI shows whole lists. */
export async function callAgentAllItems<T = Record<string, unknown>>(
  target: AgentTarget,
  path: string,
): Promise<{ items: T[] }> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page: { items: T[]; nextCursor: string | null } = await callAgent(
      target,
      "GET",
      `${path}${separator}limit=100${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { items };
}
