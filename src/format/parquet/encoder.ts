// Parquet as an Encoder: batches gather into row groups of a bounded size; each group is
// encoded and handed on as soon as it is full, and the footer (page indexes, metadata) comes
// last. hyparquet-writer does the Parquet and Thrift encoding into its ByteWriter; the bytes
// are taken out of it after each call, so nothing but the pending rows and the footer's
// metadata stays in memory.
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { CompressionCodec } from "hyparquet";
import pkg from "../../../package.json" with { type: "json" };
import type { Compression } from "../../formats.ts";
import type { ColumnSpec } from "../columns.ts";
import type { Encoder } from "../encoder.ts";
import { PendingRows } from "./row-group.ts";
import { parquetColumns, parquetSchema } from "./schema.ts";

/**
 * Rows per row group unless --row-group-rows says otherwise. Memory grows with the group: on the
 * bench's wide rows 16k-row groups peaked at 182 MB RSS over 10M rows, 32k at 231 MB.
 */
export const DEFAULT_ROW_GROUP_ROWS = 16384;
/** A group also ends at this many bytes of row data, so that wide rows (long TEXT, BLOB) stay bounded too. */
const MAX_GROUP_BYTES = 64 << 20;

const CODECS: Record<Compression, CompressionCodec> = { zstd: "ZSTD", snappy: "SNAPPY", gzip: "GZIP", none: "UNCOMPRESSED" };

/** Snappy is built into hyparquet-writer; zstd and gzip come from Bun's native ones. */
const COMPRESSORS = {
  ZSTD: (bytes: Uint8Array) => Bun.zstdCompressSync(bytes, { level: 3 }),
  GZIP: (bytes: Uint8Array) => Bun.gzipSync(bytes as Uint8Array<ArrayBuffer>, { level: 6 }),
};

export interface ParquetOptions {
  compression: Compression;
  rowGroupRows: number;
  warn(line: string): void;
}

/** Statistics keep their min and max values until the footer: copies, not views that would pin the group's batches. */
function unpinStatistics(writer: ParquetWriter): void {
  for (const chunk of writer.row_groups.at(-1)?.columns ?? []) {
    const statistics = chunk.meta_data?.statistics as Record<string, unknown> | undefined;
    if (!statistics) continue;
    for (const key of ["min_value", "max_value"]) {
      const value = statistics[key];
      if (value instanceof Uint8Array) statistics[key] = value.slice();
    }
  }
}

export function parquetEncoder(specs: ColumnSpec[], options: ParquetOptions): Encoder {
  const columns = parquetColumns(specs);
  const out = new ByteWriter(1 << 20);
  const writer = new ParquetWriter({
    writer: out,
    schema: parquetSchema(columns),
    codec: CODECS[options.compression],
    compressors: COMPRESSORS,
    createdBy: `gold-digger ${pkg.version}`,
  });
  const warned = new Set<number>();
  const pending = new PendingRows(columns, (j) => {
    if (warned.has(j)) return;
    warned.add(j);
    options.warn(`warning: column ${specs[j]!.name}: zero or partial dates are written as null`);
  });

  /** What the writer has produced since the last call, moved out of its buffer. */
  const take = (): Uint8Array<ArrayBuffer> => {
    const bytes = new Uint8Array(out.buffer.slice(0, out.index));
    out.index = 0;
    return bytes;
  };
  const writeGroup = (rows: number) => {
    void writer.write({ columnData: pending.take(rows), rowGroupSize: rows });
    unpinStatistics(writer);
  };

  return {
    header: take, // the magic number, written by the constructor
    batch(payloads, rowCount) {
      pending.add(payloads, rowCount);
      while (pending.rows >= options.rowGroupRows || (pending.rows > 0 && pending.bytes >= MAX_GROUP_BYTES)) {
        writeGroup(Math.min(pending.rows, options.rowGroupRows));
      }
      return take();
    },
    footer() {
      if (pending.rows > 0) writeGroup(pending.rows);
      void writer.finish();
      return take();
    },
  };
}
