// Fee bumping against a real anvil that charges fees and mines only when told (`--no-mining`): a transaction
// priced out by a base-fee jump is signed again at its nonce with a higher fee and mined under the new hash; when the
// earlier signature is the one mined, the journal takes it back; bumps stop at maxBumps and at the fee ceiling.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, type Hex, parseTransaction, toHex } from "viem";
import { type ChainClient, createChain } from "../../src/core/chain/client.ts";
import { anvilBinaryPath } from "../../src/core/chain/devnet/anvil-binary.ts";
import { EVM_VERSION } from "../../src/core/chain/evm.ts";
import { defaultConfirmations, detectEngine } from "../../src/core/chain/finality.ts";
import { silentLogger } from "../../src/core/chain/logger.ts";
import { bumpedFees, DEFAULT_FEE_BUMP } from "../../src/core/chain/outbox/feeBump.ts";
import { createOutbox, type Outbox } from "../../src/core/chain/outbox/outbox.ts";
import type { Store } from "../../src/core/store/store.ts";
import { keyring } from "../../testkit/chainAccounts.ts";
import { openChainStore } from "../../testkit/chainEnv.ts";
import { releasePort, reservePort } from "../../testkit/ports.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const CHAIN_ID = 31_337;
const GWEI = 10n ** 9n;

describe("fee bumps: the replacement's fees (pure)", () => {
  const policy = { ...DEFAULT_FEE_BUMP, percent: 25 };
  it("raises a 1-wei legacy price to 2 wei (rounded up, so the node's 10% rule holds)", () => {
    assert.deepEqual(bumpedFees({ type: "legacy", gasPrice: 1n }, { type: "legacy", gasPrice: 1n }, policy), {
      type: "legacy",
      gasPrice: 2n,
    });
  });
  it("takes the market fee when it is above the raised one, and raises the tip with the cap", () => {
    const next = bumpedFees(
      { type: "eip1559", maxFeePerGas: 100n, maxPriorityFeePerGas: 10n },
      { type: "eip1559", maxFeePerGas: 1000n, maxPriorityFeePerGas: 1n },
      policy,
    );
    assert.deepEqual(next, { type: "eip1559", maxFeePerGas: 1000n, maxPriorityFeePerGas: 13n });
  });
  it("offers at most the ceiling, refuses when even the minimal raise passes it, never bumps on a free network", () => {
    const market = { type: "legacy" as const, gasPrice: 100n };
    assert.deepEqual(bumpedFees({ type: "legacy", gasPrice: 50n }, market, { ...policy, maxFeeWei: 80n }), {
      type: "legacy",
      gasPrice: 80n,
    });
    assert.equal(bumpedFees({ type: "legacy", gasPrice: 90n }, market, { ...policy, maxFeeWei: 99n }), undefined);
    assert.equal(bumpedFees({ type: "legacy", gasPrice: 0n }, market, policy), undefined);
  });
});

describe("fee bumps: a stuck transaction is replaced at its nonce (real anvil with fees, manual mining)", () => {
  let anvil: ChildProcess;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let chain: ChainClient;
  let store: Store;
  const outboxes: Outbox[] = [];
  const keys = keyring();
  const sender = keys.addresses[0] as Address;

  const rpc = (method: string, params: unknown[] = []) =>
    chain.request({ method: method as never, params: params as never }) as Promise<unknown>;
  const mine = () => rpc("evm_mine");
  const journal = (id: string) =>
    store.one<{ tx_hash: Hex; raw_tx: Hex; nonce: number | string; status: string }>(
      "SELECT tx_hash, raw_tx, nonce, status FROM chain_outbox WHERE id = $1",
      [id],
    );
  const replaced = async (id: string) =>
    (await store.query<{ tx_hash: Hex }>("SELECT tx_hash FROM chain_outbox_replaced WHERE id = $1", [id])).map(
      (r) => r.tx_hash,
    );
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const startOutbox = async (feeBump: Parameters<typeof createOutbox>[0]["feeBump"], rebroadcastMs = 500) => {
    const outbox = createOutbox({
      store,
      chain,
      accounts: keys,
      logger: silentLogger,
      pollMs: 50,
      rebroadcastMs,
      feeBump,
    });
    await outbox.start();
    outboxes.push(outbox);
    return outbox;
  };
  const stopOutboxes = async () => {
    for (const o of outboxes.splice(0)) await o.stop();
  };
  const transfer = (outbox: Outbox) =>
    outbox.submit({ from: sender, to: sender, data: "0x", value: 1n, label: "test.transfer" });

  before(async () => {
    dir = await tempDir("telco-feebump-");
    const port = await reservePort();
    releasePort(port);
    anvil = spawn(
      anvilBinaryPath(),
      [
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--chain-id",
        String(CHAIN_ID),
        "--hardfork",
        EVM_VERSION,
        "--no-mining",
      ],
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
    await rpc("anvil_setBalance", [sender, toHex(10n ** 21n)]);
    // anvil is neither Clique nor QBFT: an agent on it defaults to 0 confirmations.
    assert.equal(await detectEngine(chain), "other");
    assert.equal(defaultConfirmations(await detectEngine(chain)), 0);
    store = await openChainStore(join(dir.path, "agent.sqlite"));
  });

  after(async () => {
    await stopOutboxes();
    await store?.close();
    if (anvil && anvil.exitCode === null && anvil.signalCode === null) {
      const gone = new Promise((resolve) => anvil.once("exit", resolve));
      anvil.kill("SIGTERM");
      await gone;
    }
    await dir?.remove();
  });

  it("replaces a transaction priced out by a base-fee jump and mines the replacement, same nonce", async () => {
    const outbox = await startOutbox({ afterMs: 300, percent: 25, maxBumps: 5 });
    const ticket = await transfer(outbox);
    const first = parseTransaction((await journal(ticket.id))?.raw_tx as Hex);
    // The next block's base fee is ten times what the transaction offers: it stays in the pool, unmined.
    await rpc("anvil_setNextBlockBaseFeePerGas", [toHex((first.maxFeePerGas ?? 0n) * 10n)]);
    await mine();
    assert.equal(await rpc("eth_getTransactionReceipt", [ticket.hash]), null);

    await until("a replacement paying at least the new base fee", async () => {
      const row = await journal(ticket.id);
      const fee = parseTransaction(row?.raw_tx as Hex).maxFeePerGas ?? 0n;
      return fee >= (first.maxFeePerGas ?? 0n) * 10n;
    });
    await mine();
    const receipt = await outbox.waitMined(ticket.id);
    const row = await journal(ticket.id);
    assert.equal(receipt.status, "success");
    assert.notEqual(receipt.transactionHash, ticket.hash, "the replacement, not the priced-out original, was mined");
    assert.equal(receipt.transactionHash, row?.tx_hash, "the journal holds the hash the chain mined");
    assert.equal(Number(row?.nonce), ticket.nonce, "a replacement keeps its nonce");
    assert.equal(row?.status, "mined");
    assert.equal(await rpc("eth_getTransactionReceipt", [ticket.hash]), null, "the original was never mined");
    assert.ok((await replaced(ticket.id)).includes(ticket.hash), "the original signature is kept");
    assert.ok(outbox.stats().feeBumps >= 1);
    await stopOutboxes();
  });

  it("takes the earlier signature back when that is the one the chain mined", async () => {
    // Long rebroadcast interval: the test decides which signature the pool holds.
    const outbox = await startOutbox({ afterMs: 300, percent: 25, maxBumps: 1 }, 600_000);
    const ticket = await transfer(outbox);
    const original = (await journal(ticket.id))?.raw_tx as Hex;
    // Nothing is mined: as the sender's blocking transaction it is bumped once after afterMs.
    await until("one bump", async () => (await journal(ticket.id))?.tx_hash !== ticket.hash);
    const bumpedHash = (await journal(ticket.id))?.tx_hash as Hex;
    // The sealer never saw the replacement: it mines the original.
    // The journal takes the replacement before it is broadcast: wait until the node's pool holds it.
    await until(
      "the replacement in the pool",
      async () => (await rpc("eth_getTransactionByHash", [bumpedHash])) !== null,
    );
    await rpc("anvil_dropTransaction", [bumpedHash]);
    assert.equal(await rpc("eth_sendRawTransaction", [original]), ticket.hash);
    await mine();
    const receipt = await outbox.waitMined(ticket.id);
    assert.equal(receipt.transactionHash, ticket.hash);
    const row = await journal(ticket.id);
    assert.equal(row?.tx_hash, ticket.hash, "the journal follows the mined signature");
    assert.equal(row?.raw_tx, original);
    assert.equal(row?.status, "mined");
    await stopOutboxes();
  });

  it("stops after maxBumps, below the fee ceiling; the last replacement is mined", async () => {
    const ceiling = 1000n * GWEI;
    const outbox = await startOutbox({ afterMs: 200, percent: 10, maxBumps: 2, maxFeeWei: ceiling });
    const ticket = await transfer(outbox);
    const first = parseTransaction((await journal(ticket.id))?.raw_tx as Hex);
    await rpc("anvil_setNextBlockBaseFeePerGas", [toHex(300n * GWEI)]);
    await mine();
    await until("two bumps", async () => (await replaced(ticket.id)).length === 2);
    // Well past afterMs several times over: no third replacement.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await replaced(ticket.id)).length, 2, "maxBumps bounds the replacements");
    assert.equal(outbox.stats().feeBumps, 2);
    const last = parseTransaction((await journal(ticket.id))?.raw_tx as Hex);
    assert.equal(last.nonce, first.nonce);
    // The first bump took the market fee (twice the 300 gwei base fee), the second 10% more: under the ceiling.
    assert.ok((last.maxFeePerGas ?? 0n) >= 600n * GWEI, String(last.maxFeePerGas));
    assert.ok((last.maxFeePerGas ?? 0n) <= ceiling, String(last.maxFeePerGas));
    assert.equal((await journal(ticket.id))?.status, "sent");
    await mine();
    const receipt = await outbox.waitMined(ticket.id);
    assert.equal(receipt.transactionHash, (await journal(ticket.id))?.tx_hash);
    await stopOutboxes();
  });
});
