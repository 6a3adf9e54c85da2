// A real four-validator geth Clique network made by the network kit (`network init` / `start`), with the platform
// deployed on it (paris bytecode) and two member agents on different nodes: every node seals and agrees on the head,
// a governance decision and a new DID land through the agents on a fee-paying chain (funded from the faucet and by the
// agent's funding policy), the chain keeps going with one signer killed -9, and the killed node catches up; each
// validator key is held by the node's signer process (not geth), and a dead signer stops only that node's seals.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { confirmationsForNode } from "../../src/agent/init.ts";
import { createChain } from "../../src/core/chain/client.ts";
import { detectEngine } from "../../src/core/chain/finality.ts";
import { fundAccounts } from "../../src/network/faucet.ts";
import { ensureGeth } from "../../src/network/gethBinary.ts";
import { initNetwork } from "../../src/network/init.ts";
import type { NetworkSpec } from "../../src/network/layout.ts";
import { writeMonitoring } from "../../src/network/monitoring.ts";
import { rpc, runningPid, startNodes, stopNodes } from "../../src/network/nodes.ts";
import { runningSignerPid } from "../../src/network/signer/process.ts";
import { networkStatus } from "../../src/network/status.ts";
import { eventually } from "../../testkit/eventually.ts";
import { type NetworkMembers, startMembersOnNetwork } from "../../testkit/networkMembers.ts";
import { releasePort, reservePort } from "../../testkit/ports.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const VALIDATORS = 4;
const CHAIN_ID = 31_338_042;
/** Clique reorganises single blocks: the agents index two blocks behind the head. */
const CONFIRMATIONS = 2;
const NEWCOMER = "0x00000000000000000000000000000000000c0FFe";

const head = async (url: string) => Number(await rpc<string>(url, "eth_blockNumber", []));
const hashAt = async (url: string, n: number) =>
  (await rpc<{ hash: string } | null>(url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]))?.hash;

describe("network kit: four geth Clique validators", { timeout: 1_800_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let spec: NetworkSpec;
  let geth: string;
  let members: NetworkMembers | undefined;
  let prometheus: { process: ChildProcess; url: string } | undefined;
  const ports: number[] = [];
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  before(async () => {
    const binary = await ensureGeth((m) => console.log(`[network] ${m}`));
    if (binary.buildSeconds > 0) console.log(`[network] geth built in ${binary.buildSeconds} s`);
    geth = binary.path;
    dir = await tempDir("telco-network-");
    const reserve = async () => {
      const port = await reservePort();
      ports.push(port);
      return port;
    };
    const nodePorts = [];
    for (let i = 0; i < VALIDATORS; i++)
      nodePorts.push({
        p2p: await reserve(),
        rpc: await reserve(),
        authrpc: await reserve(),
        metrics: await reserve(),
      });
    // The ports are held (lock files) for the whole test; geth binds them once the locks say they are ours.
    spec = await initNetwork({ dir: dir.path, geth, validators: VALIDATORS, chainId: CHAIN_ID, ports: nodePorts });
    await startNodes(spec, geth);
    console.log(`[network] 4 nodes initialised and started after ${elapsed()}`);
  });

  after(async () => {
    prometheus?.process.kill("SIGKILL");
    await members?.stop();
    if (spec) await stopNodes(spec);
    for (const port of ports) releasePort(port);
    await dir?.remove();
  });

  it("writes a pre-London Clique genesis naming the four signers, with a prefunded faucet", async () => {
    const genesis = JSON.parse(await readFile(`${dir.path}/genesis.json`, "utf8"));
    assert.equal(genesis.config.clique.period, 1);
    assert.equal(genesis.config.londonBlock, undefined, "pre-London: a legacy gas price, no base fee");
    for (const node of spec.nodes) assert.ok(genesis.extradata.includes(node.signer.slice(2).toLowerCase()));
    assert.ok(genesis.alloc[spec.faucet.address.toLowerCase()]);
  });

  it("every node seals, has its three peers, advances and agrees on the chain", async () => {
    const status = await eventually(
      async () => {
        const s = await networkStatus(spec);
        for (const node of s) {
          assert.equal(node.error, undefined, `${node.name}: ${node.error}`);
          assert.equal(node.peers, VALIDATORS - 1, `${node.name} peers`);
          assert.equal(node.sealing, true, `${node.name} sealing`);
          assert.ok((node.head ?? 0) >= 5, `${node.name} head ${node.head}`);
        }
        return s;
      },
      120_000,
      500,
    );
    const heads = status.map((s) => s.head ?? 0);
    const common = Math.min(...heads) - 2;
    const hashes = await Promise.all(spec.nodes.map((n) => hashAt(n.rpcUrl, common)));
    assert.equal(new Set(hashes).size, 1, `block ${common} differs between nodes: ${hashes.join(" ")}`);
    // Blocks per second over ten seconds, for the report.
    const from = await head(spec.nodes[0]!.rpcUrl);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const to = await head(spec.nodes[0]!.rpcUrl);
    console.log(`[network] heads ${heads.join(", ")}; ${((to - from) / 10).toFixed(2)} blocks/s (period 1 s)`);
    assert.ok(to - from >= 5, `only ${to - from} blocks in 10 s`);
    // An agent initialised on this node without --confirmations waits for two: the engine is recognised as Clique.
    const chain = await createChain({ rpcUrl: spec.nodes[1]!.rpcUrl, chainId: spec.chainId });
    assert.equal(await detectEngine(chain), "clique");
    assert.equal(await confirmationsForNode(spec.nodes[1]!.rpcUrl, spec.chainId), 2);
  });

  it("deploys the platform (paris) and runs two agents on different nodes: governance and DID writes land", async () => {
    members = await startMembersOnNetwork(
      {
        chainId: CHAIN_ID,
        rpcUrlFor: (index) => spec.nodes[index % VALIDATORS]!.rpcUrl,
        fund: async (addresses: readonly Address[]) => {
          await fundAccounts(spec, addresses);
        },
      },
      [
        { name: "authority", roles: ["TRUST_AUTHORITY"] },
        { name: "carrier", roles: ["TNSP"] },
      ],
      // 1e15 wei: a thousand million-gas transactions at the network's 1-wei gas price.
      { confirmations: CONFIRMATIONS, fundNewAccountsWei: "1000000000000000" },
    );
    console.log(`[network] platform deployed and agents up after ${elapsed()}`);
    const manifest = JSON.parse(await readFile(members.manifestPath, "utf8"));
    assert.equal(manifest.evmVersion, "paris");
    assert.equal(manifest.chainId, CHAIN_ID);

    const { authority, carrier } = members.agents;
    const created = await authority!.call<{ proposalId: number }>("POST", "/v1/membership/proposals", {
      kind: "admit",
      member: NEWCOMER,
      name: "Newcomer Telecom",
      roles: ["TNSP"],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // The carrier's agent reads node 2: it sees the proposal once node 2 has the block and two confirmations.
    const id = created.body.proposalId;
    await eventually(async () => {
      const r = await carrier!.call("GET", `/v1/membership/proposals/${id}`);
      assert.equal(r.status, 200);
    }, 60_000);
    const approved = await carrier!.call("POST", `/v1/membership/proposals/${id}/approve`);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    await eventually(async () => {
      const r = await authority!.call<{ name: string }>("GET", `/v1/membership/members/${NEWCOMER}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }, 60_000);

    // A new DID's controller account starts with nothing: the agent's funding policy pays its gas.
    const did = await carrier!.call<{ did: string; controller: string }>("POST", "/v1/identity/dids", {
      label: "Carrier Network Services",
    });
    assert.equal(did.status, 201, JSON.stringify(did.body));
    // Paid by the policy: the controller got 10^15 wei from the member account and spent some of it on gas at 1 wei.
    const left = BigInt(await rpc<string>(spec.nodes[1]!.rpcUrl, "eth_getBalance", [did.body.controller, "latest"]));
    assert.ok(left > 0n && left < 10n ** 15n, `controller balance ${left}`);
    const resolved = await eventually(async () => {
      const r = await authority!.call<{ didDocument: { verificationMethod: unknown[] } }>(
        "GET",
        `/v1/identity/dids/${did.body.did}?noCache=true`,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.didDocument.verificationMethod.length >= 2, "the P-256 key is published");
      return r.body;
    }, 60_000);
    assert.ok(resolved.didDocument.verificationMethod.length >= 2);
    console.log(`[network] governance and DID writes landed after ${elapsed()}`);
  });

  it("a real Prometheus scrapes every node and agent with the kit's config: peers, sealing, heads", async () => {
    const agents = [];
    for (const [name, agent] of Object.entries(members!.agents)) {
      const apiKeyFile = `${dir.path}/${name}.key`;
      await writeFile(apiKeyFile, agent.adminKey, { mode: 0o600 });
      agents.push({ name, url: agent.url, apiKeyFile });
    }
    const files = await writeMonitoring(dir.path, spec, { agents, scrapeIntervalSeconds: 1, alertAfterSeconds: 1 });
    const port = await reservePort();
    ports.push(port);
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(
      "prometheus",
      [
        `--config.file=${files.prometheusConfig}`,
        `--storage.tsdb.path=${dir.path}/prometheus`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr = `${stderr}${chunk}`.slice(-4000);
    });
    prometheus = { process: child, url };
    const api = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${url}${path}`);
      assert.equal(response.status, 200, `${path}: ${response.status}; prometheus said: ${stderr}`);
      return ((await response.json()) as { data: T }).data;
    };
    const query = async (expr: string) =>
      (
        await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
          `/api/v1/query?query=${encodeURIComponent(expr)}`,
        )
      ).result;
    await eventually(
      async () => {
        const { activeTargets } = await api<{
          activeTargets: Array<{ health: string; scrapeUrl: string; lastError: string }>;
        }>("/api/v1/targets");
        assert.equal(activeTargets.length, VALIDATORS + agents.length);
        for (const target of activeTargets)
          assert.equal(target.health, "up", `${target.scrapeUrl}: ${target.health} ${target.lastError}`);
      },
      60_000,
      500,
    );
    // The agents' own view of their nodes, and geth's own metrics, agree: three peers each, every validator sealing.
    const peers = await query("chain_node_peers");
    assert.deepEqual(peers.map((r) => [r.metric.agent, r.value[1]]).sort(), agents.map((a) => [a.name, "3"]).sort());
    const sealing = await query("chain_node_sealing");
    assert.ok(sealing.length === agents.length && sealing.every((r) => r.value[1] === "1"), JSON.stringify(sealing));
    // What each member account holds to pay fees: funded by the faucet, far above the MemberAccountLow threshold.
    const balances = await query("chain_member_account_balance_wei");
    assert.equal(balances.length, agents.length, JSON.stringify(balances));
    assert.ok(
      balances.every((r) => Number(r.value[1]) > 3e8),
      JSON.stringify(balances),
    );
    const nodePeers = await query('p2p_peers{job="telco-ledger-nodes"}');
    assert.equal(nodePeers.length, VALIDATORS);
    assert.ok(
      nodePeers.every((r) => r.value[1] === "3"),
      JSON.stringify(nodePeers),
    );
    const heads = await query('chain_head_block{job="telco-ledger-nodes"}');
    assert.ok(
      heads.every((r) => Number(r.value[1]) > 5),
      JSON.stringify(heads),
    );
    const firing = await api<{ alerts: Array<{ labels: { alertname: string }; state: string }> }>("/api/v1/alerts");
    assert.deepEqual(
      firing.alerts.filter((a) => a.state === "firing").map((a) => a.labels.alertname),
      [],
    );
  });

  it("keeps sealing with one of four signers killed -9, a write still lands, and the node catches up on restart", async () => {
    const victim = spec.nodes[VALIDATORS - 1]!;
    const pid = await runningPid(victim);
    assert.ok(pid, "node 4 runs");
    process.kill(pid, "SIGKILL");
    await eventually(async () => assert.equal(await runningPid(victim), undefined), 10_000);
    const killedAt = await head(spec.nodes[0]!.rpcUrl);
    if (prometheus) {
      // The operator hears of it: Prometheus's ValidatorNodeDown fires for node 4 (the kit's rules, 1 s here).
      await eventually(
        async () => {
          const response = await fetch(`${prometheus!.url}/api/v1/alerts`);
          const { data } = (await response.json()) as {
            data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
          };
          const down = data.alerts.find((a) => a.labels.alertname === "ValidatorNodeDown");
          assert.equal(down?.labels.node, victim.name, JSON.stringify(data.alerts));
          assert.equal(down?.state, "firing");
        },
        30_000,
        500,
      );
    }

    const did = await members!.agents.authority!.call<{ did: string }>("POST", "/v1/identity/dids", {
      label: "Authority Operations",
    });
    assert.equal(did.status, 201, JSON.stringify(did.body));
    await eventually(async () => {
      const r = await members!.agents.carrier!.call<{ didDocument: { verificationMethod: unknown[] } }>(
        "GET",
        `/v1/identity/dids/${did.body.did}?noCache=true`,
      );
      assert.equal(r.status, 200);
      assert.ok(r.body.didDocument.verificationMethod.length >= 2, "the P-256 key is published");
    }, 60_000);
    const after3 = await eventually(async () => {
      const h = await head(spec.nodes[0]!.rpcUrl);
      assert.ok(h >= killedAt + 5, `head ${h}, ${killedAt} when node 4 died`);
      return h;
    }, 60_000);
    console.log(`[network] 3 of 4 signers: ${after3 - killedAt} blocks after the kill (${elapsed()})`);

    await rm(`${victim.dir}/geth.pid`, { force: true });
    await startNodes(spec, geth, [victim.name]);
    const target = await head(spec.nodes[0]!.rpcUrl);
    await eventually(
      async () => {
        const h = await head(victim.rpcUrl);
        assert.ok(h >= target, `node 4 at ${h}, the others at ${target}`);
        assert.equal(await hashAt(victim.rpcUrl, target), await hashAt(spec.nodes[0]!.rpcUrl, target));
      },
      120_000,
      500,
    );
    console.log(`[network] node 4 caught up to ${target} (${elapsed()})`);
  });

  it("holds each validator key in a signer process, never in geth: a dead signer stops only its seals", async () => {
    for (const node of spec.nodes) {
      // geth's own keystore is empty; the key is in the project's encrypted keystore, one file.
      assert.deepEqual(await readdir(join(node.dir, "keystore")).catch(() => []), [], `${node.name}: geth holds a key`);
      assert.equal((await readdir(node.validatorKeystore!.dir)).length, 1, `${node.name}: validator keystore`);
    }
    const victim = spec.nodes[2]!;
    const signerOf = (n: number) => rpc<string>(spec.nodes[0]!.rpcUrl, "clique_getSigner", [`0x${n.toString(16)}`]);
    const sealedBy = async (from: number, to: number, node = victim) => {
      const signers = await Promise.all(Array.from({ length: to - from + 1 }, (_, i) => signerOf(from + i)));
      return signers.filter((s) => s.toLowerCase() === node.signer.toLowerCase()).length;
    };
    // With one signer's process dead, Clique needs the other three sealing: node 4 (restarted by the previous test)
    // must be sealing again first, or two signers alone stall the chain.
    const restarted = spec.nodes[VALIDATORS - 1]!;
    await eventually(
      async () => {
        const h = await head(spec.nodes[0]!.rpcUrl);
        assert.ok((await sealedBy(h - 8, h, restarted)) > 0, `${restarted.name} sealed none of blocks ${h - 8}-${h}`);
      },
      120_000,
      1000,
    );
    process.kill((await runningSignerPid(victim))!, "SIGKILL");
    await eventually(async () => assert.equal(await runningSignerPid(victim), undefined), 10_000);
    const killedAt = await head(spec.nodes[0]!.rpcUrl);
    const later = await eventually(async () => {
      const h = await head(spec.nodes[0]!.rpcUrl);
      assert.ok(h >= killedAt + 10, `head ${h}, ${killedAt} when the signer died`);
      return h;
    }, 120_000);
    // The block in flight at the kill may carry its seal; none after it does, and the other three keep the chain.
    assert.equal(await sealedBy(killedAt + 2, later), 0, "sealed without its signer");
    const status = (await networkStatus(spec)).find((s) => s.name === victim.name);
    assert.equal(status?.signerPid, undefined);
    assert.equal(status?.sealing, false);

    await startNodes(spec, geth, [victim.name]);
    const restartedAt = await head(spec.nodes[0]!.rpcUrl);
    await eventually(
      async () => {
        const h = await head(spec.nodes[0]!.rpcUrl);
        assert.ok((await sealedBy(restartedAt + 1, h)) > 0, `no block sealed by ${victim.name} since ${restartedAt}`);
      },
      120_000,
      1000,
    );
    assert.equal((await networkStatus(spec)).find((s) => s.name === victim.name)?.sealing, true);
    console.log(`[network] ${victim.name}'s signer killed at ${killedAt}, sealing again after ${restartedAt}`);
  });

  it("ends with every agent's read model equal to the chain (the consistency checker names no difference)", async () => {
    for (const [name, agent] of Object.entries(members!.agents)) {
      await eventually(async () => {
        const report = await agent.call<{ differences: unknown[]; checked: string[] }>("GET", "/v1/agent/consistency");
        assert.equal(report.status, 200, JSON.stringify(report.body));
        assert.ok(report.body.checked.includes("membership") && report.body.checked.includes("identity"));
        assert.deepEqual(report.body.differences, [], `${name}: ${JSON.stringify(report.body)}`);
      }, 60_000);
    }
  });
});
