// Flags + environment -> ExportConfig. A flag beats its environment variable; anything
// missing, conflicting or malformed is a configuration error (exit 2).
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Compression, ExportConfig, Format, TlsMode } from "../config.ts";
import { configError, errnoWords } from "../errors.ts";
import { COMPRESSED_INSIDE, COMPRESSION_BY_EXTENSION, COMPRESSIONS, DEFAULT_ROW_GROUP_ROWS, FORMAT_BY_EXTENSION, FORMATS, INSIDE_DEFAULT, KNOWN_EXTENSIONS } from "../formats.ts";
import type { FileLimits } from "../pipeline/file-split.ts";
import { s3TargetOf } from "../output/s3-target.ts";
import { ringSize } from "../pipeline/ring.ts";
import { refuseClosedStdin } from "../std-fds.ts";
import { resolveConnection, URL_SOURCES, type ResolvedConnection } from "./connection-target.ts";
import { readOptionFiles, type OptionFileChoice } from "./option-files.ts";
import { decodeUtf8 } from "./utf8-input.ts";

export type ParsedFlags = Record<string, string | boolean | undefined>;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === "string" ? v : undefined);

/** Own keys only: a name like `x.constructor` must not find Object's prototype. */
const lookup = <T>(table: Record<string, T>, key: string | undefined): T | undefined =>
  key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;

/** The extensions of a file name, lowercase: `dir/Out.CSV.gz` -> ["csv", "gz"]. */
const extensionsOf = (path: string) => path.toLowerCase().split("/").pop()!.split(".").slice(1);

/** Format and compression from a file name such as out.CSV.gz. */
export function inferFromPath(path: string): { format?: Format; compression: Compression } {
  const extensions = extensionsOf(path);
  // A lone `.gz` names no format: it is read as one, and found unknown.
  const compression = extensions.length > 1 ? lookup(COMPRESSION_BY_EXTENSION, extensions.at(-1)) : undefined;
  if (compression) extensions.pop();
  const format = lookup(FORMAT_BY_EXTENSION, extensions.at(-1));
  // `x.parquet.gz` is no file we write: Parquet's compression is inside.
  if (compression && format && COMPRESSED_INSIDE.has(format)) return { format: undefined, compression: "none" };
  return { format, compression: compression ?? "none" };
}

/**
 * Where --format or --compress contradicts the output's name (`-f json -o out.csv`): allowed,
 * since the user asked for it, but more often a slip that leaves a misleading file name.
 */
export function configWarnings(cfg: ExportConfig): string[] {
  const warnings = [...cfg.connection.warnings, ...outputNameWarnings(cfg)];
  if (cfg.splitBy !== undefined && cfg.consistency === "none" && cfg.parallel > 1) {
    warnings.push("--consistency none: each reader sees the data as it is when its range starts, not one snapshot");
  }
  return warnings;
}

function outputNameWarnings(cfg: ExportConfig): string[] {
  if (cfg.output === "-") return [];
  const named = inferFromPath(cfg.output);
  const extensions = extensionsOf(cfg.output);
  const warnings: string[] = [];
  if (named.format && named.format !== cfg.format) {
    const formatExtension = extensions.at(named.compression === "none" ? -1 : -2);
    warnings.push(`writing ${cfg.format} to a .${formatExtension} file`);
  }
  // Only a name with a known extension says anything about compression: `-o dump` does not;
  // and none says anything about compression inside the file.
  if (COMPRESSED_INSIDE.has(cfg.format)) return warnings;
  if ((named.format || named.compression !== "none") && named.compression !== cfg.compression) {
    warnings.push(`writing ${cfg.compression === "none" ? "uncompressed data" : cfg.compression} to a .${extensions.at(-1)} file`);
  }
  return warnings;
}

// Plain decimal digits: Number() would also take " " (as 0), "0x2", "1e1" and "-0".
const WHOLE_NUMBER = /^\d+$/;
const DECIMAL_NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

export function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = WHOLE_NUMBER.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw configError(`--${flag} must be a whole number from ${min} to ${max}, got '${raw}'`);
  return n;
}

/** Timers count whole milliseconds: anything shorter would round to 0, which means no limit at all. */
const MIN_SECONDS = 0.001;
/** The longest a timer can wait (2^31 - 1 ms, ~24.8 days); a longer one fires at once. */
const MAX_SECONDS = 2_147_483;

/** A duration in seconds, as milliseconds. 0 is allowed only where it means "never". */
export function seconds(flag: string, raw: string | undefined, fallback: number, zeroMeansNever: boolean): number {
  if (raw === undefined) return fallback * 1000;
  const n = DECIMAL_NUMBER.test(raw) ? Number(raw) : NaN;
  if ((n === 0 && zeroMeansNever) || (n >= MIN_SECONDS && n <= MAX_SECONDS)) return Math.round(n * 1000);
  const never = zeroMeansNever ? ", or 0 for never" : "";
  throw configError(`--${flag} must be a number of seconds from ${MIN_SECONDS} to ${MAX_SECONDS}${never}, got '${raw}'`);
}

/**
 * The byte-level serializers (and zstd) cost less than handing a batch to another thread, so
 * they are fastest on the main thread; gzip is ~4x costlier and gains from a worker per core
 * even on 2 cores (bench/README.md).
 */
function defaultWorkers(compression: Compression): number {
  return compression === "gzip" ? availableParallelism() : 0;
}

/**
 * Parquet is encoded on the main thread, whatever --workers says: its row groups are large and
 * stateful (the footer indexes every page), and on 2 cores worker threads made it slower and
 * bigger (bench/README.md).
 */
function encoderThreads(format: Format, requested: number): number {
  return COMPRESSED_INSIDE.has(format) ? 0 : requested;
}

/** The query in `file`; "-" reads standard input. */
function readQueryFile(file: string): string {
  const source = file === "-" ? "standard input (--query-file -)" : `--query-file ${file}`;
  if (file === "-") refuseClosedStdin(source);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === "-" ? 0 : file);
  } catch (error) {
    throw configError(`cannot read ${source}: ${errnoWords(error)}`);
  }
  let text = decodeUtf8(bytes, source);
  // Editors on Windows start UTF-8 files with a byte-order mark; the server would reject it as SQL.
  text = text.replace(/^\uFEFF/, "");
  if (!text.trim()) throw configError(`${source} is empty`);
  return text;
}

function resolveQuery(flags: ParsedFlags, env: Record<string, string | undefined>): string {
  const inline = str(flags.query);
  const file = str(flags["query-file"]);
  if (inline !== undefined && file !== undefined) throw configError("--query and --query-file conflict: give one");
  if (file !== undefined) return readQueryFile(file);
  const query = inline ?? env.DATABASE_QUERY;
  if (!query?.trim()) throw configError("missing query: pass --query, --query-file or set DATABASE_QUERY");
  return query;
}

/** What each TLS flag amounts to in the URL's terms, for the message refusing both together. */
const INSTEAD_OF_SSL_MODE: Record<Exclude<TlsMode, "default">, string> = {
  "ca-file": "remove ssl-mode from the URL to verify against the CA file (the host name is checked too)",
  "skip-hostname": "give one (the flag is ssl-mode=VERIFY_CA, with the system's CAs)",
  "allow-invalid": "give one (the flag is ssl-mode=REQUIRED)",
};

/** --no-defaults, --defaults-file, --defaults-extra-file: at most one, as each excludes the others' files. */
function optionFileChoice(flags: ParsedFlags): OptionFileChoice {
  const only = str(flags["defaults-file"]);
  const extraFile = str(flags["defaults-extra-file"]);
  const given = [flags["no-defaults"] && "--no-defaults", only !== undefined && "--defaults-file", extraFile !== undefined && "--defaults-extra-file"].filter(Boolean);
  // The client reads only --defaults-file when both are given, ignoring the other in silence.
  if (given.length > 1) throw configError(`${given.join(" and ")} conflict: give one`);
  if (flags["no-defaults"]) return { read: "none" };
  return only === undefined ? { read: "defaults", extraFile } : { read: "only", file: only };
}

/**
 * The TLS flags, at most one of them, and never beside a URL's ssl-mode: honouring one of the
 * two in silence would verify more or less than the user believes. A flag beats an option
 * file's ssl-mode and ssl-ca, as the command line beats option files in the client.
 */
function resolveTls(flags: ParsedFlags, connection: ResolvedConnection): ExportConfig["tls"] {
  const chosen: { mode: Exclude<TlsMode, "default">; flag: string }[] = [];
  const caFile = str(flags["tls-ca-file"]);
  if (caFile !== undefined) chosen.push({ mode: "ca-file", flag: "--tls-ca-file" });
  if (flags["insecure-skip-hostname-verify"]) chosen.push({ mode: "skip-hostname", flag: "--insecure-skip-hostname-verify" });
  if (flags["allow-invalid-certificate"]) chosen.push({ mode: "allow-invalid", flag: "--allow-invalid-certificate" });
  if (chosen.length > 1) throw configError(`${chosen.map((c) => c.flag).join(" and ")} conflict: choose one TLS mode`);
  const [choice] = chosen;
  const { target, sources, caFile: fileCa } = connection;
  if (!choice) {
    if (!fileCa) return { mode: "default" };
    // An option file's ssl-ca verifies as --tls-ca-file does, unless an ssl-mode says how far.
    return { mode: target.sslMode === undefined ? "ca-file" : "default", caFile: fileCa.value, caSource: `ssl-ca in ${fileCa.from}` };
  }
  if (target.sslMode && URL_SOURCES.has(sources.sslMode ?? "")) {
    throw configError(`ssl-mode=${target.sslMode} in the URL and ${choice.flag} conflict: ${INSTEAD_OF_SSL_MODE[choice.mode]}`);
  }
  // The flag beats an option file's ssl-mode: hints on failure must not suggest changing it.
  delete target.sslMode;
  return { mode: choice.mode, caFile };
}

const SIZE = /^(\d+)([KMG]?)$/i;
const SIZE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** --max-file-rows and --max-file-size: files in a directory or under a bucket's prefix, never on stdout. */
function resolveSplit(flags: ParsedFlags, output: string): FileLimits | undefined {
  const rows = str(flags["max-file-rows"]);
  const size = str(flags["max-file-size"]);
  if (rows === undefined && size === undefined) return undefined;
  const flag = rows === undefined ? "--max-file-size" : "--max-file-rows";
  if (output === "-") throw configError(`${flag} writes several files: give -o a file name, not stdout`);
  const sized = size === undefined ? undefined : SIZE.exec(size);
  const maxBytes = sized ? Number(sized[1]) * SIZE_UNITS[sized[2].toLowerCase()] : undefined;
  if (size !== undefined && !(Number.isSafeInteger(maxBytes) && (maxBytes ?? 0) >= 1)) {
    throw configError(`--max-file-size must be a number of bytes, optionally with K, M or G, got '${size}'`);
  }
  return { maxRows: rows === undefined ? undefined : integer("max-file-rows", rows, 0, 1, Number.MAX_SAFE_INTEGER), maxBytes };
}

/** --split-by, --parallel and --consistency: several readers only with ranges to share out. */
function resolveParallel(flags: ParsedFlags): Pick<ExportConfig, "splitBy" | "parallel" | "consistency"> {
  const splitBy = str(flags["split-by"]);
  const parallel = integer("parallel", str(flags.parallel), 1, 1, 64);
  const consistency = str(flags.consistency)?.toLowerCase() ?? "snapshot";
  if (consistency !== "snapshot" && consistency !== "none") throw configError(`unknown --consistency '${consistency}': use snapshot or none`);
  if (flags.parallel !== undefined && splitBy === undefined) throw configError("--parallel needs --split-by COLUMN: the column whose ranges the readers share");
  if (splitBy !== undefined && !splitBy.trim()) throw configError("--split-by needs a column name");
  if (flags.consistency !== undefined && splitBy === undefined) throw configError("--consistency applies only with --split-by");
  return { splitBy, parallel, consistency };
}

/** Where and how to connect: the URL (flag, then DATABASE_URL), option files, TLS flags and --connect-timeout. */
export function resolveConnectionConfig(
  flags: ParsedFlags,
  env: Record<string, string | undefined>,
): Pick<ExportConfig, "dbUrl" | "connection" | "tls" | "connectTimeoutMs"> {
  const dbUrl = str(flags["db-url"]) ?? (env.DATABASE_URL || undefined);
  const source = flags["db-url"] === undefined ? ("DATABASE_URL" as const) : ("--db-url" as const);
  const connection = resolveConnection(dbUrl === undefined ? undefined : { url: dbUrl, source }, readOptionFiles(optionFileChoice(flags), env));
  return {
    dbUrl,
    connection,
    tls: resolveTls(flags, connection),
    connectTimeoutMs: seconds("connect-timeout", str(flags["connect-timeout"]), 10, false),
  };
}

/** -v with --quiet: exit 2, for an export and a part alike. */
export function refuseVerboseAndQuiet(flags: ParsedFlags, verbosity: number): void {
  if (verbosity > 0 && flags.quiet) throw configError("--verbose and --quiet conflict");
}

export function resolveConfig(
  flags: ParsedFlags,
  env: Record<string, string | undefined>,
  verbosity: number,
  stderrIsTty: boolean,
): ExportConfig {
  refuseVerboseAndQuiet(flags, verbosity);
  const { dbUrl, connection, tls, connectTimeoutMs } = resolveConnectionConfig(flags, env);
  const query = resolveQuery(flags, env);
  const output = str(flags.output) ?? env.OUTPUT_FILE;
  if (!output) throw configError("missing output: pass --output (or -o -) or set OUTPUT_FILE");
  const s3 = s3TargetOf(output, env);

  const inferred = output === "-" ? { format: undefined, compression: "none" as Compression } : inferFromPath(output);
  const formatFlag = str(flags.format)?.toLowerCase();
  if (formatFlag !== undefined && !(FORMATS as readonly string[]).includes(formatFlag)) {
    throw configError(`unknown format '${formatFlag}': use ${FORMATS.join(", ")}`);
  }
  const format = (formatFlag as Format | undefined) ?? inferred.format;
  if (!format) {
    throw configError(
      output === "-"
        ? `cannot infer the format of stdout: pass --format ${FORMATS.join("|")}`
        : `cannot infer the format of ${output}: known extensions are ${KNOWN_EXTENSIONS}; or pass --format`,
    );
  }
  const compressFlag = str(flags.compress)?.toLowerCase();
  if (compressFlag !== undefined && !(COMPRESSIONS as readonly string[]).includes(compressFlag)) {
    throw configError(`unknown compression '${compressFlag}': use ${COMPRESSIONS.join(", ")}`);
  }
  const inside = COMPRESSED_INSIDE.has(format);
  const compression = (compressFlag as Compression | undefined) ?? (inside ? INSIDE_DEFAULT : inferred.compression);
  if (compression === "snappy" && !inside) throw configError(`--compress snappy applies to parquet only, not ${format}`);
  const nullValue = str(flags["null-value"]);
  // Only a delimited format has no NULL of its own.
  if (nullValue !== undefined && format !== "csv" && format !== "tsv") throw configError(`--null-value applies to csv and tsv, not ${format}`);
  const rowGroupFlag = str(flags["row-group-rows"]);
  if (rowGroupFlag !== undefined && !inside) throw configError(`--row-group-rows applies to parquet only, not ${format}`);
  const workers = encoderThreads(format, integer("workers", str(flags.workers), defaultWorkers(compression), 0, 64));
  const { splitBy, parallel, consistency } = resolveParallel(flags);

  return {
    dbUrl,
    connection,
    query,
    output,
    s3,
    format,
    compression,
    pretty: flags.pretty === true,
    allowEmpty: flags["allow-empty"] === true,
    force: flags.force === true,
    split: resolveSplit(flags, output),
    workers,
    batchRows: integer("batch-rows", str(flags["batch-rows"]), 4096, 1, 1_000_000),
    ringSize: ringSize(workers),
    csvNewline: flags["csv-lf"] ? "\n" : "\r\n",
    nullValue,
    rowGroupRows: integer("row-group-rows", rowGroupFlag, DEFAULT_ROW_GROUP_ROWS, 1, 1_000_000),
    tls,
    connectTimeoutMs,
    readTimeoutMs: seconds("read-timeout", str(flags["read-timeout"]), 300, true),
    splitBy,
    parallel,
    consistency,
    verbosity,
    quiet: flags.quiet === true,
    progress: stderrIsTty && flags.quiet !== true,
  };
}
