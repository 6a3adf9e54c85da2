// The one error model of the platform. Every domain declares its error codes in an error table, where the codes are
// defined, with the HTTP status the API answers (and the SIP response a proxy sends, where one exists). The API's
// error handler looks a thrown DomainError's code up in the registry these tables fill: no central switch, so adding
// a domain never means editing the platform.

/** HTTP statuses an error may carry. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 410 | 413 | 415 | 422 | 429 | 431 | 500 | 502 | 503;

/** What one error code means outside the process. */
export interface ErrorSpec {
  status: ErrorStatus;
  /** When the error happens and what the caller can do: shown in docs/api-errors.md and the OpenAPI document. */
  description: string;
  /** The SIP final response a proxy answers with for this failure (RFC 3261, RFC 8224), where there is one. */
  sip?: { code: number; reason: string };
}

export type ErrorTable<C extends string = string> = { readonly [K in C]: ErrorSpec };

/**
 * An absolute path to the input field at fault: `body.allocations[0].tn`, `params.orgId`, `query.limit`,
 * `headers.identity`. One convention everywhere, so a client can point at the field it sent.
 */
export type FieldPath = `body${string}` | `params${string}` | `query${string}` | `headers${string}`;

export interface DomainErrorOptions {
  /** The input field at fault. */
  field?: FieldPath;
  /** What is wrong with the field, without its name (the API's `details[].message`); default: the message. */
  problem?: string;
  /** Machine-readable facts for the caller (a credential's status, the reason of a refusal ...). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** An error a domain raises on purpose: its code is in that domain's error table; the message is for people. */
export class DomainError<C extends string = string> extends Error {
  readonly code: C;
  readonly field: FieldPath | undefined;
  /** What is wrong with `field`, without its name. */
  readonly problem: string;
  readonly details: Record<string, unknown>;

  constructor(code: C, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
    this.problem = options.problem ?? message;
    this.details = options.details ?? {};
  }

  /** The spec of this error's code; a code nobody declared is a programming error, answered as a 500. */
  get spec(): ErrorSpec | undefined {
    return registry.get(this.code)?.spec;
  }
}

interface Registered {
  owner: string;
  spec: ErrorSpec;
}

const registry = new Map<string, Registered>();
const CODE = /^[A-Z][A-Z0-9_]*$/;

/**
 * Declares an owner's error codes (a domain's name, or "api", "chain" for the core) and registers them, so the API can
 * answer them. A code declared twice, by the same owner or by two, is a startup error naming both.
 */
export function defineErrors<C extends string>(owner: string, table: ErrorTable<C>): ErrorTable<C> {
  for (const [code, spec] of Object.entries(table) as [string, ErrorSpec][]) {
    if (!CODE.test(code)) throw new Error(`error code ${code} of ${owner} must be UPPER_SNAKE_CASE`);
    const existing = registry.get(code);
    if (existing && (existing.owner !== owner || existing.spec !== spec)) {
      throw new Error(`error code ${code} is declared by both ${existing.owner} and ${owner}`);
    }
    registry.set(code, { owner, spec });
  }
  return table;
}

/** The spec of a declared code, or undefined. */
export function errorSpec(code: string): ErrorSpec | undefined {
  return registry.get(code)?.spec;
}

/** Every declared code with its owner, in declaration order (docs and the domain contract test read this). */
export function declaredErrors(): Array<{ code: string; owner: string; spec: ErrorSpec }> {
  return [...registry].map(([code, { owner, spec }]) => ({ code, owner, spec }));
}
