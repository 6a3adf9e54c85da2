// What slither analyses: the production contracts, compiled as Hardhat compiles them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import hardhatConfig from "../../hardhat.config.ts";
import { isTestSource, productionSources, slitherInput } from "./slither-input.ts";

describe("slither input", () => {
  it("leaves out Solidity tests, harnesses and the shared test base", () => {
    assert.equal(isTestSource("contracts/membership/ConsortiumRegistry.t.sol"), true);
    assert.equal(isTestSource("contracts/membership/ConsortiumRegistryHarness.sol"), true);
    assert.equal(isTestSource("contracts/testing/TestBase.sol"), true);
    assert.equal(isTestSource("contracts/membership/ConsortiumRegistry.sol"), false);
  });

  it("lists the repository's production contracts and nothing else", () => {
    const sources = productionSources();
    assert.ok(sources.includes("contracts/membership/ConsortiumRegistry.sol"));
    assert.ok(sources.every((path) => path.startsWith("contracts/") && path.endsWith(".sol") && !isTestSource(path)));
  });

  it("compiles with hardhat.config.ts's settings (optimizer, EVM version)", () => {
    const input = slitherInput(["contracts/membership/Roles.sol"]) as { settings: Record<string, unknown> };
    const settings = (hardhatConfig.solidity as { settings: Record<string, unknown> }).settings;
    assert.deepEqual(input.settings.optimizer, settings.optimizer);
    assert.equal(input.settings.evmVersion, settings.evmVersion);
  });
});
