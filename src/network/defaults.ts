// Defaults the `telco-ledger network` options show at registration time. In a module of their own because the
// modules that use them (faucet.ts, init.ts) load the chain libraries, which every CLI command would otherwise pay for.

/** 0.01 ether: ten million 1-million-gas transactions at 1 wei. */
export const DEFAULT_FUND_WEI = 10n ** 16n;
/** Node i uses this + 10i for p2p, +1 JSON-RPC, +2 authrpc, +3 metrics. */
export const DEFAULT_BASE_PORT = 30300;
