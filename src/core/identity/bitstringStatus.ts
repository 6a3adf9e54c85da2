// W3C Bitstring Status List (BitstringStatusListEntry): the entry names a bit of a status list credential; the bit set
// means the entry's purpose (revocation, suspension, ...) applies. The list is obtained only through a
// StatusListSource, which decides which addresses may be fetched: a list it will not or cannot give is an "unknown"
// status with the reason in the answer, never a fetch from an arbitrary host and never an error.
import { gunzipSync, gzipSync } from "node:zlib";
import type { VerifiedJwtCredential } from "./credentialFormats.ts";
import { IdentityError } from "./errors.ts";

export const bitstringEntryType = "BitstringStatusListEntry";

export interface StatusListSource {
  /** The status list credential (a compact JWT) at `url`, or why it is not available here. */
  get(url: string): Promise<{ jwt: string } | { unavailable: string }>;
}

export interface BitstringStatusCheck {
  method: typeof bitstringEntryType;
  /** revoked / suspended when the bit is set for those purposes; set / unset for other purposes; or unknown. */
  status: "active" | "revoked" | "suspended" | "set" | "unset" | "unknown";
  purpose: string;
  statusListCredential: string;
  /** Why the status is unknown. */
  reason?: string;
}

/** Largest list accepted once decompressed: 16 MiB, 2^27 entries (the spec's minimum is 16 KiB). */
const MAX_LIST_BYTES = 16 * 1024 * 1024;

const invalidEntry = (problem: string) =>
  new IdentityError("CREDENTIAL_INVALID", `credential invalid: credentialStatus (${bitstringEntryType}) ${problem}`);

function parseEntry(entry: Record<string, unknown>): { purpose: string; index: number; url: string } {
  const purpose = entry.statusPurpose;
  if (typeof purpose !== "string" || purpose === "") throw invalidEntry("statusPurpose must be a name");
  const rawIndex = entry.statusListIndex;
  const index = typeof rawIndex === "string" && /^\d{1,10}$/.test(rawIndex) ? Number(rawIndex) : Number.NaN;
  if (!Number.isSafeInteger(index)) throw invalidEntry("statusListIndex must be a decimal string");
  const url = entry.statusListCredential;
  if (typeof url !== "string" || !URL.canParse(url)) throw invalidEntry("statusListCredential must be a URL");
  if (entry.statusSize !== undefined && entry.statusSize !== 1) {
    throw invalidEntry(`statusSize ${String(entry.statusSize)} is not supported (only 1)`);
  }
  return { purpose, index, url };
}

/**
 * Checks one entry of a credential of `issuer`. `verifyList` verifies the list credential (signature and validity),
 * which must come from the same issuer and name the same purpose.
 */
export async function checkBitstringEntry(
  entry: Record<string, unknown>,
  issuer: string,
  source: StatusListSource | undefined,
  verifyList: (jwt: string) => Promise<VerifiedJwtCredential>,
): Promise<BitstringStatusCheck> {
  const { purpose, index, url } = parseEntry(entry);
  const unknown = (reason: string): BitstringStatusCheck => ({
    method: bitstringEntryType,
    status: "unknown",
    purpose,
    statusListCredential: url,
    reason,
  });
  if (source === undefined) return unknown("this verifier has no status list source");
  const got = await source.get(url);
  if ("unavailable" in got) return unknown(got.unavailable);
  let list: VerifiedJwtCredential;
  try {
    list = await verifyList(got.jwt);
  } catch (error) {
    return unknown(`the status list credential does not verify: ${error instanceof Error ? error.message : error}`);
  }
  if (list.issuer !== issuer) return unknown(`the status list is issued by ${list.issuer}, not by ${issuer}`);
  const subject = list.credential.credentialSubject as Record<string, unknown> | undefined;
  if (subject?.type !== "BitstringStatusList" || typeof subject.encodedList !== "string") {
    return unknown("the status list credential has no BitstringStatusList subject with an encodedList");
  }
  if (
    subject.statusPurpose !== purpose &&
    !(Array.isArray(subject.statusPurpose) && subject.statusPurpose.includes(purpose))
  ) {
    return unknown(`the status list is for ${String(subject.statusPurpose)}, not ${purpose}`);
  }
  let bits: Buffer;
  try {
    bits = decodeList(subject.encodedList);
  } catch (error) {
    return unknown(`the encodedList cannot be read: ${error instanceof Error ? error.message : error}`);
  }
  if (index >= bits.length * 8)
    return unknown(`statusListIndex ${index} is past the list's ${bits.length * 8} entries`);
  const set = bitAt(bits, index);
  const status =
    purpose === "revocation"
      ? set
        ? "revoked"
        : "active"
      : purpose === "suspension"
        ? set
          ? "suspended"
          : "active"
        : set
          ? "set"
          : "unset";
  return { method: bitstringEntryType, status, purpose, statusListCredential: url };
}

/** Multibase base64url ("u" prefix, no padding) of the GZIP-compressed bitstring. */
export function decodeList(encodedList: string): Buffer {
  if (!encodedList.startsWith("u")) throw new Error("encodedList must be multibase base64url (prefix u)");
  return gunzipSync(Buffer.from(encodedList.slice(1), "base64url"), { maxOutputLength: MAX_LIST_BYTES });
}

/** Encodes a bitstring as an encodedList (for issuers and tests). */
export function encodeList(bits: Uint8Array): string {
  return `u${gzipSync(bits).toString("base64url")}`;
}

/** Index 0 is the left-most (most significant) bit of the first byte, as the spec orders them. */
export function bitAt(bits: Buffer, index: number): boolean {
  return (((bits[index >> 3] ?? 0) >> (7 - (index & 7))) & 1) === 1;
}
