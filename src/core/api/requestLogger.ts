// Fastify gives every request a child logger bound to its request id. pino builds a child eagerly, and with redaction
// configured (redactPaths(): wildcard paths) it runs the redactor over the bindings of each one: 2.6% of the OSP
// agent's busy CPU under attestation load and 3.0% under verification load (profiled `stir-replicas` run), for a
// logger that, with the sampled access log, writes for about one request in a hundred. The child is made on the first line the request logs, with the same bindings and options.
import type { FastifyBaseLogger } from "fastify";
import type { Bindings, ChildLoggerOptions, LogFn } from "pino";

type AnyLog = (...args: unknown[]) => void;

export class LazyRequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #logger(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  #forward(level: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent"): LogFn {
    return ((...args: unknown[]) => (this.#logger()[level] as AnyLog)(...args)) as LogFn;
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }
  set level(level: string) {
    this.#logger().level = level;
  }

  fatal = this.#forward("fatal");
  error = this.#forward("error");
  warn = this.#forward("warn");
  info = this.#forward("info");
  debug = this.#forward("debug");
  trace = this.#forward("trace");
  silent = this.#forward("silent");

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: the request's logger, made when first used. */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
