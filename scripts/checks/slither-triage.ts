// Compares slither's findings (its --json output) with the reviewed findings in slither-triage.json: a finding passes
// only when an entry names the same detector and the same finding text and says why it is acceptable. Matching ignores
// line numbers, so editing elsewhere in a file keeps a justification, but changing the flagged code needs a new review.
// Usage: node scripts/checks/slither-triage.ts <slither.json> [triage.json]   (exit 1 on unjustified findings)
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface TriageEntry {
  /** slither detector name, e.g. "timestamp". */
  detector: string;
  /** The finding's description with source locations removed (see findingKey). */
  finding: string;
  /** Why the finding is acceptable, or what already prevents the issue. */
  why: string;
}

export interface SlitherFinding {
  check: string;
  impact: string;
  confidence: string;
  description: string;
}

export interface TriageResult {
  justified: Array<{ finding: SlitherFinding; entry: TriageEntry }>;
  unjustified: SlitherFinding[];
  /** Entries that matched no finding: the code changed or the issue was fixed; remove them. */
  stale: TriageEntry[];
}

export class TriageFileError extends Error {
  readonly code = "SLITHER_TRIAGE_INVALID";
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "TriageFileError";
    this.field = field;
  }
}

/** The finding text without " (path.sol#12-34)" locations and with whitespace collapsed. */
export function findingKey(description: string): string {
  return description
    .replace(/ \([^()\s]+\.sol#\d+(?:-\d+)?\)/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

export function parseTriage(text: string): TriageEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TriageFileError("(file)", `not JSON: ${(error as Error).message}`);
  }
  const entries = (data as { findings?: unknown }).findings;
  if (!Array.isArray(entries)) throw new TriageFileError("findings", "must be an array of reviewed findings");
  return entries.map((raw, i) => {
    const entry = raw as Record<string, unknown>;
    for (const field of ["detector", "finding", "why"] as const) {
      if (typeof entry[field] !== "string" || (entry[field] as string).trim() === "") {
        throw new TriageFileError(`findings[${i}].${field}`, "must be a non-empty string");
      }
    }
    if ((entry.why as string).trim().length < 20) {
      throw new TriageFileError(`findings[${i}].why`, "must explain the justification (20 characters or more)");
    }
    return {
      detector: entry.detector as string,
      finding: findingKey(entry.finding as string),
      why: entry.why as string,
    };
  });
}

export function parseSlitherOutput(text: string): SlitherFinding[] {
  const output = JSON.parse(text) as { success?: boolean; error?: string | null; results?: { detectors?: unknown } };
  if (output.success !== true) throw new Error(`slither failed: ${output.error ?? "no error message"}`);
  return (output.results?.detectors ?? []) as SlitherFinding[];
}

const COMPARISONS = " Dangerous comparisons: - ";

/**
 * Whether an entry covers a finding. The `timestamp` detector lists a function's "dangerous comparisons" in an order
 * and number that vary from run to run (CI saw four forms of one function), so there an entry covers a finding of the
 * same function whose comparisons are all among the entry's: one reviewed list per function, and a comparison nobody
 * reviewed still fails.
 */
function covers(entry: TriageEntry, detector: string, key: string): boolean {
  if (entry.detector !== detector) return false;
  if (entry.finding === key) return true;
  if (detector !== "timestamp" || !key.includes(COMPARISONS) || !entry.finding.includes(COMPARISONS)) return false;
  const [fn, listed = ""] = key.split(COMPARISONS) as [string, string?];
  const [entryFn, reviewed = ""] = entry.finding.split(COMPARISONS) as [string, string?];
  if (fn !== entryFn) return false;
  const reviewedSet = new Set(reviewed.split(" - "));
  return listed.split(" - ").every((comparison) => reviewedSet.has(comparison));
}

export function triage(findings: SlitherFinding[], entries: TriageEntry[]): TriageResult {
  const used = new Set<TriageEntry>();
  const result: TriageResult = { justified: [], unjustified: [], stale: [] };
  for (const finding of findings) {
    const key = findingKey(finding.description);
    const entry = entries.find((e) => covers(e, finding.check, key));
    if (entry) {
      used.add(entry);
      result.justified.push({ finding, entry });
    } else {
      result.unjustified.push(finding);
    }
  }
  result.stale = entries.filter((e) => !used.has(e));
  return result;
}

if (import.meta.main) {
  const [slitherJson, triageJson = join(import.meta.dirname, "slither-triage.json")] = process.argv.slice(2);
  if (!slitherJson) {
    console.error("usage: slither-triage.ts <slither.json> [triage.json]");
    process.exit(2);
  }
  try {
    const result = triage(
      parseSlitherOutput(readFileSync(slitherJson, "utf8")),
      parseTriage(readFileSync(triageJson, "utf8")),
    );
    console.log(`slither: ${result.justified.length} finding(s) justified in ${triageJson}`);
    for (const entry of result.stale) {
      console.log(`warning: stale triage entry (matches no finding; remove it): [${entry.detector}] ${entry.finding}`);
    }
    for (const f of result.unjustified) {
      console.log(`\nUNJUSTIFIED [${f.check}] impact=${f.impact} confidence=${f.confidence}\n${f.description.trim()}`);
      console.log(
        `  fix it, or add to the triage file: ${JSON.stringify({ detector: f.check, finding: findingKey(f.description), why: "..." })}`,
      );
    }
    if (result.unjustified.length > 0) {
      console.log(`\nslither: ${result.unjustified.length} unjustified finding(s)`);
      process.exit(1);
    }
  } catch (error) {
    console.error(`slither triage: ${(error as Error).message}`);
    process.exit(2);
  }
}
