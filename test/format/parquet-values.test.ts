// The server's text as Parquet values, in process: exact integers, unscaled decimals, days and
// microseconds by integer arithmetic, checked against independent computations (BigInt, Date.UTC).
import { expect, test } from "bun:test";
import * as parse from "../../src/format/parquet/values.ts";

const bytes = (text: string) => new TextEncoder().encode(`<${text}>`);
/** Runs `f` on the text placed inside a larger buffer, as it is in a batch. */
const on = <T>(f: (src: Uint8Array, start: number, end: number) => T, text: string) => {
  const src = bytes(text);
  return f(src, 1, src.length - 1);
};

test("integers exact at every width, decimals as their unscaled value", () => {
  for (const text of ["0", "-1", "127", "-2147483648", "4294967295"]) expect(on(parse.int32, text)).toBe(Number(text));
  for (const text of ["0", "-9223372036854775808", "9223372036854775807", "18446744073709551615", "9007199254740993", "123456789012345", "-1234567890123456"]) {
    expect(BigInt(on(parse.int64, text))).toBe(BigInt(text));
  }
  // A number up to 15 characters, where a number is exact; a bigint beyond.
  expect(on(parse.int64, "-12345678901234")).toBe(-12345678901234);
  expect(on(parse.int64, "1234567890123456")).toBe(1234567890123456n);
  for (const [text, unscaled] of [["12.50", 1250n], ["-0.01", -1n], ["0.000", 0n], ["-9999999999999999999999999999.9999999999", -99999999999999999999999999999999999999n], ["99999", 99999n]] as const) {
    expect(BigInt(on(parse.unscaledDecimal, text))).toBe(unscaled);
  }
});

test("long integers and decimals of every length up to DECIMAL(65) read as BigInt reads their digits", () => {
  let seed = 5;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 20_000; i++) {
    const length = 16 + (i % 50);
    let digits = "";
    for (let d = 0; d < length; d++) digits += String(random() % 10);
    const negative = i % 3 === 0 ? "-" : "";
    const scale = i % 7 === 0 ? 0 : random() % Math.min(30, length);
    const text = negative + (scale === 0 ? digits : `${digits.slice(0, length - scale)}.${digits.slice(length - scale)}`);
    expect(BigInt(on(parse.unscaledDecimal, text))).toBe(BigInt(negative + digits));
    if (scale === 0) expect(BigInt(on(parse.int64, text))).toBe(BigInt(text));
  }
});

test("BIT's big-endian bytes as the unsigned value; floats as the server's text reads", () => {
  const bit = (...b: number[]) => parse.bit(Uint8Array.from(b), 0, b.length);
  expect(bit()).toBe(0n);
  expect(bit(0x05)).toBe(5n);
  expect(bit(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).toBe(18446744073709551615n);
  expect(on(parse.float, "-1.7976931348623157e308")).toBe(-1.7976931348623157e308);
  expect(Object.is(on(parse.float, "-0"), -0)).toBe(true);
});

test("floats read without a string are exactly what Number() reads, on the server's texts and near every edge", () => {
  const texts: string[] = ["0", "-0", "1", "-1", "0.5", "123.456", "-3703.5", "1e-7", "1.5e300", "999999999999999", "9999999999999999", "0.000000000000000000001", "0.0000000000000000000001", "0.00000000000000000000001", "100000000000000000000", "12345678901234.5", "1234567901234.56", "0.1", "0.30000000000000004", "3.4028234663852886e38", "1."];
  // Random doubles as the server prints them (shortest digits), and short decimals of every length.
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 20_000; i++) {
    view.setUint32(0, Math.floor(random() * 2 ** 32));
    view.setUint32(4, Math.floor(random() * 2 ** 32));
    const x = view.getFloat64(0);
    if (Number.isFinite(x)) texts.push(String(x));
    texts.push(String(Math.round(random() * 10 ** (1 + (i % 15))) / 10 ** (i % 9)));
    texts.push((random() * 10 ** (i % 12) - 5).toFixed(i % 8));
  }
  for (const text of texts) expect(Object.is(on(parse.float, text), Number(text))).toBe(true);
});

test("dates as days since 1970 and wall-clock timestamps in microseconds, before 1970 and far after", () => {
  for (const day of ["1000-01-01", "1969-12-31", "1970-01-01", "2024-02-29", "9999-12-31", "1600-03-01"]) {
    expect(parse.date(bytes(day), 1)).toBe(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8))) / 86_400_000);
  }
  const micros = (text: string) => {
    const value = on(parse.timestampMicros, text);
    // A number while exact, past 2255 a bigint.
    expect(typeof value).toBe(Math.abs(Number(value)) <= Number.MAX_SAFE_INTEGER ? "number" : "bigint");
    return value === null ? null : BigInt(value);
  };
  const utcMicros = (iso: string, extra = 0n) => BigInt(Date.parse(`${iso}Z`)) * 1000n + extra;
  expect(micros("1970-01-01 00:00:01")).toBe(1_000_000n);
  expect(micros("1969-12-31 23:59:59.999999")).toBe(-1n);
  expect(micros("2024-01-15 10:30:00.123456")).toBe(utcMicros("2024-01-15T10:30:00.123", 456n));
  expect(micros("2038-01-19 03:14:07.5")).toBe(utcMicros("2038-01-19T03:14:07.500"));
  // Past 2255 the product leaves a double's exact range.
  expect(micros("9999-12-31 23:59:59.999999")).toBe(utcMicros("9999-12-31T23:59:59.999", 999n));
  expect(micros("1000-01-01 00:00:00.000001")).toBe(utcMicros("1000-01-01T00:00:00.000", 1n));
});

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * Days since 1970 of a proleptic Gregorian date by JavaScript's own calendar (setUTCFullYear takes
 * years 0-99 as they are), or null where the day does not exist and the calendar would roll over.
 */
function calendarDays(year: number, month: number, day: number): number | null {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCMonth() === month - 1 ? d.getTime() / 86_400_000 : null;
}

test("every day of every month of years 0000-9999 as the calendar has it; days it lacks (2024-02-31) null", () => {
  const wrong: string[] = [];
  for (let year = 0; year <= 9999; year++) {
    for (let month = 1; month <= 12; month++) {
      for (let day = 1; day <= 31; day++) {
        const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
        const got = parse.date(bytes(text), 1);
        if (got !== calendarDays(year, month, day)) wrong.push(`${text}: ${got}`);
      }
    }
  }
  expect(wrong).toEqual([]);
});

test("February 29 exists in leap years only: year 0, every 4th, not centuries unless divisible by 400", () => {
  const exists = (year: number) => parse.date(bytes(`${pad(year, 4)}-02-29`), 1) !== null;
  expect([0, 4, 400, 1600, 2000, 2024, 9996].map(exists)).toEqual(Array(7).fill(true));
  expect([1, 3, 100, 200, 300, 1900, 2023, 2100, 9999].map(exists)).toEqual(Array(9).fill(false));
  // Day 0 of proleptic Gregorian year 0 and its leap day, as DuckDB and Arrow count them.
  expect(parse.date(bytes("0000-01-01"), 1)).toBe(-719528);
  expect(parse.date(bytes("0000-03-01"), 1)! - parse.date(bytes("0000-02-28"), 1)!).toBe(2);
});

test("a zero or partial date, or a day the month lacks, is null; in a timestamp too", () => {
  for (const text of ["0000-00-00", "2024-00-10", "2024-05-00", "0000-00-01", "0000-01-00", "2024-02-30", "2023-02-29", "1900-02-29", "2024-04-31", "9999-11-31"]) {
    expect(parse.date(bytes(text), 1)).toBeNull();
    expect(on(parse.timestampMicros, `${text} 10:00:00.000000`)).toBeNull();
  }
});

test("timestamps in years 0000-9999 with fractions of every width, as the calendar counts them", () => {
  const times = ["00:00:00", "04:05:06", "23:59:59"];
  const fractions = ["", ".7", ".78", ".789", ".7891", ".78912", ".789123", ".000001", ".999999", ".000000"];
  for (const day of ["0000-01-01", "0000-02-29", "0000-07-04", "0001-01-01", "0099-12-31", "1582-10-10", "1969-12-31", "2000-02-29", "2255-06-05", "9999-12-31"]) {
    const days = calendarDays(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8)))!;
    for (const time of times) {
      const seconds = BigInt(days) * 86400n + BigInt(Number(time.slice(0, 2)) * 3600 + Number(time.slice(3, 5)) * 60 + Number(time.slice(6)));
      for (const fraction of fractions) {
        const micros = seconds * 1_000_000n + BigInt(fraction.slice(1).padEnd(6, "0"));
        const value = on(parse.timestampMicros, `${day} ${time}${fraction}`);
        expect(`${day} ${time}${fraction}: ${value === null ? null : BigInt(value)}`).toBe(`${day} ${time}${fraction}: ${micros}`);
      }
    }
  }
});
