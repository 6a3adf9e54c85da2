// A node's refusal is not an outage: against a real anvil that charges fees (1 gwei base fee, unlike the devnet) and
// runs paris, an unfunded sender and a PUSH0 contract are refused with TX_REJECTED and the node's words, nothing is
// journalled, and only an unreachable node gives CHAIN_UNAVAILABLE.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, toHex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { chainApiError } from "../../src/core/api/chain-errors.ts";
import { type ChainClient, createChain } from "../../src/core/chain/client.ts";
import { anvilBinaryPath } from "../../src/core/chain/devnet/anvil-binary.ts";
import { ChainUnavailableError, TxRejectedError } from "../../src/core/chain/errors.ts";
import { EVM_VERSION } from "../../src/core/chain/evm.ts";
import { silentLogger } from "../../src/core/chain/logger.ts";
import { createOutbox, type Outbox } from "../../src/core/chain/outbox/outbox.ts";
import type { Store } from "../../src/core/store/store.ts";
import { keyring } from "../../testkit/chainAccounts.ts";
import { openChainStore } from "../../testkit/chainEnv.ts";
import { releasePort, reservePort } from "../../testkit/ports.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const CHAIN_ID = 31_337;
/** Init code PUSH0 PUSH0 RETURN: valid from shanghai on, an invalid opcode on paris. */
const PUSH0_INIT_CODE = "0x5f5ff3";

describe("outbox: a node's refusal is named as such, an outage as an outage", () => {
  let anvil: ChildProcess;
  let port: number;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let chain: ChainClient;
  let store: Store;
  let outbox: Outbox;
  const keys = keyring([generatePrivateKey(), generatePrivateKey()]);
  const unfunded = keys.addresses[0] as Address;

  const journalRows = async () =>
    Number((await store.one<{ n: number }>("SELECT COUNT(*) AS n FROM chain_outbox"))?.n ?? 0);

  before(async () => {
    dir = await tempDir("telco-refusal-");
    port = await reservePort();
    releasePort(port);
    // anvil's default fees (1 gwei base fee), not the devnet's zero fees: a fee-paying network like geth Clique.
    anvil = spawn(
      anvilBinaryPath(),
      ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(CHAIN_ID), "--hardfork", EVM_VERSION],
      { stdio: "ignore" },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        chain = await createChain({ rpcUrl: `http://127.0.0.1:${port}`, chainId: CHAIN_ID });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    store = await openChainStore(join(dir.path, "agent.sqlite"));
    outbox = createOutbox({ store, chain, accounts: keys, logger: silentLogger, pollMs: 50 });
  });

  after(async () => {
    await store?.close();
    if (anvil && anvil.exitCode === null && anvil.signalCode === null) {
      const gone = new Promise((resolve) => anvil.once("exit", resolve));
      anvil.kill("SIGTERM");
      await gone;
    }
    await dir?.remove();
  });

  it("refuses a transfer from an unfunded account as insufficient funds, journalling nothing", async () => {
    const error = await outbox
      .submit({ from: unfunded, to: unfunded, data: "0x", value: 1n, label: "test.transfer" })
      .then(
        () => assert.fail("an unfunded account must be refused"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof TxRejectedError, `expected TxRejectedError, got ${String(error)}`);
    assert.equal(error.code, "TX_REJECTED");
    assert.match(error.message, /insufficient funds/);
    assert.equal(await journalRows(), 0);
    const api = chainApiError(error);
    assert.equal(api?.code, "CHAIN_REJECTED");
    assert.equal(api?.statusCode, 422);
  });

  it("refuses code the node's EVM does not run (PUSH0 on paris) with the node's words", async () => {
    await chain.request({ method: "anvil_setBalance" as never, params: [unfunded, toHex(10n ** 18n)] as never });
    const error = await outbox.submit({ from: unfunded, data: PUSH0_INIT_CODE, label: "test.deploy push0" }).then(
      () => assert.fail("PUSH0 must not run on paris"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TxRejectedError, `expected TxRejectedError, got ${String(error)}`);
    assert.match(error.nodeMessage, /opcode|NotActivated/i, error.nodeMessage);
    assert.equal(await journalRows(), 0);
  });

  it("sends once funded (the fee-paying path works end to end)", async () => {
    const receipt = await outbox.send({ from: unfunded, to: unfunded, data: "0x", value: 1n, label: "test.transfer" });
    assert.equal(receipt.status, "success");
  });

  it("refuses the write that would overspend what the same account's unmined writes already committed", async () => {
    const payer = keys.addresses[1] as Address;
    const ether = 10n ** 18n;
    // Nothing mines while the three are submitted at once: each saw the whole balance before commitments counted.
    await chain.request({ method: "evm_setAutomine" as never, params: [false] as never });
    await chain.request({ method: "anvil_setBalance" as never, params: [payer, toHex((5n * ether) / 2n)] as never });
    const transfer = () => outbox.submit({ from: payer, to: unfunded, data: "0x", value: ether, label: "test.pay" });
    const results = await Promise.allSettled([transfer(), transfer(), transfer()]);
    const refused = results.filter((r) => r.status === "rejected");
    assert.equal(refused.length, 1, JSON.stringify(results.map((r) => r.status)));
    const error = (refused[0] as PromiseRejectedResult).reason;
    assert.ok(error instanceof TxRejectedError, String(error));
    assert.match(
      error.message,
      /insufficient funds: .* of which \d+ wei are committed to its 2 transactions not yet mined/,
    );
    const journalled = await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM chain_outbox WHERE sender = $1", [
      payer.toLowerCase(),
    ]);
    assert.equal(Number(journalled[0]?.n), 2, "the refused one is not journalled");

    // Once mined, the two are settled and the balance left (about half an ether) pays a smaller write.
    await chain.request({ method: "evm_setAutomine" as never, params: [true] as never });
    await chain.request({ method: "evm_mine" as never, params: [] as never });
    for (const r of results)
      if (r.status === "fulfilled") assert.equal((await outbox.waitMined(r.value.id)).status, "success");
    const small = await outbox.send({ from: payer, to: unfunded, data: "0x", value: ether / 4n, label: "test.pay" });
    assert.equal(small.status, "success");
  });

  it("names an unreachable node CHAIN_UNAVAILABLE, not a refusal", async () => {
    const gone = new Promise((resolve) => anvil.once("exit", resolve));
    anvil.kill("SIGKILL");
    await gone;
    const error = await outbox
      .submit({ from: unfunded, to: unfunded, data: "0x", value: 1n, label: "test.transfer" })
      .then(
        () => assert.fail("a dead node cannot accept a transaction"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof ChainUnavailableError, `expected ChainUnavailableError, got ${String(error)}`);
    assert.equal(chainApiError(error)?.statusCode, 503);
  });
});
