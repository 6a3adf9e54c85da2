// Gas of social recovery (SocialRecovery over the ERC-1056 registry): enrolment, custody, a 2-of-3 recovery with the
// operator guardian, a SIM swap record, cancellation and execution, one transaction per operation.
import { mnemonicToAccount } from "viem/accounts";
import { EthereumDIDRegistry, SocialRecovery } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const DAY = 86_400;

export async function measureRecovery(chain: GasRecorder): Promise<void> {
  const [deployer, person, alice, bob, operator, newKey] = [0, 1, 2, 3, 4, 5].map((addressIndex) =>
    mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex }),
  );
  if (!deployer || !person || !alice || !bob || !operator || !newKey) throw new Error("anvil accounts");
  const dids = await chain.deploy(deployer, { abi: EthereumDIDRegistry.abi, bytecode: EthereumDIDRegistry.bytecode });
  const recovery = await chain.deploy(
    deployer,
    { abi: SocialRecovery.abi, bytecode: SocialRecovery.bytecode, args: [dids, 7 * DAY, 3_600] },
    "SocialRecovery.deploy",
  );
  const on = { address: recovery, abi: SocialRecovery.abi } as const;
  const identity = person.address;
  const guardians = [alice.address, bob.address, operator.address];
  await chain.measure("SocialRecovery.enrol/3 guardians", person, {
    ...on,
    functionName: "enrol",
    args: [identity, guardians, 2, 2 * DAY, operator.address],
  });
  await chain.call(person, {
    address: dids,
    abi: EthereumDIDRegistry.abi,
    functionName: "changeOwner",
    args: [identity, recovery],
  });
  const recoveryOf = async () =>
    await chain.publicClient.readContract({ ...on, functionName: "recoveryIdOf", args: [identity, newKey.address] });
  await chain.measure("SocialRecovery.propose", alice, {
    ...on,
    functionName: "propose",
    args: [identity, newKey.address],
  });
  await chain.measure("SocialRecovery.approve/operator", operator, {
    ...on,
    functionName: "approve",
    args: [identity, await recoveryOf()],
  });
  await chain.measure("SocialRecovery.recordSimSwap", operator, {
    ...on,
    functionName: "recordSimSwap",
    args: [identity],
  });
  await chain.measure("SocialRecovery.approve/threshold reached", bob, {
    ...on,
    functionName: "approve",
    args: [identity, await recoveryOf()],
  });
  await chain.measure("SocialRecovery.cancel", person, { ...on, functionName: "cancel", args: [identity] });
  await chain.call(alice, { ...on, functionName: "propose", args: [identity, newKey.address] });
  const id = await recoveryOf();
  await chain.call(bob, { ...on, functionName: "approve", args: [identity, id] });
  await chain.setNextBlockTime((await chain.now()) + BigInt(2 * DAY + 1));
  await chain.measure("SocialRecovery.execute", newKey, { ...on, functionName: "execute", args: [identity, id] });
}
