// What happens to one batch, in a worker or on the main thread: serialize, then
// optionally compress. Each compressed chunk is a complete gzip member / zstd frame;
// concatenated members and frames are valid files that `gzip -d` and `zstd -d` read whole,
// which is what lets batches be compressed independently and in parallel.
import type { Compression } from "../config.ts";
import { createEncoder, type EncoderSpec } from "../format/encoder.ts";

export interface ProcessorSpec extends EncoderSpec {
  compression: Compression;
}

export interface BatchProcessor {
  header(): Uint8Array;
  batch(rows: Uint8Array, rowCount: number, isFirstBatch: boolean): Uint8Array;
  footer(wroteRows: boolean): Uint8Array;
}

/** Compresses one chunk into a complete gzip member / zstd frame (or passes it through). */
type Compress = (bytes: Uint8Array, evenIfEmpty?: boolean) => Uint8Array;

/**
 * Empty input still yields a member or frame of its own. It is skipped, so that an empty header
 * or footer adds nothing, unless `evenIfEmpty` asks for one.
 */
const skippingEmpty =
  (compress: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array): Compress =>
  (bytes, evenIfEmpty = false) =>
    bytes.length === 0 && !evenIfEmpty ? bytes : compress(bytes as Uint8Array<ArrayBuffer>);

function compressor(compression: Compression): Compress {
  switch (compression) {
    case "none":
      return (bytes) => bytes;
    case "gzip":
      return skippingEmpty((bytes) => Bun.gzipSync(bytes, { level: 6 }));
    case "zstd":
      return skippingEmpty((bytes) => Bun.zstdCompressSync(bytes, { level: 3 }));
  }
}

export function createBatchProcessor(spec: ProcessorSpec): BatchProcessor {
  const encoder = createEncoder(spec);
  const compress = compressor(spec.compression);
  return {
    header: () => compress(encoder.header()),
    batch: (rows, rowCount, isFirstBatch) => compress(encoder.batch(rows, rowCount, isFirstBatch)),
    // A 0-byte file is not valid gzip or zstd: an export of nothing at all (NDJSON with no rows,
    // a statement without columns) ends with the one empty member or frame it consists of.
    footer: (wroteRows) => compress(encoder.footer(wroteRows), !wroteRows && encoder.header().length === 0),
  };
}
