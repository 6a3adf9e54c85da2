// Shared support code for the tests (test/, src/**/*.test.ts) and the benchmarks (bench/): one file per helper, all
// re-exported here. Tests and benchmarks import from testkit/, never from each other's folders.
//
//   ports.ts           loopback ports: listen on port 0 in process, reserve a port (lock file) for a child process
//   eventually.ts      the one poll loop: `eventually` (until a check stops throwing), `waitUntil` (until true)
//   tempDir.ts         a temporary directory removed by its owner
//   consortium.ts      a devnet, the platform contracts and member agents (in process or as processes)
//   networkMembers.ts  member agents on an external network (a kit network's geth nodes), funded by its faucet
//   postgres.ts        a throwaway PostgreSQL cluster
//   eidlHierarchy.ts   EIDL organisation accounts, vettings and TN grants through the agents' APIs
//   signedCalls.ts     the consortium behind a signed call: the EIDL chain down to a BPO, the STI-CA, the OSP
//   stiCa.ts           a test STI-CA (root and STI certificate with TNAuthList) without an agent
//   sip.ts             Kamailio and sipp as child processes
//   roaming.ts         three mobile operators with claimed networks, keys and subscribers
//   roamingMeasure.ts  what a roaming run did, read from the agents' APIs and the chain
//   identity.ts        a devnet with the identity contracts, a keystore and an indexer, without agents
//   chainEnv.ts        a devnet, a chain client and a store for the chain layer's tests
//   chainTime.ts       the devnet's clock: the latest block time, a block at a given time (anvil)
//   chainAccounts.ts   local signing accounts for the chain layer's tests
//   recorder.ts        a tiny contract that records ids, compiled with solc-js
//   durabilityAgent.ts a child process that writes through the outbox (run by test/chain/durability.test.ts)
export * from "./chainAccounts.ts";
export * from "./chainEnv.ts";
export * from "./chainTime.ts";
export * from "./consortium.ts";
export * from "./eidlHierarchy.ts";
export * from "./eventually.ts";
export * from "./identity.ts";
export * from "./networkMembers.ts";
export * from "./ports.ts";
export * from "./postgres.ts";
export * from "./recorder.ts";
export * from "./roaming.ts";
export * from "./roamingMeasure.ts";
export * from "./signedCalls.ts";
export * from "./sip.ts";
export * from "./stiCa.ts";
export * from "./tempDir.ts";
