// The network kit's monitoring files, checked by Prometheus's own tool: the config and rules load (`promtool check`),
// and each alert fires on the series that mean trouble and stays quiet on a healthy network (`promtool test rules`,
// synthetic series evaluated by Prometheus's rule engine). test/network/clique.test.ts scrapes a running network.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { NetworkSpec } from "../../src/network/layout.ts";
import { AGENTS_JOB, alertRules, NODES_JOB, writeMonitoring } from "../../src/network/monitoring.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const run = promisify(execFile);

const spec: NetworkSpec = {
  version: 1,
  engine: "geth-clique",
  gethVersion: "1.13.15",
  chainId: 31_338_001,
  periodSeconds: 1,
  gasLimit: "100000000",
  gasPriceWei: "1",
  fork: "berlin",
  faucet: { address: "0x00000000000000000000000000000000000000fa", keyFile: "/dev/null" },
  nodes: [1, 2, 3, 4].map((i) => ({
    name: `node${i}`,
    dir: `/tmp/node${i}`,
    signer: `0x00000000000000000000000000000000000000a${i}`,
    enode: "enode://x@127.0.0.1:1",
    ports: { p2p: 30300 + 10 * i, rpc: 30301 + 10 * i, authrpc: 30302 + 10 * i, metrics: 30303 + 10 * i },
    rpcUrl: `http://127.0.0.1:${30301 + 10 * i}`,
  })),
  createdAt: "2026-11-29T00:00:00Z",
};

describe("network monitoring files", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let files: Awaited<ReturnType<typeof writeMonitoring>>;

  before(async () => {
    dir = await tempDir("telco-monitoring-");
    const keyFile = join(dir.path, "north.key");
    await writeFile(keyFile, "tl_read_key\n", { mode: 0o600 });
    files = await writeMonitoring(dir.path, spec, {
      agents: [
        { name: "north", url: "http://127.0.0.1:8701", apiKeyFile: keyFile },
        { name: "south", url: "http://127.0.0.1:8702", apiKeyFile: keyFile },
      ],
      alertAfterSeconds: 60,
    });
  });
  after(() => dir?.remove());

  it("writes a config and rules that Prometheus's promtool accepts, scraping every node and agent", async () => {
    const config = await run("promtool", ["check", "config", files.prometheusConfig]);
    assert.match(config.stdout, /SUCCESS/);
    assert.match(config.stdout, /9 rules found/);
    const text = await readFile(files.prometheusConfig, "utf8");
    for (const node of spec.nodes) assert.ok(text.includes(`127.0.0.1:${node.ports.metrics}`), node.name);
    assert.ok(text.includes(`"${AGENTS_JOB}-north"`) && text.includes(`"${AGENTS_JOB}-south"`));
    assert.ok(text.includes("credentials_file"), "agents are scraped with a key from a file, never inline");
    const dashboard = JSON.parse(await readFile(files.dashboard, "utf8"));
    assert.ok(dashboard.panels.length >= 8);
  });

  it("refuses an agent given twice or a URL with a path, and names the option", async () => {
    await assert.rejects(
      writeMonitoring(dir.path, spec, {
        agents: [
          { name: "north", url: "http://127.0.0.1:1", apiKeyFile: "k" },
          { name: "north", url: "http://127.0.0.1:2", apiKeyFile: "k" },
        ],
      }),
      /--agent.*north is named twice/,
    );
    await assert.rejects(
      writeMonitoring(dir.path, spec, { agents: [{ name: "x", url: "http://h:1/v1", apiKeyFile: "k" }] }),
      /--agent.*not an http\(s\) base URL/,
    );
  });

  it("fires each alert on the series that mean trouble, and none on a healthy network", async () => {
    const nodes = (name: string, values: (i: number) => string) =>
      spec.nodes.map((n, i) => ({ series: `${name}{job="${NODES_JOB}",node="${n.name}"}`, values: values(i) }));
    const agent = (name: string, who: string, values: string) => ({
      series: `${name}{role="${AGENTS_JOB}",agent="${who}"}`,
      values,
    });
    // Ten minutes of one-minute samples. node4 stops answering after minute 2 and node3 falls 40 blocks behind;
    // south's chain is stalled (its head age grows) and its backlog and lag grow; north is healthy throughout.
    const input = [
      ...nodes("up", (i) => (i === 3 ? "1 1 0x8" : "1x10")),
      ...nodes("chain_head_block", (i) => (i === 2 ? "100+1x3 100+0x7" : "100+60x10")),
      ...nodes("p2p_peers", (i) => (i === 0 ? "3 3 2x8" : "3x10")),
      agent("up", "north", "1x10"),
      agent("up", "south", "1 1 0x8"),
      agent("chain_node_head_age_seconds", "north", "1x10"),
      agent("chain_node_head_age_seconds", "south", "1x10"),
      agent("chain_node_sealing", "north", "1x10"),
      agent("chain_node_sealing", "south", "1 0x9"),
      agent("indexer_lag_blocks", "north", "0x10"),
      agent("indexer_lag_blocks", "south", "0+20x10"),
      agent("outbox_unsettled_transactions", "north", "0x10"),
      agent("outbox_unsettled_transactions", "south", "0+100x10"),
      // north's account pays 10^8 wei a minute from 10^9: it falls under the kit's 3 x 10^8 threshold at 1 wei gas.
      agent("chain_member_account_balance_wei", "north", "1000000000-100000000x10"),
      agent("chain_member_account_balance_wei", "south", "1000000000x10"),
    ];
    const stalled = [
      agent("chain_node_head_age_seconds", "north", "1 1 1 60+60x7"),
      agent("chain_node_head_age_seconds", "south", "1 1 1 60+60x7"),
    ];
    // The summary each alert carries, its label placeholders filled in as Prometheus does.
    const rules = alertRules(spec, { agents: [] });
    const fired = (alertname: string, labels: Record<string, string>, severity: string) => ({
      exp_labels: { alertname, severity, ...labels },
      exp_annotations: {
        summary: rules
          .find((r) => r.alert === alertname)
          ?.summary.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? ""),
      },
    });
    const tests = {
      rule_files: [files.alertRules],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: input,
          alert_rule_test: [
            { eval_time: "1m", alertname: "ValidatorNodeDown", exp_alerts: [] },
            {
              eval_time: "5m",
              alertname: "ValidatorNodeDown",
              exp_alerts: [fired("ValidatorNodeDown", { job: NODES_JOB, node: "node4" }, "critical")],
            },
            {
              eval_time: "8m",
              alertname: "NodeBehindConsortium",
              exp_alerts: [fired("NodeBehindConsortium", { job: NODES_JOB, node: "node3" }, "warning")],
            },
            {
              eval_time: "8m",
              alertname: "NodeShortOfPeers",
              exp_alerts: [fired("NodeShortOfPeers", { job: NODES_JOB, node: "node1" }, "warning")],
            },
            {
              eval_time: "5m",
              alertname: "AgentDown",
              exp_alerts: [fired("AgentDown", { role: AGENTS_JOB, agent: "south" }, "critical")],
            },
            {
              eval_time: "5m",
              alertname: "ValidatorNotSealing",
              exp_alerts: [fired("ValidatorNotSealing", { role: AGENTS_JOB, agent: "south" }, "warning")],
            },
            { eval_time: "2m", alertname: "IndexerLagging", exp_alerts: [] },
            {
              eval_time: "8m",
              alertname: "IndexerLagging",
              exp_alerts: [fired("IndexerLagging", { role: AGENTS_JOB, agent: "south" }, "warning")],
            },
            {
              eval_time: "9m",
              alertname: "OutboxBacklog",
              exp_alerts: [fired("OutboxBacklog", { role: AGENTS_JOB, agent: "south" }, "warning")],
            },
            { eval_time: "4m", alertname: "MemberAccountLow", exp_alerts: [] },
            {
              eval_time: "9m",
              alertname: "MemberAccountLow",
              exp_alerts: [fired("MemberAccountLow", { role: AGENTS_JOB, agent: "north" }, "warning")],
            },
            { eval_time: "9m", alertname: "ChainStalled", exp_alerts: [] },
          ],
        },
        {
          interval: "1m",
          input_series: stalled,
          alert_rule_test: [
            { eval_time: "3m", alertname: "ChainStalled", exp_alerts: [] },
            { eval_time: "6m", alertname: "ChainStalled", exp_alerts: [fired("ChainStalled", {}, "critical")] },
          ],
        },
      ],
    };
    // JSON is YAML: promtool reads the test file as it is written.
    const testFile = join(dir.path, "alerts.test.yml");
    await writeFile(testFile, JSON.stringify(tests, null, 2));
    const result = await run("promtool", ["test", "rules", testFile]).catch((error) => error);
    assert.match(`${result.stdout}${result.stderr}`, /SUCCESS/, `${result.stdout}${result.stderr}`);
  });
});
