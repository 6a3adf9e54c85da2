// Identity's console pages (discovered by the console shell: docs/console.md).
import type { ConsolePage } from "../../../console/src/kit.ts";
import { identityPage } from "./IdentityPage.tsx";
import { phoneWalletPage } from "./phone/index.tsx";

export const consolePages: readonly ConsolePage[] = [identityPage, phoneWalletPage];
