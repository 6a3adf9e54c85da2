// Multilateral netting for N operators with random bilateral balances (issue 14), seeded:
//   npm run bench -- settlement-netting [operators=50] [devnetInvoices=all pairs] [seed=14]
// 1. Computed: every ordered pair of operators has a period's invoice (visited charges home, 1..1000.00 EUR); payments
//    with no netting (one per invoice), bilateral netting (one per pair), and multilateral netting as the contract does
//    it (a net position per member over the invoices; each net debtor pays once, each creditor claims once), timed.
// 2. On a devnet: RoamingSettlement with N operators and one final invoice per pair (the pair's bilateral balance; a
//    seeded subset of `devnetInvoices` pairs if given), openNetting's gas measured for growing prefixes of the invoice
//    list (eth_estimateGas), the largest round one block takes found by bisection, that round opened, then every
//    debtor's approve + payNet and every creditor's claimNet, with the contract's positions checked against the
//    computed ones.
import {
  type Abi,
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  stringToHex,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ConsortiumRegistry, PaymentChannels, RoamingSettlement, SettlementToken } from "../src/generated/contracts.ts";
import { testChain } from "../testkit/index.ts";
import { type BenchResult, round } from "./lib/report.ts";

/** mulberry32: a small seeded generator, so every run draws the same balances. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NettingInvoice {
  visited: number;
  home: number;
  /** Minor units the home operator owes the visited one. */
  due: bigint;
}

/** The contract's rule (openNetting): per invoice, the visited member's net rises by the amount due, the home's falls. */
export function netPositions(invoices: readonly NettingInvoice[], members: number): bigint[] {
  const net = new Array<bigint>(members).fill(0n);
  for (const inv of invoices) {
    net[inv.visited] = (net[inv.visited] ?? 0n) + inv.due;
    net[inv.home] = (net[inv.home] ?? 0n) - inv.due;
  }
  return net;
}

function grossInvoices(n: number, next: () => number): NettingInvoice[] {
  const out: NettingInvoice[] = [];
  for (let v = 0; v < n; v++) {
    for (let h = 0; h < n; h++) {
      if (v !== h) out.push({ visited: v, home: h, due: BigInt(1 + Math.floor(next() * 100_000)) });
    }
  }
  return out;
}

/** One invoice per pair of operators, in the direction of the pair's net debt (bilateral netting). */
function bilateral(gross: readonly NettingInvoice[], n: number): NettingInvoice[] {
  const due = new Map(gross.map((g) => [g.visited * n + g.home, g.due]));
  const out: NettingInvoice[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const d = (due.get(a * n + b) ?? 0n) - (due.get(b * n + a) ?? 0n);
      if (d > 0n) out.push({ visited: a, home: b, due: d });
      else if (d < 0n) out.push({ visited: b, home: a, due: -d });
    }
  }
  return out;
}

const NO_FEES = { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n };
const role = (name: string) => keccak256(stringToHex(name));

async function devnetRound(n: number, invoices: NettingInvoice[]) {
  const chain = await testChain("bench-netting");
  try {
    const viemChain = defineChain({
      id: chain.devnet.chainId,
      name: "devnet",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.devnet.rpcUrl] } },
    });
    const transport = http(chain.devnet.rpcUrl);
    const pub = createPublicClient({ chain: viemChain, transport }) as PublicClient;
    // Deterministic keys: the bench's accounts mean nothing outside its throwaway devnet.
    const key = (i: number) => keccak256(stringToHex(`telco-ledger/bench/settlement-netting/${i}`));
    const bank = privateKeyToAccount(key(1000));
    const ops: Account[] = Array.from({ length: n }, (_, i) => privateKeyToAccount(key(i)));
    const nonces = new Map<string, number>();
    const wallet = createWalletClient({ chain: viemChain, transport });
    // One transaction at a time per account (nonces in order), several accounts at once.
    const queues = new Map<string, Promise<unknown>>();
    function send(from: Account, to: Address | null, data: Hex, gas = 3_000_000n) {
      const previous = queues.get(from.address) ?? Promise.resolve();
      const next = previous.then(() => sendNow(from, to, data, gas));
      queues.set(
        from.address,
        next.catch(() => undefined),
      );
      return next;
    }
    async function sendNow(from: Account, to: Address | null, data: Hex, gas: bigint) {
      const nonce = nonces.get(from.address) ?? 0;
      nonces.set(from.address, nonce + 1);
      const hash = await wallet.sendTransaction({
        account: from,
        chain: viemChain,
        to: to ?? undefined,
        data,
        gas,
        nonce,
        ...NO_FEES,
      } as never);
      const receipt = await pub
        .waitForTransactionReceipt({ hash, pollingInterval: 20, timeout: 300_000 })
        .catch((e) => {
          throw new Error(`transaction ${hash} from ${from.address} (nonce ${nonce}, gas ${gas}) not mined: ${e}`);
        });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      return receipt;
    }
    const deploy = async (artifact: { abi: Abi; bytecode: Hex }, args: unknown[]) => {
      const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args } as never);
      const receipt = await send(bank, null, data, 30_000_000n);
      return receipt.contractAddress as Address;
    };
    const registry = await deploy(ConsortiumRegistry as never, [
      [bank.address, ...ops.map((o) => o.address)],
      ["bench bank", ...ops.map((_, i) => `bench-op-${i}`)],
      [[role("SETTLEMENT_BANK")], ...ops.map(() => [role("MOBILE_OPERATOR")])],
    ]);
    const token = await deploy(SettlementToken as never, [registry, "EUR", 2]);
    const channels = await deploy(PaymentChannels as never, [registry]);
    const settlement = await deploy(RoamingSettlement as never, [registry, channels]);
    const call = (from: Account, functionName: string, args: unknown[]) =>
      send(from, settlement, encodeFunctionData({ abi: RoamingSettlement.abi as Abi, functionName, args }));
    const firstTopic = (r: { logs: Array<{ address: string; topics: Hex[] }> }) =>
      r.logs.find((l) => l.address.toLowerCase() === settlement.toLowerCase())?.topics[1] as Hex;

    const validFrom = BigInt(Date.UTC(2026, 0, 1) / 1000);
    const setupStarted = performance.now();
    const invoiceIds: Hex[] = new Array(invoices.length);
    let done = 0;
    const finalInvoice = async (i: number, inv: NettingInvoice) => {
      const visited = ops[inv.visited] as Account;
      const home = ops[inv.home] as Account;
      const agreementId = firstTopic(
        await call(visited, "proposeAgreement", [
          visited.address,
          home.address,
          token,
          keccak256(toHex(`terms-${i}`)),
          validFrom,
          validFrom + 365n * 86_400n,
          31 * 86_400,
          7 * 86_400,
          toHex(0, { size: 32 }),
        ]),
      );
      await call(home, "approveAgreement", [agreementId]);
      const at = validFrom + 3_600n;
      const batchId = firstTopic(
        await call(visited, "anchorBatch", [agreementId, keccak256(toHex(`root-${i}`)), 1, inv.due, at, at]),
      );
      await call(home, "confirmBatch", [batchId]);
      const invoiceId = firstTopic(await call(visited, "issueInvoice", [agreementId, 0n, [batchId], inv.due]));
      await call(home, "acceptInvoice", [invoiceId]);
      await call(home, "finalizeInvoice", [invoiceId]);
      invoiceIds[i] = invoiceId;
      if (++done % 100 === 0) console.error(`${done} of ${invoices.length} invoices final`);
    };
    // Invoices set up eight at a time (each one's seven steps in order).
    let nextIndex = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (nextIndex < invoices.length) {
          const i = nextIndex++;
          await finalInvoice(i, invoices[i] as NettingInvoice);
        }
      }),
    );
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    // openNetting's gas for growing prefixes of the invoice list, as the node estimates it before sending (null: the
    // node refuses it, the round needing more gas than a block holds).
    const opener = ops[0] as Account;
    const blockGasLimit = (await pub.getBlock()).gasLimit;
    const estimate = async (k: number): Promise<bigint | null> => {
      try {
        return await pub.estimateGas({
          account: opener,
          to: settlement,
          data: encodeFunctionData({
            abi: RoamingSettlement.abi as Abi,
            functionName: "openNetting",
            args: [token, 0n, invoiceIds.slice(0, k)],
          }),
        });
      } catch {
        return null;
      }
    };
    const prefixes = [...new Set([10, 25, 50, 100, 200, 400, 600, 800, 1000, invoices.length])]
      .filter((k) => k <= invoices.length)
      .sort((a, b) => a - b);
    const estimates: Array<{ invoices: number; gas: bigint | null }> = [];
    for (const k of prefixes) estimates.push({ invoices: k, gas: await estimate(k) });
    /** The largest prefix whose round needs at most `limit` gas (binary search over estimates). */
    const largestUnder = async (limit: bigint): Promise<number> => {
      let lo = 0;
      let hi = invoices.length;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        const gas = await estimate(mid);
        if (gas !== null && gas <= limit) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    console.error(
      `openNetting estimates: ${estimates.map((e) => `${e.invoices}: ${e.gas ?? "over the limit"}`).join(", ")}`,
    );
    const fitsBlock = await largestUnder(blockGasLimit);
    const fits30M = await largestUnder(30_000_000n);

    console.error(`largest round: ${fitsBlock} invoices in ${blockGasLimit} gas, ${fits30M} in 30M`);
    // The round: every invoice if one block takes it, else the largest prefix that fits.
    const roundIds = invoiceIds.slice(0, fitsBlock);
    const expected = netPositions(invoices.slice(0, fitsBlock), n);
    const gasNeeded = (await estimate(fitsBlock)) as bigint;
    const opened = await send(
      opener,
      settlement,
      encodeFunctionData({
        abi: RoamingSettlement.abi as Abi,
        functionName: "openNetting",
        args: [token, 0n, roundIds],
      }),
      gasNeeded + gasNeeded / 10n > blockGasLimit ? blockGasLimit : gasNeeded + gasNeeded / 10n,
    );
    const roundId = keccak256(
      encodeAbiParameters([{ type: "address" }, { type: "uint64" }, { type: "bytes32[]" }], [token, 0n, roundIds]),
    );
    // The contract's positions against the computed ones.
    let mismatches = 0;
    for (const [m, op] of ops.entries()) {
      const [net] = (await pub.readContract({
        address: settlement,
        abi: RoamingSettlement.abi as Abi,
        functionName: "netPosition",
        args: [roundId, op.address],
      })) as [bigint, boolean];
      if (net !== expected[m]) mismatches++;
    }
    const payGas: bigint[] = [];
    const approveGas: bigint[] = [];
    const claimGas: bigint[] = [];
    for (const [m, net] of expected.entries()) {
      if (net >= 0n) continue;
      const op = ops[m] as Account;
      await send(
        bank,
        token,
        encodeFunctionData({
          abi: SettlementToken.abi as Abi,
          functionName: "mintOnFiatReceipt",
          args: [op.address, -net, toHex(`fiat-${m}`, { size: 32 })],
        }),
      );
      const approve = await send(
        op,
        token,
        encodeFunctionData({ abi: SettlementToken.abi as Abi, functionName: "approve", args: [settlement, -net] }),
      );
      approveGas.push(approve.gasUsed);
      payGas.push((await call(op, "payNet", [roundId])).gasUsed);
    }
    for (const [m, net] of expected.entries()) {
      if (net > 0n) claimGas.push((await call(ops[m] as Account, "claimNet", [roundId])).gasUsed);
    }
    return {
      estimates,
      opened: opened.gasUsed,
      blockGasLimit,
      fitsBlock,
      fits30M,
      expected,
      payGas,
      approveGas,
      claimGas,
      mismatches,
      setupSeconds,
    };
  } finally {
    await chain.close();
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const n = Number(args[0] ?? 50);
  const devnetInvoices = Number(args[1] ?? Number.POSITIVE_INFINITY);
  const seed = Number(args[2] ?? 14);
  const next = random(seed);
  const gross = grossInvoices(n, next);
  const pairs = bilateral(gross, n);

  // Multilateral netting over the gross invoices, timed (the contract nets the invoices it is given, gross or not).
  const repeats = 200;
  let net: bigint[] = [];
  const started = performance.now();
  for (let r = 0; r < repeats; r++) net = netPositions(gross, n);
  const computeMs = (performance.now() - started) / repeats;
  const fromPairs = netPositions(pairs, n);
  const conserved = net.reduce((s, v) => s + v, 0n) === 0n && net.every((v, i) => v === fromPairs[i]);
  const debtors = net.filter((v) => v < 0n).length;
  const creditors = net.filter((v) => v > 0n).length;
  const grossVolume = gross.reduce((s, g) => s + g.due, 0n);
  const bilateralVolume = pairs.reduce((s, g) => s + g.due, 0n);
  const multilateralVolume = net.reduce((s, v) => (v < 0n ? s - v : s), 0n);

  // The devnet: the pairs' bilateral invoices in a seeded random order (a seeded subset when devnetInvoices is smaller).
  const shuffled = [...pairs];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as NettingInvoice, shuffled[i] as NettingInvoice];
  }
  const subset = shuffled.slice(0, Math.min(devnetInvoices, shuffled.length));
  const dev = await devnetRound(n, subset);
  const eur = (v: bigint) => (Number(v) / 100).toFixed(2);
  const mean = (xs: bigint[]) => (xs.length ? Math.round(Number(xs.reduce((s, x) => s + x, 0n)) / xs.length) : 0);
  const max = (xs: bigint[]) => {
    let top = 0n;
    for (const x of xs) if (x > top) top = x;
    return Number(top);
  };
  const roundDebtors = dev.expected.filter((v) => v < 0n).length;
  const roundCreditors = dev.expected.filter((v) => v > 0n).length;
  const limit = Number(dev.blockGasLimit).toLocaleString("en");

  return {
    name: "settlement-netting",
    tables: [
      {
        title: `Netting ${n} operators' random bilateral balances (seed ${seed}, 0.01-1000.00 EUR per invoice)`,
        rows: [
          { netting: "none (each invoice paid)", payments: gross.length, "volume paid (EUR)": eur(grossVolume) },
          { netting: "bilateral (per pair)", payments: pairs.length, "volume paid (EUR)": eur(bilateralVolume) },
          {
            netting: "multilateral (the contract's rule)",
            payments: debtors,
            "volume paid (EUR)": eur(multilateralVolume),
          },
        ],
        note: `Multilateral: ${debtors} debtors pay once each, ${creditors} creditors claim once each; computing the ${n} positions over ${gross.length} invoices takes ${round(computeMs, 3)} ms (mean of ${repeats}); positions from the gross and the bilaterally netted invoices agree and sum to zero: ${conserved}.`,
      },
      {
        title: "openNetting gas by the number of invoices in the round (eth_estimateGas on the devnet)",
        rows: dev.estimates.map((e) => ({
          invoices: e.invoices,
          gas: e.gas === null ? `over the block gas limit (${limit})` : Number(e.gas),
          "gas per invoice": e.gas === null ? "-" : Math.round(Number(e.gas) / e.invoices),
        })),
        note: `Largest round one block takes: ${dev.fitsBlock} invoices under the devnet's ${limit} gas; ${dev.fits30M} under a 30,000,000 gas block (a common public-chain limit).`,
      },
      {
        title: `The netting round run on the devnet: ${n} operators, ${dev.fitsBlock} of ${subset.length} final invoices`,
        rows: [
          {
            step: "openNetting (the round)",
            transactions: 1,
            "gas each": Number(dev.opened),
            "gas max": Number(dev.opened),
          },
          {
            step: "approve + payNet (each net debtor)",
            transactions: dev.payGas.length * 2,
            "gas each": mean(dev.payGas) + mean(dev.approveGas),
            "gas max": max(dev.payGas) + max(dev.approveGas),
          },
          {
            step: "claimNet (each net creditor)",
            transactions: dev.claimGas.length,
            "gas each": mean(dev.claimGas),
            "gas max": max(dev.claimGas),
          },
        ],
        note: `Payments before netting: ${dev.fitsBlock} (one per invoice); after: ${roundDebtors} (one per debtor), and ${roundCreditors} claims. Contract positions differing from the computed ones: ${dev.mismatches}. Setting up the ${subset.length} final invoices took ${round(dev.setupSeconds)} s (7 transactions each; not part of the round).`,
      },
    ],
  };
}
