// What the benchmark compares. Every variant is a separate child process reading the same
// query from the same server, so start-up, connection and exit are paid by all alike.
import { join, resolve } from "node:path";
import { BUCKET, type S3Server } from "../test/support/s3-server.ts";
import { BENCH_DATABASE } from "./dataset.ts";
import type { Command } from "./measure.ts";

export const ROOT = resolve(import.meta.dir, "..");
const PROBES = join(import.meta.dir, "probes");

export const FORMATS = ["csv", "tsv", "json", "ndjson"] as const;
/** The memory-scaling runs: the text formats, and Parquet, whose memory is bounded by its row groups. */
export const MEMORY_FORMATS = [...FORMATS, "parquet"] as const;
/** Readers of the memory-scaling run that splits the query (issue 11: bounded for any N). */
export const MEMORY_PARALLEL = 2;
const WORKERS = [0, 1, 2];

export type Group = "reference" | "ceiling" | "floor" | "gold-digger" | "s3" | "split" | "compression" | "parquet" | "parallel" | "parts" | "load-all";

export interface Variant {
  id: string;
  group: Group;
  command: Command;
  /** Reads no rows (start-up alone): no rows/s to report. */
  readsNoRows?: boolean;
}

export interface Target {
  port: number;
  url: string;
  query: string;
  /** The table the query reads (mydumper dumps a table). */
  table: string;
  /** Directory for outputs; each is deleted right after it is measured. */
  scratch: string;
  /** How to start gold-digger (bench/binary.ts): the compiled binary, or bun and the source. */
  goldDigger: string[];
  /** The S3-API server on loopback that the tests use too, for the S3 variants. */
  store: S3Server;
}

const slug = (id: string) => id.replace(/[^a-z0-9]+/gi, "-");

/** gold-digger writing `ext` (which also picks format and compression); workers undefined = default. */
export function goldDigger(t: Target, ext: string, workers: number | undefined, group: Group = "gold-digger"): Variant {
  const id = `gold-digger ${ext}, workers ${workers ?? "default"}`;
  const output = join(t.scratch, `${slug(id)}.${ext}`);
  const argv = [...t.goldDigger, "--db-url", t.url, "-q", t.query, "-o", output, "--force"];
  if (workers !== undefined) argv.push("--workers", String(workers));
  return { id, group, command: { argv, output } };
}

/** The local file export that the S3 one and the split one are compared with (issue 20: at most 1.15x and 1.05x its wall). */
export const FILE_BASELINE_ID = "gold-digger csv, workers 0";

/** The same CSV export as an object in bench's S3 store: a multipart upload over loopback. */
export function toS3(t: Target): Variant {
  const key = `bench/${slug(t.query)}.csv`;
  const argv = [...t.goldDigger, "--db-url", t.url, "-q", t.query, "-o", `s3://${BUCKET}/${key}`, "--force", "--workers", "0"];
  return { id: `${FILE_BASELINE_ID}, -o s3://`, group: "s3", command: { argv, env: t.store.env(), outputSize: () => t.store.objectSize(key) ?? 0, busiesPid: t.store.pid } };
}

/**
 * The same CSV export cut into files of 100,000 rows with a manifest (--max-file-rows): what a
 * split costs. Its files go in a directory of their own, made first, which is the output measured
 * and removed.
 */
function splitCsv(t: Target): Variant {
  const id = `${FILE_BASELINE_ID}, --max-file-rows 100000`;
  const output = join(t.scratch, slug(id));
  const exportArgv = [...t.goldDigger, "--db-url", t.url, "-q", t.query, "-o", join(output, "part.csv"), "--max-file-rows", "100000", "--force", "--workers", "0"];
  return { id, group: "split", command: { argv: ["bash", "-c", 'mkdir -p "$1" && shift && exec "$@"', "bash", output, ...exportArgv], output } };
}

/** Parts are compared with one process reading as many ranges at once (issue 22's target). */
export const PARTS = 4;
export const PARTS_BASELINE_ID = `gold-digger csv, --parallel ${PARTS}, workers 0`;

/**
 * One export over PARTS processes as docs/parts.md runs them from a shell: `plan` (which holds the
 * snapshot's barrier) in the background, the parts at once when the plan file is there, then
 * `commit`. Wall time and CPU cover all of them; peak RSS is the largest process's.
 */
function partsCsv(t: Target): Variant {
  const id = `gold-digger csv, plan + ${PARTS} part processes + commit, workers 0`;
  const output = join(t.scratch, slug(id));
  const script = `set -eu
out=$1 url=$2 query=$3; shift 3
mkdir -p "$out"
"$@" plan --db-url "$url" -q "$query" --split-by id --parts ${PARTS} --workers 0 --plan "$out/plan.json" -o "$out/part-{part}.csv" &
plan=$!
trap 'kill "$plan" 2>/dev/null || true' EXIT
until [ -f "$out/plan.json" ]; do sleep 0.01; done
pids=
for i in $(seq 0 ${PARTS - 1}); do "$@" part --db-url "$url" --plan "$out/plan.json" --part "$i" & pids="$pids $!"; done
for pid in $pids; do wait "$pid"; done
wait "$plan"
"$@" commit --plan "$out/plan.json"`;
  return { id, group: "parts", command: { argv: ["bash", "-c", script, "bash", output, t.url, t.query, ...t.goldDigger], output } };
}

/** CSV and .csv.zst of the same rows, that Parquet is compared with (README "Parquet"). */
export const PARQUET_BASELINES = { time: "gold-digger csv, workers 0", size: "gold-digger csv.zst, workers 0" };

/** Parquet (always encoded on the main thread) with extra flags: a codec, a row-group size. */
function parquet(t: Target, flags: string[]): Variant {
  const id = `gold-digger parquet${flags.length > 0 ? `, ${flags.join(" ")}` : ""}`;
  const output = join(t.scratch, `${slug(id)}.parquet`);
  return { id, group: "parquet", command: { argv: [...t.goldDigger, "--db-url", t.url, "-q", t.query, "-o", output, "--force", ...flags], output } };
}

const PARQUET_FLAGS = [[], ["--compress", "snappy"], ["--row-group-rows", "32768"]];

export const REFERENCE_ID = "mariadb --batch --quick > file";
export const CEILING_ID = "queryStream, raw rows, count only";

function reference(t: Target): Variant {
  return {
    id: REFERENCE_ID,
    group: "reference",
    command: {
      argv: ["mariadb", "--batch", "--quick", "-h127.0.0.1", `-P${t.port}`, "-uroot", BENCH_DATABASE, "-e", t.query],
      stdoutFile: join(t.scratch, "mariadb.tsv"),
    },
  };
}

// The probe's contract, which holds while its insides change: argv PORT QUERY raw|decoded,
// and one JSON object on stdout with at least { rows }.
function countOnly(t: Target, mode: "raw" | "decoded"): Variant {
  return {
    id: mode === "raw" ? CEILING_ID : "queryStream, decoded rows, count only",
    group: "ceiling",
    command: { argv: [process.execPath, join(PROBES, "stream-count.ts"), String(t.port), t.query, mode], reportsJson: true },
  };
}

/** gold-digger reading ranges of the primary key with `parallel` connections (issue 11). */
export function parallelRead(t: Target, parallel: number, workers: number): Variant {
  const id = `gold-digger csv, --parallel ${parallel}, workers ${workers}`;
  const output = join(t.scratch, `${slug(id)}.csv`);
  const argv = [...t.goldDigger, "--db-url", t.url, "-q", t.query, "--split-by", "id", "--parallel", String(parallel)];
  return { id, group: "parallel", command: { argv: [...argv, "--workers", String(workers), "-o", output, "--force"], output } };
}

/** The socket floor reads about as many bytes as the wide shape's rows take on the wire. */
export const SOCKET_FLOOR_BYTES_PER_ROW = 200;

const SOCKET_FLOOR_MODES = {
  data: "node:net 'data' events",
  connect: "Bun.connect",
  pause: "node:net, paused every MiB",
  recv: "recv(2) into one buffer (bun:ffi)",
} as const;

/**
 * The runtime alone: a bare reader of `bytes` bytes from the byte server at `port`
 * (bench/byte-server.ts), each way of reading a socket that Bun offers in process.
 */
export function socketFloor(port: number, bytes: number): Variant[] {
  return Object.entries(SOCKET_FLOOR_MODES).map(([mode, how]) => ({
    id: `socket floor: ${Math.round(bytes / 2 ** 20)} MiB, ${how}`,
    group: "floor",
    command: { argv: [process.execPath, join(PROBES, "socket-floor.ts"), String(port), String(bytes), mode], reportsJson: true },
    readsNoRows: true,
  }));
}

export const MYDUMPER_ID = "mydumper -t 2 -r 100000 (SQL chunk files)";

/** Why the mydumper baseline is missing from a run, or undefined when it is there. */
export const mydumperMissing = () => (Bun.which("mydumper") ? undefined : "mydumper is not installed (Debian package mydumper): its baseline is skipped");

/** mydumper's parallel dump of the same table (Debian package mydumper), if it is installed. */
function mydumper(t: Target): Variant[] {
  if (mydumperMissing()) return [];
  const output = join(t.scratch, "mydumper");
  // The bare table name: mydumper 0.10 dumps nothing for `-T db.table`.
  const argv = ["mydumper", "-h", "127.0.0.1", "-P", String(t.port), "-u", "root", "-B", BENCH_DATABASE, "-T", t.table];
  return [{ id: MYDUMPER_ID, group: "parallel", command: { argv: [...argv, "-t", "2", "-r", "100000", "-o", output], output } }];
}

/**
 * Same bytes as the mariadb client's case: stdout redirected to a file, no temp file, no fsync,
 * no rename. The difference to "csv, workers default" is the atomic sink's cost.
 */
function csvToStdout(t: Target): Variant {
  return {
    id: "gold-digger csv, workers default, -o - > file",
    group: "gold-digger",
    command: {
      argv: [...t.goldDigger, "--db-url", t.url, "-q", t.query, "-o", "-", "-f", "csv"],
      stdoutFile: join(t.scratch, "stdout.csv"),
    },
  };
}

/**
 * CSV through a pipe (`| cat > file`): stdout is then Bun's non-blocking pipe, whose reader can
 * fall behind; a writer that waited badly for it once took 3-4x as long as `> file`.
 */
function csvThroughPipe(t: Target): Variant {
  const output = join(t.scratch, "piped.csv");
  const pipeline = 'out=$1; shift; set -o pipefail; "$@" | cat > "$out"';
  return {
    id: "gold-digger csv, workers default, -o - piped to cat > file",
    group: "gold-digger",
    command: { argv: ["bash", "-c", pipeline, "bash", output, ...t.goldDigger, "--db-url", t.url, "-q", t.query, "-o", "-", "-f", "csv"], output },
  };
}

/** The wide shape's full set. `compressed`: the extensions (csv.gz, csv.zst) whose output passed the round-trip check. */
export function comparisonVariants(t: Target, compressed: string[]): Variant[] {
  const variants: Variant[] = [reference(t), countOnly(t, "decoded"), countOnly(t, "raw")];
  for (const format of FORMATS) {
    for (const w of WORKERS) variants.push(goldDigger(t, format, w));
    if (format === "csv") variants.push(splitCsv(t));
  }
  variants.push(csvToStdout(t), csvThroughPipe(t), toS3(t));
  for (const ext of compressed) for (const w of WORKERS) variants.push(goldDigger(t, ext, w, "compression"));
  for (const flags of PARQUET_FLAGS) variants.push(parquet(t, flags));
  for (const parallel of [1, 2, PARTS]) for (const w of WORKERS) variants.push(parallelRead(t, parallel, w));
  variants.push(partsCsv(t));
  variants.push(...mydumper(t));
  const loadAllOutput = join(t.scratch, "load-all.csv");
  variants.push({
    id: "load all rows, then papaparse CSV",
    group: "load-all",
    command: {
      argv: [process.execPath, join(PROBES, "load-all.ts"), String(t.port), t.query, loadAllOutput],
      output: loadAllOutput,
      reportsJson: true,
    },
  });
  return variants;
}

/** gold-digger --version: start-up and exit alone, which every run pays before it connects. */
function startUp(t: Target): Variant {
  return { id: "gold-digger --version (start-up only)", group: "gold-digger", command: { argv: [...t.goldDigger, "--version"] }, readsNoRows: true };
}

/**
 * The other shapes: the client and the ceiling as the bars, gold-digger's text and structured
 * output to a file, CSV to stdout (the durable file's cost) and mydumper. A small export also
 * shows start-up alone.
 */
export function shapeVariants(t: Target, small = false): Variant[] {
  const variants = [reference(t), countOnly(t, "raw"), goldDigger(t, "csv", undefined), csvToStdout(t), goldDigger(t, "json", undefined)];
  return [...variants, ...mydumper(t), ...(small ? [startUp(t)] : [])];
}
