// One interface for every output format, so the pipeline does not care which it writes.
import { DEFAULT_ROW_GROUP_ROWS, type Compression, type Format } from "../formats.ts";
import type { ColumnSpec } from "./columns.ts";
import { compressed } from "./compress.ts";
import { delimitedEncoder } from "./delimited.ts";
import { jsonEncoder } from "./json.ts";
import { ltsvEncoder } from "./ltsv.ts";

export interface Encoder {
  /** Bytes before the first row (CSV header, JSON opening). */
  header(): Uint8Array<ArrayBuffer>;
  /**
   * Encodes `rowCount` concatenated text-protocol row payloads. `isFirstBatch` tells formats
   * with separators between rows (JSON) whether a row precedes this batch.
   */
  batch(payloads: Uint8Array, rowCount: number, isFirstBatch: boolean): Uint8Array<ArrayBuffer>;
  /** A result of batch() is written: its memory may serve a later batch. */
  recycle(chunk: Uint8Array): void;
  /** Bytes after the last row; `wroteRows` is false for an empty export. */
  footer(wroteRows: boolean): Uint8Array<ArrayBuffer>;
}

/** Everything needed to build an encoder: plain data, so it can be posted to a worker. */
export interface EncoderSpec {
  format: Format;
  columns: ColumnSpec[];
  pretty: boolean;
  csvNewline: "\r\n" | "\n";
  compression: Compression;
  /** CSV/TSV: the text written for NULL (--null-value); unset, NULL is an empty field. */
  nullValue?: string;
  /** Parquet: rows per row group (default DEFAULT_ROW_GROUP_ROWS). */
  rowGroupRows?: number;
}

/** What an encoder may report while it works (Parquet: zero dates written as null). */
export interface EncoderHooks {
  warn(line: string): void;
}

function streamEncoder(format: Exclude<Format, "parquet">, spec: EncoderSpec, hooks: EncoderHooks): Encoder {
  switch (format) {
    case "csv":
      return delimitedEncoder(spec.columns, ",", spec.csvNewline, spec.nullValue);
    case "tsv":
      return delimitedEncoder(spec.columns, "\t", "\n", spec.nullValue);
    case "json":
      return jsonEncoder(spec.columns, spec.pretty ? "pretty" : "compact");
    case "ndjson":
      return jsonEncoder(spec.columns, "ndjson");
    case "ltsv":
      return ltsvEncoder(spec.columns, hooks.warn);
  }
}

export function createEncoder(spec: EncoderSpec, hooks: EncoderHooks = { warn: () => {} }): Encoder {
  // Parquet compresses each page itself; the config refuses snappy for the other formats.
  const { format, compression } = spec;
  if (format === "parquet") {
    // Loaded by the one export that writes Parquet: at the call, a chunk of its own in the
    // compiled binary (an import would load the writer for every format).
    const { parquetEncoder } = require("./parquet/encoder.ts") as typeof import("./parquet/encoder.ts");
    return parquetEncoder(spec.columns, { compression, rowGroupRows: spec.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS, warn: hooks.warn });
  }
  if (compression === "snappy") throw new Error("snappy compresses Parquet only");
  return compressed(streamEncoder(format, spec, hooks), compression);
}
