// Calls of the DataUsage contract for this agent: writes through the outbox from the member account, reads straight
// from the node. The deployment step lives here too.
import { type Address, encodeAbiParameters, encodeFunctionData, type Hex, keccak256 } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { DeploymentStep } from "../core/chain/deploy.ts";
import type { TxSender } from "../core/chain/types.ts";
import { DataUsage, InsightsMarket } from "../generated/contracts.ts";
import { DATA_USAGE } from "./projection.ts";
import { INSIGHTS_MARKET } from "./projectionInsights.ts";

/** The settlement domain's manifest name of its token (src/settlement/plugin.ts SETTLEMENT_TOKEN), deployed before. */
export const SETTLEMENT_TOKEN = "SettlementToken";

export const DATAUSAGE_CONTRACTS = { [DATA_USAGE]: DataUsage, [INSIGHTS_MARKET]: InsightsMarket };

export const dataUsageDeployment: DeploymentStep[] = [
  {
    name: DATA_USAGE,
    artifact: DataUsage,
    args: (d) => {
      const consortium = d.ConsortiumRegistry;
      if (!consortium) throw new Error("ConsortiumRegistry must be deployed before DataUsage");
      return [consortium.address];
    },
  },
  {
    name: INSIGHTS_MARKET,
    artifact: InsightsMarket,
    args: (d) => {
      const consortium = d.ConsortiumRegistry;
      const usage = d[DATA_USAGE];
      const token = d[SETTLEMENT_TOKEN];
      if (!consortium || !usage || !token)
        throw new Error("ConsortiumRegistry, DataUsage and SettlementToken must be deployed before InsightsMarket");
      return [consortium.address, usage.address, token.address];
    },
  },
];

export interface Terms {
  nonce: Hex;
  subjectFingerprint: Hex;
  dataFingerprint: Hex;
  policyFingerprint: Hex;
  policyStructure: Hex;
  consentHash: Hex;
  revocationCommitment: Hex;
}

const TERMS_TYPE = {
  type: "tuple",
  components: [
    { name: "nonce", type: "bytes32" },
    { name: "subjectFingerprint", type: "bytes32" },
    { name: "dataFingerprint", type: "bytes32" },
    { name: "policyFingerprint", type: "bytes32" },
    { name: "policyStructure", type: "bytes32" },
    { name: "consentHash", type: "bytes32" },
    { name: "revocationCommitment", type: "bytes32" },
  ],
} as const;

/** IDataUsage.contractIdOf, computed before sending. */
export function contractIdOf(chainId: number, contract: Address, controller: Address, terms: Terms): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, { type: "address" }, TERMS_TYPE],
      [BigInt(chainId), contract, controller, terms],
    ),
  );
}

/** IDataUsage.childIdOf, computed before sending. */
export function childIdOf(
  chainId: number,
  contract: Address,
  controller: Address,
  parent: Hex,
  processor: Address,
  terms: Terms,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
        { type: "bytes32" },
        { type: "address" },
        TERMS_TYPE,
      ],
      [BigInt(chainId), contract, controller, parent, processor, terms],
    ),
  );
}

/** IDataUsage.recordConsultations' batch id. */
export const batchIdOf = (recorder: Address, root: Hex): Hex =>
  keccak256(encodeAbiParameters([{ type: "address" }, { type: "bytes32" }], [recorder, root]));

export interface DataUsageLedgerOptions {
  chain: ChainClient;
  sender: TxSender;
  from: Address;
  address: Address;
}

export class DataUsageLedger {
  readonly #o: DataUsageLedgerOptions;

  constructor(options: DataUsageLedgerOptions) {
    this.#o = options;
  }

  get address(): Address {
    return this.#o.address;
  }

  create(terms: Terms, maxDepth: number, recipients: readonly Address[]) {
    return this.#send("create", [terms, maxDepth, [...recipients]], `datausage.create ${terms.nonce.slice(0, 10)}`);
  }

  transfer(parent: Hex, processor: Address, terms: Terms) {
    return this.#send("transfer", [parent, processor, terms], `datausage.transfer ${parent.slice(0, 10)}`);
  }

  revoke(id: Hex, secret: Hex) {
    return this.#send("revoke", [id, secret], `datausage.revoke ${id.slice(0, 10)}`);
  }

  recordConsultations(root: Hex, count: number) {
    return this.#send("recordConsultations", [root, count], `datausage.recordConsultations ${count}`);
  }

  usageContract(id: Hex) {
    return this.#o.chain.readContract({
      address: this.#o.address,
      abi: DataUsage.abi,
      functionName: "usageContract",
      args: [id],
    });
  }

  verifyConsultation(batchId: Hex, leaf: Hex, proof: readonly Hex[]): Promise<boolean> {
    return this.#o.chain.readContract({
      address: this.#o.address,
      abi: DataUsage.abi,
      functionName: "verifyConsultation",
      args: [batchId, leaf, [...proof]],
    });
  }

  isActive(id: Hex): Promise<boolean> {
    return this.#o.chain.readContract({
      address: this.#o.address,
      abi: DataUsage.abi,
      functionName: "isActive",
      args: [id],
    });
  }

  async #send(functionName: string, args: readonly unknown[], label: string) {
    const data = encodeFunctionData({ abi: DataUsage.abi, functionName, args } as never);
    return this.#o.sender.send({ from: this.#o.from, to: this.#o.address, data, label });
  }
}
