// The validator signer as geth's external signer sees it: JSON-RPC lines over a Unix socket, with a real keystore.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Hex, keccak256, numberToHex, recoverAddress, toRlp } from "viem";
import { CLIQUE_HEADER_MIME, type SealerServer, serveSealer } from "./sealerServer.ts";
import { createValidatorKey, openSealer } from "./validatorKey.ts";

const root = mkdtempSync(join(tmpdir(), "telco-sealer-"));
const keystore = { dir: join(root, "keystore"), passphraseFile: join(root, "passphrase") };

/** Sends JSON-RPC requests on one connection, as geth does, and answers the responses in order. */
async function call(socketPath: string, requests: Array<{ method: string; params?: unknown[] }>) {
  const socket = createConnection(socketPath);
  const lines: Array<{ id: number; result?: unknown; error?: { message: string } }> = [];
  let buffered = "";
  socket.setEncoding("utf8");
  const done = new Promise<void>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        lines.push(JSON.parse(buffered.slice(0, end)));
        buffered = buffered.slice(end + 1);
      }
      if (lines.length === requests.length) resolve();
    });
  });
  for (const [id, r] of requests.entries()) socket.write(`${JSON.stringify({ jsonrpc: "2.0", id, ...r })}\n`);
  await done;
  socket.destroy();
  return lines;
}

// A header's RLP as Clique passes it: 15 fields (parent, uncles, coinbase, root, tx root, receipts, bloom, difficulty,
// number, gas limit, gas used, time, extra without the seal, mix digest, nonce).
const header: Hex = toRlp([
  keccak256("0x01"),
  keccak256("0x02"),
  "0x0000000000000000000000000000000000000000",
  keccak256("0x03"),
  keccak256("0x04"),
  keccak256("0x05"),
  `0x${"00".repeat(256)}`,
  "0x02",
  numberToHex(7),
  numberToHex(30_000_000),
  "0x",
  numberToHex(1_700_000_000),
  `0x${"00".repeat(32)}`,
  `0x${"00".repeat(32)}`,
  "0x0000000000000000",
]);

describe("validator signer (geth --signer)", () => {
  let server: SealerServer;
  let validator: Hex;
  before(async () => {
    validator = await createValidatorKey(keystore);
    server = await serveSealer(join(root, "signer.ipc"), await openSealer(keystore, validator));
  });
  after(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("keeps the key in the project's encrypted keystore and the socket private to its user", () => {
    assert.equal(statSync(keystore.dir).mode & 0o777, 0o700);
    assert.equal(statSync(keystore.passphraseFile).mode & 0o777, 0o600);
    assert.equal(statSync(server.socketPath).mode & 0o777, 0o600);
  });

  it("answers version and its one account, and seals a Clique header with the validator key", async () => {
    const [version, list, seal] = await call(server.socketPath, [
      { method: "account_version" },
      { method: "account_list" },
      { method: "account_signData", params: [CLIQUE_HEADER_MIME, validator, header] },
    ]);
    assert.equal(typeof version?.result, "string");
    assert.deepEqual(list?.result, [validator]);
    const signature = seal?.result as Hex;
    assert.match(signature, /^0x[0-9a-f]{130}$/);
    assert.equal(await recoverAddress({ hash: keccak256(header), signature }), validator);
    assert.equal(server.sealed(), 1);
  });

  it("refuses to sign anything but a Clique header of its own account, naming why", async () => {
    const other = "0x00000000000000000000000000000000000000aa";
    const answers = await call(server.socketPath, [
      { method: "account_signData", params: ["text/plain", validator, "0x68656c6c6f"] },
      { method: "account_signData", params: [CLIQUE_HEADER_MIME, other, header] },
      { method: "account_signData", params: [CLIQUE_HEADER_MIME, validator, toRlp(["0x01", "0x02"])] },
      { method: "account_signData", params: [CLIQUE_HEADER_MIME, validator, "0xnothex"] },
      { method: "account_signTransaction", params: [{ from: validator }] },
    ]);
    assert.match(answers[0]?.error?.message ?? "", /Clique headers only, not "text\/plain"/);
    assert.match(answers[1]?.error?.message ?? "", new RegExp(`holds ${validator} only`));
    assert.match(answers[2]?.error?.message ?? "", /not the RLP list of a block header/);
    assert.match(answers[3]?.error?.message ?? "", /not the RLP list of a block header/);
    assert.match(answers[4]?.error?.message ?? "", /account_signTransaction is not offered/);
    assert.equal(server.sealed(), 1, "nothing was signed");
  });
});
