// Rows waiting for their row group: copied out of their batches, with each field's position, into
// memory kept from one group to the next, so that a group is cut at an exact row count and written
// one column at a time (column-chunk.ts). The copy costs about 1% of the encoding. Keeping each
// batch's own buffer instead held one buffer per batch until its group was written: more than the
// buffer pool keeps, at 64k-row groups of wide rows, so batches got fresh memory (230 MB peak RSS).
import { uninitialized } from "../buffer-pool.ts";
import { copyBytes, type FieldCursor } from "../bytes.ts";

/** A row group's rows: their payloads, and where each field starts and how long it is (-1 = NULL), row-major. */
export interface GroupRows {
  payloads: Uint8Array;
  starts: Int32Array;
  lengths: Int32Array;
  rowCount: number;
  /** Fields per row. */
  width: number;
}

/** Not zero-filled: every element handed on is written first. */
function positions(size: number): Int32Array {
  return new Int32Array(uninitialized(size * 4).buffer);
}

export class PendingRows implements GroupRows {
  payloads: Uint8Array = new Uint8Array(0);
  starts: Int32Array = new Int32Array(0);
  lengths: Int32Array = new Int32Array(0);
  rowCount = 0;
  /** Bytes of `payloads` the rows take. */
  bytes = 0;

  constructor(readonly width: number) {}

  /** The next `rows` rows of the batch `cursor` walks, copied. */
  add(cursor: FieldCursor, rows: number): void {
    const first = this.rowCount * this.width;
    const end = first + rows * this.width;
    if (end > this.starts.length) this.growPositions(end);
    const from = cursor.pos;
    // Positions in the batch, moved to where its bytes go here.
    const shift = this.bytes - from;
    for (let k = first; k < end; k++) {
      const length = cursor.next();
      this.lengths[k] = length;
      this.starts[k] = shift + cursor.pos - Math.max(0, length);
    }
    const size = cursor.pos - from;
    if (this.bytes + size > this.payloads.length) this.growPayloads(this.bytes + size);
    copyBytes(cursor.buf, from, cursor.pos, this.payloads, this.bytes);
    this.bytes += size;
    this.rowCount += rows;
  }

  /** Empty again; the memory stays for the next group. */
  clear(): void {
    this.rowCount = this.bytes = 0;
  }

  private growPositions(size: number): void {
    const grown = Math.max(size, 2 * this.starts.length);
    const starts = positions(grown);
    const lengths = positions(grown);
    starts.set(this.starts.subarray(0, this.rowCount * this.width));
    lengths.set(this.lengths.subarray(0, this.rowCount * this.width));
    this.starts = starts;
    this.lengths = lengths;
  }

  private growPayloads(size: number): void {
    const grown = uninitialized(Math.max(size, 2 * this.payloads.length));
    copyBytes(this.payloads, 0, this.bytes, grown, 0);
    this.payloads = grown;
  }
}
