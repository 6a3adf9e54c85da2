// Gas of the roaming contracts: governed network claims (OperatorRegistry) and the request / answer / activation /
// expiry batches (RoamingExchange) per batch size, on a consortium of three operators and two more governors.
import { type Account, type Address, bytesToHex, type Hex, keccak256, parseEventLogs, stringToHex } from "viem";
import {
  ConsortiumRegistry,
  EthereumDIDRegistry,
  OperatorRegistry,
  RoamingExchange,
} from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

/** Batch sizes measured: single items, the agent's typical flushes, the largest batch a busy run carried, the limit. */
export const ROAMING_BATCH_SIZES = [1, 10, 50, 100, 218, 1000] as const;
/** About the size of a compact JWE (ECDH-ES + A256GCM, P-256 epk) carrying an IMSI. */
export const CIPHERTEXT_BYTES = 280;
/** A larger ciphertext (more request context), measured at one batch size. */
export const LARGE_CIPHERTEXT_BYTES = 600;
export const LARGE_CIPHERTEXT_BATCH = 218;
const VOTING_PERIOD = 86_400n;
const TTL = 600n;

export async function measureRoaming(chain: GasRecorder): Promise<void> {
  const names = ["op0", "op1", "op2", "gov3", "gov4"] as const;
  const accounts: Account[] = [];
  for (const name of names) accounts.push(await chain.account(`roaming member ${name}`));
  const [home, visited, third, gov3, gov4] = accounts as [Account, Account, Account, Account, Account];
  const operatorRole = keccak256(stringToHex("MOBILE_OPERATOR"));
  const consortium = await chain.deploy(home, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      accounts.map((a) => a.address),
      ["MNO North", "MNO South", "MNO East", "Governor Three", "Governor Four"],
      accounts.map((_, i) => (i < 3 ? [operatorRole] : [])),
    ],
  });
  const dids = await chain.deploy(home, { abi: EthereumDIDRegistry.abi, bytecode: EthereumDIDRegistry.bytecode });
  const registry = await chain.deploy(
    home,
    { abi: OperatorRegistry.abi, bytecode: OperatorRegistry.bytecode, args: [consortium, dids] },
    "OperatorRegistry.deploy",
  );
  await measureClaims(chain, registry, dids, { home, visited, third, gov3, gov4 });

  const exchange = await chain.deploy(
    home,
    { abi: RoamingExchange.abi, bytecode: RoamingExchange.bytecode, args: [consortium, registry] },
    "RoamingExchange.deploy",
  );
  await measureExchange(chain, exchange, visited, home);
}

interface Operators {
  home: Account;
  visited: Account;
  third: Account;
  gov3: Account;
  gov4: Account;
}

/** "23415" -> 0x323334313500: the ASCII digits, left-aligned, zero-padded to six bytes. */
function plmn(code: string): Hex {
  return stringToHex(code.padEnd(6, "\0"));
}

async function measureClaims(chain: GasRecorder, registry: Address, dids: Address, ops: Operators): Promise<void> {
  const on = { address: registry, abi: OperatorRegistry.abi } as const;
  const opened = async (name: string | undefined, as: Account, functionName: string, args: readonly unknown[]) => {
    const receipt = name
      ? await chain.measure(name, as, { ...on, functionName, args })
      : await chain.call(as, { ...on, functionName, args });
    const [event] = parseEventLogs({ abi: OperatorRegistry.abi, eventName: "ClaimOpened", logs: receipt.logs });
    if (!event) throw new Error(`${functionName} opened no claim`);
    return event.args.id;
  };
  // Five governors: a claim executes on the third approval; the claimant cannot approve its own claim.
  const north = await opened("OperatorRegistry.claimNetwork", ops.home, "claimNetwork", [
    plmn("23415"),
    [],
    VOTING_PERIOD,
  ]);
  await chain.measure("OperatorRegistry.approveClaim", ops.gov3, {
    ...on,
    functionName: "approveClaim",
    args: [north],
  });
  await chain.call(ops.gov4, { ...on, functionName: "approveClaim", args: [north] });
  await chain.measure("OperatorRegistry.approveClaim+execute", ops.third, {
    ...on,
    functionName: "approveClaim",
    args: [north],
  });
  const south = await opened(undefined, ops.visited, "claimNetwork", [plmn("20801"), [], VOTING_PERIOD]);
  for (const governor of [ops.gov3, ops.gov4, ops.third]) {
    await chain.call(governor, { ...on, functionName: "approveClaim", args: [south] });
  }

  // MSIN ranges of a 2-digit-MNC network (10-digit MSINs): one range, then the maximum of 64.
  const ranges = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      first: BigInt(i) * 100_000_000n,
      last: BigInt(i) * 100_000_000n + 999_999n,
    }));
  for (const count of [1, 64]) {
    await chain.measure(`OperatorRegistry.setMsinRanges/x${count}`, ops.home, {
      ...on,
      functionName: "setMsinRanges",
      args: [plmn("23415"), ranges(count)],
    });
  }

  const identity = await chain.account("roaming identity op0");
  await chain.call(identity, {
    address: dids,
    abi: EthereumDIDRegistry.abi,
    functionName: "changeOwner",
    args: [identity.address, ops.home.address],
  });
  await chain.measure("OperatorRegistry.setOperatorIdentity", ops.home, {
    ...on,
    functionName: "setOperatorIdentity",
    args: [identity.address],
  });

  const transfer = await opened("OperatorRegistry.proposeTransfer", ops.home, "proposeTransfer", [
    plmn("23415"),
    ops.third.address,
    VOTING_PERIOD,
  ]);
  await chain.measure("OperatorRegistry.cancelClaim", ops.home, {
    ...on,
    functionName: "cancelClaim",
    args: [transfer],
  });
}

/** Ciphertext bytes as the agent sends them: a compact JWE is ASCII, so every byte is non-zero. */
function ciphertext(bytes: number): Hex {
  return bytesToHex(Uint8Array.from({ length: bytes }, (_, i) => 0x41 + (i % 26)));
}

async function measureExchange(chain: GasRecorder, exchange: Address, visited: Account, home: Account) {
  const on = { address: exchange, abi: RoamingExchange.abi } as const;
  let next = 0;
  const newIds = (count: number) =>
    Array.from({ length: count }, () => keccak256(stringToHex(`gas-snapshot request ${next++}`)));
  const submit = async (name: string | undefined, ids: Hex[], ciphertextBytes: number) => {
    const expiresAt = (await chain.now()) + TTL;
    const requests = ids.map((requestId) => ({
      requestId,
      pseudonym: keccak256(requestId),
      expiresAt,
      ciphertext: ciphertext(ciphertextBytes),
    }));
    const call = { ...on, functionName: "submitRequests", args: [home.address, requests] };
    if (name) await chain.measure(name, visited, call, { sizes: true });
    else await chain.call(visited, call);
  };
  const answer = (name: string, ids: Hex[], ciphertextBytes: number) =>
    chain.measure(
      name,
      home,
      {
        ...on,
        functionName: "submitAnswers",
        args: [ids.map((requestId) => ({ requestId, ciphertext: ciphertext(ciphertextBytes) }))],
      },
      { sizes: true },
    );

  // The first request between two operators also registers the pair.
  await submit("RoamingExchange.submitRequests/x1newPair", newIds(1), CIPHERTEXT_BYTES);
  for (const n of ROAMING_BATCH_SIZES) {
    const ids = newIds(n);
    await submit(`RoamingExchange.submitRequests/x${n}`, ids, CIPHERTEXT_BYTES);
    await answer(`RoamingExchange.submitAnswers/x${n}`, ids, CIPHERTEXT_BYTES);
    const activations = ids.map((requestId) => ({ requestId, activated: true, servicesDigest: keccak256(requestId) }));
    await chain.measure(
      `RoamingExchange.recordActivations/x${n}`,
      visited,
      { ...on, functionName: "recordActivations", args: [activations] },
      { sizes: true },
    );
    const unanswered = newIds(n);
    await submit(undefined, unanswered, CIPHERTEXT_BYTES);
    await chain.setNextBlockTime((await chain.now()) + TTL + 1n);
    await chain.measure(
      `RoamingExchange.expire/x${n}`,
      visited,
      { ...on, functionName: "expire", args: [unanswered] },
      {
        sizes: true,
      },
    );
  }
  const large = newIds(LARGE_CIPHERTEXT_BATCH);
  const suffix = `x${LARGE_CIPHERTEXT_BATCH}ciphertext${LARGE_CIPHERTEXT_BYTES}`;
  await submit(`RoamingExchange.submitRequests/${suffix}`, large, LARGE_CIPHERTEXT_BYTES);
  await answer(`RoamingExchange.submitAnswers/${suffix}`, large, LARGE_CIPHERTEXT_BYTES);
}
