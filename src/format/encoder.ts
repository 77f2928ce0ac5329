// One interface for every output format, so the pipeline does not care which it writes.
import type { Compression, Format } from "../formats.ts";
import type { ColumnSpec } from "./columns.ts";
import { compressed } from "./compress.ts";
import { delimitedEncoder } from "./delimited.ts";
import { jsonEncoder } from "./json.ts";

export interface Encoder {
  /** Bytes before the first row (CSV header, JSON opening). */
  header(): Uint8Array<ArrayBuffer>;
  /**
   * Encodes `rowCount` concatenated text-protocol row payloads. `isFirstBatch` tells formats
   * with separators between rows (JSON) whether a row precedes this batch.
   */
  batch(payloads: Uint8Array, rowCount: number, isFirstBatch: boolean): Uint8Array<ArrayBuffer>;
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
}

function formatEncoder(spec: EncoderSpec): Encoder {
  switch (spec.format) {
    case "csv":
      return delimitedEncoder(spec.columns, ",", spec.csvNewline, spec.nullValue);
    case "tsv":
      return delimitedEncoder(spec.columns, "\t", "\n", spec.nullValue);
    case "json":
      return jsonEncoder(spec.columns, spec.pretty ? "pretty" : "compact");
    case "ndjson":
      return jsonEncoder(spec.columns, "ndjson");
  }
}

export function createEncoder(spec: EncoderSpec): Encoder {
  return compressed(formatEncoder(spec), spec.compression);
}
