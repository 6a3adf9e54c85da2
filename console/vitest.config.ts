// Component tests of the console's widgets (the shell's and each domain's), in happy-dom. Run by `npm test`.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  plugins: [react()],
  cacheDir: ".tmp/vitest",
  test: {
    environment: "happy-dom",
    include: ["console/src/**/*.test.tsx", "src/*/console/**/*.test.tsx"],
  },
});
