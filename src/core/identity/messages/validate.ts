// Validation of a received (or about-to-be-sent) attestation message against its type's JSON Schema. Every error is
// reported with the field's path, so a sender can fix its message; nothing is coerced or defaulted.
import { Value } from "@sinclair/typebox/value";
import { IdentityError } from "../errors.ts";
import { type AttestationMessage, isMessageType, MESSAGE_CONTEXT, MESSAGE_TYPES, MessageSchemas } from "./schemas.ts";

const MAX_REPORTED = 10;

/** `value` as a message of its `@type`, or MESSAGE_INVALID naming each wrong field under `where` (e.g. `msg`). */
export function validateMessage(value: unknown, where: string): AttestationMessage {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid(where, [`${where}: must be a message object`]);
  }
  const type = (value as { "@type"?: unknown })["@type"];
  if (!isMessageType(type)) {
    throw invalid(`${where}.@type`, [`${where}.@type: must be one of ${MESSAGE_TYPES.join(", ")}`]);
  }
  const context = (value as { "@context"?: unknown })["@context"];
  if (context !== MESSAGE_CONTEXT)
    throw invalid(`${where}.@context`, [`${where}.@context: must be ${MESSAGE_CONTEXT}`]);
  const schema = MessageSchemas[type];
  const problems = [...Value.Errors(schema, value)].slice(0, MAX_REPORTED).map((e) => {
    const path = e.path.split("/").filter(Boolean).join(".");
    return `${path ? `${where}.${path}` : where}: ${e.message}`;
  });
  if (problems.length > 0) throw invalid(problems[0]?.split(":")[0] ?? where, problems);
  return value as AttestationMessage;
}

function invalid(field: string, problems: string[]): IdentityError {
  return new IdentityError("MESSAGE_INVALID", problems.join("; "), { details: { field, problems } });
}
