// Request validation, one Ajv per kind of input. A JSON body carries its own types, so it is validated as sent: a
// number where a string is due, or an array where one value is due, is refused and never converted. Path, query and
// header values are always text, so they are coerced to the number or boolean their schema asks for.
import AjvCompiler from "@fastify/ajv-compiler";

type BuildValidator = AjvCompiler.BuildCompilerFromPool;
/** What Fastify passes the compiler for each schema of a route (the pool's declared type is narrower). */
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string };
type Compile = (route: RouteSchema) => unknown;

/** Options both compilers share: every error reported (each named field), unknown fields refused, defaults filled. */
const SHARED = { allErrors: true, removeAdditional: false, useDefaults: true } as const;

export function requestValidatorFactory(): BuildValidator {
  const pool = AjvCompiler();
  return (externalSchemas, options) => {
    // The server's `ajv` option may bring plugins; its customOptions are replaced by the two sets below.
    const plugins = options?.plugins ? { plugins: options.plugins } : {};
    const exact = pool(externalSchemas, { ...plugins, customOptions: { ...SHARED, coerceTypes: false } });
    const fromText = pool(externalSchemas, { ...plugins, customOptions: { ...SHARED, coerceTypes: "array" } });
    const compile: Compile = (route) => ((route.httpPart === "body" ? exact : fromText) as unknown as Compile)(route);
    return compile as unknown as ReturnType<BuildValidator>;
  };
}
