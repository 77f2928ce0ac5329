// Parquet as an Encoder: batches gather into row groups of a bounded size; each group is
// written column by column (column-chunk.ts) as soon as it is full, and the footer (offset
// indexes, metadata) comes last. hyparquet-writer does the Thrift: page headers and each struct
// of the metadata. Its ByteWriter is emptied after each call, so nothing but the pending rows and
// the footer's metadata, as bytes (footer.ts), stays in memory.
import type { CompressionCodec } from "hyparquet";
import { ByteWriter } from "hyparquet-writer";
import { snappyCompress } from "hyparquet-writer/src/snappy.js";
import pkg from "../../../package.json" with { type: "json" };
import { ExitCode, GdError } from "../../errors.ts";
import type { Compression } from "../../formats.ts";
import { spareBuffers } from "../buffer-pool.ts";
import { copyBytes, FieldCursor } from "../bytes.ts";
import { gzip, zstd } from "../compress.ts";
import type { ColumnSpec } from "../columns.ts";
import type { Encoder } from "../encoder.ts";
import { PageBuffer, STATISTICS_BYTES, writeColumnChunk, type ChunkCodec } from "./column-chunk.ts";
import { Footer } from "./footer.ts";
import { PendingRows } from "./row-group.ts";
import { parquetColumns, parquetSchema, Values } from "./schema.ts";

/** A group also ends at this many bytes of row data, so that wide rows (long TEXT, BLOB) stay bounded too. */
const MAX_GROUP_BYTES = 64 << 20;

/** Snappy is hyparquet-writer's; zstd and gzip are Bun's native ones. */
const CODECS: Record<Compression, ChunkCodec> = {
  zstd: { name: "ZSTD", compress: zstd },
  snappy: { name: "SNAPPY", compress: snappyCompress },
  gzip: { name: "GZIP", compress: gzip },
  none: { name: "UNCOMPRESSED" satisfies CompressionCodec },
};

/** "PAR1", at both ends of the file. */
const MAGIC = 0x31524150;

export interface ParquetOptions {
  compression: Compression;
  rowGroupRows: number;
  warn(line: string): void;
}

/** The warning for a column whose values were not all written as they are (writeColumnChunk's `replaced`). */
const REPLACED: Partial<Record<Values, string>> = {
  [Values.Date]: "zero, partial or invalid dates are written as null",
  [Values.Timestamp]: "zero, partial or invalid dates are written as null",
  [Values.Json]: "text that is not valid JSON is written as a JSON string",
};

export function parquetEncoder(specs: ColumnSpec[], options: ParquetOptions): Encoder {
  // Only a statement without a result set has no columns; it has run by now, as for every format.
  if (specs.length === 0) {
    throw new GdError(ExitCode.Query, "the statement returned no result set, and a Parquet file needs at least one column (the statement has run; another format writes an empty export)");
  }
  const columns = parquetColumns(specs);
  const codec = CODECS[options.compression];
  const out = new ByteWriter(1 << 20);
  const page = new PageBuffer();
  const pending = new PendingRows(columns.length);
  const metadata = new Footer(parquetSchema(columns), STATISTICS_BYTES);
  const warned = new Set<number>();
  const replaced = (j: number) => () => {
    if (warned.has(j)) return;
    warned.add(j);
    options.warn(`warning: column ${specs[j].name}: ${REPLACED[columns[j].values]}`);
  };

  /** What has been written since the last call, copied out of the writer's buffer. */
  const take = (): Uint8Array<ArrayBuffer> => {
    if (out.index === 0) return new Uint8Array(0);
    const bytes = spareBuffers.take(out.index).subarray(0, out.index);
    copyBytes(out.getBytes(), 0, out.index, bytes, 0);
    out.index = 0;
    return bytes;
  };
  const writeGroup = () => {
    const groupStart = out.offset;
    const written = columns.map((column, j) => writeColumnChunk(out, page, pending, j, column, codec, replaced(j)));
    metadata.addRowGroup(written, pending.rowCount, written.reduce((n, w) => n + w.uncompressed, 0), out.offset - groupStart);
    pending.clear();
  };

  out.appendUint32(MAGIC);
  return {
    header: take,
    batch(payloads, count) {
      const cursor = new FieldCursor(payloads);
      for (let left = count; left > 0; ) {
        const rows = Math.min(left, options.rowGroupRows - pending.rowCount);
        pending.add(cursor, rows);
        left -= rows;
        if (pending.rowCount === options.rowGroupRows || pending.bytes >= MAX_GROUP_BYTES) writeGroup();
      }
      cursor.expectEnd(payloads.length);
      return take();
    },
    recycle: (chunk) => spareBuffers.give(chunk.buffer),
    footer() {
      if (pending.rowCount > 0) writeGroup();
      metadata.write(out, `gold-digger ${pkg.version}`);
      out.appendUint32(MAGIC);
      return take();
    },
  };
}
