// Gas of the content contracts: work registration (single and in catalogue batches) against OpenZeppelin's wizard
// ERC-721 mint, ownership shares, licences and sub-licences, delivery batches, and royalty splits of 2, 100 and 1,000
// recipients (declaring grows with them; paying and claiming must not).
import { type Account, type Address, getAddress, type Hex, keccak256, parseEventLogs, stringToHex, toHex } from "viem";
import {
  ConsortiumRegistry,
  ContentCredits,
  ContentLicences,
  ContentRegistry,
  ContentRoyalties,
  ContentTickets,
  ReferenceErc721,
  SettlementToken,
} from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

export const CONTENT_BATCH_SIZES = [10, 100] as const;
export const SPLIT_SIZES = [2, 100, 1000] as const;
/** Deliveries per anchored batch the cost-per-1,000 table assumes (the gas of one batch does not depend on it). */
export const DELIVERY_BATCH_SIZES = [100, 1000, 10_000] as const;
/** Accounts per credit reward batch measured (the per-account cost is what matters). */
export const REWARD_BATCH_SIZES = [10, 100] as const;
const DISTRIBUTION_AND_SUBLICENSE = 1 | 2 | 8;
const role = (name: string) => keccak256(stringToHex(name));
const DAY = 86_400n;
const PERIOD = 202611;

interface Parties {
  creator: Account;
  aggregator: Account;
  operator: Account;
  bank: Account;
}

export async function measureContent(chain: GasRecorder): Promise<void> {
  const parties: Parties = {
    creator: await chain.account("content creator"),
    aggregator: await chain.account("content aggregator"),
    operator: await chain.account("content operator"),
    bank: await chain.account("content bank"),
  };
  const { creator, aggregator, operator, bank } = parties;
  const consortium = await chain.deploy(creator, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      [creator.address, aggregator.address, operator.address, bank.address],
      ["Origin Voice", "Beta Networks", "North Mobile", "Clearing Bank"],
      [[role("CSP")], [role("TNSP")], [role("MOBILE_OPERATOR")], [role("SETTLEMENT_BANK")]],
    ],
  });
  const eur = await chain.deploy(bank, {
    abi: SettlementToken.abi,
    bytecode: SettlementToken.bytecode,
    args: [consortium, "EUR", 2],
  });
  await measureReference(chain, creator, aggregator.address);
  const works = await chain.deploy(
    creator,
    { abi: ContentRegistry.abi, bytecode: ContentRegistry.bytecode, args: [consortium] },
    "ContentRegistry.deploy",
  );
  const licences = await chain.deploy(
    creator,
    { abi: ContentLicences.abi, bytecode: ContentLicences.bytecode, args: [consortium, works] },
    "ContentLicences.deploy",
  );
  const royalties = await chain.deploy(
    creator,
    { abi: ContentRoyalties.abi, bytecode: ContentRoyalties.bytecode, args: [works, licences, eur] },
    "ContentRoyalties.deploy",
  );
  const onWorks = { address: works, abi: ContentRegistry.abi } as const;
  const film = await register(chain, works, creator, "ContentRegistry.register", "film");
  for (const size of CONTENT_BATCH_SIZES) {
    const fingerprints = Array.from({ length: size }, (_, i) => fingerprint(`catalogue ${size} item ${i}`));
    await chain.measure(`ContentRegistry.registerBatch/x${size}`, creator, {
      ...onWorks,
      functionName: "registerBatch",
      args: [fingerprints, 500, fingerprints.map((f) => keccak256(f))],
    });
  }
  await chain.measure("ContentRegistry.transferShare", creator, {
    ...onWorks,
    functionName: "transferShare",
    args: [film, aggregator.address, 3_000],
  });

  const licenceIds = await measureLicences(chain, licences, film, parties);
  await chain.call(bank, {
    address: eur,
    abi: SettlementToken.abi,
    functionName: "mintOnFiatReceipt",
    args: [operator.address, 1_000_000_00n, toHex("content receipt", { size: 32 })],
  });
  await chain.call(operator, {
    address: eur,
    abi: SettlementToken.abi,
    functionName: "approve",
    args: [royalties, 2n ** 255n],
  });
  await measureSplits(chain, { works, licences, royalties }, parties, licenceIds.root, film);
  await measureCredits(chain, consortium, operator);
  const tickets = await chain.deploy(
    creator,
    { abi: ContentTickets.abi, bytecode: ContentTickets.bytecode, args: [consortium] },
    "ContentTickets.deploy",
  );
  await chain.measure("ContentTickets.registerClass", creator, {
    address: tickets,
    abi: ContentTickets.abi,
    functionName: "registerClass",
    args: [fingerprint("concert tickets"), 5_000n, 1_000, keccak256(stringToHex("concert metadata"))],
  });
}

/** Reward batches of 10 and 100 accounts (an operator issuing credits) and one holder redeeming. */
async function measureCredits(chain: GasRecorder, consortium: Address, operator: Account): Promise<void> {
  const credits = await chain.deploy(
    operator,
    { abi: ContentCredits.abi, bytecode: ContentCredits.bytecode, args: [consortium] },
    "ContentCredits.deploy",
  );
  const onCredits = { address: credits, abi: ContentCredits.abi } as const;
  for (const size of REWARD_BATCH_SIZES) {
    const accounts = Array.from({ length: size }, (_, i) => recipient(-size, i));
    await chain.measure(`ContentCredits.issueRewards/x${size}`, operator, {
      ...onCredits,
      functionName: "issueRewards",
      args: [PERIOD, 0, accounts, accounts.map(() => 5n), keccak256(stringToHex(`view records ${size}`))],
    });
  }
  await chain.call(operator, {
    ...onCredits,
    functionName: "issueRewards",
    args: [PERIOD, 4, [operator.address], [10n], keccak256(stringToHex("bonus records"))],
  });
  await chain.measure("ContentCredits.redeem", operator, {
    ...onCredits,
    functionName: "redeem",
    args: [4n, keccak256(stringToHex("salted order"))],
  });
}

/** OpenZeppelin's wizard ERC-721: the second mint (the counter slot is already non-zero), without and with a URI. */
async function measureReference(chain: GasRecorder, owner: Account, holder: Address): Promise<void> {
  const reference = await chain.deploy(
    owner,
    { abi: ReferenceErc721.abi, bytecode: ReferenceErc721.bytecode },
    "ReferenceErc721.deploy",
  );
  const onReference = { address: reference, abi: ReferenceErc721.abi } as const;
  await chain.call(owner, { ...onReference, functionName: "safeMint", args: [owner.address] });
  await chain.measure("ReferenceErc721.safeMint", owner, { ...onReference, functionName: "safeMint", args: [holder] });
  await chain.measure("ReferenceErc721.safeMintWithUri", owner, {
    ...onReference,
    functionName: "safeMintWithUri",
    args: [holder, "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"],
  });
}

async function register(chain: GasRecorder, works: Address, creator: Account, name: string | undefined, label: string) {
  const call = {
    address: works,
    abi: ContentRegistry.abi,
    functionName: "register",
    args: [fingerprint(label), 500, keccak256(stringToHex(`${label} metadata`))],
  } as const;
  const receipt = name ? await chain.measure(name, creator, call) : await chain.call(creator, call);
  const [event] = parseEventLogs({ abi: ContentRegistry.abi, logs: receipt.logs, eventName: "WorkRegistered" });
  if (!event) throw new Error("register emitted no WorkRegistered");
  return event.args.tokenId;
}

async function measureLicences(chain: GasRecorder, licences: Address, film: bigint, parties: Parties) {
  const { creator, aggregator, operator } = parties;
  const start = await chain.now();
  const terms = {
    rights: DISTRIBUTION_AND_SUBLICENSE,
    territories: 1n,
    start,
    end: start + 30n * DAY,
    maxAccesses: 4_000_000_000,
    ratePerDelivery: 2n,
    revocable: true,
  };
  const onLicences = { address: licences, abi: ContentLicences.abi } as const;
  const granted = async (name: string, by: Account, args: readonly unknown[]) => {
    const receipt = await chain.measure(name, by, { ...onLicences, functionName: "grant", args });
    const [event] = parseEventLogs({ abi: ContentLicences.abi, logs: receipt.logs, eventName: "LicenceGranted" });
    if (!event) throw new Error(`${name} emitted no LicenceGranted`);
    return event.args.licenceId;
  };
  const root = await granted("ContentLicences.grant/root", creator, [
    film,
    `0x${"00".repeat(32)}`,
    operator.address,
    terms,
    salt("root"),
  ]);
  const sub = await granted("ContentLicences.grant/sub", operator, [
    film,
    root,
    aggregator.address,
    { ...terms, rights: 1, maxAccesses: 1000, end: start + 10n * DAY },
    salt("sub"),
  ]);
  await chain.measure("ContentLicences.revoke", operator, { ...onLicences, functionName: "revoke", args: [sub] });
  const anchor = (name: string, batch: string) =>
    chain.measure(name, operator, {
      ...onLicences,
      functionName: "anchorDeliveries",
      args: [root, PERIOD, 1000, keccak256(stringToHex(batch))],
    });
  await anchor("ContentLicences.anchorDeliveries/firstOfPeriod", "batch 1");
  await anchor("ContentLicences.anchorDeliveries", "batch 2");
  return { root, sub };
}

interface ContentAddresses {
  works: Address;
  licences: Address;
  royalties: Address;
}

/**
 * One work per split size, each licensed to the operator, delivered, paid and claimed by the same recipient, so the
 * claim's gas is compared across 2, 100 and 1,000 recipients.
 */
async function measureSplits(
  chain: GasRecorder,
  addresses: ContentAddresses,
  parties: Parties,
  filmLicence: Hex,
  film: bigint,
): Promise<void> {
  const { creator, aggregator, operator } = parties;
  const onRoyalties = { address: addresses.royalties, abi: ContentRoyalties.abi } as const;
  // The film (30% sold to the aggregator): a two-way split, paid for the deliveries anchored above.
  const twoWay = sortedSplit([
    [creator.address, 7_000],
    [aggregator.address, 3_000],
  ]);
  const filmSplit = await declare(
    chain,
    addresses.royalties,
    creator,
    film,
    twoWay,
    "ContentRoyalties.declareSplit/x2",
  );
  await chain.measure("ContentRoyalties.payRoyalties", operator, {
    ...onRoyalties,
    functionName: "payRoyalties",
    args: [filmLicence, PERIOD],
  });
  await chain.measure("ContentRoyalties.tip", operator, {
    ...onRoyalties,
    functionName: "tip",
    args: [film, 100n, keccak256(stringToHex("salted user reference"))],
  });
  await chain.measure("ContentRoyalties.claim/x2", aggregator, {
    ...onRoyalties,
    functionName: "claim",
    args: [filmSplit],
  });
  await chain.measure("ContentRoyalties.payPromoterFees", operator, {
    ...onRoyalties,
    functionName: "payPromoterFees",
    args: [filmLicence, PERIOD, parties.bank.address, 1, 50n],
  });
  const splits: Array<[bigint, Hex]> = [[film, filmSplit]];
  for (const size of SPLIT_SIZES.filter((s) => s !== 2)) {
    const work = await register(chain, addresses.works, creator, undefined, `split work ${size}`);
    const licence = await grantAndDeliver(chain, addresses.licences, work, parties, size);
    const shares = Array.from({ length: size - 1 }, (_, i): [Address, number] => [recipient(size, i), 1]);
    const split = sortedSplit([[aggregator.address, 10_000 - (size - 1)], ...shares]);
    const splitId = await declare(
      chain,
      addresses.royalties,
      creator,
      work,
      split,
      `ContentRoyalties.declareSplit/x${size}`,
    );
    await chain.call(operator, { ...onRoyalties, functionName: "payRoyalties", args: [licence, PERIOD] });
    await chain.measure(`ContentRoyalties.claim/x${size}`, aggregator, {
      ...onRoyalties,
      functionName: "claim",
      args: [splitId],
    });
    splits.push([work, splitId]);
  }
  // Royalties aggregated across works: one tip into each of the three splits, then one claim of all three.
  for (const [work] of splits) {
    await chain.call(operator, {
      ...onRoyalties,
      functionName: "tip",
      args: [work, 10_000n, keccak256(stringToHex("salted user reference"))],
    });
  }
  await chain.measure(`ContentRoyalties.claimMany/x${splits.length}`, aggregator, {
    ...onRoyalties,
    functionName: "claimMany",
    args: [splits.map(([, splitId]) => splitId)],
  });
}

async function grantAndDeliver(chain: GasRecorder, licences: Address, work: bigint, parties: Parties, size: number) {
  const start = await chain.now();
  const terms = {
    rights: 1,
    territories: 1n,
    start,
    end: start + 30n * DAY,
    maxAccesses: 1_000_000,
    ratePerDelivery: 2n,
    revocable: false,
  };
  const onLicences = { address: licences, abi: ContentLicences.abi } as const;
  const receipt = await chain.call(parties.creator, {
    ...onLicences,
    functionName: "grant",
    args: [work, `0x${"00".repeat(32)}`, parties.operator.address, terms, salt(`split ${size}`)],
  });
  const [event] = parseEventLogs({ abi: ContentLicences.abi, logs: receipt.logs, eventName: "LicenceGranted" });
  if (!event) throw new Error("grant emitted no LicenceGranted");
  await chain.call(parties.operator, {
    ...onLicences,
    functionName: "anchorDeliveries",
    args: [event.args.licenceId, PERIOD, 100_000, keccak256(stringToHex(`split ${size} deliveries`))],
  });
  return event.args.licenceId;
}

async function declare(
  chain: GasRecorder,
  royalties: Address,
  holder: Account,
  work: bigint,
  split: { recipients: Address[]; bps: number[] },
  name: string,
): Promise<Hex> {
  const receipt = await chain.measure(name, holder, {
    address: royalties,
    abi: ContentRoyalties.abi,
    functionName: "declareSplit",
    args: [work, split.recipients, split.bps],
  });
  const [event] = parseEventLogs({ abi: ContentRoyalties.abi, logs: receipt.logs, eventName: "SplitDeclared" });
  if (!event) throw new Error(`${name} emitted no SplitDeclared`);
  return event.args.splitId;
}

/** Recipients in ascending address order, as the contract requires. */
function sortedSplit(entries: Array<[Address, number]>): { recipients: Address[]; bps: number[] } {
  const sorted = [...entries].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1));
  return { recipients: sorted.map(([address]) => address), bps: sorted.map(([, bps]) => bps) };
}

function recipient(size: number, index: number): Address {
  return getAddress(`0x${keccak256(stringToHex(`recipient ${size} ${index}`)).slice(26)}`);
}

function fingerprint(label: string): Hex {
  return keccak256(stringToHex(`media bytes of ${label}`));
}

function salt(label: string): Hex {
  return keccak256(stringToHex(`licence salt ${label}`));
}

const gasText = (value: number) => Math.round(value).toLocaleString("en-US");

/** docs/content.md's gas tables, from the snapshot's figures (`gas` marks each operation used). */
export function contentGasTable(figures: { gas(operation: string): number }): string {
  const g = (operation: string) => figures.gas(operation);
  const lines = ["| operation | gas |", "| --- | ---: |"];
  const rows: Array<[string, string]> = [
    ["ContentRegistry.deploy", "ContentRegistry deployment"],
    ["ContentLicences.deploy", "ContentLicences deployment"],
    ["ContentRoyalties.deploy", "ContentRoyalties deployment"],
    ["ContentRegistry.transferShare", "transferShare (30% to an aggregator)"],
    ["ContentLicences.grant/root", "grant (root distribution licence)"],
    ["ContentLicences.grant/sub", "grant (sub-licence, checked against its parent)"],
    ["ContentLicences.revoke", "revoke"],
    ["ContentLicences.anchorDeliveries/firstOfPeriod", "anchorDeliveries (first batch of a period)"],
    ["ContentLicences.anchorDeliveries", "anchorDeliveries (a later batch of the period)"],
    ["ContentRoyalties.payRoyalties", "payRoyalties (a period's deliveries, into a split)"],
    ["ContentRoyalties.tip", "tip (an operator tips a work for a user it bills)"],
    ["ContentRoyalties.payPromoterFees", "payPromoterFees (a promoter's attributed deliveries of a period)"],
    ["ContentRoyalties.claimMany/x3", "claimMany (one recipient's part of 3 works' splits, one transfer)"],
    ["ContentCredits.deploy", "ContentCredits deployment"],
    ["ContentCredits.redeem", "redeem (a holder spends credits)"],
    ["ContentTickets.deploy", "ContentTickets deployment"],
    ["ContentTickets.registerClass", "registerClass (5,000 ERC-1155 tickets of one event, to the creator)"],
  ];
  for (const [operation, label] of rows) lines.push(`| ${label} | ${gasText(g(operation))} |`);

  const reference = g("ReferenceErc721.safeMint");
  lines.push("", "| registration | gas per work | vs OpenZeppelin wizard safeMint |", "| --- | ---: | ---: |");
  const compare = (label: string, gas: number) =>
    lines.push(`| ${label} | ${gasText(gas)} | ${((100 * gas) / reference).toFixed(0)}% |`);
  compare("OpenZeppelin wizard ERC-721 safeMint (counter id, no URI)", reference);
  compare("OpenZeppelin wizard ERC-721 safeMint with a token URI", g("ReferenceErc721.safeMintWithUri"));
  g("ReferenceErc721.deploy");
  compare("ContentRegistry.register (one work, whole transaction)", g("ContentRegistry.register"));
  for (const size of CONTENT_BATCH_SIZES) {
    compare(`ContentRegistry.registerBatch of ${size}, per work`, g(`ContentRegistry.registerBatch/x${size}`) / size);
  }
  const [small, large] = CONTENT_BATCH_SIZES;
  const marginal =
    (g(`ContentRegistry.registerBatch/x${large}`) - g(`ContentRegistry.registerBatch/x${small}`)) / (large - small);
  compare("each further work in a batch (marginal)", marginal);

  const anchor = g("ContentLicences.anchorDeliveries");
  lines.push("", "| deliveries per anchored batch | gas per 1,000 deliveries |", "| ---: | ---: |");
  for (const batch of DELIVERY_BATCH_SIZES) lines.push(`| ${gasText(batch)} | ${gasText((anchor * 1000) / batch)} |`);

  lines.push("", "| split recipients | declareSplit gas | claim gas (one recipient) |", "| ---: | ---: | ---: |");
  for (const size of SPLIT_SIZES) {
    lines.push(
      `| ${gasText(size)} | ${gasText(g(`ContentRoyalties.declareSplit/x${size}`))} | ${gasText(g(`ContentRoyalties.claim/x${size}`))} |`,
    );
  }

  lines.push("", "| credit reward batch | issueRewards gas | gas per account |", "| ---: | ---: | ---: |");
  for (const size of REWARD_BATCH_SIZES) {
    const gas = g(`ContentCredits.issueRewards/x${size}`);
    lines.push(`| ${gasText(size)} accounts | ${gasText(gas)} | ${gasText(gas / size)} |`);
  }
  return lines.join("\n");
}
