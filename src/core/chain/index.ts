// Public surface of the chain layer.
export * from "./client.ts";
export * from "./deploy.ts";
export * from "./devnet/devnet.ts";
export * from "./errors.ts";
export * from "./evm.ts";
export * from "./indexer/indexer.ts";
export * from "./logger.ts";
export * from "./manifest.ts";
export * from "./migrations.ts";
export * from "./outbox/outbox.ts";
export type * from "./types.ts";
