// Rows waiting for their row group: the batches as they came, with each field's position, so a
// group can be cut at an exact row count and written one column at a time (column-chunk.ts).
import { FieldCursor, moveOut } from "../bytes.ts";

/** One batch: its payloads, and where each field starts and how long it is (-1 = NULL), row-major. */
export interface Fields {
  payloads: Uint8Array<ArrayBuffer>;
  starts: Int32Array;
  lengths: Int32Array;
  rowCount: number;
  /** Fields per row. */
  width: number;
}

function fieldsOf(payloads: Uint8Array<ArrayBuffer>, rowCount: number, width: number): Fields {
  const starts = new Int32Array(rowCount * width);
  const lengths = new Int32Array(rowCount * width);
  const cursor = new FieldCursor(payloads);
  for (let k = 0; k < starts.length; k++) {
    const length = cursor.next();
    lengths[k] = length;
    starts[k] = cursor.pos - Math.max(0, length);
  }
  cursor.expectEnd(payloads.length);
  return { payloads, starts, lengths, rowCount, width };
}

/** Rows [from, to) of one batch. */
export interface Slice {
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

  constructor(private readonly width: number) {}

  add(payloads: Uint8Array, rowCount: number): void {
    if (rowCount === 0) return;
    const bytes = payloads.length;
    // Moved out, not copied: the source would reuse the batch's buffer once the encoder returns.
    this.batches.push(fieldsOf(moveOut(payloads), rowCount, this.width));
    this.rows += rowCount;
    this.bytes += bytes;
  }

  /** The first `count` rows, removed. */
  take(count: number): Slice[] {
    const slices: Slice[] = [];
    for (let need = count; need > 0; ) {
      const fields = this.batches[0];
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
    return slices;
  }
}
