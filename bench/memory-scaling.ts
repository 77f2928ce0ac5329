// Memory scaling: the wide shape at N and N x multiplier rows, per format and with parallel
// readers, one run each. RSS is sampled over each run and plotted, so a reader sees memory stay
// flat, not only a ratio of two peaks.
import type { PrivateServer } from "../src/devdb/private-server.ts";
import { runVariant } from "./compare.ts";
import { benchQuery } from "./dataset.ts";
import { lineChartSvg } from "./line-chart.ts";
import { log } from "./log.ts";
import type { MemoryScaling } from "./report.ts";
import { RSS_SAMPLE_MS } from "./rss-sampler.ts";
import { goldDigger, MEMORY_FORMATS, MEMORY_PARALLEL, parallelRead, toS3, type Target, type Variant } from "./variants.ts";

const sampled = (v: Variant): Variant => ({ ...v, command: { ...v.command, sampleRss: true } });

const PARALLEL_LABEL = `csv --parallel ${MEMORY_PARALLEL}`;
const S3_LABEL = "csv to S3";

/** Each run's label and its variant: every format with one connection, CSV read in ranges, CSV to S3. */
const RUNS: [string, (t: Target) => Variant][] = [
  ...MEMORY_FORMATS.map((format): [string, (t: Target) => Variant] => [format, (t) => goldDigger(t, format, undefined)]),
  [PARALLEL_LABEL, (t) => parallelRead(t, MEMORY_PARALLEL, 0)],
  [S3_LABEL, toS3],
];

/** `target` reads the wide table once. */
export async function memoryScaling(target: Target, server: PrivateServer, rows: number, multiplier: number): Promise<MemoryScaling[]> {
  const large: Target = { ...target, query: benchQuery(multiplier) };
  const results: MemoryScaling[] = [];
  for (const [format, variant] of RUNS) {
    const small = await runVariant(target, server, sampled(variant(target)), rows);
    const big = await runVariant(large, server, sampled(variant(large)), rows * multiplier);
    log(`memory ${format}: ${small.peakRssMb.toFixed(0)} MB -> ${big.peakRssMb.toFixed(0)} MB (${big.wallS.toFixed(1)} s)`);
    results.push({ format, small, large: big, rssRatio: big.peakRssMb / small.peakRssMb });
  }
  return results;
}

const COLORS: Record<string, string> = {
  csv: "#1f77b4",
  tsv: "#ff7f0e",
  json: "#2ca02c",
  ndjson: "#d62728",
  parquet: "#9467bd",
  [PARALLEL_LABEL]: "#8c564b",
  [S3_LABEL]: "#e377c2",
};

const rowCount = (n: number) => (n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 100 === 0 ? `${n / 1e3}k` : String(n));

/** One line per run: colour by format, dashed for the N-row run, solid for N x multiplier. */
export function rssPlotSvg(scaling: MemoryScaling[], rows: number, multiplier: number, caption: string): string {
  const series = scaling.flatMap((s) =>
    (
      [
        [s.small, rows, true],
        [s.large, rows * multiplier, false],
      ] as const
    ).map(([m, n, dashed]) => ({
      label: `${s.format} ${rowCount(n)} rows, peak ${m.peakRssMb.toFixed(0)} MB`,
      color: COLORS[s.format] ?? "#555",
      dashed,
      points: (m.rssSamples ?? []).map((p) => ({ x: p.tS, y: p.rssMb })),
    })),
  );
  return lineChartSvg({
    title: `gold-digger memory over time: ${rowCount(rows)} and ${rowCount(rows * multiplier)} wide rows`,
    subtitle: `RSS every ${RSS_SAMPLE_MS} ms, one run per line, default workers; ${caption}`,
    xLabel: "seconds since start",
    yLabel: "RSS (MB)",
    series,
  });
}
