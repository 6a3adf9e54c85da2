// The Phone wallet page's entry in the console: its code (the browser wallet, jose, the message schemas and their
// validator) is a chunk of its own, loaded when the page is first opened, so the console's first load does not grow.
import { lazy, Suspense } from "react";
import type { ConsolePage, ConsolePageProps } from "../../../../console/src/kit.ts";

const PhoneWalletPage = lazy(() => import("./PhoneWalletPage.tsx"));

function PhoneWallet(props: ConsolePageProps) {
  return (
    <Suspense fallback={<p className="muted">loading the wallet…</p>}>
      <PhoneWalletPage {...props} />
    </Suspense>
  );
}

export const phoneWalletPage: ConsolePage = {
  id: "phone-wallet",
  title: "Phone wallet",
  order: 6,
  component: PhoneWallet,
};
