// Where a split export's files end (--max-file-rows, --max-file-size): the pipeline asks before
// each batch whether the current file is full, cuts a batch that holds more rows than the file
// has room for, and counts each file's bytes as they are encoded (not as written: a batch is
// encoded for one file or the next, so the decision must come before it is).
import { FieldCursor } from "../format/bytes.ts";

export interface FileLimits {
  maxRows?: number;
  /** Bytes as written (compressed); a file passes it by at most its last batch and footer. */
  maxBytes?: number;
}

export class FileBudget {
  rows = 0;
  private bytes = 0;
  /** Chunks of this file still being encoded by workers, and the largest encoded so far. */
  private pending = 0;
  private largest = 0;

  constructor(
    private readonly limits: FileLimits,
    /** Called when a chunk's size becomes known: a pipeline waiting on `unsure` may go on. */
    private readonly onSized: () => void,
  ) {}

  /** The current file has rows and may take no more. */
  get full(): boolean {
    const { maxRows = Infinity, maxBytes = Infinity } = this.limits;
    return this.rows > 0 && (this.rows >= maxRows || this.bytes >= maxBytes);
  }

  /**
   * Batches in workers might take the file past its size: their sizes must be known before the
   * next batch is given to this file or the next. Far from the limit, the next batch goes on
   * without waiting (guessed from the largest chunk yet), so workers stay busy.
   */
  get unsure(): boolean {
    const { maxBytes } = this.limits;
    return maxBytes !== undefined && this.pending > 0 && this.bytes + (this.pending + 1) * this.largest >= maxBytes;
  }

  /** Rows the current file can still take. */
  get room(): number {
    return (this.limits.maxRows ?? Infinity) - this.rows;
  }

  /** Counts a chunk of the current file, now or once its encoding is done. */
  track<T extends Uint8Array>(work: T | Promise<T>): T | Promise<T> {
    if (!(work instanceof Promise)) {
      this.sized(work.length);
      return work;
    }
    this.pending++;
    return work.then((chunk) => {
      this.pending--;
      this.sized(chunk.length);
      this.onSized();
      return chunk;
    });
  }

  /** The next file starts: nothing of it is encoded yet. */
  reset(): void {
    this.rows = 0;
    this.bytes = 0;
  }

  private sized(length: number): void {
    this.bytes += length;
    this.largest = Math.max(this.largest, length);
  }
}

/** The byte offset where row `rows` of concatenated text-protocol row payloads ends. */
export function rowsEnd(payloads: Uint8Array, rows: number, columns: number): number {
  const cursor = new FieldCursor(payloads);
  for (let field = 0; field < rows * columns; field++) cursor.next();
  return cursor.pos;
}
