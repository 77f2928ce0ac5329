// The output formats and compressions, and the file extensions that name them: defined once,
// for the flags, the config, completion, the demo and the messages.
export const FORMATS = ["csv", "tsv", "json", "ndjson"] as const;
export type Format = (typeof FORMATS)[number];

export const COMPRESSIONS = ["none", "gzip", "zstd"] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const FORMAT_BY_EXTENSION: Readonly<Record<string, Format>> = {
  csv: "csv",
  tsv: "tsv",
  tab: "tsv",
  txt: "tsv",
  json: "json",
  ndjson: "ndjson",
  jsonl: "ndjson",
};

export const COMPRESSION_BY_EXTENSION: Readonly<Record<string, Exclude<Compression, "none">>> = { gz: "gzip", zst: "zstd" };

/** For messages: ".csv, .tsv, ... (each optionally followed by .gz or .zst)". */
export const KNOWN_EXTENSIONS =
  Object.keys(FORMAT_BY_EXTENSION).map((e) => `.${e}`).join(", ") +
  ` (each optionally followed by ${Object.keys(COMPRESSION_BY_EXTENSION).map((e) => `.${e}`).join(" or ")})`;
