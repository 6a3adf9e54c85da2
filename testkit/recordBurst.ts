// The write burst of the durability and replica tests' child processes: `concurrency` workers submit Recorder.record(id)
// for ids firstId..firstId+count-1 through the outbox and append each id to `ackFile` (fsynced) once the outbox
// acknowledged it, so the parent test knows exactly which writes were acknowledged before it killed the process.
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { type Abi, type Address, encodeFunctionData, type Hex } from "viem";
import { TxRevertedError } from "../src/core/chain/errors.ts";

interface Submitter {
  submit(request: { from: Address; to: Address; data: Hex; label: string }): Promise<unknown>;
}

export interface RecordBurst {
  outbox: Submitter;
  abi: Abi;
  from: Address;
  recorder: Address;
  firstId: number;
  count: number;
  concurrency: number;
  ackFile: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the burst to its end; returns how many submits were retried. */
export async function runRecordBurst(burst: RecordBurst): Promise<{ retries: number }> {
  const ack = openSync(burst.ackFile, "a");
  let retries = 0;
  let next = burst.firstId;
  const end = burst.firstId + burst.count;
  async function worker(): Promise<void> {
    while (next < end) {
      const id = next++;
      const data = encodeFunctionData({ abi: burst.abi, functionName: "record", args: [BigInt(id)] });
      for (;;) {
        try {
          await burst.outbox.submit({ from: burst.from, to: burst.recorder, data, label: `record ${id}` });
          break;
        } catch (error) {
          // Already on chain: a retried submit whose first attempt was journalled before its caller saw an error.
          if (error instanceof TxRevertedError && error.errorName === "AlreadyRecorded") break;
          retries++;
          await sleep(100);
        }
      }
      writeSync(ack, `${id}\n`);
      fsyncSync(ack);
    }
  }
  await Promise.all(Array.from({ length: burst.concurrency }, worker));
  closeSync(ack);
  return { retries };
}
