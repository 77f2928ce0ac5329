// Buffers of the hot path, kept once their bytes are used and handed out again. On a machine
// where the first touch of a page costs 10-30 µs (a microVM), a fresh buffer per batch costs
// more in page faults than encoding it: memory freed by the collector goes back to the kernel
// and is faulted in again by the next batch. Kept buffers stay mapped and warm, so an export's
// page faults follow its peak memory, not the bytes it writes.

/**
 * Memory that is not zero-filled (every byte handed on is written first) and never pooled by
 * Buffer, so it can be transferred. A plain Uint8Array over it: the JIT writes into one twice as
 * fast as into a Buffer.
 */
export const uninitialized = (size: number) => new Uint8Array(Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer, 0, size);

/**
 * Sizes are rounded up to a power of two, at least this: batches of one kind then ask for the same
 * few sizes, and the pages of a buffer beyond what a batch writes are never touched.
 */
const MIN_SIZE = 64 << 10;

function sizeClass(size: number): number {
  let rounded = MIN_SIZE;
  while (rounded < size) rounded *= 2;
  return rounded;
}

export class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  /** Bytes of the buffers kept. */
  private bytes = 0;
  /** Buffers allocated rather than reused: what the tests of steady state watch. */
  allocations = 0;

  /**
   * `limit` bounds the buffers kept: more than are ever in flight at once only holds memory.
   * `maxBytes` bounds their bytes, for rows of megabytes, whose buffers are that large.
   */
  constructor(
    private readonly limit: number,
    private readonly maxBytes = Infinity,
  ) {}

  /** `size` bytes of the smallest kept buffer that is big enough, else of a new one. */
  take(size: number): Uint8Array<ArrayBuffer> {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = this.free[i].byteLength;
      if (length >= size && (best < 0 || length < this.free[best].byteLength)) best = i;
    }
    if (best < 0) {
      this.allocations++;
      return new Uint8Array(uninitialized(sizeClass(size)).buffer, 0, size);
    }
    const [buffer] = this.free.splice(best, 1);
    this.bytes -= buffer.byteLength;
    return new Uint8Array(buffer, 0, size);
  }

  /**
   * `buffer` will not be read or written any more by whoever took it: it may be handed out again.
   * One transferred away meanwhile (detached) is ignored; past the limit the smallest kept one is
   * dropped, past the bytes the largest.
   */
  give(buffer: ArrayBufferLike): void {
    if (!(buffer instanceof ArrayBuffer) || buffer.detached || buffer.byteLength < MIN_SIZE || this.free.includes(buffer)) return;
    this.free.push(buffer);
    this.bytes += buffer.byteLength;
    if (this.free.length > this.limit) this.drop((a, b) => a < b);
    while (this.bytes > this.maxBytes) this.drop((a, b) => a > b);
  }

  /** Drops the kept buffer whose size comes first by `before`. */
  private drop(before: (a: number, b: number) => boolean): void {
    let pick = 0;
    for (let i = 1; i < this.free.length; i++) if (before(this.free[i].byteLength, this.free[pick].byteLength)) pick = i;
    this.bytes -= this.free[pick].byteLength;
    this.free.splice(pick, 1);
  }
}

/**
 * This thread's pool (each worker has its own). Batches in flight are bounded by the ring and the
 * pipeline's waiting budget (4 MiB); this many buffers and bytes kept cover them, with room for
 * several sizes. Without a bound on bytes, 400 rows of 1.3 MB as CSV with 2 workers peaked at
 * 280-334 MB RSS; with 32 MiB kept per thread at 168-180 MB, in the same time.
 */
export const spareBuffers = new BufferPool(64, 32 << 20);
