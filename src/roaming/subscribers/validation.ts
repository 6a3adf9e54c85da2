// The rules a home subscriber must meet before the register stores it, for both ways in: the API's items (each field
// at body.items[i].<field>) and the CSV import (the whole body.csv is at fault; the message names line and column).
// A bad subscriber rejects the whole call: nothing is written.
import type { FieldPath } from "../../core/errors/index.ts";
import { RoamingError } from "../errors.ts";
import { IMSI_PATTERN } from "../imsi.ts";
import { SERVICES, SUBSCRIBER_STATUSES, type SubscriberInput } from "./register.ts";

/** Builds the error for one field of one subscriber: `column` is the field's name, `problem` what is wrong. */
export type Blame = (column: string, problem: string) => RoamingError;

const IMSI = new RegExp(IMSI_PATTERN);
const MSISDN = /^[1-9][0-9]{6,14}$/;

/** Checks one subscriber; the first broken rule throws through `blame`. */
export function validateSubscriber(input: SubscriberInput, blame: Blame): SubscriberInput {
  if (typeof input.imsi !== "string" || !IMSI.test(input.imsi)) {
    throw blame("imsi", "must be 6 to 15 digits (MCC + MNC + MSIN)");
  }
  if (typeof input.msisdn !== "string" || !MSISDN.test(input.msisdn)) {
    throw blame("msisdn", "must be an E.164 number without + (7 to 15 digits)");
  }
  if (!SUBSCRIBER_STATUSES.includes(input.status)) {
    throw blame("status", `must be one of ${SUBSCRIBER_STATUSES.join(", ")}`);
  }
  if (typeof input.roamingAllowed !== "boolean") throw blame("roamingAllowed", "must be a boolean");
  for (const s of SERVICES) {
    if (typeof input.services?.[s] !== "boolean") throw blame(`services.${s}`, "must be a boolean");
  }
  return input;
}

/** Blames `body.items[i].<field>`. */
export const itemBlame =
  (index: number): Blame =>
  (column, problem) => {
    const field: FieldPath = `body.items[${index}].${column}`;
    return new RoamingError("ROAMING_INVALID_INPUT", `${field} ${problem}`, { field });
  };

/** Checks every subscriber of an API call (body.items); returns them unchanged. */
export function validateSubscriberItems(items: readonly SubscriberInput[]): readonly SubscriberInput[] {
  items.forEach((item, i) => {
    validateSubscriber(item, itemBlame(i));
  });
  return items;
}
