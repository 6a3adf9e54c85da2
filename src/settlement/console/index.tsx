// Settlement's console pages (discovered by the console shell: docs/console.md).
import type { ConsolePage } from "../../../console/src/kit.ts";
import { settlementPage } from "./SettlementPage.tsx";

export const consolePages: readonly ConsolePage[] = [settlementPage];
