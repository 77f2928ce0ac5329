// The resolved command line as an ExportPlan: the one place flags become the plan that everything
// below cli/ works from.
import type { ExportConfig } from "../config.ts";
import type { EncodingPlan, ExportPlan, Protocol } from "../plan.ts";
import { planConnection } from "../source/connection/connect.ts";
import { splitQuery } from "../source/ranges/split.ts";

/**
 * Whether reading with the binary protocol (wire/row-stream.ts) makes the export faster. It takes
 * the formatting of values off the server's thread (0.45 CPU-s per million wide rows) and gives
 * this thread the rewrite (0.3 CPU-s), so it pays while this thread is the less busy of the two:
 * one reader, and an output encoded here cheaply or in workers. Not with several readers, whose
 * formatting the server spreads over as many threads (2 readers: 1.05 s binary, 0.97 s text), nor
 * when this thread also compresses or builds Parquet (.csv.zst 1.33 s binary, 1.14 s text;
 * Parquet 1.48 s, 1.18 s). Measured on the bench's wide rows, 2 cores, client 1.26 s. A result
 * too small for it to pay is still read as text: the server's estimate decides that (read-plan.ts).
 */
export function binaryProtocolPays(encoding: Pick<EncodingPlan, "format" | "compression" | "workers">, readers: number): boolean {
  const heavyHere = encoding.format === "parquet" || (encoding.compression !== "none" && encoding.workers === 0);
  return readers === 1 && !heavyHere;
}

export function planExport(cfg: ExportConfig): ExportPlan {
  const encoding: EncodingPlan = {
    format: cfg.format,
    compression: cfg.compression,
    pretty: cfg.pretty,
    csvNewline: cfg.csvNewline,
    nullValue: cfg.nullValue,
    rowGroupRows: cfg.rowGroupRows,
    workers: cfg.workers,
    ringSize: cfg.ringSize,
  };
  const readers = cfg.splitBy === undefined ? 1 : cfg.parallel;
  const protocol: Protocol = binaryProtocolPays(encoding, readers) ? "binary" : "text";
  return {
    connection: planConnection(cfg.connection.target, cfg.tls, cfg.connectTimeoutMs),
    read: {
      query: cfg.query,
      split: cfg.splitBy === undefined ? undefined : splitQuery(cfg.query, cfg.splitBy),
      readers,
      consistency: cfg.consistency,
      protocol,
      batchRows: cfg.batchRows,
      readTimeoutMs: cfg.readTimeoutMs,
      binlogPosition: cfg.split !== undefined,
    },
    encoding,
    output: { path: cfg.output, s3: cfg.s3, force: cfg.force, allowEmpty: cfg.allowEmpty, split: cfg.split },
  };
}
