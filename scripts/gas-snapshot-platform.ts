// Gas of the platform contracts: membership (ConsortiumRegistry) and identity (EthereumDIDRegistry,
// CredentialStatusRegistry), one transaction per operation.
import { type Account, keccak256, stringToHex, toHex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { ConsortiumRegistry, CredentialStatusRegistry, EthereumDIDRegistry } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const TNSP_ROLE = keccak256(stringToHex("TNSP"));

export async function measurePlatform(chain: GasRecorder): Promise<void> {
  // Anvil's own funded accounts: three founding governors and a newcomer.
  const anvilAccount = (addressIndex: number): Account => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });
  const [g0, g1, g2, newcomer] = [anvilAccount(0), anvilAccount(1), anvilAccount(2), anvilAccount(3)];

  const registry = await chain.deploy(
    g0,
    {
      abi: ConsortiumRegistry.abi,
      bytecode: ConsortiumRegistry.bytecode,
      args: [
        [g0.address, g1.address, g2.address],
        ["Alpha Mobile", "Beta Telecom", "Gamma Net"],
        [[], [], []],
      ],
    },
    "ConsortiumRegistry.deploy",
  );
  const onRegistry = { address: registry, abi: ConsortiumRegistry.abi } as const;
  await chain.measure("ConsortiumRegistry.propose", g0, {
    ...onRegistry,
    functionName: "propose",
    args: [0, newcomer.address, "Delta Numbering", [TNSP_ROLE], 86_400n],
  });
  await chain.measure("ConsortiumRegistry.approve+execute", g1, {
    ...onRegistry,
    functionName: "approve",
    args: [1n],
  });
  const bound = privateKeyToAccount(keccak256(stringToHex("gas-snapshot bound account")));
  const signature = await bound.signTypedData({
    domain: { name: "ConsortiumRegistry", version: "1", chainId: foundry.id, verifyingContract: registry },
    types: {
      BindAccount: [
        { name: "member", type: "address" },
        { name: "account", type: "address" },
        { name: "roles", type: "bytes32[]" },
        { name: "nonce", type: "uint256" },
      ],
    },
    primaryType: "BindAccount",
    // The common scope: one role (an EIDL organisation controller's).
    message: { member: newcomer.address, account: bound.address, roles: [TNSP_ROLE], nonce: 0n },
  });
  await chain.measure("ConsortiumRegistry.bindAccount", newcomer, {
    ...onRegistry,
    functionName: "bindAccount",
    args: [bound.address, [TNSP_ROLE], signature],
  });
  await chain.measure("ConsortiumRegistry.unbindAccount", newcomer, {
    ...onRegistry,
    functionName: "unbindAccount",
    args: [bound.address],
  });

  // Identity: the issuer is g2's address as a did:ethr identity.
  const dids = await chain.deploy(
    g0,
    { abi: EthereumDIDRegistry.abi, bytecode: EthereumDIDRegistry.bytecode },
    "EthereumDIDRegistry.deploy",
  );
  const onDids = { address: dids, abi: EthereumDIDRegistry.abi } as const;
  const issuer = g2.address;
  await chain.measure("EthereumDIDRegistry.setAttribute", g2, {
    ...onDids,
    functionName: "setAttribute",
    args: [
      issuer,
      toHex("did/svc/AgentService", { size: 32 }),
      stringToHex("https://agent.gamma.example/api"),
      86_400n * 365n,
    ],
  });
  await chain.measure("EthereumDIDRegistry.addDelegate", g2, {
    ...onDids,
    functionName: "addDelegate",
    args: [issuer, toHex("sigAuth", { size: 32 }), newcomer.address, 86_400n],
  });

  const status = await chain.deploy(
    g0,
    { abi: CredentialStatusRegistry.abi, bytecode: CredentialStatusRegistry.bytecode, args: [dids] },
    "CredentialStatusRegistry.deploy",
  );
  const credential = keccak256(stringToHex("urn:uuid:gas-snapshot-credential"));
  for (const [functionName, reason] of [
    ["suspend", 8],
    ["reinstate", 0],
    ["revoke", 1],
  ] as const) {
    await chain.measure(`CredentialStatusRegistry.${functionName}`, g2, {
      address: status,
      abi: CredentialStatusRegistry.abi,
      functionName,
      args: [issuer, credential, reason],
    });
  }

  // Last, because it moves the issuer's ownership away from g2.
  await chain.measure("EthereumDIDRegistry.changeOwner", g2, {
    ...onDids,
    functionName: "changeOwner",
    args: [issuer, newcomer.address],
  });
}
