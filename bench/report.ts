// Turns measurements into medians, ratios, markdown tables (one per row shape) and the JSON record.
import type { GoldDiggerProgram } from "./binary.ts";
import type { CompressionCheck } from "./compression-check.ts";
import type { MachineInfo } from "./machine.ts";
import type { Measurement } from "./measure.ts";
import type { BenchOptions } from "./options.ts";
import { wide as wideShape } from "./shapes/index.ts";
import { CEILING_ID, PARQUET_BASELINES, PARTS, PARTS_BASELINE_ID, REFERENCE_ID, FILE_BASELINE_ID, type Group, type Variant } from "./variants.ts";

export interface Stats {
  wallS: number;
  rowsPerS: number;
  outputMBps: number;
  outputMB: number;
  /** User + system CPU of the client process, all its threads. */
  clientCpuS: number;
  userS: number;
  sysS: number;
  minorFaults: number;
  serverCpuS: number;
  /** CPU of the other process the variant keeps busy (the S3 store); 0 where there is none. */
  otherCpuS: number;
  peakRssMb: number;
}

export interface Summary {
  id: string;
  group: Group;
  command: string;
  readsNoRows?: boolean;
  samples: Measurement[];
  /** Each statistic's median over the samples, taken independently. */
  median: Stats;
  /** Median wall time divided by the reference's: above 1 is slower. */
  wallVsMariadbCli: number;
  wallVsRawCeiling: number;
}

export interface MemoryScaling {
  format: string;
  small: Measurement;
  large: Measurement;
  /** Peak RSS at rows x multiplier over peak RSS at rows: 1 means flat memory. */
  rssRatio: number;
}

export interface ShapeResult {
  shape: string;
  description: string;
  rows: number;
  query: string;
  loadS: number;
  comparison: Summary[];
}

export interface BenchResult {
  date: string;
  options: BenchOptions;
  machine: MachineInfo;
  /** What ran as gold-digger: the compiled binary unless its build failed. */
  goldDigger: GoldDiggerProgram;
  shapes: ShapeResult[];
  /** Of the wide shape; empty when it was not selected. */
  compressionCheck: CompressionCheck[];
  /** What this run left out, and why (a baseline tool that is not installed). */
  notes: string[];
  /** Of the wide shape; each run's RSS samples are in small/large.rssSamples. */
  memoryScaling: MemoryScaling[];
  /** File name, next to this JSON, of the RSS-over-time plot of memoryScaling. */
  rssPlot?: string;
  durationS: number;
  /** 1-minute load average at the end, next to machine.loadBefore. */
  loadAfter: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function stats(m: Measurement, rows: number): Stats {
  return {
    wallS: m.wallS,
    rowsPerS: rows / m.wallS,
    outputMBps: m.outputBytes / 1e6 / m.wallS,
    outputMB: m.outputBytes / 1e6,
    clientCpuS: m.userS + m.sysS,
    userS: m.userS,
    sysS: m.sysS,
    minorFaults: m.minorFaults,
    serverCpuS: m.serverCpuS,
    otherCpuS: m.otherCpuS ?? 0,
    peakRssMb: m.peakRssMb,
  };
}

export function summarize(variants: Variant[], samples: Map<string, Measurement[]>, rows: number): Summary[] {
  const medians = variants.map((v) => {
    const all = samples.get(v.id)!.map((m) => stats(m, rows));
    const med = Object.fromEntries(Object.keys(all[0]).map((k) => [k, median(all.map((s) => s[k as keyof Stats]))])) as unknown as Stats;
    return { v, med };
  });
  const wallOf = (id: string) => medians.find((m) => m.v.id === id)!.med.wallS;
  const [reference, ceiling] = [wallOf(REFERENCE_ID), wallOf(CEILING_ID)];
  return medians.map(({ v, med }) => ({
    id: v.id,
    group: v.group,
    readsNoRows: v.readsNoRows,
    command: v.command.argv.join(" ") + (v.command.stdoutFile ? ` > ${v.command.stdoutFile}` : ""),
    samples: samples.get(v.id)!,
    median: med,
    wallVsMariadbCli: med.wallS / reference,
    wallVsRawCeiling: med.wallS / ceiling,
  }));
}

const f = (n: number, digits = 2) => n.toFixed(digits);
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;

const count = (n: number) => n.toLocaleString("en-US");

function shapeTable(r: ShapeResult): string[] {
  return [
    `### ${r.shape}: ${count(r.rows)} rows of ${r.description}`,
    "",
    `\`${r.query}\`, loaded in ${f(r.loadS, 1)} s.`,
    "",
    row(["variant", "wall s", "rows/s", "out MB", "out MB/s", "user s", "sys s", "minor faults", "server CPU s", "peak RSS MB", "x mariadb", "x raw ceiling"]),
    row(Array(12).fill("---")),
    ...r.comparison.map((s) =>
      row([
        s.id,
        f(s.median.wallS),
        s.readsNoRows ? "-" : Math.round(s.median.rowsPerS).toLocaleString("en-US"),
        s.median.outputMB ? f(s.median.outputMB, s.median.outputMB < 10 ? 2 : 0) : "-",
        s.median.outputMB ? f(s.median.outputMBps, s.median.outputMBps < 10 ? 2 : 0) : "-",
        f(s.median.userS, 3),
        f(s.median.sysS, 3),
        count(Math.round(s.median.minorFaults)),
        f(s.median.serverCpuS),
        f(s.median.peakRssMb, 0),
        f(s.wallVsMariadbCli),
        f(s.wallVsRawCeiling),
      ]),
    ),
  ];
}

/** Wall and client CPU, each beside its ratio to `base`'s. */
const against = (s: Summary, base: Summary) => [
  f(s.median.wallS),
  f(s.median.wallS / base.median.wallS),
  f(s.median.clientCpuS),
  f(s.median.clientCpuS / base.median.clientCpuS),
];

/** Parquet against CSV (time, issue 12's target 1.5x) and .csv.zst (size: Parquet must be smaller). */
function parquetTable(r: ShapeResult): string[] {
  const parquet = r.comparison.filter((s) => s.group === "parquet");
  const time = r.comparison.find((s) => s.id === PARQUET_BASELINES.time);
  const size = r.comparison.find((s) => s.id === PARQUET_BASELINES.size);
  if (parquet.length === 0 || !time) return [];
  return [
    `### Parquet vs CSV (${time.id}) and .csv.zst (${size?.id ?? "not measured"}), ${r.shape} shape`,
    "",
    row(["variant", "wall s", "x CSV wall", "client CPU s", "x CSV CPU", "peak RSS MB", "out MB", "x .csv.zst size"]),
    row(Array(8).fill("---")),
    ...[time, ...(size ? [size] : []), ...parquet].map((s) =>
      row([
        s.id,
        ...against(s, time),
        f(s.median.peakRssMb, 0),
        f(s.median.outputMB, 1),
        size ? f(s.median.outputMB / size.median.outputMB) : "-",
      ]),
    ),
  ];
}

/**
 * The export to S3, or split into files, against the same export to one local file (issue 20's
 * targets: 1.15x and 1.05x wall); parts against one process of as many readers (issue 22's: 1.1x).
 */
function againstBaselineTable(r: ShapeResult, group: "s3" | "split" | "parts", what: string, baselineId = FILE_BASELINE_ID): string[] {
  const file = r.comparison.find((s) => s.id === baselineId);
  const others = r.comparison.filter((s) => s.group === group);
  if (!file || others.length === 0) return [];
  const base = baselineId === FILE_BASELINE_ID ? "file" : "one process";
  // The store runs on the same cores: its CPU is part of what an S3 export's wall time waits for.
  const store = group === "s3";
  return [
    `### ${what} vs ${base === "file" ? "one local file" : "one process"} (${file.id}), ${r.shape} shape`,
    "",
    row(["variant", "wall s", `x ${base} wall`, "client CPU s", `x ${base} CPU`, ...(store ? ["store CPU s"] : []), "minor faults", "peak RSS MB", "out MB"]),
    row(Array(store ? 9 : 8).fill("---")),
    ...[file, ...others].map((s) =>
      row([
        s.id,
        ...against(s, file),
        ...(store ? [s.group === "s3" ? f(s.median.otherCpuS) : "-"] : []),
        count(Math.round(s.median.minorFaults)),
        f(s.median.peakRssMb, 0),
        f(s.median.outputMB, 0),
      ]),
    ),
  ];
}

function memoryTable(r: BenchResult, rows: number): string[] {
  const big = rows * r.options.multiplier;
  return [
    `### Memory scaling, wide shape, workers default, one run each: ${count(rows)} vs ${count(big)} rows`,
    "",
    row(["format", "peak RSS MB (small)", "peak RSS MB (large)", "ratio", "wall s (large)", "rows/s (large)", "client CPU s (large)", "server CPU s (large)"]),
    row(Array(8).fill("---")),
    ...r.memoryScaling.map((s) =>
      row([
        s.format,
        f(s.small.peakRssMb, 0),
        f(s.large.peakRssMb, 0),
        f(s.rssRatio),
        f(s.large.wallS),
        Math.round(big / s.large.wallS).toLocaleString("en-US"),
        f(s.large.userS + s.large.sysS),
        f(s.large.serverCpuS),
      ]),
    ),
    ...(r.rssPlot ? ["", `RSS over time: bench/results/${r.rssPlot}`] : []),
  ];
}

export function markdown(r: BenchResult): string {
  const m = r.machine;
  const wide = r.shapes.find((s) => s.shape === wideShape.name);
  const lines = [
    `## gold-digger benchmark, ${r.date}`,
    "",
    `Shapes ${r.shapes.map((s) => s.shape).join(", ")}, median of ${r.options.repeat} interleaved round(s). gold-digger: ${r.goldDigger.note}. ` +
      `${m.nproc} cores (${m.cpuModel}), Bun ${m.bun}, ${m.mariadbServer}, connector ${m.connector}, ` +
      `commit ${m.gitCommit}${m.gitDirty ? " + local changes" : ""}, load ${f(m.loadBefore)} -> ${f(r.loadAfter)}.`,
    "",
    `A first-touch page fault costs ${"us" in m.pageFault ? `${f(m.pageFault.us)} µs` : `? (not measured: ${m.pageFault.unmeasured})`} here ` +
      "(bench/probes/page-fault-cost.c): minor faults x this is sys time. Each table shows medians; user and sys are the client's CPU, all threads.",
    ...r.notes.map((note) => `- ${note}`),
  ];
  for (const s of r.shapes) lines.push("", ...shapeTable(s));
  if (wide) {
    lines.push("", ...parquetTable(wide), "", ...againstBaselineTable(wide, "s3", "S3 (s3rver on loopback)"));
    lines.push("", ...againstBaselineTable(wide, "split", "Split output (files of 100,000 rows and a manifest)"));
    lines.push("", ...againstBaselineTable(wide, "parts", `One export in ${PARTS} part processes`, PARTS_BASELINE_ID));
  }
  if (r.compressionCheck.length > 0) lines.push("", ...r.compressionCheck.map((c) => `- compression check ${c.ext}: ${c.ok ? "ok" : "BROKEN"} (${c.detail})`));
  if (wide && r.memoryScaling.length > 0) lines.push("", ...memoryTable(r, wide.rows));
  return lines.join("\n") + "\n";
}
