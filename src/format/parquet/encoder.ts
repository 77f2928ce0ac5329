// Parquet as an Encoder: batches gather into row groups of a bounded size; each group is
// written column by column (column-chunk.ts) as soon as it is full, and the footer (offset
// indexes, metadata) comes last. hyparquet-writer does the Thrift: page headers, indexes and
// metadata. Its ByteWriter is emptied after each call, so nothing but the pending rows and the
// footer's metadata stays in memory.
import type { CompressionCodec, RowGroup } from "hyparquet";
import { ByteWriter } from "hyparquet-writer";
import { writeIndexes } from "hyparquet-writer/src/indexes.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { snappyCompress } from "hyparquet-writer/src/snappy.js";
import pkg from "../../../package.json" with { type: "json" };
import { ExitCode, GdError } from "../../errors.ts";
import type { Compression } from "../../formats.ts";
import { spareBuffers } from "../buffer-pool.ts";
import { copyBytes } from "../bytes.ts";
import { gzip, zstd } from "../compress.ts";
import type { ColumnSpec } from "../columns.ts";
import type { Encoder } from "../encoder.ts";
import { PageBuffer, STATISTICS_BYTES, writeColumnChunk, type ChunkCodec, type WrittenChunk } from "./column-chunk.ts";
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
  const rowGroups: RowGroup[] = [];
  const chunks: WrittenChunk[] = [];
  let rowCount = 0n;
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
  const writeGroup = (rows: number) => {
    const slices = pending.take(rows);
    const groupStart = out.offset;
    const written = columns.map((column, j) => writeColumnChunk(out, page, slices, j, column, codec, replaced(j)));
    chunks.push(...written);
    // Batches whose every row is written are done with: their memory can carry rows again.
    for (const { fields, to } of slices) if (to === fields.rowCount) spareBuffers.give(fields.payloads.buffer);
    rowGroups.push({
      columns: written.map((w) => w.chunk),
      total_byte_size: BigInt(written.reduce((n, w) => n + w.uncompressed, 0)),
      num_rows: BigInt(rows),
      total_compressed_size: BigInt(out.offset - groupStart),
    });
    rowCount += BigInt(rows);
  };

  out.appendUint32(MAGIC);
  return {
    header: take,
    batch(payloads, count) {
      pending.add(payloads, count);
      while (pending.rows >= options.rowGroupRows || (pending.rows > 0 && pending.bytes >= MAX_GROUP_BYTES)) {
        writeGroup(Math.min(pending.rows, options.rowGroupRows));
      }
      return take();
    },
    recycle: (chunk) => spareBuffers.give(chunk.buffer),
    footer() {
      if (pending.rows > 0) writeGroup(pending.rows);
      writeIndexes(out, chunks);
      const metadata = { version: 2, created_by: `gold-digger ${pkg.version}`, schema: parquetSchema(columns), num_rows: rowCount, row_groups: rowGroups };
      // metadata_length is not a field of the Thrift struct: writeMetadata appends the length itself.
      writeMetadata(out, metadata as Parameters<typeof writeMetadata>[1], STATISTICS_BYTES);
      out.appendUint32(MAGIC);
      return take();
    },
  };
}
