// The server's text (and BIT's bytes) as exact Parquet values: integer arithmetic only, no time
// zone, no float except for FLOAT and DOUBLE themselves. Each parser reads src[start, end). An
// integer is a number wherever a number holds it exactly, a bigint only beyond: a bigint per
// value would cost more than the rest of the encoding.
import { Ascii, EXACT_POWERS_OF_TEN } from "../bytes.ts";
import { daysFromCivil } from "../calendar.ts";

/** BIT(n): the unsigned value of its big-endian bytes. */
export { bitValue as bit } from "../bytes.ts";

/** Up to this many digits a value is exact as a JavaScript number (10^15 < 2^53). */
const SAFE_DIGITS = 15;

/** Decimal digits with an optional '-', skipping a '.' (DECIMAL's unscaled value); at most SAFE_DIGITS digits. */
function smallInteger(src: Uint8Array, start: number, end: number): number {
  const negative = src[start] === Ascii.Minus;
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) {
    const c = src[i];
    if (c !== Ascii.Dot) value = value * 10 + (c - Ascii.Zero);
  }
  return negative ? -value : value;
}

/** TINYINT..INT and YEAR: the server's digits. */
export const int32 = smallInteger;

/** 10^0 .. 10^SAFE_DIGITS as bigints, to join runs of digits read as numbers. */
const BIG_POWERS_OF_TEN = Array.from({ length: SAFE_DIGITS + 1 }, (_, k) => 10n ** BigInt(k));

/**
 * Decimal digits with an optional '-', skipping a '.', as a bigint: read SAFE_DIGITS at a time
 * as numbers and joined, a few bigint operations a value where a string of its digits took ~20
 * allocations and a parse (DECIMAL(20,4) to Parquet ran 4x slower than DECIMAL(12,2)).
 */
function bigInteger(src: Uint8Array, start: number, end: number): bigint {
  const negative = src[start] === Ascii.Minus;
  let value = 0n;
  let run = 0;
  let runDigits = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) {
    const c = src[i];
    if (c === Ascii.Dot) continue;
    run = run * 10 + (c - Ascii.Zero);
    if (++runDigits === SAFE_DIGITS) {
      value = value * BIG_POWERS_OF_TEN[SAFE_DIGITS] + BigInt(run);
      run = runDigits = 0;
    }
  }
  if (runDigits > 0) value = value * BIG_POWERS_OF_TEN[runDigits] + BigInt(run);
  return negative ? -value : value;
}

/** BIGINT (signed or not), exact. */
export function int64(src: Uint8Array, start: number, end: number): number | bigint {
  return end - start <= SAFE_DIGITS ? smallInteger(src, start, end) : bigInteger(src, start, end);
}

/** DECIMAL(p,s): the unscaled value ("-12.50" at scale 2 is -1250n). The server always sends s decimals. */
export const unscaledDecimal = int64;


/**
 * FLOAT, DOUBLE: the server prints a text that reads back as the stored value. Text of at most
 * SAFE_DIGITS significant digits and a plain decimal point is read without a string (Clinger's
 * fast path): its digits are an exact integer and 10^k an exact double, so one division rounds
 * the decimal value correctly, as Number() does. Anything else (17 digits, an exponent) goes
 * through Number(): a string per value, which costs time and garbage.
 */
export function float(src: Uint8Array, start: number, end: number): number {
  const negative = src[start] === Ascii.Minus;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (let i = negative ? start + 1 : start; i < end; i++) {
    const c = src[i];
    if (c === Ascii.Dot && fraction < 0) {
      fraction = 0;
      continue;
    }
    const d = c - Ascii.Zero;
    if (d < 0 || d > 9 || (digits > 0 && ++digits > SAFE_DIGITS)) return Number(latin1(src, start, end));
    if (digits === 0 && d > 0) digits = 1;
    mantissa = mantissa * 10 + d;
    if (fraction >= 0) fraction++;
  }
  if (fraction === 0 || end - start === (negative ? 1 : 0) || fraction >= EXACT_POWERS_OF_TEN.length) return Number(latin1(src, start, end));
  const value = fraction > 0 ? mantissa / EXACT_POWERS_OF_TEN[fraction] : mantissa;
  return negative ? -value : value;
}

const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/**
 * The bytes as a string, natively: no view and no argument list per value, which on the bench's
 * wide rows took a quarter of the float column's time and ~5 MB of peak RSS in garbage.
 */
function latin1(src: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(src, start, end);
}

const twoDigits = (src: Uint8Array, i: number) => (src[i] - Ascii.Zero) * 10 + (src[i + 1] - Ascii.Zero);

/** Proleptic Gregorian, as Parquet's DATE is: year 0 (1 BC) is a leap year. */
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * 'YYYY-MM-DD' as days since 1970, or null where it names no calendar day: a zero or partial
 * date (0000-00-00, 2024-00-10), or one that ALLOW_INVALID_DATES let in (2024-02-31), which
 * would otherwise count on into the next month.
 */
export function date(src: Uint8Array, start: number): number | null {
  const year = twoDigits(src, start) * 100 + twoDigits(src, start + 2);
  const month = twoDigits(src, start + 5);
  const day = twoDigits(src, start + 8);
  if (month === 0 || month > 12 || day === 0 || (day > 28 && day > daysInMonth(year, month))) return null;
  return daysFromCivil(year, month, day);
}

const MICROS = 1_000_000;

/**
 * 'YYYY-MM-DD HH:MM:SS[.ffffff]' as microseconds since 1970 of that wall-clock time (no zone), or
 * null where its date is no calendar day (see date).
 */
export function timestampMicros(src: Uint8Array, start: number, end: number): number | bigint | null {
  const days = date(src, start);
  if (days === null) return null;
  const seconds = days * 86400 + twoDigits(src, start + 11) * 3600 + twoDigits(src, start + 14) * 60 + twoDigits(src, start + 17);
  let fraction = 0;
  let digits = 0;
  for (let i = start + 20; i < end; i++, digits++) fraction = fraction * 10 + (src[i] - Ascii.Zero);
  for (; digits < 6; digits++) fraction *= 10;
  const micros = seconds * MICROS + fraction;
  // Past 2255 the product leaves the exact range of a number.
  return Number.isSafeInteger(micros) ? micros : BigInt(seconds) * BigInt(MICROS) + BigInt(fraction);
}
