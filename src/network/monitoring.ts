// `network monitoring`: what an operator points Prometheus (Debian's `prometheus` package) and Grafana at. Three files
// in <dir>/monitoring/: prometheus.yml scrapes every geth node of the network (its own /debug/metrics/prometheus) and
// every member agent given (/metrics with the agent's read key, from a file), alerts.yml holds the alert rules (a
// stalled chain, a validator down or not sealing, a node behind the consortium or short of peers, an agent down,
// indexer lag, outbox backlog), dashboard.json is a Grafana dashboard over the same series. The agents' series are
// defined in src/agent/monitoring.ts; geth's are its own (chain_head_block, p2p_peers, txpool_pending).
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { invalidOption } from "./errors.ts";
import type { NetworkSpec } from "./layout.ts";

export const NODES_JOB = "telco-ledger-nodes";
export const AGENTS_JOB = "telco-ledger-agents";

export interface MonitoredAgent {
  name: string;
  /** Base URL of the agent's API, e.g. http://127.0.0.1:8701. */
  url: string;
  /** File holding an API key of the agent (a read key is enough); Prometheus reads it at each scrape. */
  apiKeyFile: string;
}

export interface MonitoringOptions {
  agents: readonly MonitoredAgent[];
  /** Seconds between scrapes (default 15). */
  scrapeIntervalSeconds?: number;
  /** How long a condition must hold before its alert fires, in seconds (default 60). */
  alertAfterSeconds?: number;
  /** Head age that means the chain stalled, in seconds (default: 10 block periods, at least 30 s). */
  stalledAfterSeconds?: number;
  /** Blocks a node may be behind the best node of the consortium (default 10). */
  maxBlocksBehind?: number;
  /** Indexer lag (blocks) that alerts (default 50, the agent's /health limit). */
  maxIndexerLagBlocks?: number;
  /** Outbox backlog (unsettled transactions) that alerts (default 500). */
  maxOutboxBacklog?: number;
}

export interface MonitoringFiles {
  dir: string;
  prometheusConfig: string;
  alertRules: string;
  dashboard: string;
}

/** A YAML double-quoted scalar: JSON string syntax is valid YAML, and escapes anything an operator might type. */
const q = (value: string): string => JSON.stringify(value);

export function monitoringThresholds(spec: NetworkSpec, options: MonitoringOptions) {
  return {
    scrapeSeconds: options.scrapeIntervalSeconds ?? 15,
    forSeconds: options.alertAfterSeconds ?? 60,
    stalledSeconds: options.stalledAfterSeconds ?? Math.max(30, spec.periodSeconds * 10),
    blocksBehind: options.maxBlocksBehind ?? 10,
    minPeers: spec.nodes.length - 1,
    indexerLag: options.maxIndexerLagBlocks ?? 50,
    outboxBacklog: options.maxOutboxBacklog ?? 500,
    // A thousand of the costliest writes (a single-number delegation, about 300,000 gas) at the network's gas price.
    lowBalanceWei: BigInt(spec.gasPriceWei) * 300_000n * 1_000n,
  };
}

export function renderPrometheusConfig(spec: NetworkSpec, options: MonitoringOptions, rulesFile: string): string {
  const t = monitoringThresholds(spec, options);
  const monitored = spec.nodes.filter((n) => n.ports.metrics);
  const lines = [
    '# Written by `telco-ledger network monitoring` (docs/network.md, "Monitor"). Check: promtool check config <this file>',
    "global:",
    `  scrape_interval: ${t.scrapeSeconds}s`,
    `  evaluation_interval: ${t.scrapeSeconds}s`,
    "  external_labels:",
    `    chain_id: ${q(String(spec.chainId))}`,
    "rule_files:",
    `  - ${q(rulesFile)}`,
    "scrape_configs:",
    `  - job_name: ${q(NODES_JOB)}`,
    "    metrics_path: /debug/metrics/prometheus",
    "    static_configs:",
    ...monitored.flatMap((n) => [
      `      - targets: [${q(`127.0.0.1:${n.ports.metrics}`)}]`,
      `        labels: { node: ${q(n.name)}, signer: ${q(n.signer.toLowerCase())} }`,
    ]),
  ];
  // One job per agent: each has its own key file, and Prometheus takes credentials per scrape config.
  for (const agent of options.agents) {
    const url = new URL(agent.url);
    lines.push(
      `  - job_name: ${q(`${AGENTS_JOB}-${agent.name}`)}`,
      `    scheme: ${url.protocol.replace(":", "")}`,
      "    metrics_path: /metrics",
      "    authorization:",
      "      type: Bearer",
      `      credentials_file: ${q(resolve(agent.apiKeyFile))}`,
      "    static_configs:",
      `      - targets: [${q(url.host)}]`,
      `        labels: { agent: ${q(agent.name)}, role: ${q(AGENTS_JOB)} }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

interface AlertRule {
  alert: string;
  expr: string;
  summary: string;
  severity: "critical" | "warning";
}

export function alertRules(spec: NetworkSpec, options: MonitoringOptions): AlertRule[] {
  const t = monitoringThresholds(spec, options);
  const nodes = `job=${q(NODES_JOB)}`;
  const agents = `role=${q(AGENTS_JOB)}`;
  return [
    {
      alert: "ChainStalled",
      // The newest head any agent's node has is too old: no validator seals (fewer than a majority left).
      expr: `min(chain_node_head_age_seconds{${agents}}) > ${t.stalledSeconds}`,
      summary: `no new block for more than ${t.stalledSeconds} s on any member's node`,
      severity: "critical",
    },
    {
      alert: "ValidatorNodeDown",
      expr: `up{${nodes}} == 0`,
      summary: "validator node {{ $labels.node }} does not answer its metrics scrape",
      severity: "critical",
    },
    {
      alert: "ValidatorNotSealing",
      expr: `chain_node_sealing{${agents}} == 0`,
      summary: "the validator behind agent {{ $labels.agent }} is not sealing",
      severity: "warning",
    },
    {
      alert: "NodeBehindConsortium",
      expr: `(scalar(max(chain_head_block{${nodes}})) - chain_head_block{${nodes}}) > ${t.blocksBehind}`,
      summary: `node {{ $labels.node }} is more than ${t.blocksBehind} blocks behind the best node`,
      severity: "warning",
    },
    {
      alert: "NodeShortOfPeers",
      expr: `p2p_peers{${nodes}} < ${t.minPeers}`,
      summary: `node {{ $labels.node }} has fewer than ${t.minPeers} peers`,
      severity: "warning",
    },
    {
      alert: "AgentDown",
      expr: `up{${agents}} == 0`,
      summary: "member agent {{ $labels.agent }} does not answer its metrics scrape",
      severity: "critical",
    },
    {
      alert: "IndexerLagging",
      expr: `indexer_lag_blocks{${agents}} > ${t.indexerLag}`,
      summary: `agent {{ $labels.agent }}'s read model is more than ${t.indexerLag} blocks behind the chain`,
      severity: "warning",
    },
    {
      alert: "MemberAccountLow",
      // On a network without fees (QBFT's zero gas price) the threshold is 0 and the alert never fires.
      expr: `chain_member_account_balance_wei{${agents}} < ${t.lowBalanceWei}`,
      summary: `agent {{ $labels.agent }}'s member account holds less than ${t.lowBalanceWei} wei: fund it (network fund)`,
      severity: "warning",
    },
    {
      alert: "OutboxBacklog",
      expr: `outbox_unsettled_transactions{${agents}} > ${t.outboxBacklog}`,
      summary: `agent {{ $labels.agent }} has more than ${t.outboxBacklog} transactions waiting to be mined`,
      severity: "warning",
    },
  ];
}

export function renderAlertRules(spec: NetworkSpec, options: MonitoringOptions): string {
  const { forSeconds } = monitoringThresholds(spec, options);
  const lines = [
    "# Written by `telco-ledger network monitoring`. Check: promtool check rules <this file>",
    "groups:",
    "  - name: telco-ledger",
    "    rules:",
  ];
  for (const rule of alertRules(spec, options)) {
    lines.push(
      `      - alert: ${rule.alert}`,
      `        expr: ${q(rule.expr)}`,
      `        for: ${forSeconds}s`,
      `        labels: { severity: ${rule.severity} }`,
      `        annotations: { summary: ${q(rule.summary)} }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A Grafana dashboard (JSON model) over the same series, with the Prometheus data source as an input. */
export function renderDashboard(spec: NetworkSpec): string {
  const agents = `role="${AGENTS_JOB}"`;
  const nodes = `job="${NODES_JOB}"`;
  const panels: Array<{ title: string; expr: string; legend: string; unit?: string }> = [
    { title: "Head block per node", expr: `chain_head_block{${nodes}}`, legend: "{{node}}" },
    {
      title: "Blocks behind the best node",
      expr: `scalar(max(chain_head_block{${nodes}})) - chain_head_block{${nodes}}`,
      legend: "{{node}}",
    },
    { title: "Peers per node", expr: `p2p_peers{${nodes}}`, legend: "{{node}}" },
    { title: "Transactions pending in each node's pool", expr: `txpool_pending{${nodes}}`, legend: "{{node}}" },
    {
      title: "Head age seen by each agent",
      expr: `chain_node_head_age_seconds{${agents}}`,
      legend: "{{agent}}",
      unit: "s",
    },
    { title: "Validator sealing (1 yes, 0 no)", expr: `chain_node_sealing{${agents}}`, legend: "{{agent}}" },
    { title: "Indexer lag", expr: `indexer_lag_blocks{${agents}}`, legend: "{{agent}}" },
    { title: "Outbox backlog", expr: `outbox_unsettled_transactions{${agents}}`, legend: "{{agent}}" },
    {
      title: "API p99 latency",
      expr: `histogram_quantile(0.99, sum by (agent, le) (rate(http_request_duration_seconds_bucket{${agents}}[5m])))`,
      legend: "{{agent}}",
      unit: "s",
    },
  ];
  const dashboard = {
    __inputs: [{ name: "DS_PROMETHEUS", label: "Prometheus", type: "datasource", pluginId: "prometheus" }],
    title: `telco-ledger network ${spec.chainId}`,
    uid: `telco-ledger-${spec.chainId}`,
    schemaVersion: 39,
    time: { from: "now-1h", to: "now" },
    refresh: "30s",
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: "timeseries",
      title: p.title,
      // Grafana's import placeholder for the data source input above (a literal, not a template string).
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${...} syntax
      datasource: { type: "prometheus", uid: "${DS_PROMETHEUS}" },
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit ?? "short" }, overrides: [] },
      targets: [{ refId: "A", expr: p.expr, legendFormat: p.legend }],
    })),
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

export async function writeMonitoring(
  networkDir: string,
  spec: NetworkSpec,
  options: MonitoringOptions,
): Promise<MonitoringFiles> {
  const names = new Set<string>();
  for (const agent of options.agents) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(agent.name))
      throw invalidOption("--agent", `agent name ${q(agent.name)} must be lower-case letters, digits and dashes`);
    if (names.has(agent.name)) throw invalidOption("--agent", `agent ${agent.name} is named twice`);
    names.add(agent.name);
    if (!/^https?:\/\/[^/]+\/?$/.test(agent.url))
      throw invalidOption("--agent", `agent ${agent.name}: ${q(agent.url)} is not an http(s) base URL`);
  }
  const dir = join(resolve(networkDir), "monitoring");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = {
    dir,
    prometheusConfig: join(dir, "prometheus.yml"),
    alertRules: join(dir, "alerts.yml"),
    dashboard: join(dir, "dashboard.json"),
  };
  await writeFile(files.alertRules, renderAlertRules(spec, options));
  await writeFile(files.prometheusConfig, renderPrometheusConfig(spec, options, files.alertRules));
  await writeFile(files.dashboard, renderDashboard(spec));
  return files;
}
