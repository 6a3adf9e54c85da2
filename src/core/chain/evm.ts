// The one EVM version the contracts are compiled for, and the deployment manifest records. It must be one that every
// supported engine executes: geth Clique (v1.13.15, the last geth that seals Clique blocks) never activates Shanghai,
// so PUSH0 (Shanghai) is an invalid opcode there; Besu QBFT and anvil run Paris code too. Paris it is.
export const EVM_VERSION = "paris";
