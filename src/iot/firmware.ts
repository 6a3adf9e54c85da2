// Firmware releases and documents (manuals) per model, as off-chain attestations of their OEM about the model id:
// each release is a leaf of the OEM's transparency log, which is the sequence of Merkle roots the OEM anchors on
// chain (its batches), so an inclusion proof ties a firmware hash to an anchored root. Pure helpers: the schemas the
// OEM registers for them, and the version order a gateway uses to find pending updates.
import type { Address, Hex } from "viem";
import { ATTESTER_KINDS } from "./kinds.ts";
import { schemaIdOf } from "./ledger.ts";

export const FIRMWARE_SCHEMA = {
  name: "firmware-release",
  definition: "string version,bytes32 sha256,bytes signature",
};
export const DOCUMENT_SCHEMA = { name: "document", definition: "string kind,string title,bytes32 sha256,string url" };

export const firmwareSchemaOf = (oem: Address): Hex =>
  schemaIdOf(oem, FIRMWARE_SCHEMA.name, FIRMWARE_SCHEMA.definition, true, ATTESTER_KINDS.oem);
export const documentSchemaOf = (oem: Address): Hex =>
  schemaIdOf(oem, DOCUMENT_SCHEMA.name, DOCUMENT_SCHEMA.definition, true, ATTESTER_KINDS.oem);

/** Compares dotted numeric versions ("1.10.0" > "1.9.2"); non-numeric parts compare as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "0";
    const y = pb[i] ?? "0";
    const nx = Number(x);
    const ny = Number(y);
    const d = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
