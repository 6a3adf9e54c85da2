// The devnet's state dump is loaded only when its accounts agree with its block history: a dump anvil wrote while a
// block was being mined (effects without transactions) is refused like a corrupt one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkStateText } from "../../src/core/chain/devnet/state-files.ts";

const EOA = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const tx = (nonce: number, from = EOA) => ({ info: { from, nonce }, receipt: {}, block_hash: "0x01", block_number: 1 });
const dump = (accounts: Record<string, unknown>, transactions: unknown[]) =>
  JSON.stringify({ block: { number: "0x2" }, best_block_number: 2, accounts, blocks: [], transactions });

describe("devnet state dump consistency", () => {
  it("accepts a dump whose every account nonce matches its recorded transactions", () => {
    const text = dump(
      {
        [EOA]: { nonce: 2, code: "0x" },
        [CONTRACT]: { nonce: 1, code: "0x6080" },
        "0x00000000000000000000000000000000000000aa": { nonce: 0, code: "0x" },
      },
      [tx(0), tx(1)],
    );
    assert.deepEqual(checkStateText(text), { ok: true, blockNumber: 2 });
  });

  it("refuses a dump that holds the effect of a transaction its history lacks, naming the account", () => {
    const check = checkStateText(dump({ [EOA]: { nonce: 3, code: "0x" } }, [tx(0), tx(1)]));
    assert.equal(check.ok, false);
    assert.match(check.ok ? "" : check.problem, new RegExp(`account ${EOA} has nonce 3 but the dump records 2`));
  });

  it("refuses a dump whose history skips a nonce", () => {
    const check = checkStateText(dump({ [EOA]: { nonce: 2, code: "0x" } }, [tx(0), tx(2)]));
    assert.equal(check.ok, false);
  });
});
