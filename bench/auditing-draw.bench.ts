// The jury draw's cost against the number of signalling auditors, on a real anvil with the real contracts: for each
// pool size a fresh court, that many vetted auditors staked and signalling (each with its ticket root), one complaint,
// the members' beacon, and the draw of a jury of 3. The draw only opens a lottery (the beacon's seed, the epoch's next
// slot on AuditorTickets, a threshold from the pool size); each auditor finds its own ticket off chain and claims its
// seat with its vote. So the draw's gas should not move with the pool (Kleros v2's draw is quoted at 477k-549k gas for
// 16-32 stakers and has hit block gas limits), and neither should a claim's (a ticket proof of 8 hashes, a jury-size
// loop). Args: [pool sizes, comma-separated = 7,70,700].
import {
  atEpoch,
  complain,
  completedTask,
  courtCall,
  deploy,
  drawnAuditors,
  runBeacon,
  signalAuditors,
  ticketClaim,
} from "../scripts/gas-snapshot-auditing.ts";
import { GasRecorder, startAnvil } from "../scripts/gas-snapshot-chain.ts";
import type { BenchResult } from "./lib/report.ts";

export async function run(args: string[]): Promise<BenchResult> {
  const sizes = (args[0] ?? "7,70,700").split(",").map(Number);
  const rows: Array<Record<string, string | number>> = [];
  let wanted = 0;
  for (const size of sizes) {
    const anvil = await startAnvil();
    try {
      const chain = new GasRecorder(anvil.rpcUrl);
      const court = await deploy(chain);
      wanted = court.params.firstJurySize * court.params.ticketsPerSeat;
      const setupStarted = performance.now();
      await signalAuditors(court, 0, size, 1, false);
      const setupSeconds = (performance.now() - setupStarted) / 1000;
      await atEpoch(court, 1);
      const taskId = await completedTask(court, "bench", false);
      const caseId = await complain(court, taskId);
      await runBeacon(court, caseId, false);
      const draw = await chain.measure("draw", court.governor, courtCall(court, "draw", [caseId]));
      // The lowest ticket claims first: the panel's first seat, a cost that does not depend on the pool either.
      const drawn = await drawnAuditors(court, caseId, 0);
      const lowest = drawn[0];
      if (!lowest) throw new Error(`the lottery drew no auditor of ${size}`);
      const claim = await chain.measure("claim", lowest.account, await ticketClaim(court, caseId, 0, lowest, 1));
      rows.push({
        "signalling auditors": size,
        "draw gas (jury of 3)": Number(draw.gasUsed),
        "drawn auditors": drawn.length,
        "first claim gas (commitVote)": Number(claim.gasUsed),
        "set-up s (vet, fund, approve, tree, signal each)": setupSeconds.toFixed(1),
      });
    } finally {
      await anvil.stop();
    }
  }
  return {
    name: "auditing-draw",
    tables: [
      {
        title: "OutcomeCourt.draw (the lottery's opening) and the first seat claim, gas by pool size",
        rows,
        note: `The draw opens a lottery at a constant cost (seed, slot, threshold; a few hundred gas apart only where the pool is small enough that everyone is drawn), and a claim checks one 8-hash ticket proof: neither follows the number of stakers. About jury x ticketsPerSeat = ${wanted} auditors are drawn from any larger pool (each with odds ${wanted} / pool), all of a smaller one.`,
      },
    ],
  };
}
