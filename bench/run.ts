// `bun bench/run.ts [--quick] [--rows N] [--multiplier M] [--repeat R] [--shapes LIST]`: the benchmark.
// Builds the compiled binary, starts a private MariaDB and the tests' S3-API server (s3rver),
// loads one table per row shape, checks compressed output round-trips, then measures every
// variant of every shape as a child process, interleaved round by round (bench/compare.ts). Ends with the memory-scaling runs,
// prints markdown tables (stdout) and writes bench/results/<date>.json and <date>-rss.svg.
// Progress goes to stderr.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startPrivateServer, type PrivateServer } from "../src/devdb/private-server.ts";
import { startS3Server, type S3Server } from "../test/support/s3-server.ts";
import { buildGoldDigger, type GoldDiggerProgram } from "./binary.ts";
import { startByteServer, type ByteServer } from "./byte-server.ts";
import { compareShapes, type ShapePlan } from "./compare.ts";
import { checkCompression, type CompressionCheck } from "./compression-check.ts";
import { BENCH_DATABASE } from "./dataset.ts";
import { log } from "./log.ts";
import { machineInfo } from "./machine.ts";
import { killActiveChild } from "./measure.ts";
import { memoryScaling, rssPlotSvg } from "./memory-scaling.ts";
import { parseOptions, USAGE, type BenchOptions } from "./options.ts";
import { markdown, type BenchResult } from "./report.ts";
import { loadShape, scaledRows, SHAPES, wide } from "./shapes/index.ts";
import { small } from "./shapes/small.ts";
import { comparisonVariants, mydumperMissing, shapeVariants, socketFloor, SOCKET_FLOOR_BYTES_PER_ROW, type Target } from "./variants.ts";

const SERVER_ARGS = [
  // Keeps every table in memory (1M wide rows are ~170 MB of pages, 5M narrow ~200 MB, 400 fat
  // ~550 MB), so every variant reads from the buffer pool and none pays for disk reads
  // another one caused.
  "--innodb-buffer-pool-size=2G",
  // A fat row (~1.3 MB) must fit in one packet, and so must REPEAT()'s result while loading.
  "--max-allowed-packet=256M",
];
const COMPRESSION_SAMPLE_ROWS = 20_000;

/** Loads each selected shape and decides what runs against it. */
async function planShapes(opts: BenchOptions, server: PrivateServer, store: S3Server, scratch: string, program: GoldDiggerProgram, byteServer: ByteServer) {
  const plans: ShapePlan[] = [];
  let compressionCheck: CompressionCheck[] = [];
  for (const shape of SHAPES.filter((s) => opts.shapes.includes(s.name))) {
    const rows = scaledRows(shape, opts.rows);
    log(`loading ${rows} ${shape.name} rows...`);
    const loadS = await loadShape(server, shape, rows);
    const target: Target = { port: server.port, url: server.url(BENCH_DATABASE), query: shape.query, table: shape.table, scratch, goldDigger: program.argv, store };
    // The wide shape keeps the full set from before the other shapes existed, compression included.
    if (shape === wide) {
      compressionCheck = checkCompression(target, Math.min(rows, COMPRESSION_SAMPLE_ROWS));
      for (const c of compressionCheck) log(`compression ${c.ext}: ${c.ok ? "ok" : "BROKEN, not timed"}: ${c.detail}`);
    }
    const compressed = compressionCheck.filter((c) => c.ok).map((c) => c.ext);
    const variants = shape === wide ? [...comparisonVariants(target, compressed), ...socketFloor(byteServer.port, rows * SOCKET_FLOOR_BYTES_PER_ROW)] : shapeVariants(target, shape === small);
    plans.push({ shape, rows, loadS, target, variants });
  }
  return { plans, compressionCheck };
}

async function bench(opts: BenchOptions, scratch: string, server: PrivateServer, store: S3Server, program: GoldDiggerProgram, byteServer: ByteServer): Promise<BenchResult> {
  const started = performance.now();
  const { plans, compressionCheck } = await planShapes(opts, server, store, scratch, program, byteServer);
  const machine = await machineInfo(server.port, scratch);
  const shapes = await compareShapes(plans, server, opts.repeat);
  const widePlan = plans.find((p) => p.shape === wide);
  if (!widePlan && opts.multiplier > 1) log("memory scaling skipped: it runs on the wide shape, which was not selected");
  const scaling = widePlan && opts.multiplier > 1 ? await memoryScaling(widePlan.target, server, widePlan.rows, opts.multiplier) : [];
  return {
    date: new Date().toISOString().slice(0, 10),
    options: opts,
    machine,
    goldDigger: program,
    shapes,
    compressionCheck,
    notes: [mydumperMissing()].filter((note) => note !== undefined),
    memoryScaling: scaling,
    durationS: (performance.now() - started) / 1000,
    loadAfter: loadavg()[0],
  };
}

/** The JSON record, and the RSS plot beside it when there are memory-scaling runs to draw. */
function writeResults(result: BenchResult, quick: boolean): string {
  const dir = join(import.meta.dir, "results");
  const stem = `${result.date}${quick ? "-quick" : ""}`;
  mkdirSync(dir, { recursive: true });
  const wideRows = result.shapes.find((s) => s.shape === wide.name)?.rows;
  if (wideRows && result.memoryScaling.length > 0) {
    result.rssPlot = `${stem}-rss.svg`;
    const m = result.machine;
    const caption = `${result.date}, commit ${m.gitCommit}${m.gitDirty ? "+" : ""}, ${result.goldDigger.compiled ? "compiled binary" : "bun src/main.ts"}`;
    writeFileSync(join(dir, result.rssPlot), rssPlotSvg(result.memoryScaling, wideRows, result.options.multiplier, caption));
  }
  const file = join(dir, `${stem}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  return file;
}

const opts = parseOptions(Bun.argv.slice(2));
if (!opts) {
  console.log(USAGE);
  process.exit(0);
}
const scratch = mkdtempSync(join(tmpdir(), "gd-bench-"));
let server: PrivateServer | undefined;
let store: S3Server | undefined;
let byteServer: ByteServer | undefined;
let interrupted = false;
let cleaning: Promise<void> | undefined;
// Once, whether the run ends, fails or is interrupted (the two may race).
const cleanUp = () =>
  (cleaning ??= (async () => {
    killActiveChild();
    await server?.stop();
    await store?.stop();
    await byteServer?.close();
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
  server = await startPrivateServer({ extraArgs: SERVER_ARGS });
  log("starting the S3-API server of the tests (s3rver)...");
  store = await startS3Server();
  byteServer = await startByteServer();
  const result = await bench(opts, scratch, server, store, program, byteServer);
  const file = writeResults(result, opts.quick);
  console.log(markdown(result));
  log(`wrote ${file}${result.rssPlot ? ` and ${result.rssPlot}` : ""} (${result.durationS.toFixed(0)} s)`);
} catch (error) {
  // After an interrupt, the measurement we killed fails; that is not news.
  if (!interrupted) log(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
