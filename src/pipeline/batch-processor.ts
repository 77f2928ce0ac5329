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

function compressor(compression: Compression): (bytes: Uint8Array) => Uint8Array {
  switch (compression) {
    case "none":
      return (bytes) => bytes;
    case "gzip":
      // An empty input still yields a member; skip it so empty headers add nothing.
      return (bytes) => (bytes.length === 0 ? bytes : Bun.gzipSync(bytes as Uint8Array<ArrayBuffer>, { level: 6 }));
    case "zstd":
      return (bytes) => (bytes.length === 0 ? bytes : Bun.zstdCompressSync(bytes as Uint8Array<ArrayBuffer>, { level: 3 }));
  }
}

export function createBatchProcessor(spec: ProcessorSpec): BatchProcessor {
  const encoder = createEncoder(spec);
  const compress = compressor(spec.compression);
  return {
    header: () => compress(encoder.header()),
    batch: (rows, rowCount, isFirstBatch) => compress(encoder.batch(rows, rowCount, isFirstBatch)),
    footer: (wroteRows) => compress(encoder.footer(wroteRows)),
  };
}
