// The network kit's pure parts, without geth: the Clique genesis layout and the refusal of bad options (naming the
// option, writing nothing).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Address } from "viem";
import { NetworkError } from "../../src/network/errors.ts";
import { cliqueGenesis } from "../../src/network/genesis.ts";
import { defaultPorts, initNetwork } from "../../src/network/init.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const B = "0xBBbBbbbBBbBbbbBBbbBbBBbbBBbbbBbbbbbbBbBb" as Address;
const A = "0xaAaAaAaaAaAaAaaAaAAAAAAAAaaaAaAaAaaAaaAa" as Address;

describe("network kit: genesis and options", () => {
  it("writes the signers sorted between 32 vanity bytes and 65 seal bytes, pre-London, with the faucet's balance", () => {
    const genesis = cliqueGenesis({
      chainId: 7,
      signers: [B, A],
      periodSeconds: 1,
      gasLimit: 100_000_000n,
      alloc: { [A]: 10n ** 18n },
    }) as { extradata: string; config: Record<string, unknown>; gasLimit: string; alloc: Record<string, unknown> };
    assert.equal(
      genesis.extradata,
      `0x${"00".repeat(32)}${A.slice(2).toLowerCase()}${B.slice(2).toLowerCase()}${"00".repeat(65)}`,
    );
    assert.deepEqual(genesis.config.clique, { period: 1, epoch: 30_000 });
    assert.equal(genesis.config.berlinBlock, 0);
    assert.equal(genesis.config.londonBlock, undefined);
    assert.equal(BigInt(genesis.gasLimit), 100_000_000n);
    assert.deepEqual(genesis.alloc, { [A.toLowerCase()]: { balance: "0xde0b6b3a7640000" } });
  });

  it("gives node i the ports base+10i (p2p), +1 (JSON-RPC), +2 (authrpc), +3 (metrics)", () => {
    assert.deepEqual(defaultPorts(2, 30300), [
      { p2p: 30300, rpc: 30301, authrpc: 30302, metrics: 30303 },
      { p2p: 30310, rpc: 30311, authrpc: 30312, metrics: 30313 },
    ]);
  });

  it("refuses a bad option by name and writes nothing", async () => {
    const dir = await tempDir("telco-network-options-");
    try {
      const target = join(dir.path, "net");
      const refused = (options: Partial<Parameters<typeof initNetwork>[0]>, option: RegExp) =>
        assert.rejects(
          initNetwork({ dir: target, geth: "/nonexistent/geth", validators: 4, chainId: 9, ...options }),
          (error: unknown) =>
            error instanceof NetworkError && error.code === "NETWORK_OPTION_INVALID" && option.test(error.message),
        );
      await refused({ validators: 0 }, /^--validators /);
      await refused({ chainId: -1 }, /^--chain-id /);
      await refused({ periodSeconds: 0 }, /^--period /);
      await refused({ gasLimit: 1n }, /^--gas-limit /);
      await refused({ basePort: 65530 }, /^--base-port /);
      await refused({ keystores: { node99: { dir: dir.path, passphraseFile: join(dir.path, "p") } } }, /^--keystore /);
      await refused({ dir: join(dir.path, "x".repeat(120)) }, /^--dir .*signer socket/);
      assert.equal(existsSync(target), false);
    } finally {
      await dir.remove();
    }
  });
});
