// `npm run bench -- <name>`: runs bench/<name>.bench.ts, prints its tables and writes JSON under bench/results/.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type BenchResult, printAndSave } from "./lib/report.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(", ")}`);
  process.exit(2);
}
const module = (await import(`./${name}.bench.ts`)) as { run(args: string[]): Promise<BenchResult> };
const result = await module.run(process.argv.slice(3));
printAndSave(result, `${here}results`);
process.exit(0);
