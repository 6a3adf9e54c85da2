// Gas of the device register (DeviceRegistry): reports of 1, 1,000 and 20,000 (the per-transaction limit) keyed
// hashes, clears of 1 and 100 devices, and a withdrawal, on a consortium of two mobile operators; and of number-port
// clearing (PortClearing): requests of 1, 100 and 1,000 (the limit) numbers and each step of a port's life; and of
// traceback and fraud signals (gas-snapshot-traceback.ts).
import { type Account, type Hex, keccak256, parseEventLogs, stringToHex } from "viem";
import { ConsortiumRegistry, DeviceRegistry, PortClearing } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";
import { measureTraceback } from "./gas-snapshot-traceback.ts";

export const DEVICE_REPORT_SIZES = [1, 1000, 20_000] as const;
export const DEVICE_CLEAR_SIZES = [1, 100] as const;

/** `count` distinct keyed hashes (here keccak256 of a counter: the same 32 random-looking bytes each). */
const packed = (from: number, count: number): Hex =>
  `0x${Array.from({ length: count }, (_, i) => keccak256(stringToHex(`device ${from + i}`)).slice(2)).join("")}`;

export const PORT_REQUEST_SIZES = [1, 100, 1000] as const;
export const PORT_BATCH_SIZE = 100;

export async function measureRegistries(chain: GasRecorder): Promise<void> {
  await measureDevices(chain);
  await measurePorts(chain);
  await measureTraceback(chain);
}

/** `count` distinct 11-digit E.164 numbers from `from`, spread out (never consecutive) as a list port names them. */
const numbers = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => 13125000000n + BigInt((from + i) * 7));

async function measurePorts(chain: GasRecorder): Promise<void> {
  const alpha: Account = await chain.account("ports alpha");
  const beta: Account = await chain.account("ports beta");
  const tnsp = keccak256(stringToHex("TNSP"));
  const consortium = await chain.deploy(alpha, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      [alpha.address, beta.address],
      ["Alpha Telecom", "Beta Networks"],
      [[tnsp], [tnsp]],
    ],
  });
  const clearing = await chain.deploy(
    alpha,
    { abi: PortClearing.abi, bytecode: PortClearing.bytecode, args: [consortium] },
    "PortClearing.deploy",
  );
  const on = { address: clearing, abi: PortClearing.abi } as const;
  const ids: Hex[] = [];
  let next = 0;
  for (const size of PORT_REQUEST_SIZES) {
    const receipt = await chain.measure(
      `PortClearing.request/x${size}`,
      beta,
      {
        ...on,
        functionName: "request",
        args: [alpha.address, numbers(next, size), 3600n, keccak256(stringToHex(`port salt ${size}`))],
      },
      { sizes: true },
    );
    next += size;
    const [event] = parseEventLogs({ abi: PortClearing.abi, eventName: "PortRequested", logs: receipt.logs });
    if (!event) throw new Error(`request of ${size} emitted no PortRequested`);
    ids.push(event.args.portId);
  }
  const [single, hundred, thousand] = ids as [Hex, Hex, Hex];
  const range = await chain.measure(
    "PortClearing.requestRange/x1000",
    beta,
    {
      ...on,
      functionName: "requestRange",
      args: [alpha.address, 14155000000n, 1000, 1n, 3600n, keccak256(stringToHex("port salt range"))],
    },
    { sizes: true },
  );
  const [ranged] = parseEventLogs({ abi: PortClearing.abi, eventName: "PortRangeRequested", logs: range.logs });
  if (!ranged) throw new Error("range request emitted no PortRangeRequested");
  await chain.measure("PortClearing.concur", alpha, { ...on, functionName: "concur", args: [single] });
  const at = (await chain.now()) + 10n;
  await chain.measure("PortClearing.schedule", beta, { ...on, functionName: "schedule", args: [single, at] });
  await chain.setNextBlockTime(at);
  await chain.measure("PortClearing.activate/x1", beta, { ...on, functionName: "activate", args: [single] });
  await chain.call(alpha, { ...on, functionName: "concur", args: [thousand] });
  const later = (await chain.now()) + 10n;
  await chain.call(beta, { ...on, functionName: "schedule", args: [thousand, later] });
  await chain.setNextBlockTime(later);
  await chain.measure("PortClearing.activate/x1000", beta, { ...on, functionName: "activate", args: [thousand] });
  // A batch of 100 single-number ports of one gaining provider, each concurred and scheduled.
  const batch: Hex[] = [];
  for (let i = 0; i < PORT_BATCH_SIZE; i++) {
    const r = await chain.call(beta, {
      ...on,
      functionName: "request",
      args: [alpha.address, numbers(next + i, 1), 3600n, keccak256(stringToHex(`port salt batch ${i}`))],
    });
    const [e] = parseEventLogs({ abi: PortClearing.abi, eventName: "PortRequested", logs: r.logs });
    if (!e) throw new Error("request emitted no PortRequested");
    batch.push(e.args.portId);
    await chain.call(alpha, { ...on, functionName: "concur", args: [e.args.portId] });
  }
  next += PORT_BATCH_SIZE;
  const batchAt = (await chain.now()) + BigInt(10 * PORT_BATCH_SIZE); // each schedule is a block: leave them time
  for (const id of batch) await chain.call(beta, { ...on, functionName: "schedule", args: [id, batchAt] });
  await chain.setNextBlockTime(batchAt);
  await chain.measure(`PortClearing.activateBatch/x${PORT_BATCH_SIZE}`, beta, {
    ...on,
    functionName: "activateBatch",
    args: [batch],
  });
  await chain.measure("PortClearing.refuse/x100", alpha, { ...on, functionName: "refuse", args: [hundred, 7] });
  const again = await chain.call(beta, {
    ...on,
    functionName: "request",
    args: [alpha.address, numbers(next, 1), 3600n, keccak256(stringToHex("port salt cancel"))],
  });
  const [cancelled] = parseEventLogs({ abi: PortClearing.abi, eventName: "PortRequested", logs: again.logs });
  if (!cancelled) throw new Error("request emitted no PortRequested");
  await chain.call(alpha, { ...on, functionName: "concur", args: [cancelled.args.portId] });
  await chain.measure("PortClearing.conflict", alpha, {
    ...on,
    functionName: "conflict",
    args: [cancelled.args.portId, 3],
  });
  await chain.measure("PortClearing.resolveConflict", alpha, {
    ...on,
    functionName: "resolveConflict",
    args: [cancelled.args.portId],
  });
  await chain.measure("PortClearing.cancel/x1", beta, { ...on, functionName: "cancel", args: [cancelled.args.portId] });
}

async function measureDevices(chain: GasRecorder): Promise<void> {
  const north: Account = await chain.account("registries north");
  const south: Account = await chain.account("registries south");
  const operatorRole = keccak256(stringToHex("MOBILE_OPERATOR"));
  const consortium = await chain.deploy(north, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      [north.address, south.address],
      ["North Mobile", "South Mobile"],
      [[operatorRole], [operatorRole]],
    ],
  });
  const registry = await chain.deploy(
    north,
    { abi: DeviceRegistry.abi, bytecode: DeviceRegistry.bytecode, args: [consortium] },
    "DeviceRegistry.deploy",
  );
  const on = { address: registry, abi: DeviceRegistry.abi } as const;
  const ids: Hex[] = [];
  let next = 0;
  for (const size of DEVICE_REPORT_SIZES) {
    const receipt = await chain.measure(
      `DeviceRegistry.report/x${size}`,
      north,
      { ...on, functionName: "report", args: [1, 7, keccak256(stringToHex(`salt ${size}`)), packed(next, size)] },
      { sizes: true },
    );
    next += size;
    const [event] = parseEventLogs({ abi: DeviceRegistry.abi, eventName: "DevicesReported", logs: receipt.logs });
    if (!event) throw new Error(`report of ${size} emitted no DevicesReported`);
    ids.push(event.args.reportId);
  }
  const big = ids[2] as Hex;
  for (const size of DEVICE_CLEAR_SIZES) {
    await chain.measure(`DeviceRegistry.clearDevices/x${size}`, north, {
      ...on,
      functionName: "clearDevices",
      args: [big, packed(1000 + size * 10, size)],
    });
  }
  await chain.measure("DeviceRegistry.withdraw", north, { ...on, functionName: "withdraw", args: [ids[1] as Hex] });
}
