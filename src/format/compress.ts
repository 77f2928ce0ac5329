// Compression as a layer over any encoder. Each compressed chunk is a complete gzip member or
// zstd frame; concatenated members and frames are valid files that `gzip -d` and `zstd -d`
// read whole, which is what lets batches be compressed independently, in parallel workers.
import type { StreamCompression } from "../formats.ts";
import type { Encoder } from "./encoder.ts";

/** gzip as `gzip -6` (its default), zstd as `zstd -3` (its default): for .gz/.zst files and Parquet pages alike. */
export const gzip = (bytes: Uint8Array) => Bun.gzipSync(bytes as Uint8Array<ArrayBuffer>, { level: 6 }) as Uint8Array<ArrayBuffer>;
export const zstd = (bytes: Uint8Array) => Bun.zstdCompressSync(bytes, { level: 3 }) as Uint8Array<ArrayBuffer>;

function compressor(compression: StreamCompression): ((bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>) | undefined {
  switch (compression) {
    case "none":
      return undefined;
    case "gzip":
      return gzip;
    case "zstd":
      return zstd;
  }
}

export function compressed(encoder: Encoder, compression: StreamCompression): Encoder {
  const compress = compressor(compression);
  if (!compress) return encoder;
  // An empty input would still make a member or frame of its own: skipped, so that an empty
  // header or footer adds nothing, unless `evenIfEmpty` asks for one.
  const layer = (bytes: Uint8Array<ArrayBuffer>, evenIfEmpty = false) =>
    bytes.length === 0 && !evenIfEmpty ? bytes : compress(bytes);
  return {
    header: () => layer(encoder.header()),
    batch(payloads, rowCount, isFirstBatch) {
      const bytes = encoder.batch(payloads, rowCount, isFirstBatch);
      const packed = layer(bytes);
      if (packed !== bytes) encoder.recycle(bytes);
      return packed;
    },
    // The compressor's own output: its memory is the runtime's to manage.
    recycle: () => {},
    // A 0-byte file is not valid gzip or zstd: an export of nothing at all (NDJSON with no rows,
    // a statement without columns) ends with the one empty member or frame it consists of.
    footer: (wroteRows) => layer(encoder.footer(wroteRows), !wroteRows && encoder.header().length === 0),
  };
}
