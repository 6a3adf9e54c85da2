// Entry point: the shell's pages and every domain's, rendered into #root.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { overviewPage } from "./pages/Overview.tsx";
import { collectPages, domainModules } from "./plugin.ts";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("the console's page has no #root");
createRoot(root).render(
  <StrictMode>
    <App pages={collectPages(domainModules(), [overviewPage])} />
  </StrictMode>,
);
