// One interface for every output format, so the pipeline does not care which it writes.
import type { Format } from "../config.ts";
import type { ColumnSpec } from "./columns.ts";
import { delimitedEncoder } from "./delimited.ts";
import { jsonEncoder } from "./json.ts";

export interface Encoder {
  /** Bytes before the first row (CSV header, JSON opening). */
  header(): Uint8Array;
  /**
   * Serializes `rowCount` concatenated text-protocol row packets. `isFirstBatch` tells
   * formats with separators between rows (JSON) whether a row precedes this batch.
   */
  batch(rows: Uint8Array, rowCount: number, isFirstBatch: boolean): Uint8Array;
  /** Bytes after the last row; `wroteRows` is false for an empty export. */
  footer(wroteRows: boolean): Uint8Array;
}

/** Everything needed to build an encoder: plain data, so it can be posted to a worker. */
export interface EncoderSpec {
  format: Format;
  columns: ColumnSpec[];
  pretty: boolean;
  csvNewline: "\r\n" | "\n";
}

export function createEncoder(spec: EncoderSpec): Encoder {
  switch (spec.format) {
    case "csv":
      return delimitedEncoder(spec.columns, ",", spec.csvNewline);
    case "tsv":
      return delimitedEncoder(spec.columns, "\t", "\n");
    case "json":
      return jsonEncoder(spec.columns, spec.pretty ? "pretty" : "compact");
    case "ndjson":
      return jsonEncoder(spec.columns, "ndjson");
  }
}
