// Rows of the binary protocol (a prepared statement's result), rewritten as the exact bytes the
// text protocol would have sent for them.
//
// Why: the binary protocol spares the server turning every number, date and time into text.
// On this machine its CPU per million rows fell by a quarter (two INT columns) to nearly a half
// (the bench's wide mixed rows), and the server is what an export waits for. Everything
// downstream (the encoders, Parquet) reads the text protocol's row format, so each batch is
// rewritten here, once, into the bytes the text protocol sends: test/source/binary-rows.test.ts
// compares the two protocols byte for byte over every column type, boundary values and tens of
// thousands of random FLOAT and DOUBLE values.
//
// A result with a column whose text this cannot reproduce exactly (FLOAT or DOUBLE with a fixed
// number of decimals, an INT expression of 10 digits, a type it does not know) is read with the
// text protocol instead: see planBinaryRows().
import { TypeNumbers, type FieldInfo } from "mariadb";
import { spareBuffers } from "../../format/buffer-pool.ts";
import { digitCount, EXACT_POWERS_OF_TEN, FieldCursor, OutputBuffer, putDigits, putPair } from "../../format/bytes.ts";
import { isUnsigned, isZerofill } from "./column-kinds.ts";

const enum Render {
  /** A length-encoded string, the same in both protocols: strings, DECIMAL, BIT, JSON, GEOMETRY. */
  Copy,
  Int8,
  Int16,
  Int32,
  Int64,
  Float,
  Double,
  Date,
  DateTime,
  Time,
}

export interface ColumnPlan {
  render: Render;
  unsigned: boolean;
  /** Characters a number's text is zero-padded to (ZEROFILL, YEAR); 0 for none. */
  width: number;
  /** Fractional-second digits of a DATETIME, TIMESTAMP or TIME. */
  decimals: number;
}

/** The decimals of a FLOAT or DOUBLE printed in the shortest form, not with fixed decimals. */
const NOT_FIXED_DEC = 31;
const MAX_FRACTION_DIGITS = 6;
/**
 * Digits of an INT expression that may hold more than its 4 binary bytes: the server types
 * CAST(9999999999 AS UNSIGNED) as INT and sends it cut to 32 bits (1410065407), while its text is
 * whole. A table's INT column (it has an orgName) holds only what fits.
 */
const LONG_DIGITS = 10;

const INTEGERS = new Map<number, Render>([
  [TypeNumbers.TINY, Render.Int8],
  [TypeNumbers.SHORT, Render.Int16],
  [TypeNumbers.YEAR, Render.Int16],
  [TypeNumbers.INT24, Render.Int32],
  [TypeNumbers.INT, Render.Int32],
  [TypeNumbers.BIGINT, Render.Int64],
]);
const TEMPORAL = new Map<number, Render>([
  [TypeNumbers.DATE, Render.Date],
  [TypeNumbers.DATETIME, Render.DateTime],
  [TypeNumbers.TIMESTAMP, Render.DateTime],
  [TypeNumbers.TIME, Render.Time],
]);
const COPIED = new Set<number>([
  TypeNumbers.NULL,
  TypeNumbers.DECIMAL,
  TypeNumbers.NEWDECIMAL,
  TypeNumbers.VARCHAR,
  TypeNumbers.BIT,
  TypeNumbers.JSON,
  TypeNumbers.ENUM,
  TypeNumbers.SET,
  TypeNumbers.TINY_BLOB,
  TypeNumbers.MEDIUM_BLOB,
  TypeNumbers.LONG_BLOB,
  TypeNumbers.BLOB,
  TypeNumbers.VAR_STRING,
  TypeNumbers.STRING,
  TypeNumbers.GEOMETRY,
]);

function planColumn(field: FieldInfo): ColumnPlan | undefined {
  const type = field.columnType as number;
  const unsigned = isUnsigned(field);
  const zerofill = isZerofill(field);
  const integer = INTEGERS.get(type);
  if (integer !== undefined) {
    if (type === TypeNumbers.INT && field.columnLength >= LONG_DIGITS && field.orgName() === "") return undefined;
    // The text protocol pads to the display width exactly when the column says ZEROFILL: a
    // YEAR column says so with its width (4, or 2 for YEAR(2)), a YEAR expression may not (MIN(y)
    // over a whole table prints 0, not 0000).
    return { render: integer, unsigned, width: zerofill ? field.columnLength : 0, decimals: 0 };
  }
  if (type === TypeNumbers.FLOAT || type === TypeNumbers.DOUBLE) {
    if (field.scale !== NOT_FIXED_DEC) return undefined;
    // ZEROFILL: the shortest text, zeros in front up to the display width ("00000001e-30"). The
    // execute may say so where the prepare did not (MIN(x) ... GROUP BY).
    const render = type === TypeNumbers.FLOAT ? Render.Float : Render.Double;
    return { render, unsigned, width: zerofill ? field.columnLength : 0, decimals: 0 };
  }
  // A ZEROFILL DECIMAL comes zero-filled in both protocols alike, so it is copied as it is.
  if (zerofill && type !== TypeNumbers.NEWDECIMAL) return undefined;
  const temporal = TEMPORAL.get(type);
  if (temporal !== undefined) {
    const decimals = temporal === Render.Date ? 0 : field.scale;
    return decimals <= MAX_FRACTION_DIGITS ? { render: temporal, unsigned, width: 0, decimals } : undefined;
  }
  return COPIED.has(type) ? { render: Render.Copy, unsigned, width: 0, decimals: 0 } : undefined;
}

/** How to rewrite each column, or undefined if some column's text cannot be reproduced exactly. */
export function planBinaryRows(fields: FieldInfo[]): ColumnPlan[] | undefined {
  const plan: ColumnPlan[] = [];
  for (const field of fields) {
    const column = planColumn(field);
    if (!column) return undefined;
    plan.push(column);
  }
  return plan;
}

/**
 * Where MariaDB prints a FLOAT or DOUBLE in plain digits rather than with an exponent
 * (my_gcvt): when the decimal point falls within 15 digits of the first digit either way, or
 * inside the digits themselves. Found from the server's own text for every exponent and digit
 * count a DOUBLE has.
 */
const MAX_DECPT_FOR_F_FORMAT = 15;

/** Shortest digits (no trailing zeros) with the decimal point after `decpt` of them, laid out as the server does. */
function layout(negative: boolean, digits: string, decpt: number): string {
  const sign = negative ? "-" : "";
  const plain = (decpt > -MAX_DECPT_FOR_F_FORMAT && decpt <= MAX_DECPT_FOR_F_FORMAT) || (decpt > 0 && decpt < digits.length);
  if (!plain) return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e${decpt - 1}`;
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (decpt < digits.length) return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  return `${sign}${digits}${"0".repeat(decpt - digits.length)}`;
}

/** Digits and decimal point of "-d.ddde±N". */
function splitExponential(text: string): { negative: boolean; digits: string; decpt: number } {
  const e = text.indexOf("e");
  const negative = text.charCodeAt(0) === 0x2d;
  const digits = text.slice(negative ? 1 : 0, e).replace(".", "");
  return { negative, digits, decpt: Number(text.slice(e + 1)) + 1 };
}

/** The server's text (my_gcvt) for an infinity or NaN, which an overflowing SUM, AVG or STD can give. */
const NOT_FINITE_TEXT = "0";

/** A DOUBLE as the text protocol prints it: the shortest digits that read back as the same value. */
export function doubleText(x: number): string {
  // JavaScript prints exactly these digits, and in the same plain layout, from 1e-6 up to 1e15.
  const magnitude = Math.abs(x);
  if (x === 0 || (magnitude >= 1e-6 && magnitude < 1e15)) return String(x);
  if (!Number.isFinite(x)) return NOT_FINITE_TEXT;
  const { negative, digits, decpt } = splitExponential(x.toExponential());
  return layout(negative, digits, decpt);
}

/**
 * Below this magnitude, decimals 10^-8 apart are farther apart than neighbouring doubles, so at
 * most one decimal of 8 fractional digits reads back as a given double.
 */
const SHORT_DECIMAL_BELOW = 1e7;
const SHORT_DECIMAL_SCALE = 1e8;

/**
 * A DOUBLE of at most 8 decimals below 10^7 (prices, measures, halves), written as doubleText
 * would write it, length first, at `o`; -1 for any other double. Without the string that
 * doubleText makes: 3M such doubles cost 10 MB of garbage that way. If a decimal of k <= 8
 * places reads back as x, round(x * 10^k) finds it (the error is under 0.2 of a unit) and it is
 * the only one; the fewest places give the shortest text, which is what the server prints, in
 * plain digits as it prints values of this size.
 */
export function putShortDecimal(out: Uint8Array, o: number, x: number): number {
  const magnitude = Math.abs(x);
  if (!(magnitude < SHORT_DECIMAL_BELOW) || x === 0) return -1;
  // One test rules out every other double: a decimal of fewer places is one of 8 places too.
  if (Math.round(magnitude * SHORT_DECIMAL_SCALE) / SHORT_DECIMAL_SCALE !== magnitude) return -1;
  // The fewest places: multiplications, not the remainders of a large double, which cost more.
  let decimals = 0;
  let scaled = Math.round(magnitude);
  while (scaled / EXACT_POWERS_OF_TEN[decimals] !== magnitude) scaled = Math.round(magnitude * EXACT_POWERS_OF_TEN[++decimals]);
  const whole = Math.floor(scaled / EXACT_POWERS_OF_TEN[decimals]);
  const fraction = scaled - whole * EXACT_POWERS_OF_TEN[decimals];
  const wholeDigits = digitCount(whole);
  o = putLength(out, o, (x < 0 ? 1 : 0) + wholeDigits + (decimals > 0 ? 1 + decimals : 0));
  if (x < 0) out[o++] = 0x2d;
  putDigits(out, o + wholeDigits, whole);
  o += wholeDigits;
  if (decimals === 0) return o;
  out[o++] = 0x2e;
  const fractionDigits = digitCount(fraction);
  for (let i = fractionDigits; i < decimals; i++) out[o++] = 0x30;
  putDigits(out, o + fractionDigits, fraction);
  return o + fractionDigits;
}

const FLOAT_DIGITS = 6;

/**
 * Whether |x| is exactly `seven`, its 7-digit form ending in 5: halfway between two
 * FLOAT_DIGITS-digit decimals. Exact arithmetic only (x * 2^m is exact).
 */
function isTie(x: number, seven: ReturnType<typeof splitExponential>): boolean {
  const magnitude = Math.abs(x);
  const fractionDigits = FLOAT_DIGITS + 1 - seven.decpt;
  // x * 10^m is an integer exactly when x * 2^m is (for m >= 0), since x is a binary fraction.
  if (fractionDigits > 0) return Number.isInteger(magnitude * 2 ** fractionDigits);
  return Number.isInteger(magnitude) && BigInt(magnitude) % 10n ** BigInt(-fractionDigits) === 0n;
}

/**
 * A FLOAT as the text protocol prints it: 6 significant digits (FLT_DIG), rounded half to even,
 * trailing zeros dropped. JavaScript rounds a tie away from zero, hence the tie check.
 */
export function floatText(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return NOT_FINITE_TEXT;
  let { negative, digits, decpt } = splitExponential(x.toExponential(FLOAT_DIGITS - 1));
  const sevenText = x.toExponential(FLOAT_DIGITS);
  // Only a 7th digit of 5 can be a tie: the rest skip the parse.
  if (sevenText.charCodeAt(sevenText.indexOf("e") - 1) === 0x35) {
    const seven = splitExponential(sevenText);
    const kept = seven.digits.slice(0, FLOAT_DIGITS);
    // A tie whose last kept digit is even goes down; an odd one went up, as JavaScript did.
    if (isTie(x, seven) && (kept.charCodeAt(FLOAT_DIGITS - 1) & 1) === 0) {
      digits = kept;
      decpt = seven.decpt;
    }
  }
  return layout(negative, digits.replace(/0+$/, ""), decpt);
}

/** 10^-4 .. 10^9, indexed by exponent + 4: the fast FLOAT path's bounds (10^-4, 10^6) and scales. */
const FLOAT_POWERS = Array.from({ length: 14 }, (_, i) => Number(`1e${i - 4}`));
/** How close to a half the scaled value may come before the exact rule must decide a tie. */
const NEAR_TIE = 1e-7;

/**
 * A FLOAT between 10^-4 and 10^6, written as floatText would write it, length first, at `o`; -1
 * for any other, or one whose 7th digit is too close to a tie for a double's arithmetic to tell.
 * Without floatText's strings, which cost ~500 ns a value. The float is exact as a double, and
 * scaled to 6 integer digits it is off by under 10^-9, so rounding it to the nearest integer gives
 * the 6 digits the server prints wherever it is not within NEAR_TIE of a half.
 */
export function putFloatText(out: Uint8Array, o: number, x: number): number {
  const magnitude = Math.abs(x);
  if (!(magnitude >= FLOAT_POWERS[0] && magnitude < FLOAT_POWERS[10])) return -1;
  let exponent = 5;
  while (magnitude < FLOAT_POWERS[exponent + 4]) exponent--;
  const scaled = magnitude * FLOAT_POWERS[9 - exponent];
  const below = Math.floor(scaled);
  const rest = scaled - below;
  if (Math.abs(rest - 0.5) < NEAR_TIE) return -1;
  // Six digits, below 2^31: integer arithmetic from here on.
  let digits = (rest > 0.5 ? below + 1 : below) | 0;
  // The decimal point's place after the first digit, as layout() counts it.
  let point = exponent + 1;
  if (digits === 1_000_000) {
    digits = 100_000;
    point++;
  }
  let count = FLOAT_DIGITS;
  while (digits % 10 === 0) {
    digits = (digits / 10) | 0;
    count--;
  }
  const length = (x < 0 ? 1 : 0) + (point <= 0 ? 2 - point + count : point < count ? count + 1 : point);
  o = putLength(out, o, length);
  if (x < 0) out[o++] = 0x2d;
  if (point <= 0) {
    out[o++] = 0x30;
    out[o++] = 0x2e;
    for (let i = point; i < 0; i++) out[o++] = 0x30;
    putDigits(out, o + count, digits);
    return o + count;
  }
  if (point >= count) {
    putDigits(out, o + count, digits);
    o += count;
    for (let i = count; i < point; i++) out[o++] = 0x30;
    return o;
  }
  // Digits on both sides of the point.
  const right = count - point;
  const scale = FLOAT_POWERS[right + 4];
  const left = (digits / scale) | 0;
  putDigits(out, o + point, left);
  o += point;
  out[o++] = 0x2e;
  const fraction = digits - left * scale;
  const fractionDigits = digitCount(fraction);
  for (let i = fractionDigits; i < right; i++) out[o++] = 0x30;
  putDigits(out, o + fractionDigits, fraction);
  return o + fractionDigits;
}

/**
 * The longest text of each fixed-size value. A string's text is its binary bytes, so a batch's
 * text fits in its binary bytes plus this (and a length byte) for every fixed-size value.
 */
const MAX_TEXT: Record<Render, number> = {
  [Render.Copy]: 0,
  [Render.Int8]: 4,
  [Render.Int16]: 6,
  [Render.Int32]: 11,
  [Render.Int64]: 20,
  [Render.Float]: 23,
  [Render.Double]: 34,
  [Render.Date]: 10,
  [Render.DateTime]: 26,
  [Render.Time]: 28,
};

const NULL_MARKER = 0xfb;

/** Bytes of the length-encoded integer n: 0xfb is the NULL marker, so 251 and up take a longer form. */
function lengthSize(n: number): number {
  return n < NULL_MARKER ? 1 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 9;
}

/** The length-encoded integer n (0 <= n < 2^53) at o; returns where it ends. */
export function putLength(buf: Uint8Array, o: number, n: number): number {
  if (n < NULL_MARKER) {
    buf[o] = n;
    return o + 1;
  }
  const size = lengthSize(n);
  buf[o] = size === 3 ? 0xfc : size === 4 ? 0xfd : 0xfe;
  for (let i = 1; i < size; i++, n = Math.floor(n / 256)) buf[o + i] = n & 0xff;
  return o + size;
}

/** The digits of a 64-bit integer, filled from the end (at most 20). */
const WIDE_DIGITS = new Uint8Array(20);

/**
 * A 64-bit integer given as its high and low 32 bits (two's complement when `negative`), in
 * decimal with zeros in front up to `width`, length first, at `o`; returns the end. Divided by
 * 10^4 over four 16-bit limbs, whose partial remainders stay below 2^31: no bigint and no string
 * per value, which took 3x as long (snowflake ids, hashes, BIGINT UNSIGNED past 2^53).
 */
export function putWideInteger(out: Uint8Array, o: number, high: number, low: number, negative: boolean, width: number): number {
  let hi = high >>> 0;
  let lo = low >>> 0;
  if (negative) {
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  let a3 = hi >>> 16;
  let a2 = hi & 0xffff;
  let a1 = lo >>> 16;
  let a0 = lo & 0xffff;
  let at = WIDE_DIGITS.length;
  do {
    let r = a3;
    a3 = (r / 10000) | 0;
    r = (r - a3 * 10000) * 65536 + a2;
    a2 = (r / 10000) | 0;
    r = (r - a2 * 10000) * 65536 + a1;
    a1 = (r / 10000) | 0;
    r = (r - a1 * 10000) * 65536 + a0;
    a0 = (r / 10000) | 0;
    r -= a0 * 10000;
    const upper = (r / 100) | 0;
    putPair(WIDE_DIGITS, at - 2, r - upper * 100);
    putPair(WIDE_DIGITS, at - 4, upper);
    at -= 4;
  } while ((a3 | a2 | a1 | a0) !== 0);
  while (at < WIDE_DIGITS.length - 1 && WIDE_DIGITS[at] === 0x30) at++;
  const count = WIDE_DIGITS.length - at;
  const digits = Math.max(count, width);
  o = putLength(out, o, digits + (negative ? 1 : 0));
  if (negative) out[o++] = 0x2d;
  for (let i = count; i < digits; i++) out[o++] = 0x30;
  for (let i = at; i < WIDE_DIGITS.length; i++) out[o++] = WIDE_DIGITS[i];
  return o;
}

/** Rewrites batches of binary-protocol row payloads as text-protocol ones. */
export class BinaryRowRewriter {
  private readonly output = new OutputBuffer(0, spareBuffers);
  private readonly rowRoom: number;
  private readonly bitmapBytes: number;

  /** Each column's render, for the hot loop. */
  private readonly renders: Uint8Array;

  constructor(private readonly plan: ColumnPlan[]) {
    this.renders = Uint8Array.from(plan.map((c) => c.render));
    // A NULL takes one byte, a value its text and its length.
    this.rowRoom = plan.reduce((sum, c) => {
      const text = Math.max(MAX_TEXT[c.render], c.width);
      return sum + lengthSize(text) + text;
    }, 0);
    // One bit per column, after two reserved bits.
    this.bitmapBytes = (plan.length + 9) >> 3;
  }

  /**
   * The rows of `payloads` in the text protocol's format. The result is the receiver's, as the
   * input was (see RowCapture): a buffer it detached is replaced, one left alone is reused.
   */
  rewrite(payloads: Uint8Array, rowCount: number): Uint8Array<ArrayBuffer> {
    const bound = payloads.length + rowCount * this.rowRoom;
    const output = this.output;
    output.restart(bound);
    const cursor = new FieldCursor(payloads);
    const view = new DataView(payloads.buffer, payloads.byteOffset, payloads.length);
    const plan = this.plan;
    const renders = this.renders;
    const columns = plan.length;
    const bitmapBytes = this.bitmapBytes;
    let p = 0;
    for (let row = 0; row < rowCount; row++) {
      if (payloads[p] !== 0) throw new Error(`malformed binary row at byte ${p}`);
      const bitmap = p + 1;
      p = bitmap + bitmapBytes;
      for (let c = 0; c < columns; c++) {
        const bit = c + 2;
        if ((payloads[bitmap + (bit >> 3)] & (1 << (bit & 7))) !== 0) {
          output.byte(NULL_MARKER);
          continue;
        }
        if (renders[c] === Render.Copy) {
          // A length-encoded value, copied whole: its length prefix is the same in both protocols.
          // Inline, since strings are most of the values: a call per value cost 20% of the rewrite.
          cursor.pos = p;
          if (cursor.next() < 0) throw new Error(`malformed binary row: a NULL marker at byte ${p}`);
          output.bytes(payloads, p, cursor.pos);
          p = cursor.pos;
        } else p = this.value(plan[c], payloads, view, p);
      }
    }
    if (p !== payloads.length) throw new Error(`malformed binary rows: ${p} of ${payloads.length} bytes read`);
    // Refuses output past the bound, which rows could only reach by not being what they claimed.
    return output.take();
  }

  /** No batch will come: the output buffer goes back for the next query. */
  release(): void {
    spareBuffers.give(this.output.buf.buffer);
    this.output.buf = new Uint8Array(0);
  }

  /** One non-NULL value at p, other than a copied one; returns where the next one starts. */
  private value(column: ColumnPlan, src: Uint8Array, view: DataView, p: number): number {
    switch (column.render) {
      case Render.Int8:
        this.integer(column.unsigned ? src[p] : view.getInt8(p), column.width);
        return p + 1;
      case Render.Int16:
        this.integer(column.unsigned ? view.getUint16(p, true) : view.getInt16(p, true), column.width);
        return p + 2;
      case Render.Int32:
        this.integer(column.unsigned ? view.getUint32(p, true) : view.getInt32(p, true), column.width);
        return p + 4;
      case Render.Int64:
        this.int64(view, p, column);
        return p + 8;
      case Render.Float: {
        const x = view.getFloat32(p, true);
        const end = column.width === 0 ? putFloatText(this.output.buf, this.output.len, x) : -1;
        if (end >= 0) this.output.len = end;
        else this.ascii(floatText(x), column.width);
        return p + 4;
      }
      case Render.Double: {
        const x = view.getFloat64(p, true);
        const end = column.width === 0 ? putShortDecimal(this.output.buf, this.output.len, x) : -1;
        if (end >= 0) this.output.len = end;
        else this.ascii(doubleText(x), column.width);
        return p + 8;
      }
      case Render.Time:
        return this.time(src, view, p, column.decimals);
      default:
        return this.dateTime(src, view, p, column);
    }
  }

  /** |v| < 2^53, zero-padded to `width` digits. */
  private integer(v: number, width: number): void {
    const out = this.output.buf;
    const negative = v < 0;
    const magnitude = negative ? -v : v;
    let o = this.output.len;
    const count = digitCount(magnitude);
    const digits = Math.max(count, width);
    o = putLength(out, o, digits + (negative ? 1 : 0));
    if (negative) out[o++] = 0x2d;
    for (let i = count; i < digits; i++) out[o++] = 0x30;
    putDigits(out, o + count, magnitude);
    this.output.len = o + count;
  }

  private int64(view: DataView, p: number, column: ColumnPlan): void {
    const high = column.unsigned ? view.getUint32(p + 4, true) : view.getInt32(p + 4, true);
    // Within +-2^53 a double holds it exactly; beyond, 16-bit limbs do.
    if (high < 0x200000 && high >= -0x200000) {
      this.integer(high * 0x100000000 + view.getUint32(p, true), column.width);
      return;
    }
    this.output.len = putWideInteger(this.output.buf, this.output.len, high, view.getUint32(p, true), !column.unsigned && high < 0, column.width);
  }

  /** A value's text, known to be ASCII, with zeros in front up to `width` characters. */
  private ascii(text: string, width: number): void {
    const out = this.output.buf;
    const zeros = Math.max(width - text.length, 0);
    let o = putLength(out, this.output.len, zeros + text.length);
    out.fill(0x30, o, o + zeros);
    o += zeros;
    for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
    this.output.len = o;
  }

  /** DATE, DATETIME, TIMESTAMP: a length byte (0, 4, 7 or 11), then the parts that are not zero. */
  private dateTime(src: Uint8Array, view: DataView, p: number, column: ColumnPlan): number {
    const n = src[p];
    const withTime = column.render === Render.DateTime;
    const out = this.output.buf;
    let o = this.output.len;
    out[o++] = withTime ? 19 + (column.decimals > 0 ? 1 + column.decimals : 0) : 10;
    const year = n >= 4 ? view.getUint16(p + 1, true) : 0;
    putPair(out, o, (year / 100) | 0);
    putPair(out, o + 2, year % 100);
    out[o + 4] = 0x2d;
    putPair(out, o + 5, n >= 4 ? src[p + 3] : 0);
    out[o + 7] = 0x2d;
    putPair(out, o + 8, n >= 4 ? src[p + 4] : 0);
    o += 10;
    if (withTime) {
      out[o++] = 0x20;
      o = this.clock(o, n >= 7 ? src[p + 5] : 0, n >= 7 ? src[p + 6] : 0, n >= 7 ? src[p + 7] : 0);
      o = this.fraction(o, n >= 11 ? view.getUint32(p + 8, true) : 0, column.decimals);
    }
    this.output.len = o;
    return p + 1 + n;
  }

  /** TIME: a length byte (0, 8 or 12), sign, days, hours, minutes, seconds, microseconds. */
  private time(src: Uint8Array, view: DataView, p: number, decimals: number): number {
    const n = src[p];
    const out = this.output.buf;
    const start = this.output.len;
    let o = start + 1;
    if (n >= 8 && src[p + 1] === 1) out[o++] = 0x2d;
    if (n >= 8) o = this.clock(o, view.getUint32(p + 2, true) * 24 + src[p + 6], src[p + 7], src[p + 8]);
    else o = this.clock(o, 0, 0, 0);
    o = this.fraction(o, n >= 12 ? view.getUint32(p + 9, true) : 0, decimals);
    out[start] = o - start - 1;
    this.output.len = o;
    return p + 1 + n;
  }

  /** HH:MM:SS; a TIME's hours may take more than two digits. */
  private clock(o: number, h: number, m: number, s: number): number {
    const out = this.output.buf;
    if (h < 100) putPair(out, o, h);
    else putDigits(out, o + digitCount(h), h);
    o += h < 100 ? 2 : digitCount(h);
    out[o] = 0x3a;
    putPair(out, o + 1, m);
    out[o + 3] = 0x3a;
    putPair(out, o + 4, s);
    return o + 6;
  }

  /** The first `decimals` of the six microsecond digits, as the text protocol cuts them. */
  private fraction(o: number, micros: number, decimals: number): number {
    if (decimals === 0) return o;
    const out = this.output.buf;
    out[o] = 0x2e;
    putPair(out, o + 1, (micros / 10000) | 0);
    putPair(out, o + 3, ((micros / 100) | 0) % 100);
    putPair(out, o + 5, micros % 100);
    return o + 1 + decimals;
  }
}
