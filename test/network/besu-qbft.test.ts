// Besu QBFT files, checked against Besu's documented formats without Besu (not obtainable here): the genesis's
// `config.qbft` and fixed fields, the extraData byte layout Besu's QbftExtraDataCodec reads (vanity, validators, empty
// vote list, round 0, empty seals), each node's key matching its validator and enode, config.toml made only of
// documented options, the permissioning allowlist, and the contract-mode transition. Run through the real CLI.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { type Address, getAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { BesuNetworkSummary } from "../../src/network/besu/init.ts";
import { QBFT_MIX_HASH, qbftExtraData, validatorsOfExtraData } from "../../src/network/besu/qbftGenesis.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ["bin/telco-ledger.mjs", ...args], { cwd: process.cwd(), timeout: 120_000 });

/**
 * Every option the kit writes, as Besu's CLI reference names them (besu.hyperledger.org, "Command line options"): a
 * TOML key Besu does not know makes it refuse to start, so the file may hold nothing else.
 */
const DOCUMENTED_BESU_OPTIONS = new Set([
  "data-path",
  "genesis-file",
  "min-gas-price",
  "p2p-host",
  "p2p-port",
  "discovery-enabled",
  "static-nodes-file",
  "permissions-nodes-config-file-enabled",
  "permissions-nodes-config-file",
  "rpc-http-enabled",
  "rpc-http-host",
  "rpc-http-port",
  "rpc-http-api",
  "host-allowlist",
  "rpc-ws-enabled",
  "rpc-ws-host",
  "rpc-ws-port",
  "rpc-ws-api",
  "metrics-enabled",
  "metrics-host",
  "metrics-port",
]);
/** Besu's documented JSON-RPC API groups. */
const BESU_APIS = new Set([
  "ADMIN",
  "CLIQUE",
  "DEBUG",
  "EEA",
  "ETH",
  "IBFT",
  "NET",
  "PERM",
  "QBFT",
  "TRACE",
  "TXPOOL",
  "WEB3",
]);

/** key=value lines whose values are TOML strings, integers, booleans or string arrays (spelt as in JSON). */
function parseFlatToml(text: string): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const match = /^([a-z0-9-]+)=(.+)$/.exec(line);
    assert.ok(match, `not a key=value line: ${line}`);
    entries.push([match[1] as string, JSON.parse(match[2] as string)]);
  }
  return Object.fromEntries(entries);
}

describe("network kit: Besu QBFT files", () => {
  it("lays out extraData exactly as Besu's QBFT codec reads it", () => {
    const validators = [
      "0x1111111111111111111111111111111111111111",
      "0x2222222222222222222222222222222222222222",
      "0x3333333333333333333333333333333333333333",
      "0x4444444444444444444444444444444444444444",
    ] as Address[];
    // RLP list of 122 bytes: 32 zero vanity bytes, a list of four 20-byte addresses, an empty vote list (c0), round 0
    // as an empty scalar (80), and an empty seal list (c0).
    const expected = `0xf87aa0${"00".repeat(32)}f854${validators.map((v) => `94${v.slice(2)}`).join("")}c080c0`;
    assert.equal(qbftExtraData(validators), expected);
    assert.deepEqual(
      validatorsOfExtraData(expected as Hex),
      validators.map((v) => getAddress(v)),
    );
  });

  it("writes genesis, keys, configs and allowlists for four validators, and a contract-mode transition", async () => {
    const dir = await tempDir("telco-besu-");
    try {
      const net = join(dir.path, "net");
      const { stdout } = await cli(
        "network",
        "init",
        "--engine",
        "besu-qbft",
        "--validators",
        "4",
        "--dir",
        net,
        "--chain-id",
        "31338002",
        "--base-port",
        "41000",
        "--json",
      );
      const summary = JSON.parse(stdout) as BesuNetworkSummary;
      assert.equal(summary.engine, "besu-qbft");
      assert.equal(summary.nodes.length, 4);
      assert.equal(summary.evmVersion, "paris");

      const genesis = JSON.parse(await readFile(join(net, "genesis.json"), "utf8"));
      assert.deepEqual(genesis.config.qbft, { blockperiodseconds: 1, epochlength: 30_000, requesttimeoutseconds: 4 });
      assert.equal(genesis.config.chainId, 31_338_002);
      assert.equal(genesis.config.zeroBaseFee, true);
      assert.equal(genesis.config.londonBlock, 0);
      assert.equal(genesis.config.shanghaiTime, undefined, "no Shanghai: the contracts are compiled for paris");
      assert.equal(genesis.mixHash, QBFT_MIX_HASH);
      assert.equal(genesis.difficulty, "0x1");
      assert.deepEqual(
        validatorsOfExtraData(genesis.extraData),
        summary.nodes.map((n) => n.validator),
      );

      const enodes = summary.nodes.map((n) => n.enode);
      for (const node of summary.nodes) {
        // Besu's key file: 64 hex digits, no 0x, owner-only; the validator address and enode id come from it.
        const keyPath = join(node.dir, "data", "key");
        const key = (await readFile(keyPath, "utf8")).trim();
        assert.match(key, /^[0-9a-f]{64}$/);
        const { mode } = await import("node:fs/promises").then((fs) => fs.stat(keyPath));
        assert.equal(mode & 0o077, 0, "the node key is readable by its owner only");
        const account = privateKeyToAccount(`0x${key}`);
        assert.equal(account.address, node.validator);
        assert.equal(node.enode, `enode://${account.publicKey.slice(4)}@127.0.0.1:${node.ports.p2p}`);

        const config = parseFlatToml(await readFile(join(node.dir, "config.toml"), "utf8"));
        for (const option of Object.keys(config)) assert.ok(DOCUMENTED_BESU_OPTIONS.has(option), option);
        assert.equal(config["min-gas-price"], 0);
        assert.equal(config["discovery-enabled"], false);
        assert.equal(config["genesis-file"], join(net, "genesis.json"));
        assert.equal(config["rpc-http-port"], node.ports.rpc);
        for (const api of config["rpc-http-api"] as string[]) assert.ok(BESU_APIS.has(api), api);
        assert.ok(existsSync(config["permissions-nodes-config-file"] as string));

        const allow = parseFlatToml(await readFile(config["permissions-nodes-config-file"] as string, "utf8"));
        assert.deepEqual(allow["nodes-allowlist"], enodes);
        const statics = JSON.parse(await readFile(config["static-nodes-file"] as string, "utf8"));
        assert.deepEqual(
          statics,
          enodes.filter((e) => e !== node.enode),
        );
      }

      const validatorSet = "0x000000000000000000000000000000000000bEEF";
      await cli("network", "qbft-contract-mode", "--dir", net, "--block", "120", "--contract", validatorSet);
      const switched = JSON.parse(await readFile(join(net, "genesis.json"), "utf8"));
      assert.deepEqual(switched.config.transitions, {
        qbft: [
          { block: 120, validatorselectionmode: "contract", validatorcontractaddress: validatorSet.toLowerCase() },
        ],
      });
      assert.equal(switched.extraData, genesis.extraData, "the genesis validators stay until the transition block");

      // Bad input names the option and changes nothing.
      await assert.rejects(
        cli("network", "qbft-contract-mode", "--dir", net, "--block", "0", "--contract", validatorSet),
        (error: { stderr?: string }) => /--block/.test(String(error.stderr)),
      );
      await assert.rejects(
        cli("network", "init", "--engine", "besu-qbft", "--dir", net),
        (error: { stderr?: string }) => /exists/.test(String(error.stderr)),
      );
      assert.deepEqual(JSON.parse(await readFile(join(net, "genesis.json"), "utf8")), switched);
    } finally {
      await dir.remove();
    }
  });
});
