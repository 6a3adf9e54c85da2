// What the signed-calls domain publishes to the domains after it (registries' robocall traceback first): verify a
// call's SHAKEN PASSporT after the call, as a carrier tracing it back does, and read who signed it: the attestation
// and origid it claims and the Service Provider Code (SPC) of the STI certificate whose key signed it.
import { createHash } from "node:crypto";
import { tnAuthListDerOf } from "./certificates.ts";
import { StirError } from "./errors.ts";
import { formatIdentityHeader } from "./identityHeader.ts";
import { type Attestation, readShakenPassport } from "./passport.ts";
import type { StirService } from "./service.ts";
import { decodeTnAuthList } from "./tnAuthList.ts";

/** A PASSporT that verified: its claims and the certificate that signed it. */
export interface VerifiedCallPassport {
  attest: Attestation;
  origid: string;
  /** Calling and called numbers (E.164 digits) as the PASSporT signs them. */
  orig: string;
  dest: string[];
  iat: number;
  x5u: string;
  /** The SPCs in the signing certificate's TNAuthList (an SHAKEN STI certificate carries one). */
  spcs: string[];
  /** SHA-256 of the signing (leaf) certificate's DER, 0x-prefixed hex. */
  certificateSha256: string;
}

export type CallPassportCheck =
  | { verified: true; passport: VerifiedCallPassport }
  | { verified: false; reason: string; message: string };

export interface StirPublished {
  /**
   * Verifies a SHAKEN PASSporT (a compact JWS, or a SIP Identity header value) as of the call's own time (its iat):
   * signature, x5u chain to a trusted STI-CA, validity at iat, TNAuthList. orig and dest are taken from the PASSporT
   * itself (it signs them). Never throws for bad input: answers the STI-VS's reason code instead.
   */
  verifyCallPassport(passport: string): Promise<CallPassportCheck>;
}

declare module "../agent/domain.ts" {
  interface PublishedServices {
    stir: StirPublished;
  }
}

const refused = (error: unknown): CallPassportCheck => {
  if (!(error instanceof StirError)) throw error;
  return { verified: false, reason: error.reason, message: error.message };
};

export function publishedStir(service: StirService): StirPublished {
  return {
    async verifyCallPassport(input) {
      let identity = input.trim();
      let claims: ReturnType<typeof readShakenPassport>;
      try {
        const token = identity.split(";")[0] as string;
        claims = readShakenPassport(token);
        if (!identity.includes(";")) identity = formatIdentityHeader({ token, info: claims.x5u, ppt: "shaken" });
      } catch (error) {
        return refused(error);
      }
      const result = await service.verify({ identity, from: claims.orig, to: claims.dest, time: claims.iat });
      if (result.verstat !== "TN-Validation-Passed") {
        return { verified: false, reason: result.reason ?? result.verstat, message: result.message ?? result.verstat };
      }
      try {
        // Cached by the fetcher: the chain the verification just validated.
        const [leaf] = await service.fetcher.fetch(claims.x5u);
        const der = leaf && tnAuthListDerOf(leaf);
        const spcs = der ? decodeTnAuthList(der).flatMap((entry) => ("spc" in entry ? [entry.spc] : [])) : [];
        return {
          verified: true,
          passport: {
            attest: claims.attest,
            origid: claims.origid,
            orig: claims.orig,
            dest: claims.dest,
            iat: claims.iat,
            x5u: claims.x5u,
            spcs,
            certificateSha256: `0x${createHash("sha256")
              .update((leaf as NonNullable<typeof leaf>).raw)
              .digest("hex")}`,
          },
        };
      } catch (error) {
        return refused(error);
      }
    },
  };
}
