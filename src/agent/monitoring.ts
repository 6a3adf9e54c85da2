// What an agent tells its operator about the chain side, on /metrics (Prometheus) and /health: the node it writes
// through (head, head age, peers, sync lag, whether its validator seals), the indexer's lag, the outbox's backlog and,
// on a network that charges fees, what the member account has left to pay them with.
// The alert rules in the network kit's monitoring files (src/network/monitoring.ts) are written against these names.
import { Gauge } from "prom-client";
import type { Address } from "viem";
import type { ApiApp } from "../core/api/index.ts";
import type { ChainClient } from "../core/chain/client.ts";
import type { Indexer } from "../core/chain/indexer/indexer.ts";
import type { Leadership } from "../core/chain/leader.ts";
import { type NodeHealthLimits, NodeHealthProbe, nodeProblems } from "../core/chain/nodeHealth.ts";
import { countUnsettled } from "../core/chain/outbox/journal.ts";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import type { Store } from "../core/store/index.ts";

/** Indexer lag (blocks) above which /health says the indexer is not ok. */
const INDEXER_LAG_LIMIT = 50;

export interface ChainMonitoringOptions {
  chainId: number;
  chain: ChainClient;
  outbox: Outbox;
  indexer: Indexer;
  store: Store;
  limits: NodeHealthLimits;
  /** The member's account, which pays for the agent's transactions. */
  memberAccount: Address;
  /** With replicas: which one this process is, and whether it leads (sends the member's chain writes). */
  leadership?: Pick<Leadership, "replicaId" | "isLeader">;
}

export function registerChainMonitoring(app: ApiApp, options: ChainMonitoringOptions): void {
  const { chain, outbox, indexer, store, limits } = options;
  const node = new NodeHealthProbe(chain);
  const registers = [app.metricsRegistry];

  const nodeGauge = (name: string, help: string, read: (h: Awaited<ReturnType<typeof node.read>>) => number | null) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        // A node that does not answer leaves the gauge without a sample: `absent()` alerts on it.
        const health = await node.read().catch(() => undefined);
        const value = health ? read(health) : null;
        if (value === null) this.reset();
        else this.set(value);
      },
    });
  nodeGauge("chain_node_head_block", "Number of the newest block of the agent's chain node", (h) => h.headBlock);
  nodeGauge(
    "chain_node_head_age_seconds",
    "Seconds since the timestamp of the node's newest block (grows while the chain is stalled)",
    (h) => h.headAgeSeconds,
  );
  nodeGauge("chain_node_peers", "Peers the agent's chain node is connected to (absent: not served)", (h) => h.peers);
  nodeGauge(
    "chain_node_sync_lag_blocks",
    "Blocks the node still has to import to reach the best head its peers announced",
    (h) => h.syncLagBlocks,
  );
  nodeGauge(
    "chain_node_sealing",
    "1 when the node's validator is a signer and sealing, 0 when not (absent: the engine has no Clique signers)",
    (h) => (h.sealing === null ? null : Number(h.sealing)),
  );
  new Gauge({
    name: "chain_member_account_balance_wei",
    help:
      "Wei the member account holds (at the latest block): what pays the agent's transactions on a network with fees;" +
      " no automatic top-up, the operator funds it (`network fund`) when the MemberAccountLow alert fires",
    registers,
    async collect() {
      const balance = await chain.getBalance({ address: options.memberAccount }).catch(() => undefined);
      if (balance === undefined) this.reset();
      else this.set(Number(balance));
    },
  });
  new Gauge({
    name: "indexer_lag_blocks",
    help: "Blocks between the chain head (less the confirmations) and the block the read model is indexed to",
    registers,
    async collect() {
      this.set(await indexer.lag());
    },
  });
  new Gauge({
    name: "outbox_unsettled_transactions",
    help: "Journalled transactions not yet mined (sent or waiting to be sent): the outbox backlog",
    registers,
    async collect() {
      this.set(await countUnsettled(store));
    },
  });
  new Gauge({
    name: "outbox_reconciled_entries",
    help: "Outbox entries journalled as mined that reconciliation checked against a receipt, and those the chain had lost (sent again with the same bytes, or signed again under a new nonce)",
    labelNames: ["outcome"] as const,
    registers,
    collect() {
      const stats = outbox.stats();
      this.set({ outcome: "checked" }, stats.receiptsChecked);
      this.set({ outcome: "resent" }, stats.resent);
      this.set({ outcome: "resigned" }, stats.resigned);
    },
  });

  app.healthChecks.register("chain", async () => {
    const health = await node.read();
    const problems = nodeProblems(health, limits);
    return { ok: problems.length === 0, chainId: options.chainId, ...health, problems };
  });
  const { leadership } = options;
  if (leadership) {
    new Gauge({
      name: "agent_replica_leader",
      help: "1 on the replica that leads (sends the member's chain writes and indexes), 0 on a follower",
      labelNames: ["replica"] as const,
      registers,
      collect() {
        this.set({ replica: leadership.replicaId }, leadership.isLeader() ? 1 : 0);
      },
    });
    // Both roles are healthy: a follower serves reads and journals writes; the health says which one answered.
    app.healthChecks.register("replica", async () => ({
      ok: true,
      replicaId: leadership.replicaId,
      role: leadership.isLeader() ? "leader" : "follower",
    }));
  }
  app.healthChecks.register("indexer", async () => {
    const lag = await indexer.lag();
    return { ok: lag <= INDEXER_LAG_LIMIT, lagBlocks: lag };
  });
}
