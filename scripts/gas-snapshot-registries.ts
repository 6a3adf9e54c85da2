// Gas of the device register (DeviceRegistry): reports of 1, 1,000 and 20,000 (the per-transaction limit) keyed
// hashes, clears of 1 and 100 devices, and a withdrawal, on a consortium of two mobile operators.
import { type Account, type Hex, keccak256, parseEventLogs, stringToHex } from "viem";
import { ConsortiumRegistry, DeviceRegistry } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

export const DEVICE_REPORT_SIZES = [1, 1000, 20_000] as const;
export const DEVICE_CLEAR_SIZES = [1, 100] as const;

/** `count` distinct keyed hashes (here keccak256 of a counter: the same 32 random-looking bytes each). */
const packed = (from: number, count: number): Hex =>
  `0x${Array.from({ length: count }, (_, i) => keccak256(stringToHex(`device ${from + i}`)).slice(2)).join("")}`;

export async function measureRegistries(chain: GasRecorder): Promise<void> {
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
