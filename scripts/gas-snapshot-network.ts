// Gas of the network contracts: a validator change proposed, approved to a majority (executes), and a removal.
import { type Account, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { ConsortiumRegistry, ValidatorSet } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const SIGNER = "0x0000000000000000000000000000000000005150";

export async function measureNetwork(chain: GasRecorder): Promise<void> {
  const anvilAccount = (addressIndex: number): Account => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });
  const governors = [0, 1, 2, 3].map(anvilAccount) as [Account, Account, Account, Account];
  const registry = await chain.deploy(
    governors[0],
    {
      abi: ConsortiumRegistry.abi,
      bytecode: ConsortiumRegistry.bytecode,
      args: [governors.map((g) => g.address), ["North", "South", "East", "West"], [[], [], [], []]],
    },
    "ConsortiumRegistry.deploy/network",
  );
  const validatorSet = await chain.deploy(
    governors[0],
    { abi: ValidatorSet.abi, bytecode: ValidatorSet.bytecode, args: [registry] },
    "ValidatorSet.deploy",
  );
  const on = { address: validatorSet, abi: ValidatorSet.abi } as const;
  const idOf = async (proposer: Account, kind: number, salt: `0x${string}`) =>
    chain.publicClient.readContract({
      ...on,
      functionName: "changeIdOf",
      args: [proposer.address, kind, SIGNER, governors[3].address, salt],
    });
  const add = toHex("add", { size: 32 });
  await chain.measure("ValidatorSet.proposeChange", governors[0], {
    ...on,
    functionName: "proposeChange",
    args: [0, SIGNER, governors[3].address, 86_400n, add],
  });
  const addId = await idOf(governors[0], 0, add);
  await chain.measure("ValidatorSet.approveChange", governors[1], {
    ...on,
    functionName: "approveChange",
    args: [addId],
  });
  await chain.measure("ValidatorSet.approveChange/executes add", governors[2], {
    ...on,
    functionName: "approveChange",
    args: [addId],
  });
  const remove = toHex("remove", { size: 32 });
  await chain.measure("ValidatorSet.proposeChange/remove", governors[1], {
    ...on,
    functionName: "proposeChange",
    args: [1, SIGNER, governors[3].address, 86_400n, remove],
  });
  const removeId = await idOf(governors[1], 1, remove);
  await chain.measure("ValidatorSet.approveChange/remove", governors[2], {
    ...on,
    functionName: "approveChange",
    args: [removeId],
  });
  await chain.measure("ValidatorSet.approveChange/executes remove", governors[3], {
    ...on,
    functionName: "approveChange",
    args: [removeId],
  });
}
