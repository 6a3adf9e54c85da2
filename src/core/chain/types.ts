// Interfaces between chain access and the modules that write to the chain. Domain code never signs or sends a
// transaction itself: it hands a TxRequest to the outbox, which journals it before anything is acknowledged.
import type { Abi, Address, Hex, LocalAccount, TransactionReceipt } from "viem";

export interface TxRequest {
  /** The account that signs; its key must be in this agent's keystore. */
  from: Address;
  /** Contract called; omitted for a contract creation. */
  to?: Address;
  data: Hex;
  value?: bigint;
  /**
   * Gas limit to use instead of asking the node to estimate one. For large batches whose cost the caller bounds from
   * their size: estimation executes the whole batch once more on the node. A revert then shows only once mined
   * (`waitMined` rejects with TxFailedError), not at submit.
   */
  gas?: bigint;
  /** Short description for logs and the outbox table: "membership.approve #12". */
  label: string;
}

export type TxStatus = "journalled" | "sent" | "mined" | "reverted" | "failed";

export interface TxTicket {
  /** Outbox id, stable across restarts. */
  id: string;
  hash: Hex;
  nonce: number;
  status: TxStatus;
}

export interface TxSender {
  /** Journals the signed transaction durably, broadcasts it, and returns once journalled (not yet mined). */
  submit(request: TxRequest): Promise<TxTicket>;
  /** Waits until the journalled transaction is mined; rejects with a typed error when it reverted. */
  waitMined(id: string): Promise<TransactionReceipt>;
  /** submit + waitMined. */
  send(request: TxRequest): Promise<TransactionReceipt>;
}

/** Where the outbox finds the key that signs for `from`; implemented by the identity keystore. */
export interface AccountSource {
  account(address: Address): LocalAccount;
}

/** A deployed contract as the deployment manifest records it. */
export interface DeployedContract {
  address: Address;
  blockNumber: number;
  txHash: Hex;
  /** keccak256 of the runtime code at `address`. */
  codeHash: Hex;
}

export interface ContractArtifact {
  contractName: string;
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
}
