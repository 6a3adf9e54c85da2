// Bulk delegation's client side: reading numbers and ranges, and the chunked run against an agent that refuses one
// number after making the ones before it (as POST /v1/tnallocation does).
import { describe, expect, it } from "vitest";
import { ApiFailure } from "../../../console/src/kit.ts";
import { type BulkApi, type ItemState, parseNumbers, runBulk } from "./bulk.ts";

describe("parseNumbers", () => {
  it("reads numbers and ranges, each number once, and names what it cannot read", () => {
    expect(parseNumbers("+12155551300-12155551302\n12155551301, 12155559999").numbers).toEqual([
      "12155551300",
      "12155551301",
      "12155551302",
      "12155559999",
    ]);
    const bad = parseNumbers("12x 12155551310-12155551300 1215555000-12155550000 10000000-10009999");
    expect(bad.errors).toHaveLength(4);
    expect(bad.errors[0]).toMatch(/^12x: not a number/);
    expect(bad.errors[3]).toMatch(/more than 1000/);
  });
});

/** An agent that makes items in order and refuses the `refused` numbers, keeping those before it made. */
function agent(refused: Set<string>) {
  const held = new Map<string, string>();
  const requests: string[][] = [];
  const api: BulkApi = {
    async send(tns) {
      requests.push([...tns]);
      const out = [];
      for (const [i, tn] of tns.entries()) {
        if (refused.has(tn))
          throw new ApiFailure(409, "EIDL_TN_NOT_HELD", `no grant covering ${tn}`, undefined, [
            { field: `body.tnAllocation[${i}].tnId`, message: "not held" },
          ]);
        held.set(tn, `g-${tn}`);
        out.push({ grantId: `g-${tn}` });
      }
      return out;
    },
    async heldAmong(tns) {
      return new Map(tns.filter((t) => held.has(t)).map((t) => [t, held.get(t) ?? ""]));
    },
  };
  return { api, requests, held };
}

describe("runBulk", () => {
  it("sends chunks, marks the refused number with its code and message, keeps what was made, sends the rest", async () => {
    const numbers = ["1", "2", "3", "4", "5"].map((n) => `1215555130${n}`);
    const { api, requests, held } = agent(new Set(["12155551302"]));
    const progress: number[] = [];
    const items = await runBulk(numbers, api, (s) => progress.push(s.filter((i) => i.state !== "pending").length), 3);
    expect(requests).toEqual([
      ["12155551301", "12155551302", "12155551303"],
      ["12155551303", "12155551304", "12155551305"],
    ]);
    expect(items.map((i) => i.state)).toEqual(["made", "failed", "made", "made", "made"]);
    expect(items[1]).toEqual({
      tn: "12155551302",
      state: "failed",
      code: "EIDL_TN_NOT_HELD",
      message: "no grant covering 12155551302: not held",
    } satisfies ItemState);
    expect(items[0]).toEqual({ tn: "12155551301", state: "made", grantId: "g-12155551301" });
    expect(held.size).toBe(4);
    expect(progress).toEqual([2, 5]);
  });

  it("leaves a chunk unknown when the refusal names no item", async () => {
    const api: BulkApi = {
      send: async () => {
        throw new ApiFailure(503, "CHAIN_UNAVAILABLE", "the node did not answer");
      },
      heldAmong: async () => new Map(),
    };
    const items = await runBulk(["12155551301", "12155551302"], api, () => {});
    expect(items.map((i) => i.state)).toEqual(["unknown", "unknown"]);
    expect(items[0]).toMatchObject({ code: "CHAIN_UNAVAILABLE" });
  });
});
