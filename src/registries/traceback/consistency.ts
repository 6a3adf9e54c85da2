// The traceback and fraud-signal read models against the contracts' own views, at the block the read model is
// indexed to: every trace the chain's TraceOpened logs name must be in the read model with the chain's requester,
// state, carrier asked, timers, path and PASSporT facts (traceOf, pathOf, certificationOf); every signal the
// SignalReported logs name with the chain's reporter, holder, kind, state, confidence, expiry and hashes
// (signalOf); a row the chain lacks is named too.
import { type Address, getAddress, type Hex, zeroAddress, zeroHash } from "viem";
import type { ConsistencyDifference } from "../../agent/domain.ts";
import type { ChainClient } from "../../core/chain/client.ts";
import { FraudSignals, Traceback } from "../../generated/contracts.ts";
import { SIGNAL_KINDS } from "./projection.ts";
import type { SignalView, TracebackReadModel, TraceView } from "./readModel.ts";
import { spcBytes } from "./service.ts";

const PAGE = 100;
const TRACE_STATES = ["none", "open", "completed", "unanswered"] as const;
const SIGNAL_STATES = ["none", "active", "challenged", "cleared"] as const;
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const lower = (address: string) => getAddress(address).toLowerCase();

const traceSummary = (t: TraceView) => ({
  requester: t.requester.toLowerCase(),
  state: t.state,
  attestation: [null, "A", "B", "C"].indexOf(t.attestation),
  callDigest: t.callDigest.toLowerCase(),
  hopWindow: t.hopWindowSeconds,
  asked: t.asked.toLowerCase(),
  askedAt: seconds(t.askedAt),
  path: t.hops.map((h) => h.carrier.toLowerCase()),
  passport: t.passport && {
    origid: `0x${t.passport.origid.replaceAll("-", "")}`,
    spc: spcBytes(t.passport.spc),
    certificate: t.passport.certificate.toLowerCase(),
    originProvider: t.passport.originProvider?.toLowerCase() ?? zeroAddress,
  },
});

const signalSummary = (s: SignalView) => ({
  reporter: s.reporter.toLowerCase(),
  holder: s.holder?.toLowerCase() ?? zeroAddress,
  kind: s.kind,
  state: s.state,
  confidence: s.confidence,
  expiresAt: seconds(s.expiresAt),
  subject: s.subject.toLowerCase(),
  evidence: s.evidence.toLowerCase(),
});

async function all<T>(read: (after?: string) => Promise<T[]>, idOf: (row: T) => string): Promise<Map<string, T>> {
  const rows = new Map<string, T>();
  for (let after: string | undefined; ; ) {
    const page = await read(after);
    for (const row of page.slice(0, PAGE)) rows.set(idOf(row).toLowerCase(), row);
    if (page.length <= PAGE) return rows;
    const last = page[PAGE - 1];
    after = last === undefined ? undefined : idOf(last);
  }
}

function compare<T>(
  differences: ConsistencyDifference[],
  table: string,
  id: string,
  mine: T | undefined,
  theirs: unknown,
): void {
  if (JSON.stringify(mine) !== JSON.stringify(theirs))
    differences.push({ table, key: id, readModel: mine, chain: theirs });
}

export async function tracebackDifferences(
  readModel: TracebackReadModel,
  chain: ChainClient,
  contracts: { traceback: Address; signals: Address },
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const differences: ConsistencyDifference[] = [];
  const traces = await all(
    (after) => readModel.traces({}, { limit: PAGE, ...(after ? { after } : {}) }),
    (t) => t.traceId,
  );
  const opened = await chain.getContractEvents({
    address: contracts.traceback,
    abi: Traceback.abi,
    eventName: "TraceOpened",
    fromBlock: 0n,
    toBlock: blockNumber,
  });
  const tracesOnChain = new Set<string>();
  for (const log of opened) {
    const id = (log.args.traceId as Hex).toLowerCase();
    tracesOnChain.add(id);
    const on = { address: contracts.traceback, abi: Traceback.abi, args: [id as Hex], blockNumber } as const;
    const t = await chain.readContract({ ...on, functionName: "traceOf" });
    const path = await chain.readContract({ ...on, functionName: "pathOf" });
    const c = await chain.readContract({ ...on, functionName: "certificationOf" });
    const mine = traces.get(id);
    compare(differences, "registries_traces", id, mine ? traceSummary(mine) : undefined, {
      requester: lower(t.requester),
      state: TRACE_STATES[t.state] ?? `state-${t.state}`,
      attestation: Number(t.attestation),
      callDigest: t.callDigest.toLowerCase(),
      hopWindow: Number(t.hopWindow),
      asked: lower(t.asked),
      askedAt: Number(t.askedAt),
      path: path.map(lower),
      passport:
        c.spc === zeroHash
          ? null
          : {
              origid: c.origid.toLowerCase(),
              spc: c.spc.toLowerCase(),
              certificate: c.certificate.toLowerCase(),
              originProvider: lower(c.originProvider),
            },
    });
  }
  for (const [id, t] of traces) {
    if (!tracesOnChain.has(id)) compare(differences, "registries_traces", id, traceSummary(t), undefined);
  }

  const signals = await all(
    (after) => readModel.signals({}, { limit: PAGE, ...(after ? { after } : {}) }),
    (s) => s.signalId,
  );
  const reported = await chain.getContractEvents({
    address: contracts.signals,
    abi: FraudSignals.abi,
    eventName: "SignalReported",
    fromBlock: 0n,
    toBlock: blockNumber,
  });
  const signalsOnChain = new Set<string>();
  for (const log of reported) {
    const id = (log.args.signalId as Hex).toLowerCase();
    signalsOnChain.add(id);
    const s = await chain.readContract({
      address: contracts.signals,
      abi: FraudSignals.abi,
      functionName: "signalOf",
      args: [id as Hex],
      blockNumber,
    });
    const mine = signals.get(id);
    compare(differences, "registries_signals", id, mine ? signalSummary(mine) : undefined, {
      reporter: lower(s.reporter),
      holder: lower(s.holder),
      kind: SIGNAL_KINDS[s.kind] ?? `kind-${s.kind}`,
      state: SIGNAL_STATES[s.state] ?? `state-${s.state}`,
      confidence: Number(s.confidence),
      expiresAt: Number(s.expiresAt),
      subject: s.subject.toLowerCase(),
      evidence: s.evidence.toLowerCase(),
    });
  }
  for (const [id, s] of signals) {
    if (!signalsOnChain.has(id)) compare(differences, "registries_signals", id, signalSummary(s), undefined);
  }
  return differences;
}
