// Roaming's console pages (discovered by the console shell: docs/console.md).
import type { ConsolePage } from "../../../console/src/kit.ts";
import { roamingPage } from "./RoamingPage.tsx";

export const consolePages: readonly ConsolePage[] = [roamingPage];
