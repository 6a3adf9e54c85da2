// EIDL's console pages (discovered by the console shell: docs/console.md).
import type { ConsolePage } from "../../../console/src/kit.ts";
import { numberingPage } from "./NumberingPage.tsx";

export const consolePages: readonly ConsolePage[] = [numberingPage];
