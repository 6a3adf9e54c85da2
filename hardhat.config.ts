// Hardhat 3 compiles and tests the contracts. The compiler is the `solc` npm package (soljson.js), never a download,
// and the EVM target is one that every engine runs (src/core/chain/evm.ts says why: paris, never solc's newest default).
import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import { EVM_VERSION } from "./src/core/chain/evm.ts";

const require = createRequire(import.meta.url);

export default defineConfig({
  solidity: {
    version: "0.8.30",
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
    },
  },
  paths: { sources: "contracts", tests: { solidity: "contracts" } },
  test: { solidity: { fuzz: { runs: 256, seed: "0x7e1c0" } } },
});
