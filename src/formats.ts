// The output formats and compressions, and the file extensions that name them: defined once,
// for the flags, the config, completion, the demo and the messages.
export const FORMATS = ["csv", "tsv", "json", "ndjson", "ltsv", "parquet"] as const;
export type Format = (typeof FORMATS)[number];

/** `a, b or c`. */
export const inWords = (items: readonly string[]) => (items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`);

const FORMAT_TITLES: Record<Format, string> = { csv: "CSV", tsv: "TSV", json: "JSON", ndjson: "NDJSON", ltsv: "LTSV", parquet: "Parquet" };

/** What the tool does, in --help and package.json (a test keeps the two equal). */
export const DESCRIPTION = `Export one MySQL/MariaDB query result to ${inWords(FORMATS.map((f) => FORMAT_TITLES[f]))}, streaming in flat memory`;

export const COMPRESSIONS = ["none", "gzip", "zstd", "snappy"] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** Compressions of a whole stream (a .gz or .zst file); snappy exists only inside Parquet. */
export type StreamCompression = Exclude<Compression, "snappy">;

/** Formats whose compression is inside the file (per page), never a suffix of its name. */
export const COMPRESSED_INSIDE: ReadonlySet<Format> = new Set(["parquet"]);
/** Their default compression. */
export const INSIDE_DEFAULT: Compression = "zstd";
/**
 * Parquet's rows per row group unless --row-group-rows says otherwise. Memory grows with the
 * group: on the bench's 10M wide rows 8k-row groups peaked at 110 MB RSS, 16k at 112-122 MB, 32k at 140 MB.
 */
export const DEFAULT_ROW_GROUP_ROWS = 16384;

export const FORMAT_BY_EXTENSION: Readonly<Record<string, Format>> = {
  csv: "csv",
  tsv: "tsv",
  tab: "tsv",
  txt: "tsv",
  json: "json",
  ndjson: "ndjson",
  jsonl: "ndjson",
  ltsv: "ltsv",
  parquet: "parquet",
};

export const COMPRESSION_BY_EXTENSION: Readonly<Record<string, Exclude<StreamCompression, "none">>> = { gz: "gzip", zst: "zstd" };

/** For messages: ".csv, .tsv, ... (each optionally followed by .gz or .zst), .parquet". */
export const KNOWN_EXTENSIONS =
  Object.keys(FORMAT_BY_EXTENSION)
    .filter((e) => !COMPRESSED_INSIDE.has(FORMAT_BY_EXTENSION[e]))
    .map((e) => `.${e}`)
    .join(", ") +
  ` (each optionally followed by ${Object.keys(COMPRESSION_BY_EXTENSION).map((e) => `.${e}`).join(" or ")}), ` +
  Object.keys(FORMAT_BY_EXTENSION)
    .filter((e) => COMPRESSED_INSIDE.has(FORMAT_BY_EXTENSION[e]))
    .map((e) => `.${e}`)
    .join(", ");
