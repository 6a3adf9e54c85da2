// Gas of identity assurance (IdentityAssurance, IDM-002 and IDM-004): a member vouches for an ID file's fingerprint
// and revokes it; a person attests a claim, a member relays a second person's signed attestation, a member attests as
// an organisation, and an attester withdraws, on a consortium of two operators.
import { type Account, keccak256, stringToHex } from "viem";
import { ConsortiumRegistry, IdentityAssurance } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

export async function measureIdentity(chain: GasRecorder): Promise<void> {
  const north: Account = await chain.account("identity north");
  const south: Account = await chain.account("identity south");
  const alice: Account = await chain.account("identity alice");
  const bob: Account = await chain.account("identity bob");
  const carol: Account = await chain.account("identity carol");
  const operator = keccak256(stringToHex("MOBILE_OPERATOR"));
  const consortium = await chain.deploy(north, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      [north.address, south.address],
      ["North Mobile", "South Telecom"],
      [[operator], [operator]],
    ],
  });
  const assurance = await chain.deploy(
    north,
    { abi: IdentityAssurance.abi, bytecode: IdentityAssurance.bytecode, args: [consortium] },
    "IdentityAssurance.deploy",
  );
  const on = { address: assurance, abi: IdentityAssurance.abi } as const;
  const fingerprint = keccak256(stringToHex("gas-snapshot ID file"));
  await chain.measure("IdentityAssurance.vouch", north, { ...on, functionName: "vouch", args: [fingerprint] });
  await chain.measure("IdentityAssurance.vouch/second", south, { ...on, functionName: "vouch", args: [fingerprint] });
  const vouchId = await chain.publicClient.readContract({
    ...on,
    functionName: "vouchIdOf",
    args: [north.address, fingerprint],
  });
  await chain.measure("IdentityAssurance.revokeVouching", north, {
    ...on,
    functionName: "revokeVouching",
    args: [vouchId],
  });
  const claim = keccak256(stringToHex("gas-snapshot claim"));
  await chain.measure("IdentityAssurance.attest/person", alice, {
    ...on,
    functionName: "attest",
    args: [carol.address, claim],
  });
  const digest = await chain.publicClient.readContract({
    ...on,
    functionName: "attestDigest",
    args: [bob.address, carol.address, claim],
  });
  if (!bob.signMessage) throw new Error("a local account signs");
  const signature = await bob.signMessage({ message: { raw: digest } });
  await chain.measure("IdentityAssurance.attestFor", south, {
    ...on,
    functionName: "attestFor",
    args: [bob.address, carol.address, claim, signature],
  });
  await chain.measure("IdentityAssurance.attest/organisation", north, {
    ...on,
    functionName: "attest",
    args: [carol.address, claim],
  });
  const attestationId = await chain.publicClient.readContract({
    ...on,
    functionName: "attestationIdOf",
    args: [alice.address, carol.address, claim],
  });
  await chain.measure("IdentityAssurance.withdraw", alice, {
    ...on,
    functionName: "withdraw",
    args: [attestationId],
  });
}
