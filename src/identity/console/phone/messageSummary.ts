// What the phone wallet shows of an opened attestation message: a line a person reads, per message type.
import type { AttestationMessage } from "../../../core/identity/messages/schemas.ts";

const until = (epoch: number | undefined) =>
  epoch === undefined ? "" : ` until ${new Date(epoch * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** One line saying what the message asks or brings. */
export function summariseMessage(m: AttestationMessage): string {
  switch (m["@type"]) {
    case "RequestAttestation":
      return `asks for ${m.attestationType} (${m.format}): ${m.description}`;
    case "DenyAttestation":
      return `refused: ${m.purpose}`;
    case "PreconditionsAttestation":
      return `present first: ${m.preconditions.map((p) => `${p.attestationType} (${p.description})`).join("; ")}`;
    case "OfferAttestation":
      return `can offer instead: ${m.availableAttestations.map((a) => a.attestationType).join(", ")}`;
    case "DeliverAttestation":
    case "PresentAttestation":
    case "SignAttestation":
      return `${m.description} (${m.object.format})`;
    case "RevokeAttestation":
      return `revoked ${m.object.attestationId} (${m.result.revocationCodes.join(", ")}): ${m.purpose}`;
    case "AmendAttestation":
      return `replaces ${m.replaces}: ${m.purpose}`;
    case "RequestAccess":
      return `asks to read ${m.object.attestationTypes.join(", ")}${until(m.object.expiresAt)}: ${m.purpose}`;
    case "GrantAccess":
    case "DenyAccess":
      return `${m["@type"] === "GrantAccess" ? "grants" : "denies"} reading ${m.object.attestationTypes.join(", ")}`;
    case "RetractAccess":
      return `retracts permission ${m.object.permissionId}`;
    case "RetrieveAttestations":
      return `retrieves under permission ${m.object.permissionId}`;
  }
}
