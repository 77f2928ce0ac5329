// `bun bench/run.ts [--quick] [--rows N] [--multiplier M] [--repeat R]`: the benchmark.
// Builds the compiled binary, starts a private MariaDB, loads the bench table, checks compressed output round-trips,
// then measures every variant as a child process, interleaved round by round (ABC ABC...)
// so that noise from this shared machine spreads over all variants instead of hitting one.
// Ends with the memory-scaling runs, prints a markdown table (stdout) and writes
// bench/results/<date>.json. Progress goes to stderr.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startPrivateServer, type PrivateServer } from "../src/devdb/private-server.ts";
import { buildGoldDigger, type GoldDiggerProgram } from "./binary.ts";
import { checkCompression } from "./compression-check.ts";
import { BENCH_DATABASE, benchQuery, loadBenchTable } from "./dataset.ts";
import { log } from "./log.ts";
import { machineInfo } from "./machine.ts";
import { killActiveChild, measure, type Measurement } from "./measure.ts";
import { parseOptions, USAGE, type BenchOptions } from "./options.ts";
import { markdown, summarize, type BenchResult, type MemoryScaling } from "./report.ts";
import { CEILING_ID, comparisonVariants, FORMATS, goldDigger, REFERENCE_ID, type Target, type Variant } from "./variants.ts";

// Keeps the table in memory (1M rows are ~170 MB of pages; this fits ~5M), so every
// variant reads from the buffer pool and none pays for disk reads another one caused.
const BUFFER_POOL = "--innodb-buffer-pool-size=1G";
const COMPRESSION_SAMPLE_ROWS = 20_000;

async function run(target: Target, server: PrivateServer, v: Variant, expectedRows: number): Promise<Measurement> {
  const m = await measure(v.command, server.pid, target.scratch);
  // The probes count what they received: a short count would make their speed meaningless.
  if (m.reported && m.reported.rows !== expectedRows) {
    throw new Error(`${v.id} saw ${m.reported.rows} rows, expected ${expectedRows}`);
  }
  return m;
}

async function compareVariants(target: Target, server: PrivateServer, variants: Variant[], opts: BenchOptions) {
  const samples = new Map<string, Measurement[]>(variants.map((v) => [v.id, []]));
  // Untimed: fills the OS cache with the binaries and the server's caches with the query.
  for (const v of variants.filter((v) => v.id === REFERENCE_ID || v.id === CEILING_ID)) await run(target, server, v, opts.rows);
  for (let round = 1; round <= opts.repeat; round++) {
    for (const v of variants) {
      const m = await run(target, server, v, opts.rows);
      samples.get(v.id)!.push(m);
      log(`[${round}/${opts.repeat}] ${v.id}: ${m.wallS.toFixed(2)} s, ${m.peakRssMb.toFixed(0)} MB`);
    }
  }
  return summarize(variants, samples, opts.rows);
}

async function memoryScaling(target: Target, server: PrivateServer, opts: BenchOptions): Promise<MemoryScaling[]> {
  const large: Target = { ...target, query: benchQuery(opts.multiplier) };
  const results: MemoryScaling[] = [];
  for (const format of FORMATS) {
    const small = await run(target, server, goldDigger(target, format, undefined), opts.rows);
    const big = await run(large, server, goldDigger(large, format, undefined), opts.rows * opts.multiplier);
    log(`memory ${format}: ${small.peakRssMb.toFixed(0)} MB -> ${big.peakRssMb.toFixed(0)} MB (${big.wallS.toFixed(1)} s)`);
    results.push({ format, small, large: big, rssRatio: big.peakRssMb / small.peakRssMb });
  }
  return results;
}

async function bench(opts: BenchOptions, scratch: string, server: PrivateServer, program: GoldDiggerProgram): Promise<BenchResult> {
  const started = performance.now();
  log(`loading ${opts.rows} rows...`);
  await loadBenchTable(server, opts.rows);
  const loadS = (performance.now() - started) / 1000;
  const machine = await machineInfo(server.port);
  const target: Target = { port: server.port, url: server.url(BENCH_DATABASE), query: benchQuery(1), scratch, goldDigger: program.argv };

  const compressionCheck = checkCompression(target, Math.min(opts.rows, COMPRESSION_SAMPLE_ROWS));
  for (const c of compressionCheck) log(`compression ${c.ext}: ${c.ok ? "ok" : "BROKEN, not timed"}: ${c.detail}`);
  const variants = comparisonVariants(target, compressionCheck.filter((c) => c.ok).map((c) => c.ext));

  const comparison = await compareVariants(target, server, variants, opts);
  const scaling = opts.multiplier > 1 ? await memoryScaling(target, server, opts) : [];
  return {
    date: new Date().toISOString().slice(0, 10),
    options: opts,
    machine,
    goldDigger: program,
    dataset: { rows: opts.rows, query: target.query, loadS },
    compressionCheck,
    comparison,
    memoryScaling: scaling,
    durationS: (performance.now() - started) / 1000,
    loadAfter: loadavg()[0]!,
  };
}

const opts = parseOptions(Bun.argv.slice(2));
if (!opts) {
  console.log(USAGE);
  process.exit(0);
}
const scratch = mkdtempSync(join(tmpdir(), "gd-bench-"));
let server: PrivateServer | undefined;
let interrupted = false;
let cleaning: Promise<void> | undefined;
// Once, whether the run ends, fails or is interrupted (the two may race).
const cleanUp = () =>
  (cleaning ??= (async () => {
    killActiveChild();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  })());
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.on(signal, () => {
    interrupted = true;
    log(`${signal}: stopping the server and cleaning up`);
    void cleanUp().finally(() => process.exit(code));
  });
}

try {
  const program = buildGoldDigger();
  log("starting a private MariaDB server...");
  server = await startPrivateServer({ extraArgs: [BUFFER_POOL] });
  const result = await bench(opts, scratch, server, program);
  const file = join(import.meta.dir, "results", `${result.date}${opts.quick ? "-quick" : ""}.json`);
  mkdirSync(join(import.meta.dir, "results"), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  console.log(markdown(result));
  log(`wrote ${file} (${result.durationS.toFixed(0)} s)`);
} catch (error) {
  // After an interrupt, the measurement we killed fails; that is not news.
  if (!interrupted) log(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
