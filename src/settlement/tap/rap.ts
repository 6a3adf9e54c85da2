// Reading RAP files: a returned-accounts batch's control information and a RAP acknowledgement, which the sender of a
// RAP file receives to confirm its returned records arrived. Decoded with the same streaming reader as TAP.
import { readTap } from "./reader.ts";
import { child, TapFormatError, type TapNode } from "./tree.ts";

export interface RapTimeStamp {
  local: string;
  utcOffset: string;
}

export interface RapAcknowledgement {
  sender: string;
  recipient: string;
  rapFileSequenceNumber: string;
  created: RapTimeStamp | null;
  available: RapTimeStamp;
}

export interface RapBatchControl {
  sender: string;
  recipient: string;
  rapFileSequenceNumber: string;
  created: RapTimeStamp | null;
  available: RapTimeStamp | null;
  tapVersion: string;
  rapVersion: string;
}

function text(node: TapNode | undefined): string | null {
  return node?.value === undefined ? null : String(node.value).trim();
}

function required(node: TapNode | undefined, name: string, at: number): string {
  const value = text(child(node, name));
  if (value === null) throw new TapFormatError(at, `${name} is missing`);
  return value;
}

function time(node: TapNode | undefined): RapTimeStamp | null {
  if (!node) return null;
  return {
    local: required(node, "LocalTimeStamp", node.offset),
    utcOffset: required(node, "UtcTimeOffset", node.offset),
  };
}

/** Reads a RAP file: its acknowledgement, or its batch control information. */
export async function readRap(
  source: AsyncIterable<Uint8Array>,
): Promise<{ acknowledgement: RapAcknowledgement } | { returnBatch: RapBatchControl }> {
  let root = "";
  const items: TapNode[] = [];
  for await (const event of readTap(source)) {
    if (event.type === "root") root = event.name;
    else if (event.type === "group") items.push(event.node);
  }
  // An Acknowledgement's items sit directly under the root; wrap them to read them like a group.
  const group: TapNode = {
    name: root,
    tag: 0,
    offset: 0,
    headerLength: 0,
    length: 0,
    indefinite: false,
    kind: "constructed",
    children: items,
  };
  if (root === "Acknowledgement") {
    const available = time(child(group, "AckFileAvailableTimeStamp"));
    if (!available) throw new TapFormatError(0, "AckFileAvailableTimeStamp is missing");
    return {
      acknowledgement: {
        sender: required(group, "Sender", 0),
        recipient: required(group, "Recipient", 0),
        rapFileSequenceNumber: required(group, "RapFileSequenceNumber", 0),
        created: time(child(group, "AckFileCreationTimeStamp")),
        available,
      },
    };
  }
  if (root === "ReturnBatch") {
    const control = child(group, "RapBatchControlInfo");
    if (!control) throw new TapFormatError(0, "RapBatchControlInfo is missing");
    return {
      returnBatch: {
        sender: required(control, "Sender", control.offset),
        recipient: required(control, "Recipient", control.offset),
        rapFileSequenceNumber: required(control, "RapFileSequenceNumber", control.offset),
        created: time(child(control, "RapFileCreationTimeStamp")),
        available: time(child(control, "RapFileAvailableTimeStamp")),
        tapVersion: `${required(control, "SpecificationVersionNumber", control.offset)}.${required(control, "ReleaseVersionNumber", control.offset)}`,
        rapVersion: `${required(control, "RapSpecificationVersionNumber", control.offset)}.${required(control, "RapReleaseVersionNumber", control.offset)}`,
      },
    };
  }
  throw new TapFormatError(0, `a ${root} is not a RAP file`);
}
