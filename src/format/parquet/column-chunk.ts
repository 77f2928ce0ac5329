// One column of one row group, written straight from the rows' bytes: each value is parsed from
// the server's text and PLAIN-encoded into a page buffer (text and binary are copied as they
// are), with no JavaScript value per field except a number. Pages are DATA_PAGE_V2 of about
// PAGE_BYTES, their definition levels RLE, their headers and the levels' encoding
// hyparquet-writer's. No dictionary: on the bench's rows zstd over PLAIN pages made a file 1%
// larger than with dictionaries, which cost a quarter of the encoding time.
import type { ColumnChunk, CompressionCodec, OffsetIndex, Statistics } from "hyparquet";
import type { ByteWriter } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import { ByteWriter as LevelWriter } from "hyparquet-writer/src/bytewriter.js";
import { copyBytes } from "../bytes.ts";
import { isValidJson } from "../json-check.ts";
import { jsonStringBytes } from "../json.ts";
import type { GroupRows } from "./row-group.ts";
import { Values, type ParquetColumn } from "./schema.ts";
import * as parse from "./values.ts";

/** A page ends once its values take this many bytes (parquet-mr's and hyparquet-writer's default). */
const PAGE_BYTES = 1 << 20;

/**
 * Byte-array statistics are cut to this many bytes in the footer (hyparquet-writer's default);
 * one byte more is kept until then, which truncates and flags them exactly as the whole value would.
 */
export const STATISTICS_BYTES = 16;

/** A non-null value as parsed: a number wherever it is exact, else a bigint; null for a date that names no day. */
type Parsed = number | bigint | null;
type Parser = (src: Uint8Array, start: number, end: number) => Parsed;

const PARSERS: Record<Exclude<Values, Values.Bytes | Values.Json>, Parser> = {
  [Values.Int32]: parse.int32,
  [Values.Int64]: parse.int64,
  [Values.Decimal]: parse.unscaledDecimal,
  [Values.Bit]: parse.bit,
  [Values.Float]: parse.float,
  [Values.Date]: parse.date,
  [Values.Timestamp]: parse.timestampMicros,
};

type Put = (view: DataView, at: number, value: number | bigint) => void;

const TWO_32 = 2 ** 32;

function putInt64(view: DataView, at: number, value: number | bigint): void {
  if (typeof value === "bigint") {
    view.setBigUint64(at, BigInt.asUintN(64, value), true);
    return;
  }
  const high = Math.floor(value / TWO_32);
  view.setUint32(at, value - high * TWO_32, true);
  view.setInt32(at + 4, high, true);
}

/**
 * DECIMAL wider than 18 digits: big-endian two's complement in `width` bytes, written 8 bytes at a
 * time and the rest from a number where it holds them exactly: a bigint operation per byte cost
 * more than the rest of the value's path.
 */
function putFixed(width: number): Put {
  const restBytes = width % 8;
  return (view, at, value) => {
    let bits = BigInt.asUintN(width * 8, BigInt(value));
    let i = width;
    for (; i >= 8; i -= 8, bits >>= 64n) view.setBigUint64(at + i - 8, BigInt.asUintN(64, bits));
    if (restBytes > 6) {
      for (; i > 0; i--, bits >>= 8n) view.setUint8(at + i - 1, Number(bits & 0xffn));
      return;
    }
    for (let rest = Number(bits); i > 0; i--, rest = Math.floor(rest / 256)) view.setUint8(at + i - 1, rest % 256);
  };
}

/** Each fixed-width physical type: its PLAIN width and writer. */
function fixedWidth(column: ParquetColumn): { width: number; put: Put } {
  const { type, type_length } = column.element;
  switch (type) {
    case "INT32":
      return { width: 4, put: (view, at, value) => view.setInt32(at, value as number, true) };
    case "INT64":
      return { width: 8, put: putInt64 };
    case "FLOAT":
      return { width: 4, put: (view, at, value) => view.setFloat32(at, value as number, true) };
    case "DOUBLE":
      return { width: 8, put: (view, at, value) => view.setFloat64(at, value as number, true) };
    case "FIXED_LEN_BYTE_ARRAY":
      return { width: type_length!, put: putFixed(type_length!) };
    default:
      throw new Error(`no PLAIN writer for ${type}`);
  }
}

/** The page being filled: its definition levels and PLAIN values; one for every page of the file. */
export class PageBuffer {
  bytes = new Uint8Array(PAGE_BYTES);
  view = new DataView(this.bytes.buffer);
  length = 0;
  levels = new Uint8Array(0);
  /** Values and NULLs in the page. */
  count = 0;
  nulls = 0;

  /** Room for a page of up to `rows` rows. */
  reset(rows: number): void {
    if (this.levels.length < rows) this.levels = new Uint8Array(rows);
    this.length = this.count = this.nulls = 0;
  }

  /** Whether a value of `size` bytes would take this page past PAGE_BYTES; a page without values takes any value. */
  full(size: number): boolean {
    return this.length > 0 && this.length + size > PAGE_BYTES;
  }

  /** Room for a value of `size` bytes: only a byte array larger than a page needs more. */
  reserve(size: number): void {
    if (this.length + size <= this.bytes.length) return;
    const grown = new Uint8Array(this.length + size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}

/** Min, max and NULL count of a column chunk, in the form hyparquet-writer's footer takes them. */
class NumericStatistics {
  min: number | bigint | undefined;
  max: number | bigint | undefined;

  /** No NaN arrives: MariaDB stores none, and an expression that would make one is NULL. */
  add(value: number | bigint): void {
    if (this.min === undefined) this.min = this.max = value;
    else if (value < this.min) this.min = value;
    else if (value > this.max!) this.max = value;
  }

  result(column: ParquetColumn, nulls: number): Statistics {
    const { type, converted_type } = column.element;
    if (type === "FLOAT" || type === "DOUBLE") {
      // The spec's order puts -0 below +0: a zero min is written as -0 and a zero max as +0.
      const min = this.min === 0 ? -0 : this.min;
      const max = this.max === 0 ? 0 : this.max;
      return { min_value: min, max_value: max, null_count: BigInt(nulls) };
    }
    // INT64 bounds go to the footer as bigints; a DECIMAL's as its unscaled bigint (a number would be scaled again).
    const asBigInt = type !== "INT32" || converted_type === "DECIMAL";
    const bound = (v: number | bigint | undefined) => (v === undefined || !asBigInt ? v : BigInt(v));
    return { min_value: bound(this.min), max_value: bound(this.max), null_count: BigInt(nulls) };
  }
}

/** Unsigned lexicographic order of two byte ranges, as the spec orders BYTE_ARRAY bounds. */
function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i] - b[bStart + i];
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Byte-array bounds, held as ranges of the group's rows and copied (cut short) at the end. */
class BytesStatistics {
  private minSrc: Uint8Array | undefined;
  private minStart = 0;
  private minEnd = 0;
  private maxSrc: Uint8Array | undefined;
  private maxStart = 0;
  private maxEnd = 0;

  add(src: Uint8Array, start: number, end: number): void {
    if (this.minSrc === undefined) {
      this.minSrc = this.maxSrc = src;
      this.minStart = this.maxStart = start;
      this.minEnd = this.maxEnd = end;
    } else if (compareBytes(src, start, end, this.minSrc, this.minStart, this.minEnd) < 0) {
      this.minSrc = src;
      this.minStart = start;
      this.minEnd = end;
    } else if (compareBytes(src, start, end, this.maxSrc!, this.maxStart, this.maxEnd) > 0) {
      this.maxSrc = src;
      this.maxStart = start;
      this.maxEnd = end;
    }
  }

  result(nulls: number): Statistics {
    const cut = (src: Uint8Array | undefined, start: number, end: number) => src?.slice(start, Math.min(end, start + STATISTICS_BYTES + 1));
    return { min_value: cut(this.minSrc, this.minStart, this.minEnd), max_value: cut(this.maxSrc, this.maxStart, this.maxEnd), null_count: BigInt(nulls) };
  }
}

export interface ChunkCodec {
  name: CompressionCodec;
  /** Absent for UNCOMPRESSED. */
  compress?: (bytes: Uint8Array) => Uint8Array;
}

export interface WrittenChunk {
  chunk: ColumnChunk;
  offsetIndex: OffsetIndex;
  /** Header, levels and values before compression, for the row group's total_byte_size. */
  uncompressed: number;
}

/**
 * Writes column `j` of `group` to `out` and describes it for the footer. `replaced`
 * is called for each value that cannot be written as it is: a date that names no calendar day,
 * written as NULL; JSON text that is not JSON, written as a JSON string.
 */
export function writeColumnChunk(
  out: ByteWriter,
  page: PageBuffer,
  group: GroupRows,
  j: number,
  column: ParquetColumn,
  codec: ChunkCodec,
  replaced: () => void,
): WrittenChunk {
  const optional = column.element.repetition_type === "OPTIONAL";
  const chunkStart = out.offset;
  const pageLocations: OffsetIndex["page_locations"] = [];
  let uncompressed = 0;
  let rowsBefore = 0;
  let nulls = 0;
  const { payloads, starts, lengths, width, rowCount: rows } = group;
  page.reset(rows);

  const flush = () => {
    if (page.count === 0) return;
    const pageStart = out.offset;
    uncompressed += writePage(out, page, optional, codec);
    pageLocations.push({ offset: BigInt(pageStart), compressed_page_size: out.offset - pageStart, first_row_index: BigInt(rowsBefore) });
    rowsBefore += page.count;
    nulls += page.nulls;
    page.reset(rows);
  };
  const addNull = () => {
    page.levels[page.count++] = 0;
    page.nulls++;
  };

  let statistics: () => Statistics;
  if (column.values === Values.Bytes || column.values === Values.Json) {
    const json = column.values === Values.Json;
    const bounds = new BytesStatistics();
    for (let k = j; k < rows * width; k += width) {
      let length = lengths[k];
      if (length < 0) {
        addNull();
        continue;
      }
      let src = payloads;
      let start = starts[k];
      // Readers check a JSON column's every value: one that is not JSON fails the whole file.
      if (json && !isValidJson(src, start, start + length)) {
        src = jsonStringBytes(src, start, start + length);
        start = 0;
        length = src.length;
        replaced();
      }
      if (page.full(4 + length)) flush();
      page.reserve(4 + length);
      page.view.setUint32(page.length, length, true);
      copyBytes(src, start, start + length, page.bytes, page.length + 4);
      page.length += 4 + length;
      page.levels[page.count++] = 1;
      bounds.add(src, start, start + length);
    }
    statistics = () => bounds.result(nulls);
  } else {
    const parser = PARSERS[column.values];
    const { width: size, put } = fixedWidth(column);
    const bounds = new NumericStatistics();
    for (let k = j; k < rows * width; k += width) {
      const length = lengths[k];
      const start = starts[k];
      const value = length < 0 ? null : parser(payloads, start, start + length);
      if (value === null) {
        if (length >= 0) replaced();
        addNull();
        continue;
      }
      if (page.full(size)) flush();
      put(page.view, page.length, value);
      page.length += size;
      page.levels[page.count++] = 1;
      bounds.add(value);
    }
    statistics = () => bounds.result(column, nulls);
  }
  flush();

  const written = out.offset - chunkStart;
  return {
    chunk: {
      file_offset: BigInt(chunkStart),
      meta_data: {
        type: column.element.type!,
        encodings: optional ? ["PLAIN", "RLE"] : ["PLAIN"],
        path_in_schema: [column.element.name],
        codec: codec.name,
        num_values: BigInt(rows),
        total_uncompressed_size: BigInt(uncompressed),
        total_compressed_size: BigInt(written),
        data_page_offset: BigInt(chunkStart),
        statistics: statistics(),
        encoding_stats: [{ page_type: "DATA_PAGE_V2", encoding: "PLAIN", count: pageLocations.length }],
      },
    },
    offsetIndex: { page_locations: pageLocations },
    uncompressed,
  };
}

/** One DATA_PAGE_V2: header, definition levels (never compressed, as V2 has it), values. Returns its uncompressed size. */
function writePage(out: ByteWriter, page: PageBuffer, optional: boolean, codec: ChunkCodec): number {
  const levels = new LevelWriter(64 + (page.count >> 3));
  if (optional) writeRleBitPackedHybrid(levels, page.levels.subarray(0, page.count), 1);
  const plain = page.bytes.subarray(0, page.length);
  const body = codec.compress?.(plain) ?? plain;
  const headerStart = out.offset;
  writePageHeader(out, {
    type: "DATA_PAGE_V2",
    uncompressed_page_size: levels.offset + plain.length,
    compressed_page_size: levels.offset + body.length,
    data_page_header_v2: {
      num_values: page.count,
      num_nulls: page.nulls,
      num_rows: page.count,
      encoding: "PLAIN",
      definition_levels_byte_length: levels.offset,
      repetition_levels_byte_length: 0,
      is_compressed: codec.compress !== undefined,
    },
  });
  const header = out.offset - headerStart;
  out.appendBytes(levels.getBytes());
  out.appendBytes(body);
  return header + levels.offset + plain.length;
}
