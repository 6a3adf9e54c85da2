// Compares the auditing read model with OutcomeCourt's own views at one block: every auditor's DID digest,
// affiliation and last signalled epoch, every case's status, round, attempt and verdicts, every juror's ballot on the
// case's current panel. Names each difference.
import type { Address, Hex } from "viem";
import type { ConsistencyDifference } from "../agent/domain.ts";
import type { ChainClient } from "../core/chain/client.ts";
import { OutcomeCourt } from "../generated/contracts.ts";
import { verdictName } from "./projection.ts";
import type { AuditingReadModel } from "./readModel.ts";

const STATUSES = ["none", "drawing", "voting", "provisional", "closed"];

export async function auditingDifferences(
  readModel: AuditingReadModel,
  chain: ChainClient,
  court: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const differences: ConsistencyDifference[] = [];
  const compare = (table: string, key: string, local: unknown, onChain: unknown) => {
    if (JSON.stringify(local) !== JSON.stringify(onChain))
      differences.push({ table, key, readModel: local, chain: onChain });
  };
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    chain.readContract({
      address: court,
      abi: OutcomeCourt.abi,
      functionName,
      args,
      blockNumber,
    } as never) as Promise<T>;
  const source = await readModel.consistencySource();
  for (const a of source.auditors) {
    const r = await read<{ didHash: Hex; affiliation: Address; lastEpoch: bigint; vetCount: number }>("auditor", [
      a.account,
    ]);
    compare(
      "auditing_auditors",
      a.account,
      { didHash: a.did_hash, affiliation: a.affiliation, lastEpoch: Number(a.last_epoch), vetters: Number(a.vetters) },
      {
        didHash: r.didHash.toLowerCase(),
        affiliation: r.affiliation.toLowerCase(),
        lastEpoch: Number(r.lastEpoch),
        vetters: Number(r.vetCount),
      },
    );
  }
  for (const c of source.cases) {
    const r = await read<{
      status: number;
      round: number;
      attempt: number;
      firstVerdict: number;
      finalVerdict: number;
    }>("getCase", [c.case_id]);
    compare(
      "auditing_cases",
      c.case_id,
      {
        status: c.status,
        round: Number(c.round),
        attempt: Number(c.attempt),
        firstVerdict: c.first_verdict ?? "none",
        finalVerdict: c.final_verdict ?? "none",
      },
      {
        status: STATUSES[r.status],
        round: Number(r.round),
        attempt: Number(r.attempt),
        firstVerdict: verdictName(r.firstVerdict),
        finalVerdict: verdictName(r.finalVerdict),
      },
    );
    // The court keeps the ballots of each round's latest panel (the latest lottery drawn, seats or not): compare the
    // jurors seated on those.
    const jurors = source.jurors.filter((j) => j.case_id === c.case_id);
    const latest = new Map<number, number>();
    for (const p of source.panels.filter((p) => p.case_id === c.case_id)) {
      latest.set(Number(p.round), Math.max(latest.get(Number(p.round)) ?? 0, Number(p.attempt)));
    }
    for (const j of jurors.filter((j) => latest.get(Number(j.round)) === Number(j.attempt))) {
      const b = await read<{ commitment: Hex; vote: number; seated: boolean }>("ballot", [
        c.case_id,
        Number(j.round),
        j.juror,
      ]);
      compare(
        "auditing_jurors",
        `${c.case_id}/${j.round}/${j.attempt}/${j.juror}`,
        { seated: true, committed: Number(j.committed) === 1, vote: Number(j.vote) },
        { seated: b.seated, committed: BigInt(b.commitment) !== 0n, vote: Number(b.vote) },
      );
    }
  }
  return differences;
}
