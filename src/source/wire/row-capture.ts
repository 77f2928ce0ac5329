// Cuts the server's byte stream into batches of rows with no callback, allocation or clock
// read per row, the cost that dominates narrow rows. Whole socket chunks come in; the payloads
// of row packets are copied straight into the current batch buffer, and every other packet
// (column count and definitions, EOF/OK, ERR) is handed back whole, header included, for the
// connector to handle as it always does.
//
// MySQL packets: a 3-byte little-endian payload length, a sequence number, the payload. A
// payload of exactly 0xffffff bytes continues in the next packet; the logical packet ends with
// the first shorter one. A text-protocol row starts with a field's length prefix: never 0xff
// (ERR), and 0xfe (an 8-byte length) only in a packet of 0xffffff bytes; a binary-protocol row
// starts with 0x00. So a shorter packet starting 0xfe is the result's EOF/OK.

import { spareBuffers } from "../../format/buffer-pool.ts";
import { copyBytes, SHORT } from "../../format/bytes.ts";

/** A payload this long continues in the next packet. */
const MAX_PAYLOAD = 0xffffff;
const EOF = 0xfe;
/** MariaDB's max_allowed_packet is at most 1 GiB: a longer row means a broken stream. */
const MAX_ROW_BYTES = 1 << 30;
const NOTHING = new Uint8Array(0);

export interface CaptureTarget {
  /** Whole rows, their payloads concatenated: the buffer is the receiver's from now on. */
  batch(payloads: Uint8Array<ArrayBuffer>, rowCount: number): void;
  /** A complete packet that is not a row, header included. */
  forward(packet: Uint8Array): void;
}

export class ProtocolError extends Error {}

/** A copy (a Buffer's own slice() is a view). */
const copyOf = (src: Uint8Array, from: number, to: number): Uint8Array => Uint8Array.prototype.slice.call(src, from, to);

const enum Phase {
  /** Before a result's rows: every packet is forwarded. */
  Header,
  /** An old server's EOF between column definitions and rows comes next. */
  IntermediateEof,
  Rows,
}

const enum Packet {
  Row,
  Forward,
}

export class RowCapture {
  private phase = Phase.Header;
  private isPaused = false;
  /**
   * Unread bytes from when we paused: at most one socket chunk. A view, not a copy: whoever
   * pushes a chunk reads nothing more into its memory while we are paused (socket-drain.ts), and
   * copying the rest of a chunk at every pause measured 4% of a wide export's CPU. Forwarded
   * packets are copies, since the connector keeps views of them (column definitions).
   */
  private kept: Uint8Array | undefined;

  private buf: Uint8Array<ArrayBuffer>;
  private len = 0;
  private count = 0;

  /** -1 until the first packet: a command of several packets (16 MB of SQL) shifts it. */
  private expectedSeq = -1;
  /** The start of the next packet when a chunk ended inside it: 4 header bytes and 1 payload byte. */
  private readonly pending = new Uint8Array(5);
  private pendingLen = 0;
  /** Inside a packet's payload. */
  private inPacket = false;
  /** What the current logical packet is; it may span several packets. */
  private packet = Packet.Forward;
  /** Payload bytes of the current packet still to come. */
  private remaining = 0;
  /** The current packet is 0xffffff bytes long: the next one continues it. */
  private continued = false;
  /** Where the current row starts in buf. */
  private rowStart = 0;
  private forwarded: Uint8Array[] = [];

  constructor(
    private readonly target: CaptureTarget,
    private readonly maxRows: number,
    private readonly batchBytes: number,
  ) {
    this.buf = spareBuffers.take(batchBytes);
  }

  /**
   * The column definitions are in: rows come next, after an EOF packet if the server is old
   * enough to send one (no CLIENT_DEPRECATE_EOF).
   */
  startRows(afterEof: boolean): void {
    this.phase = afterEof ? Phase.IntermediateEof : Phase.Rows;
  }

  /** Paused: bytes pushed now are kept, unread, until resume(). */
  get paused(): boolean {
    return this.isPaused;
  }

  /** Stops at the next packet boundary; what is unread is kept until resume(). */
  pause(): void {
    this.isPaused = true;
  }

  /** Goes on with what was kept. Returns false if that paused it again. */
  resume(): boolean {
    this.isPaused = false;
    const kept = this.kept ?? NOTHING;
    this.kept = undefined;
    this.push(kept);
    return !this.isPaused;
  }

  /** The result is read, no row will come: the batch buffer goes back for the next query. */
  release(): void {
    spareBuffers.give(this.buf.buffer);
    this.buf = new Uint8Array(0);
  }

  /** Hands over the rows collected so far, if any. */
  flush(): void {
    if (this.count === 0) return;
    const payloads = this.buf.subarray(0, this.len);
    const count = this.count;
    this.len = 0;
    this.count = 0;
    this.target.batch(payloads, count);
    // A batch sent to a worker, or kept waiting, was transferred (detached): take another
    // buffer, which the pipeline gave back when it was done with an earlier one. One encoded on
    // the spot is done with once batch() returns, and is reused, even one a wide row made big:
    // allocating (and faulting in) megabytes per row costs more than keeping them.
    if (this.buf.buffer.detached) this.buf = spareBuffers.take(this.batchBytes);
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    if (this.isPaused) return this.keepIfPaused(chunk, 0);
    if (this.pendingLen > 0) {
      pos = this.fillPending(chunk);
      if (this.pendingLen > 0) return this.keepIfPaused(chunk, pos);
    }
    const end = chunk.length;
    while (pos < end && !this.isPaused) {
      if (this.inPacket) pos = this.take(chunk, pos, Math.min(end, pos + this.remaining));
      else if (this.phase === Phase.Rows && !this.continued) pos = this.readWholeRows(chunk, pos);
      else pos = this.startPacket(chunk, pos);
    }
    this.keepIfPaused(chunk, pos);
  }

  private keepIfPaused(chunk: Uint8Array, pos: number): void {
    if (!this.isPaused || pos === chunk.length) return;
    // Data can still come while paused (a socket delivers what it had read): keep it all.
    this.kept = this.kept ? Buffer.concat([this.kept, chunk.subarray(pos)]) : chunk.subarray(pos);
  }

  /**
   * The hot loop: row packets that lie whole in this chunk, one after another. It stops at
   * anything else (a packet split across chunks, a non-row, a 16 MB row) for startPacket.
   */
  private readWholeRows(chunk: Uint8Array, pos: number): number {
    const end = chunk.length;
    while (pos + 4 < end) {
      const len = chunk[pos] | (chunk[pos + 1] << 8) | (chunk[pos + 2] << 16);
      const from = pos + 4;
      const to = from + len;
      if (to > end || len === 0 || len === MAX_PAYLOAD || chunk[from] >= EOF) break;
      if (this.len + len > this.batchBytes && !this.makeRoom(len)) return pos;
      this.checkSeq(chunk[pos + 3]);
      const buf = this.buf;
      let o = this.len;
      if (len < SHORT) for (let i = from; i < to; i++) buf[o++] = chunk[i];
      else copyBytes(chunk, from, to, buf, o);
      this.len += len;
      pos = to;
      if (++this.count === this.maxRows) this.flush();
      if (this.isPaused) return pos;
    }
    return pos === end ? pos : this.startPacket(chunk, pos);
  }

  /** A packet starting at chunk[pos], or its first bytes kept until the next chunk. */
  private startPacket(chunk: Uint8Array, pos: number): number {
    const avail = chunk.length - pos;
    const len = avail >= 4 ? chunk[pos] | (chunk[pos + 1] << 8) | (chunk[pos + 2] << 16) : -1;
    if (len < 0 || (len > 0 && avail < 5)) {
      this.pending.set(chunk.subarray(pos), 0);
      this.pendingLen = avail;
      return chunk.length;
    }
    if (!this.begin(len, chunk[pos + 3], len > 0 ? chunk[pos + 4] : -1)) return pos;
    if (this.packet === Packet.Forward) this.forwarded.push(copyOf(chunk, pos, pos + 4));
    return this.remaining === 0 ? this.endPacket(pos + 4) : pos + 4;
  }

  /** Completes the kept start of a packet from the new chunk; returns how much of it was read. */
  private fillPending(chunk: Uint8Array): number {
    const p = this.pending;
    let pos = 0;
    while (this.pendingLen < 4 && pos < chunk.length) p[this.pendingLen++] = chunk[pos++];
    if (this.pendingLen < 4) return pos;
    const len = p[0] | (p[1] << 8) | (p[2] << 16);
    if (len > 0 && this.pendingLen < 5) {
      if (pos === chunk.length) return pos;
      p[this.pendingLen++] = chunk[pos++];
    }
    if (!this.begin(len, p[3], len > 0 ? p[4] : -1)) {
      // Paused before it began: keep every byte of it for resume().
      this.kept = chunk.subarray(pos);
      return chunk.length;
    }
    // A copy: `pending` is reused for the next split packet, while a packet being forwarded
    // keeps its pieces until it ends.
    const start = p.slice(0, this.pendingLen);
    this.pendingLen = 0;
    if (this.packet === Packet.Forward) this.forwarded.push(start.subarray(0, 4));
    this.take(start, 4, start.length);
    return pos;
  }

  /**
   * Starts a packet whose length, sequence number and first payload byte (-1 if empty) are
   * known. Returns false, having consumed nothing, if the batch before it paused us.
   */
  private begin(len: number, seq: number, first: number): boolean {
    if (!this.continued) {
      const row = this.phase === Phase.Rows && len > 0 && (len === MAX_PAYLOAD || first < EOF);
      if (row && !this.makeRoom(len)) return false;
      if (!row && this.phase === Phase.Rows) {
        // The result's end (or an error): every row goes before it.
        this.flush();
        if (this.isPaused) return false;
        this.phase = Phase.Header;
      } else if (this.phase === Phase.IntermediateEof) this.phase = Phase.Rows;
      this.packet = row ? Packet.Row : Packet.Forward;
      if (row) this.rowStart = this.len;
    }
    this.checkSeq(seq);
    this.continued = len === MAX_PAYLOAD;
    this.remaining = len;
    this.inPacket = true;
    return true;
  }

  /**
   * Room for a row of `len` bytes: the batch goes first if the row would take it past
   * batchBytes; a row longer than the buffer gets one of its own size.
   */
  private makeRoom(len: number): boolean {
    if (this.count > 0 && this.len + len > this.batchBytes) {
      this.flush();
      if (this.isPaused) return false;
    }
    if (this.len + len > this.buf.length) this.replaceBuffer(len);
    return true;
  }

  /** The batch is empty: a buffer of at least `size` bytes instead of the one too small. */
  private replaceBuffer(size: number): void {
    spareBuffers.give(this.buf.buffer);
    this.buf = spareBuffers.take(size);
  }

  /** Payload bytes src[from, to) of the current packet. */
  private take(src: Uint8Array, from: number, to: number): number {
    const n = to - from;
    if (this.packet === Packet.Row) {
      this.growRow(n);
      copyBytes(src, from, to, this.buf, this.len);
      this.len += n;
    } else {
      this.forwarded.push(copyOf(src, from, to));
    }
    this.remaining -= n;
    return this.remaining === 0 ? this.endPacket(to) : to;
  }

  /** Only a row of several packets (over 16 MB) outgrows the room makeRoom gave it. */
  private growRow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    if (this.len - this.rowStart + n >= MAX_ROW_BYTES) throw new ProtocolError(`a row of more than ${MAX_ROW_BYTES} bytes`);
    const grown = spareBuffers.take(Math.max(this.len + n, 2 * this.buf.length));
    grown.set(this.buf.subarray(0, this.len));
    spareBuffers.give(this.buf.buffer);
    this.buf = grown;
  }

  private endPacket(pos: number): number {
    this.inPacket = false;
    // The logical packet goes on in the next packet, which has a header of its own.
    if (this.continued) return pos;
    if (this.packet === Packet.Row) {
      if (++this.count === this.maxRows) this.flush();
      return pos;
    }
    const parts = this.forwarded;
    this.forwarded = [];
    this.target.forward(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    return pos;
  }

  private checkSeq(seq: number): void {
    if (seq !== this.expectedSeq && this.expectedSeq >= 0) throw new ProtocolError(`packets out of order (sequence ${seq}, expected ${this.expectedSeq})`);
    this.expectedSeq = (seq + 1) & 0xff;
  }
}
