// Encoded batches finish out of order (several workers); the ring writes them strictly in
// submission order and holds at most `capacity` chunks, in flight or waiting. The pipeline
// pauses its sources while the ring is full: that is the backpressure that keeps memory flat
// whatever the row count. Once a chunk is written its memory is free again, and whoever made it
// is told so: that is how the hot path's buffers are reused rather than allocated per batch.

/**
 * Chunks in flight or waiting, for `workers` encoder threads: two per worker keeps each busy while
 * the other's result is written. Encoding on this thread needs only one being written and one
 * ready: with four, 10M wide rows as CSV peaked at 95-103 MB RSS with 121-147k page faults, with
 * two at 81 MB and 50-59k, in the same CPU time.
 */
export function ringSize(workers: number): number {
  return workers === 0 ? 2 : 2 * workers + 2;
}

/** Told that a chunk is written: nothing will read it any more. */
export type Written = (chunk: Uint8Array) => void;

interface Cell {
  chunk: Uint8Array;
  written?: Written;
}

export class OrderedRing {
  private readonly cells: (Cell | undefined)[];
  private head = 0; // next sequence number to write
  private tail = 0; // next sequence number to hand out
  private writing = false;
  private failure: unknown = undefined;
  private idleWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private spaceWaiters: (() => void)[] = [];

  constructor(
    readonly capacity: number,
    private readonly write: (chunk: Uint8Array) => Promise<void>,
    /** Called whenever a cell frees up, so a paused producer can resume. */
    private readonly onSpace: () => void = () => {},
    /** Called once, with the first error of a batch or a write. */
    private readonly onFailure: (error: unknown) => void = () => {},
  ) {
    if (capacity < 1) throw new RangeError("ring capacity must be at least 1");
    this.cells = new Array(capacity);
  }

  get full(): boolean {
    return this.tail - this.head >= this.capacity;
  }

  /**
   * Takes the next cell, for bytes ready now or for a batch a worker is encoding; `written` is
   * called once they are written (not if the ring fails first).
   */
  submit(work: Uint8Array | Promise<Uint8Array>, written?: Written): void {
    if (this.full) throw new Error("ring is full: wait for onSpace before submitting");
    const seq = this.tail++;
    if (work instanceof Uint8Array) return this.place(seq, { chunk: work, written });
    work.then(
      (chunk) => this.place(seq, { chunk, written }),
      (error) => this.fail(error),
    );
  }

  private place(seq: number, cell: Cell): void {
    this.cells[seq % this.capacity] = cell;
    void this.pump();
  }

  /** Resolves when a cell is free (at once if one is). */
  space(): Promise<void> {
    if (!this.full || this.failure !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Resolves when every submitted batch has been written; rejects with the first failure. */
  drain(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.head === this.tail) return Promise.resolve();
    return new Promise((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
  }

  private async pump(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      for (;;) {
        if (this.failure !== undefined) return;
        const index = this.head % this.capacity;
        const cell = this.cells[index];
        if (cell === undefined) break;
        await this.write(cell.chunk);
        this.cells[index] = undefined;
        this.head++;
        cell.written?.(cell.chunk);
        const waiters = this.spaceWaiters;
        this.spaceWaiters = [];
        for (const w of waiters) w();
        this.onSpace();
      }
    } catch (error) {
      this.fail(error);
      return;
    } finally {
      this.writing = false;
    }
    if (this.head === this.tail) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w.resolve();
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error ?? new Error("batch failed");
    this.cells.fill(undefined);
    for (const w of this.spaceWaiters) w();
    this.spaceWaiters = [];
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w.reject(this.failure);
    this.onFailure(this.failure);
  }
}
