// Cuts the stream of raw row packets into batches: at most `maxRows` rows and, so that
// wide rows cannot make a batch huge, about `maxBytes` bytes. Rows are copied into one
// buffer per batch so the whole batch moves to a worker as one transferable ArrayBuffer.
export interface Batch {
  rows: Uint8Array;
  rowCount: number;
}

export class Batcher {
  private buf: Uint8Array<ArrayBuffer>;
  private len = 0;
  private count = 0;

  constructor(
    private readonly maxRows: number,
    private readonly maxBytes: number,
    private readonly emit: (batch: Batch) => void,
  ) {
    this.buf = new Uint8Array(maxBytes);
  }

  add(row: Uint8Array): void {
    if (this.len + row.length > this.buf.length) {
      this.flush();
      // A single row larger than a batch gets a buffer of its own size.
      if (row.length > this.buf.length) this.buf = new Uint8Array(row.length);
    }
    this.buf.set(row, this.len);
    this.len += row.length;
    if (++this.count === this.maxRows) this.flush();
  }

  flush(): void {
    if (this.count === 0) return;
    this.emit({ rows: this.buf.subarray(0, this.len), rowCount: this.count });
    // A batch sent to a worker was transferred (its buffer is now detached): take a fresh
    // one. One serialized on the spot is done with: reuse it, which keeps memory steady.
    if (this.buf.buffer.detached || this.buf.length !== this.maxBytes) this.buf = new Uint8Array(this.maxBytes);
    this.len = 0;
    this.count = 0;
  }
}
