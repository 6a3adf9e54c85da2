// Builds the operator console (console/ and every domain's src/<domain>/console/) into dist/console/, which the
// agent serves at /console/. Run by scripts/postinstall.mjs at install time; `npx vite build --config
// console/vite.config.ts` rebuilds it by hand.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const repo = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/console/",
  plugins: [react()],
  // The agent's CSP allows scripts and styles from its own origin only: no inline script, no data: fonts, no CDN.
  build: {
    outDir: `${repo}dist/console`,
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
  cacheDir: `${repo}.tmp/vite`,
  server: { fs: { allow: [repo] } },
});
