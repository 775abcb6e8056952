// Turns bench/run.sh's raw results (hyperfine JSON exports, GNU time TSVs)
// into the Markdown tables of bench/results/summary.md.
//
// usage: node report.mjs RESULTS_DIR HEADER_FILE
//   RESULTS_DIR holds peers-1k.json + peers-1k-memory.tsv (section 1, optional),
//   rig-pkl-interleaved.json (section 1b, optional), rig-vs-pkl.json (section 2,
//   optional), rig-scaling.json + rig-memory.tsv (section 3). HEADER_FILE:
//   Markdown printed first (machine, versions).
// Ratios are taken only between commands of one hyperfine invocation, or of one
// interleaved round (1b).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, headerFile] = process.argv.slice(2);
if (!dir) { console.error("usage: node report.mjs RESULTS_DIR [HEADER_FILE]"); process.exit(2); }

const hyperfine = (f) => JSON.parse(readFileSync(f, "utf8")).results;
const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
// TSV with a header line; key column and KiB column chosen by name.
function rss(file, keyCol, kibCol) {
  const [head, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const cols = head.split("\t");
  const k = cols.indexOf(keyCol), v = cols.indexOf(kibCol);
  const by = new Map();
  for (const l of lines) {
    const f = l.split("\t");
    (by.get(f[k]) ?? by.set(f[k], []).get(f[k])).push(Number(f[v]));
  }
  return new Map([...by].map(([key, kibs]) => [key, median(kibs) / 1024]));
}
const s = (x) => (x === null || x === undefined ? "?" : x.toFixed(3));
const ms = (x) => (x * 1000).toFixed(1);
const out = [];
if (headerFile) out.push(readFileSync(headerFile, "utf8").trimEnd(), "");

// 1. every peer on the 1,000-Deployment job, one hyperfine invocation.
const peersJson = join(dir, "peers-1k.json");
if (existsSync(peersJson)) {
  const runs = hyperfine(peersJson).sort((a, b) => a.median - b.median);
  const mem = existsSync(join(dir, "peers-1k-memory.tsv")) ? rss(join(dir, "peers-1k-memory.tsv"), "peer", "max_rss_kib") : new Map();
  const base = runs.find((r) => r.command === "pkl") ?? runs[0];
  out.push("## 1. Peers on the same job: 1,000 Deployments",
    "",
    "All peers in one hyperfine invocation, after their outputs were checked to be the same",
    `1,000 documents (\`compare.mjs\`). Times are wall clock, process start included; each peer`,
    "runs through its `run.sh`, a `/bin/sh` script, whose own start (about 1 ms here) counts too.",
    `\`× ${base.command}\` is the median over ${base.command}'s median in that same invocation (below 1: faster),`,
    `\`${base.command} / peer\` its inverse.`,
    "",
    `| peer | median ms | mean ± sd ms | min–max ms | × ${base.command} | ${base.command} / peer | peak RSS MiB |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of runs) {
    const m = mem.get(r.command);
    out.push(`| ${r.command} | ${ms(r.median)} | ${ms(r.mean)} ± ${ms(r.stddev)} | ${ms(r.min)}–${ms(r.max)} | ${(r.median / base.median).toFixed(3)} | ${(base.median / r.median).toFixed(2)} | ${m === undefined ? "?" : m.toFixed(0)} |`);
  }
  out.push("");
}

// 1b. rig and Pkl through the same run.sh scripts, interleaved run by run.
const ilJson = join(dir, "rig-pkl-interleaved.json");
if (existsSync(ilJson)) {
  const il = JSON.parse(readFileSync(ilJson, "utf8"));
  const by = Object.fromEntries(il.commands.map((c) => [c.name, c.times_s]));
  const rig = by.rig, pkl = by.pkl;
  if (rig && pkl && rig.length === pkl.length && rig.length > 0) {
    // The ratio of each round: Pkl's run over rig's run of that round.
    const perRound = rig.map((t, i) => pkl[i] / t).sort((a, b) => a - b);
    const q = (p) => perRound[Math.min(perRound.length - 1, Math.floor(p * perRound.length))];
    out.push("## 1b. rig and Pkl interleaved: 1,000 Deployments",
      "",
      `The same \`rig/run.sh\` and \`pkl/run.sh\` as in section 1, in ${il.rounds} rounds of one timed run each`,
      `(\`bench/interleave.py\`, after 2 warm-up rounds; the order alternates), so that both run under the`,
      `same host conditions. Each timed run comes right after ${il.settle ?? 0} untimed run(s) of the same command, not`,
      "after the other command's. Times are wall clock around spawn and wait.",
      "",
      "| rig median ms | pkl median ms | pkl / rig (medians) | pkl / rig per round: 10th pct · median · 90th pct |",
      "| ---: | ---: | ---: | ---: |",
      `| ${ms(median(rig))} | ${ms(median(pkl))} | ${(median(pkl) / median(rig)).toFixed(2)} | ${q(0.1).toFixed(2)} · ${median(perRound).toFixed(2)} · ${q(0.9).toFixed(2)} |`,
      "");
  }
}

// 2. rig and Pkl at two sizes, one hyperfine invocation.
const vsJson = join(dir, "rig-vs-pkl.json");
if (existsSync(vsJson)) {
  const by = Object.fromEntries(hyperfine(vsJson).map((r) => [r.command, r]));
  const sizes = [...new Set(Object.keys(by).map((c) => c.split(" ")[1]))];
  out.push("## 2. rig and Pkl at growing sizes",
    "",
    "One hyperfine invocation for all rows (Pkl is the fastest peer in section 1 of the shared",
    "peer results). `rig / pkl` below 1 means rig is faster.",
    "",
    "| workloads | rig median ms | pkl median ms | rig / pkl | pkl / rig |",
    "| ---: | ---: | ---: | ---: | ---: |");
  for (const n of sizes) {
    const r = by[`rig ${n}`], p = by[`pkl ${n}`];
    if (!r || !p) continue;
    out.push(`| ${n} | ${ms(r.median)} | ${ms(p.median)} | ${(r.median / p.median).toFixed(2)} | ${(p.median / r.median).toFixed(2)} |`);
  }
  out.push("");
}

// 3. rig alone at 1k / 10k / 100k.
const scJson = join(dir, "rig-scaling.json");
if (existsSync(scJson)) {
  const runs = hyperfine(scJson);
  const mem = rss(join(dir, "rig-memory.tsv"), "workloads", "max_rss_kib");
  out.push("## 3. rig scaling",
    "",
    "rig alone, one hyperfine invocation; peak RSS is GNU time's maximum resident set (median of its runs).",
    "",
    "| workloads | median s | mean ± sd s | min–max s | µs per workload | peak RSS MiB |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of runs) {
    // "rig N", or "rig N files" for the same workloads written a file each.
    const [, count, files] = r.command.split(" ");
    const n = Number(count);
    const key = files ? `${n} files` : String(n);
    const m = mem.get(key);
    const label = files ? `${n} (a file each)` : `${n}`;
    out.push(`| ${label} | ${s(r.median)} | ${s(r.mean)} ± ${s(r.stddev)} | ${s(r.min)}–${s(r.max)} | ${(r.median / n * 1e6).toFixed(1)} | ${m === undefined ? "?" : m.toFixed(0)} |`);
  }
  out.push("");
}
process.stdout.write(out.join("\n"));
