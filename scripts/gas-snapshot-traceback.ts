// Gas of robocall traceback (Traceback: open, an answer naming the upstream carrier, an answer ending the trace at
// the origin, a carrier recorded as not answering, an SPC registered, a trace opened from a PASSporT) and of fraud
// signals (FraudSignals: report, challenge, clear), on a consortium of four carriers.
import { type Account, type Hex, keccak256, parseEventLogs, stringToHex, zeroAddress } from "viem";
import { ConsortiumRegistry, FraudSignals, Traceback } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

const HOP_WINDOW = 3600;

export async function measureTraceback(chain: GasRecorder): Promise<void> {
  const north: Account = await chain.account("traceback north");
  const beta: Account = await chain.account("traceback beta");
  const alpha: Account = await chain.account("traceback alpha");
  const origin: Account = await chain.account("traceback origin");
  const role = (name: string) => keccak256(stringToHex(name));
  const consortium = await chain.deploy(north, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      [north.address, beta.address, alpha.address, origin.address],
      ["North Mobile", "Beta Networks", "Alpha Telecom", "Origin Voice"],
      [[role("MOBILE_OPERATOR")], [role("TNSP")], [role("TNSP")], [role("OSP")]],
    ],
  });
  const traceback = await chain.deploy(
    north,
    { abi: Traceback.abi, bytecode: Traceback.bytecode, args: [consortium] },
    "Traceback.deploy",
  );
  const on = { address: traceback, abi: Traceback.abi } as const;
  const open = async (salt: string, name?: string): Promise<Hex> => {
    const call = {
      ...on,
      functionName: "open",
      args: [keccak256(stringToHex("call")), 1, beta.address, HOP_WINDOW, keccak256(stringToHex(salt))],
    } as const;
    const receipt = name ? await chain.measure(name, north, call) : await chain.call(north, call);
    const [event] = parseEventLogs({ abi: Traceback.abi, eventName: "TraceOpened", logs: receipt.logs });
    if (!event) throw new Error("open emitted no TraceOpened");
    return event.args.traceId;
  };
  const traced = await open("trace 1", "Traceback.open");
  const evidence = keccak256(stringToHex("CDR"));
  await chain.measure("Traceback.answer/upstream", beta, {
    ...on,
    functionName: "answer",
    args: [traced, alpha.address, evidence],
  });
  await chain.call(alpha, { ...on, functionName: "answer", args: [traced, origin.address, evidence] });
  await chain.measure("Traceback.answer/origin", origin, {
    ...on,
    functionName: "answer",
    args: [traced, zeroAddress, evidence],
  });
  // The completed trace's number flagged to its holder's vetter (beta's member stands for the vetter), acknowledged.
  const flagged = await chain.measure("Traceback.flagToVetter", north, {
    ...on,
    functionName: "flagToVetter",
    args: [traced, keccak256(stringToHex("keyed number")), alpha.address, beta.address, beta.address, evidence],
  });
  const [flag] = parseEventLogs({ abi: Traceback.abi, eventName: "VetterFlagged", logs: flagged.logs });
  if (!flag) throw new Error("flagToVetter mined without VetterFlagged");
  await chain.measure("Traceback.acknowledgeFlag", beta, {
    ...on,
    functionName: "acknowledgeFlag",
    args: [flag.args.flagId],
  });
  await chain.measure("Traceback.registerSpc", origin, {
    ...on,
    functionName: "registerSpc",
    args: [stringToHex("ORIG1", { size: 32 })],
  });
  await chain.measure("Traceback.openCertified", north, {
    ...on,
    functionName: "openCertified",
    args: [
      keccak256(stringToHex("call")),
      3,
      beta.address,
      HOP_WINDOW,
      keccak256(stringToHex("certified")),
      {
        origid: "0x5f2c1b1e0c4a4a7e9a513f1d2a6b7c80",
        spc: stringToHex("ORIG1", { size: 32 }),
        certificate: keccak256(stringToHex("STI certificate")),
      },
    ],
  });
  const silent = await open("trace 2");
  await chain.setNextBlockTime((await chain.now()) + BigInt(HOP_WINDOW + 10));
  await chain.measure("Traceback.markUnanswered", north, { ...on, functionName: "markUnanswered", args: [silent] });

  const signals = await chain.deploy(
    north,
    { abi: FraudSignals.abi, bytecode: FraudSignals.bytecode, args: [consortium] },
    "FraudSignals.deploy",
  );
  const onSignals = { address: signals, abi: FraudSignals.abi } as const;
  const expiresAt = (await chain.now()) + 30n * 24n * 3600n;
  const reported = await chain.measure("FraudSignals.report", north, {
    ...onSignals,
    functionName: "report",
    args: [keccak256(stringToHex("number")), 0, 80, evidence, expiresAt, alpha.address, keccak256(stringToHex("s"))],
  });
  const [signal] = parseEventLogs({ abi: FraudSignals.abi, eventName: "SignalReported", logs: reported.logs });
  if (!signal) throw new Error("report emitted no SignalReported");
  await chain.measure("FraudSignals.challenge", alpha, {
    ...onSignals,
    functionName: "challenge",
    args: [signal.args.signalId, evidence],
  });
  await chain.measure("FraudSignals.clear", north, {
    ...onSignals,
    functionName: "clear",
    args: [signal.args.signalId],
  });
}
