// Byte-level building blocks for the serializers. Rows arrive as the server's text-protocol
// row packets (see source/raw-rows.ts) and leave as output bytes: no JavaScript string is
// made for a value on the hot path, which is what makes serializing cheap.

/** A growable output buffer. */
export class ByteSink {
  buf: Uint8Array;
  len = 0;

  constructor(initialCapacity: number) {
    this.buf = new Uint8Array(Math.max(64, initialCapacity));
  }

  ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    const next = new Uint8Array(Math.max(need, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    const buf = this.buf;
    let o = this.len;
    // Short values are the common case; a plain loop beats subarray()+set() for them.
    if (n < 32) for (let i = start; i < end; i++) buf[o++] = src[i]!;
    else buf.set(src.subarray(start, end), o);
    this.len += n;
  }

  /** Pre-encoded UTF-8 (keys, separators). */
  chunk(src: Uint8Array): void {
    this.bytes(src, 0, src.length);
  }

  /** The result, as a view whose buffer may be transferred. */
  take(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

const NULL_MARKER = 0xfb;

const malformed = (at: number, end: number) => new Error(`malformed row data: byte ${at} of ${end}`);

/**
 * Walks the length-encoded fields of concatenated text-protocol row packets.
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
    const b = buf[p++]!;
    let len: number;
    if (b < NULL_MARKER) len = b;
    else if (b === NULL_MARKER) {
      this.pos = p;
      return -1;
    } else if (b === 0xfc) {
      len = buf[p]! | (buf[p + 1]! << 8);
      p += 2;
    } else if (b === 0xfd) {
      len = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16);
      p += 3;
    } else {
      // 8-byte length; values are bounded by max_allowed_packet (1 GiB), so 32 bits suffice.
      len = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16)) + buf[p + 3]! * 0x1000000;
      p += 8;
    }
    if (p + len > buf.length) throw malformed(p + len, buf.length);
    this.pos = p + len;
    return len;
  }

  /** A batch must hold exactly the rows it claims: anything else would be silent corruption. */
  expectEnd(end: number): void {
    if (this.pos !== end) throw malformed(this.pos, end);
  }
}

const HEX = new TextEncoder().encode("0123456789abcdef");

/** `0x` followed by lowercase hex: how BINARY, BLOB and GEOMETRY values are rendered. */
export function writeHex(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  out.ensure(2 + 2 * (end - start));
  const buf = out.buf;
  let o = out.len;
  buf[o++] = 0x30; // 0
  buf[o++] = 0x78; // x
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    buf[o++] = HEX[b >> 4]!;
    buf[o++] = HEX[b & 15]!;
  }
  out.len = o;
}

/** BIT(n) arrives as big-endian bytes; rendered as its unsigned decimal value. */
export function writeBitAsDecimal(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  let value = 0n;
  for (let i = start; i < end; i++) value = (value << 8n) | BigInt(src[i]!);
  out.chunk(utf8(value.toString()));
}

const encoder = new TextEncoder();
export const utf8 = (s: string): Uint8Array => encoder.encode(s);
