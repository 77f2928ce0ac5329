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

test("BIT's big-endian bytes as the unsigned value; floats as the server's text reads", () => {
  const bit = (...b: number[]) => parse.bit(Uint8Array.from(b), 0, b.length);
  expect(bit()).toBe(0n);
  expect(bit(0x05)).toBe(5n);
  expect(bit(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).toBe(18446744073709551615n);
  expect(on(parse.float, "-1.7976931348623157e308")).toBe(-1.7976931348623157e308);
  expect(Object.is(on(parse.float, "-0"), -0)).toBe(true);
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

test("a zero or partial date is null", () => {
  for (const text of ["0000-00-00", "2024-00-10", "2024-05-00", "0000-01-01"]) expect(parse.date(bytes(text), 1)).toBeNull();
  for (const text of ["0000-00-00 00:00:00", "2024-00-00 10:00:00.000000"]) expect(on(parse.timestampMicros, text)).toBeNull();
});
