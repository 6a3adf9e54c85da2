// Signed calls' console pages (discovered by the console shell: docs/console.md).
import type { ConsolePage } from "../../../console/src/kit.ts";
import { callsPage } from "./CallsPage.tsx";

export const consolePages: readonly ConsolePage[] = [callsPage];
