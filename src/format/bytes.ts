// Byte-level building blocks for the encoders. Rows arrive as the server's text-protocol row
// payloads (see source/row-capture.ts) and leave as output bytes: no JavaScript string is made
// for a value, which is what makes encoding cheap.
import { type BufferPool, uninitialized } from "./buffer-pool.ts";
import { Kind } from "./columns.ts";

export const enum Ascii {
  Tab = 0x09,
  Lf = 0x0a,
  Cr = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  BracketOpen = 0x5b,
  Backslash = 0x5c,
  BracketClose = 0x5d,
  LowerE = 0x65,
  LowerU = 0x75,
  LowerX = 0x78,
  BraceOpen = 0x7b,
  BraceClose = 0x7d,
}

/** 10^0 .. 10^22: every power of ten a double holds exactly (parsed, so no computed rounding creeps in). */
export const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Values shorter than this are copied by a loop; a native call costs more for them. */
export const SHORT = 48;

const nativeCopy = Buffer.prototype.copy;

/**
 * src[from, to) into dst at `at`, natively and without allocating: ~30 ns whatever the length,
 * where subarray() + set() takes ~100 ns (measured in Bun 1.4.5) and a loop ~1 ns a byte.
 */
export function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  nativeCopy.call(src, dst, at, from, to);
}

/**
 * An output buffer sized once per batch from a bound on what the batch can become, so it never
 * grows on the hot path. Writing past the bound would be a bug; take() refuses to hide one. With
 * a pool, its memory comes from there, and goes back once the result is written.
 */
export class OutputBuffer {
  buf: Uint8Array<ArrayBuffer>;
  len = 0;

  constructor(
    capacity: number,
    private readonly pool?: BufferPool,
  ) {
    this.buf = this.allocate(Math.max(64, capacity));
  }

  private allocate(size: number): Uint8Array<ArrayBuffer> {
    return this.pool ? this.pool.take(size) : uninitialized(size);
  }

  /**
   * Empty again, for output bounded by `capacity`: in the same memory if it is big enough and was
   * not transferred away with the last result.
   */
  restart(capacity: number): void {
    this.len = 0;
    const size = Math.max(64, capacity);
    const memory = this.buf.buffer;
    if (!memory.detached && memory.byteLength >= size) {
      this.buf = new Uint8Array(memory, 0, size);
      return;
    }
    this.pool?.give(memory);
    this.buf = this.allocate(size);
  }

  /** Room for `extra` more bytes: only output with no linear bound (re-indented JSON) needs it. */
  ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    const grown = this.allocate(need + (need >> 2));
    grown.set(this.buf.subarray(0, this.len));
    this.pool?.give(this.buf.buffer);
    this.buf = grown;
  }

  byte(b: number): void {
    this.buf[this.len++] = b;
  }

  bytes(src: Uint8Array, start: number, end: number): void {
    const buf = this.buf;
    let o = this.len;
    if (end - start < SHORT) for (let i = start; i < end; i++) buf[o++] = src[i];
    else {
      copyBytes(src, start, end, buf, o);
      o += end - start;
    }
    this.len = o;
  }

  /** Pre-encoded UTF-8 (keys, separators). */
  chunk(src: Uint8Array): void {
    this.bytes(src, 0, src.length);
  }

  /** The result, as a view whose buffer may be transferred. */
  take(): Uint8Array<ArrayBuffer> {
    if (this.len > this.buf.length) throw new Error(`output bound exceeded: ${this.len} > ${this.buf.length}`);
    return this.buf.subarray(0, this.len);
  }
}

/**
 * Long values are scanned four bytes at a time (SWAR): a word with none of the bytes that need
 * work is copied whole. Each test below is exact for the word as a whole (a borrow can only
 * mark lanes above one that matches). `repeated` is a byte times 0x01010101.
 */
const LOW_BITS = 0x01010101;
const HIGH_BITS = 0x80808080;

/** Whether a byte of the word x equals the byte of `repeated`. */
export function hasByte(x: number, repeated: number): boolean {
  const y = x ^ repeated;
  return ((y - LOW_BITS) & ~y & HIGH_BITS) !== 0;
}

/** Whether a byte of the word x is below the byte of `repeated` (at most 0x80). */
export function hasByteBelow(x: number, repeated: number): boolean {
  return ((x - repeated) & ~x & HIGH_BITS) !== 0;
}

/** Little-endian 32-bit words at any offset of `bytes`, for the scans above. */
export const wordsOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * After two words in a row that need work, the bytes a scan handles one by one before it tries
 * words again: where such bytes are dense, testing words costs more than it saves. A word that
 * needs work after one that did not is handled alone, so sparse ones cost only their word.
 */
export const DENSE_RUN = 32;

const NULL_MARKER = 0xfb;

const malformed = (at: number, end: number) => new Error(`malformed row data: byte ${at} of ${end}`);

/**
 * Walks the length-encoded fields of concatenated text-protocol row payloads.
 * After next() returns a length >= 0, the value is buf[pos - length, pos).
 */
export class FieldCursor {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Length of the next field, or -1 for SQL NULL; advances past it. */
  next(): number {
    const buf = this.buf;
    let p = this.pos;
    if (p >= buf.length) throw malformed(p, buf.length);
    const b = buf[p++];
    let len: number;
    if (b < NULL_MARKER) len = b;
    else if (b === NULL_MARKER) {
      this.pos = p;
      return -1;
    } else if (b === 0xfc) {
      len = buf[p] | (buf[p + 1] << 8);
      p += 2;
    } else if (b === 0xfd) {
      len = buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16);
      p += 3;
    } else if (b === 0xfe) {
      // 8-byte length. Values are bounded by max_allowed_packet (1 GiB): high bytes that are
      // not zero, like a prefix cut short, mean broken data.
      if (p + 8 > buf.length || (buf[p + 4] | buf[p + 5] | buf[p + 6] | buf[p + 7]) !== 0) throw malformed(p, buf.length);
      len = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16)) + buf[p + 3] * 0x1000000;
      p += 8;
    } else throw malformed(p - 1, buf.length);
    if (p + len > buf.length) throw malformed(p + len, buf.length);
    this.pos = p + len;
    return len;
  }

  /** A batch must hold exactly the rows it claims: anything else would be silent corruption. */
  expectEnd(end: number): void {
    if (this.pos !== end) throw malformed(this.pos, end);
  }
}

/** Stretches without an escape at least this long are copied natively. */
export const LONG_STRETCH = 64;
const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");

const QUOTES = 0x22222222;
const BACKSLASHES = 0x5c5c5c5c;
/** Bytes below 0x20 are control bytes. */
const SPACES = 0x20202020;

/** src[from, to) at o, each byte `escapes` maps written escaped; returns where it ends. */
function escapeRun(buf: Uint8Array, o: number, src: Uint8Array, from: number, to: number, escapes: Uint8Array): number {
  for (let i = from; i < to; i++) {
    const b = src[i];
    const escape = escapes[b];
    if (escape === 0) {
      buf[o++] = b;
      continue;
    }
    buf[o++] = Ascii.Backslash;
    buf[o++] = escape;
    if (escape === Ascii.LowerU) {
      buf[o++] = Ascii.Zero;
      buf[o++] = Ascii.Zero;
      buf[o++] = HEX_DIGITS[b >> 4];
      buf[o++] = HEX_DIGITS[b & 15];
    }
  }
  return o;
}

/**
 * src[start, end) with each byte that `escapes` maps to non-zero written as a backslash and that
 * mapped byte, or, mapped to `u`, as JSON's \u00XX. `escapes` may map only a quote, a backslash
 * and bytes below 0x20 (JSON's strings, LTSV's fields): no native call finds "any of these", so a
 * long value goes by words, one holding none of them copied whole, one holding any written byte
 * by byte (see DENSE_RUN). On 1 MB values (Bun 1.4.5, a loaded 2-core microVM, CPU time) JSON
 * strings took 0.56-0.59 GB/s with a quote every 3 bytes, 1.16-1.18 with one in 40 (0.65-0.73
 * when every such word started a DENSE_RUN), 1.3-1.5 with none.
 */
export function writeEscaped(out: OutputBuffer, src: Uint8Array, start: number, end: number, escapes: Uint8Array): void {
  const buf = out.buf;
  let o = out.len;
  let i = start;
  if (end - start >= LONG_STRETCH) {
    const words = wordsOf(src);
    const outWords = wordsOf(buf);
    let clean = true;
    while (i + 4 <= end) {
      const x = words.getInt32(i, true);
      if (!hasByte(x, QUOTES) && !hasByte(x, BACKSLASHES) && !hasByteBelow(x, SPACES)) {
        outWords.setInt32(o, x, true);
        o += 4;
        i += 4;
        clean = true;
        continue;
      }
      const stop = Math.min(end, i + (clean ? 4 : DENSE_RUN));
      clean = false;
      o = escapeRun(buf, o, src, i, stop, escapes);
      i = stop;
    }
  }
  out.len = escapeRun(buf, o, src, i, end, escapes);
}

/** Two lowercase hex digits for each byte value, as one little-endian 16-bit unit. */
const HEX_PAIRS = (() => {
  const digits = new TextEncoder().encode("0123456789abcdef");
  const pairs = new Uint16Array(256);
  for (let b = 0; b < 256; b++) pairs[b] = digits[b >> 4] | (digits[b & 15] << 8);
  return pairs;
})();
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Output bytes per input byte of hex; and beyond them, "0x" and one byte of alignment room. */
export const HEX_GROWTH = 2;
export const HEX_EXTRA = 3;

/** `0x` followed by lowercase hex: how BINARY, BLOB and GEOMETRY values are rendered. */
export function writeHex(out: OutputBuffer, src: Uint8Array, start: number, end: number): void {
  const buf = out.buf;
  let o = out.len;
  buf[o++] = Ascii.Zero;
  buf[o++] = Ascii.LowerX;
  const n = end - start;
  if (n >= SHORT && LITTLE_ENDIAN) {
    // Two digits per store, which needs an even address: written one byte further on and moved
    // back if need be (the bound leaves room for that byte).
    const odd = (buf.byteOffset + o) % 2;
    const units = new Uint16Array(buf.buffer, buf.byteOffset + o + odd, n);
    for (let i = 0; i < n; i++) units[i] = HEX_PAIRS[src[start + i]];
    if (odd) buf.copyWithin(o, o + 1, o + 1 + 2 * n);
    o += 2 * n;
  } else {
    for (let i = start; i < end; i++) {
      const pair = HEX_PAIRS[src[i]];
      buf[o++] = pair & 0xff;
      buf[o++] = pair >> 8;
    }
  }
  out.len = o;
}

/** At most this many output bytes per input byte, for BIT(n) (8 bytes -> 20 digits). */
export const BIT_GROWTH = 3;

/** BIT(n) arrives as big-endian bytes: its unsigned value. */
export function bitValue(src: Uint8Array, start: number, end: number): bigint {
  let value = 0n;
  for (let i = start; i < end; i++) value = (value << 8n) | BigInt(src[i]);
  return value;
}

/** "00".."99" as pairs of ASCII digits. */
const DIGIT_PAIRS = (() => {
  const pairs = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    pairs[2 * i] = 0x30 + Math.floor(i / 10);
    pairs[2 * i + 1] = 0x30 + (i % 10);
  }
  return pairs;
})();

/** Decimal digits of v (0 <= v < 2^53). */
export function digitCount(v: number): number {
  if (v < 100000) return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : 5;
  let n = 6;
  for (let bound = 1000000; v >= bound; bound *= 10) n++;
  return n;
}

/** v (0 <= v < 2^53) in decimal, its last digit at end - 1. */
export function putDigits(buf: Uint8Array, end: number, v: number): void {
  let p = end;
  while (v >= 0x80000000) {
    const q = Math.floor(v / 100);
    const r = 2 * (v - 100 * q);
    buf[--p] = DIGIT_PAIRS[r + 1];
    buf[--p] = DIGIT_PAIRS[r];
    v = q;
  }
  // Below 2^31 the JIT divides in integers.
  while (v >= 100) {
    const q = (v / 100) | 0;
    const r = 2 * (v - 100 * q);
    buf[--p] = DIGIT_PAIRS[r + 1];
    buf[--p] = DIGIT_PAIRS[r];
    v = q;
  }
  if (v >= 10) {
    buf[--p] = DIGIT_PAIRS[2 * v + 1];
    buf[--p] = DIGIT_PAIRS[2 * v];
  } else buf[--p] = 0x30 + v;
}

/** Two digits of v (0 <= v < 100) at `at`: the parts of dates and times. */
export function putPair(buf: Uint8Array, at: number, v: number): void {
  buf[at] = DIGIT_PAIRS[2 * v];
  buf[at + 1] = DIGIT_PAIRS[2 * v + 1];
}

/** Bytes of a BIT value that a number holds exactly (2^48 < 2^53). */
const EXACT_BIT_BYTES = 6;

/**
 * BIT(n), rendered as its unsigned decimal value: up to BIT(48) in a number, digit by digit into
 * the output (a bigint and its string per value cost ~10x as much), wider ones through a bigint.
 */
export function writeBitAsDecimal(out: OutputBuffer, src: Uint8Array, start: number, end: number): void {
  if (end - start > EXACT_BIT_BYTES) return out.chunk(utf8(bitValue(src, start, end).toString()));
  let value = 0;
  for (let i = start; i < end; i++) value = value * 256 + src[i];
  out.len += digitCount(value);
  putDigits(out.buf, out.len, value);
}

/**
 * The bytes of `view`, moved (not copied) to a buffer of their own, for whoever keeps a batch
 * past the call that handed it over. `view`'s buffer is left detached, which tells the source
 * (RowCapture) to take another instead of reusing it, as after a transfer to a worker.
 */
export function moveOut(view: Uint8Array): Uint8Array<ArrayBuffer> {
  const { byteOffset, length } = view;
  return new Uint8Array((view.buffer as ArrayBuffer).transfer(), byteOffset, length);
}

const encoder = new TextEncoder();
export const utf8 = (s: string): Uint8Array<ArrayBuffer> => encoder.encode(s);

/**
 * Output bytes per input byte, at most, for a column of this kind, where text grows by
 * `textGrowth` (the format's escaping at its worst).
 */
export function growthOf(kind: Kind, textGrowth: number): number {
  if (kind === Kind.Number || kind === Kind.Temporal) return 1;
  if (kind === Kind.Bit) return BIT_GROWTH;
  return kind === Kind.Binary ? HEX_GROWTH : textGrowth;
}

/**
 * A value as CSV, TSV and LTSV write it when it is not text: numbers and dates as the server sent
 * them, binary as 0x hex, BIT as a decimal. False for text, which each format escapes its own way.
 */
export function writeUnquoted(out: OutputBuffer, kind: Kind, src: Uint8Array, start: number, end: number): boolean {
  switch (kind) {
    case Kind.Number:
    case Kind.Temporal:
      out.bytes(src, start, end);
      return true;
    case Kind.Binary:
      writeHex(out, src, start, end);
      return true;
    case Kind.Bit:
      writeBitAsDecimal(out, src, start, end);
      return true;
    default:
      return false;
  }
}
