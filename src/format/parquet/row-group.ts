// Rows waiting for their row group: the batches as they came, with each field's position, so a
// group can be cut at an exact row count and its columns decoded one at a time when the writer
// asks for them (only one column's values are alive at once).
import type { ColumnSource } from "hyparquet-writer";
import { FieldCursor, moveOut } from "../bytes.ts";
import * as parse from "./values.ts";
import { Values, type ParquetColumn } from "./schema.ts";

/** One batch: its payloads, and where each field starts and how long it is (-1 = NULL), row-major. */
interface Fields {
  payloads: Uint8Array;
  starts: Int32Array;
  lengths: Int32Array;
  rowCount: number;
}

function fieldsOf(payloads: Uint8Array, rowCount: number, width: number): Fields {
  const starts = new Int32Array(rowCount * width);
  const lengths = new Int32Array(rowCount * width);
  const cursor = new FieldCursor(payloads);
  for (let k = 0; k < starts.length; k++) {
    const length = cursor.next();
    lengths[k] = length;
    starts[k] = cursor.pos - Math.max(0, length);
  }
  cursor.expectEnd(payloads.length);
  return { payloads, starts, lengths, rowCount };
}

/** Rows [from, to) of one batch. */
interface Slice {
  fields: Fields;
  from: number;
  to: number;
}

export class PendingRows {
  private readonly batches: Fields[] = [];
  /** Rows of the first batch already given to an earlier group. */
  private taken = 0;
  rows = 0;
  bytes = 0;

  constructor(
    private readonly columns: ParquetColumn[],
    /** Called for a zero date, once per column. */
    private readonly zeroDate: (column: number) => void,
  ) {}

  add(payloads: Uint8Array, rowCount: number): void {
    if (rowCount === 0) return;
    const bytes = payloads.length;
    // Moved out, not copied: the source would reuse the batch's buffer once the encoder returns.
    this.batches.push(fieldsOf(moveOut(payloads), rowCount, this.columns.length));
    this.rows += rowCount;
    this.bytes += bytes;
  }

  /** The first `count` rows, removed, as the writer's lazily decoded columns. */
  take(count: number): ColumnSource[] {
    const slices: Slice[] = [];
    for (let need = count; need > 0; ) {
      const fields = this.batches[0]!;
      const from = this.taken;
      const to = Math.min(fields.rowCount, from + need);
      slices.push({ fields, from, to });
      need -= to - from;
      if (to === fields.rowCount) {
        this.batches.shift();
        this.bytes -= fields.payloads.length;
        this.taken = 0;
      } else this.taken = to;
    }
    this.rows -= count;
    const { columns, zeroDate } = this;
    let cached = -1;
    let values: unknown[] = [];
    return columns.map((column, j) => ({
      name: column.element.name,
      // The writer reads each column's data when it reaches it: decoded then, and only the
      // latest column's is kept.
      get data() {
        if (cached !== j) {
          values = []; // the previous column's, collectable while this one is decoded
          values = decode(slices, j, columns.length, column.values, () => zeroDate(j));
          cached = j;
        }
        return values as ColumnSource["data"];
      },
    }));
  }
}

type Parser = (src: Uint8Array, start: number, end: number) => unknown;

/** Each kind's parser; only a zero date's returns null for a value that is not NULL. */
const PARSERS: Record<Values, Parser> = {
  [Values.Int32]: parse.int32,
  [Values.Int64]: parse.int64,
  [Values.Decimal]: parse.unscaledDecimal,
  [Values.Bit]: parse.bit,
  [Values.Float]: parse.float,
  [Values.Date]: parse.date,
  [Values.Timestamp]: parse.timestampMicros,
  [Values.Bytes]: (src, start, end) => src.subarray(start, end),
};

/** Column j's values over the slices, as its Parquet type takes them. */
function decode(slices: Slice[], j: number, width: number, kind: Values, zeroDate: () => void): unknown[] {
  const parser = PARSERS[kind];
  const out: unknown[] = [];
  for (const { fields, from, to } of slices) {
    const { payloads: src, starts, lengths } = fields;
    for (let r = from; r < to; r++) {
      const k = r * width + j;
      const length = lengths[k]!;
      if (length < 0) {
        out.push(null);
        continue;
      }
      const value = parser(src, starts[k]!, starts[k]! + length);
      if (value === null) zeroDate();
      out.push(value);
    }
  }
  return out;
}
