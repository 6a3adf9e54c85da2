// A tiny contract for the chain tests, compiled here with solc-js: each write records an id once and emits an event,
// so a test can count on chain which acknowledged writes arrived.
import { createRequire } from "node:module";
import type { Abi, Hex } from "viem";
import { EVM_VERSION } from "../src/core/chain/evm.ts";
import type { ContractArtifact } from "../src/core/chain/types.ts";

const SOURCE = `// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;
contract Recorder {
  error AlreadyRecorded(uint256 id, address by);
  event Recorded(uint256 indexed id, address indexed by);
  uint256 public immutable createdAt;
  uint256 public count;
  mapping(uint256 => bool) public seen;
  constructor() { createdAt = block.timestamp; }
  function record(uint256 id) public {
    if (seen[id]) revert AlreadyRecorded(id, msg.sender);
    seen[id] = true;
    count += 1;
    emit Recorded(id, msg.sender);
  }
  function recordMany(uint256[] calldata ids) external {
    for (uint256 i = 0; i < ids.length; i++) record(ids[i]);
  }
}`;

let cached: ContractArtifact | undefined;

export function recorderArtifact(): ContractArtifact {
  if (cached) return cached;
  const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { "Recorder.sol": { content: SOURCE } },
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<
      string,
      Record<string, { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
    >;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const contract = output.contracts["Recorder.sol"]?.Recorder;
  if (!contract) throw new Error("Recorder did not compile");
  cached = {
    contractName: "Recorder",
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}` as Hex,
    deployedBytecode: `0x${contract.evm.deployedBytecode.object}` as Hex,
  };
  return cached;
}
