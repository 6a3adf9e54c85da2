// The SIP Identity header (RFC 8224 section 4.1): `<compact PASSporT>;info=<URI>;alg=ES256;ppt=<type>`. Reading it
// is strict: one token, each parameter at most once, info in angle brackets, nothing the RFC does not define.
import { StirError } from "./errors.ts";
import { MAX_TOKEN_LENGTH } from "./jws.ts";

export const MAX_IDENTITY_HEADER_LENGTH = MAX_TOKEN_LENGTH + 2048;

export interface IdentityHeader {
  token: string;
  info: string;
  alg: string;
  ppt: string | undefined;
}

export function formatIdentityHeader(value: { token: string; info: string; ppt: string }): string {
  return `${value.token};info=<${value.info}>;alg=ES256;ppt=${value.ppt}`;
}

function malformed(reason: string, message: string): StirError {
  return new StirError("STIR_IDENTITY_MALFORMED", reason, message);
}

export function parseIdentityHeader(input: unknown): IdentityHeader {
  if (input === undefined || input === null || input === "") {
    throw new StirError("STIR_IDENTITY_MISSING", "identity-missing", "no Identity header");
  }
  if (typeof input !== "string") throw malformed("identity-not-string", "the Identity header must be a string");
  if (input.length > MAX_IDENTITY_HEADER_LENGTH) {
    throw malformed("identity-too-long", `the Identity header is longer than ${MAX_IDENTITY_HEADER_LENGTH} characters`);
  }
  const value = input.trim();
  const [token, ...rest] = value.split(";");
  const params = new Map<string, string>();
  for (const raw of rest) {
    const eq = raw.indexOf("=");
    if (eq <= 0) throw malformed("identity-param-malformed", `Identity header parameter "${raw}" has no value`);
    const name = raw.slice(0, eq).trim().toLowerCase();
    if (params.has(name)) throw malformed("identity-param-repeated", `Identity header parameter ${name} is repeated`);
    params.set(name, raw.slice(eq + 1).trim());
  }
  const infoRaw = params.get("info");
  if (infoRaw === undefined) throw malformed("identity-info-missing", "the Identity header has no info parameter");
  if (!infoRaw.startsWith("<") || !infoRaw.endsWith(">") || infoRaw.length < 3) {
    throw malformed("identity-info-malformed", "the Identity header info parameter must be <URI>");
  }
  const alg = params.get("alg") ?? "ES256";
  if (alg !== "ES256") {
    throw new StirError("STIR_IDENTITY_UNSUPPORTED", "alg-not-es256", `Identity header alg ${alg} is not ES256`);
  }
  return { token: token?.trim() ?? "", info: infoRaw.slice(1, -1), alg, ppt: params.get("ppt") };
}
