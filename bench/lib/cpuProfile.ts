// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per area (where the code lives), in % of
// the busy (non-idle) time. A benchmark's load windows are the busy stretches of the profile: the profile is cut into
// 1 s buckets, a stretch of >= 5 buckets each less than 20% idle is a window, and `segment` picks one (1 = the first,
// -1 = the last), so start-up (module loading, schema compilation) stays out of the figures.
// `node bench/lib/cpuProfile.ts <file> [segment=-1] [top=30]`.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: a package, a folder of this project, Node's internals, or V8/native. */
export function areaOf(url: string, name: string): string {
  if (name === "(idle)" || name === "(program)" || name === "(garbage collector)") return name;
  if (!url) return `native ${name}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg ${pkg[1]}`;
  if (url.startsWith("node:")) return `node ${url.slice(5).split("/")[0]}`;
  const own = /\/(src\/[^/]+(?:\/[^/]+)?)\//.exec(url);
  return own ? (own[1] as string) : url;
}

/** The busy stretches of a profile, as [first, last) sample indexes, with their bounds in seconds from its start. */
export function busyWindows(profile: Profile): Array<{ from: number; to: number; startS: number; endS: number }> {
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const buckets: Array<{ first: number; idle: number; all: number }> = [];
  let t = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const b = Math.floor(t / 1e6);
    while (buckets.length <= b) buckets.push({ first: i, idle: 0, all: 0 });
    const bucket = buckets[b] as { first: number; idle: number; all: number };
    bucket.all += dt;
    if (idleIds.has(id)) bucket.idle += dt;
  });
  const windows: Array<{ from: number; to: number; startS: number; endS: number }> = [];
  let start = -1;
  buckets.push({ first: profile.samples.length, idle: 1, all: 1 });
  buckets.forEach((b, i) => {
    const busy = b.all > 0 && b.idle / b.all < 0.2;
    if (busy && start < 0) start = i;
    if (!busy && start >= 0) {
      if (i - start >= 5) {
        // Leave out each stretch's first and last second (the load generator starting and stopping).
        windows.push({
          from: buckets[start + 1]?.first ?? 0,
          to: buckets[i - 1]?.first ?? 0,
          startS: start + 1,
          endS: i - 1,
        });
      }
      start = -1;
    }
  });
  return windows;
}

export function summarise(profile: Profile, from = 0, to = profile.samples.length) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = from; i < to; i++) {
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of self) {
    const f = (byId.get(id) as ProfileNode).callFrame;
    const name = f.functionName || "(anonymous)";
    const key = `${name} ${f.url.replace(/^.*\/(node_modules|src)\//, "$1/")}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const area = areaOf(f.url, name);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const idle = areas.get("(idle)") ?? 0;
  const busy = total - idle;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: total / 1000, busyMs: busy / 1000, idleMs: idle / 1000, fns: sorted(fns), areas: sorted(areas) };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [file, segment = "-1", top = "30"] = process.argv.slice(2);
  if (!file) throw new Error("usage: node bench/lib/cpuProfile.ts <file.cpuprofile> [segment=-1] [top=30]");
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const windows = busyWindows(profile);
  console.log(`busy windows (s from the profile's start): ${windows.map((w) => `${w.startS}-${w.endS}`).join(", ")}`);
  const n = Number(segment);
  const w = windows.at(n > 0 ? n - 1 : n);
  if (!w) throw new Error(`no busy window ${segment}`);
  const s = summarise(profile, w.from, w.to);
  console.log(`window ${w.startS}-${w.endS} s`);
  const pct = (us: number) => `${((100 * us) / 1000 / s.busyMs).toFixed(1)}%`.padStart(6);
  console.log(`sampled ${s.totalMs.toFixed(0)} ms, busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms`);
  console.log("\n% of busy time by area:");
  for (const [area, us] of s.areas.slice(0, Number(top))) if (area !== "(idle)") console.log(`${pct(us)}  ${area}`);
  console.log("\n% of busy time by function (self):");
  for (const [fn, us] of s.fns.filter(([f]) => !f.startsWith("(idle)")).slice(0, Number(top))) {
    console.log(`${pct(us)}  ${fn}`);
  }
}
