// The binary protocol's rows, rewritten, must be byte for byte what the text protocol sends:
// every column type, its boundaries, NULLs, and tens of thousands of random FLOAT and DOUBLE
// values, each read both ways from a private server and compared.
import { beforeAll, describe, expect, test } from "bun:test";
import mariadb, { type Connection } from "mariadb";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";
import { doubleText, floatText, putFloatText, putLength, putShortDecimal, putWideInteger } from "../../src/source/wire/binary-rows.ts";
import { streamRows } from "../../src/source/wire/row-stream.ts";
import { binaryProtocolPays } from "../../src/cli/plan-export.ts";
import type { Compression, Format } from "../../src/formats.ts";
import { waitUntil } from "../support/faults.ts";
import { lengthPrefix } from "../support/packets.ts";
import { usePrivateServer } from "../support/harness.ts";

const server = usePrivateServer();

/** A seeded generator (mulberry32): the same values on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Doubles from random bit patterns (every exponent) and from short random decimals, plus the edges of the server's layouts. */
function doubles(count: number): number[] {
  const next = random(7);
  const view = new DataView(new ArrayBuffer(8));
  const out = [0, -0, 1, -1, 0.1, 1 / 3, 5e-324, -5e-324, 1.7976931348623157e308, 2 ** 53, 2 ** 53 + 2, 1e15, 1e15 - 1, 1e16, 1e-6, 1e-7, 9.99e-7];
  // Every decimal exponent the layout rule turns on, with short and full-length digits.
  for (let e = -20; e <= 20; e++) out.push(Number(`1e${e}`), Number(`1.2345678901234567e${e}`), Number(`-9.5e${e}`));
  while (out.length < count) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const x = view.getFloat64(0);
    if (Number.isFinite(x)) out.push(x);
    out.push(Number(((next() / 2 ** 32) * 10 ** ((next() % 40) - 15)).toPrecision(1 + (next() % 17))));
  }
  return out.slice(0, count);
}

/** Floats (exactly representable as FLOAT), including values halfway between two 6-digit decimals. */
function floats(count: number): number[] {
  const next = random(11);
  const view = new DataView(new ArrayBuffer(4));
  const out = [0, 1, -1, 0.5, 1234565, 1234575, -1234565, 16777216, 3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45];
  while (out.length < count) {
    view.setUint32(0, next());
    const x = view.getFloat32(0);
    if (Number.isFinite(x)) out.push(x);
  }
  return out;
}

beforeAll(async () => {
  await server().sql([
    "CREATE DATABASE bin",
    "SET GLOBAL sql_mode = ''",
    `CREATE TABLE bin.ints (
      id INT PRIMARY KEY,
      t TINYINT, tu TINYINT UNSIGNED, s SMALLINT, su SMALLINT UNSIGNED, m MEDIUMINT, mu MEDIUMINT UNSIGNED,
      i INT, iu INT UNSIGNED, b BIGINT, bu BIGINT UNSIGNED, z INT(5) ZEROFILL, zb BIGINT(22) ZEROFILL, y YEAR, bool1 TINYINT(1)
    )`,
    `INSERT INTO bin.ints VALUES
      (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, 0, 0, 0, 0),
      (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, 42, 7, 2155, 1),
      (3, -1, 1, -1, 1, -1, 1, -1, 1, -9007199254740993, 9007199254740993, 123456, 18446744073709551615, 1901, -1),
      (4, 0, 100, 99, 1000, 99999, 100000, 999999999, 1000000000, 9007199254740992, 9007199254740992, 99999, 1, 2000, 0),
      (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    `CREATE TABLE bin.times (
      id INT PRIMARY KEY, d DATE, dt0 DATETIME, dt3 DATETIME(3), dt6 DATETIME(6), ts0 TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL,
      tm0 TIME, tm2 TIME(2), tm6 TIME(6)
    )`,
    `INSERT INTO bin.times VALUES
      (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '00:00:00', '00:00:00', '00:00:00'),
      (2, '0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00.001', '0001-01-01 00:00:00.000001', '1970-01-01 00:00:01', '1970-01-01 00:00:01.5', '-838:59:59', '-838:59:59.99', '-00:00:00.000001'),
      (3, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999', '838:59:59', '838:59:59.99', '838:59:58.999999'),
      (4, '2020-00-00', '2020-02-00 10:00:00', '2024-02-29 12:34:56.7', '2024-02-29 12:34:56.000100', '2000-01-01 12:00:00', '2000-01-01 12:00:00.010203', '-00:00:00.5', '-01:02:03.04', '100:00:00.5'),
      (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    `CREATE TABLE bin.texts (
      id INT PRIMARY KEY, v VARCHAR(300), txt MEDIUMTEXT, bl LONGBLOB, dec65 DECIMAL(65,30), du DECIMAL(5,0) UNSIGNED,
      bits BIT(64), bit1 BIT(1), js JSON, en ENUM('a','b,c'), st SET('x','y'), geo POINT, ch CHAR(3)
    ) DEFAULT CHARSET=utf8mb4`,
    `INSERT INTO bin.texts VALUES
      (1, '', '', '', 0, 0, b'0', b'0', '{}', 'a', '', ST_GeomFromText('POINT(1.5 -2.25)'), ''),
      (2, REPEAT('é', 300), REPEAT('x,"y"\\n', 20000), UNHEX(REPEAT('00FF', 40000)), '-12345678901234567890123456789012345.123456789012345678901234567890', 99999,
        b'1111111111111111111111111111111111111111111111111111111111111111', b'1', '{"a": [1, 2.5, "\\\\u00e9"]}', 'b,c', 'x,y', ST_GeomFromText('POINT(0 0)'), 'abc'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    "CREATE TABLE bin.reals (id INT PRIMARY KEY, d DOUBLE, f FLOAT)",
    "CREATE TABLE bin.zfill (id INT PRIMARY KEY, d DOUBLE ZEROFILL, f FLOAT ZEROFILL, dz DECIMAL(12,3) ZEROFILL)",
  ]);
  const conn = await connect();
  try {
    const ds = doubles(20_000);
    const fs = floats(20_000);
    const rows = ds.map((d, i) => [i, d, fs[i] ?? null]);
    for (let i = 0; i < rows.length; i += 1000) await conn.batch("INSERT INTO reals VALUES (?, ?, ?)", rows.slice(i, i + 1000));
    // A ZEROFILL column is UNSIGNED: a negative value would be stored as 0.
    await conn.query("INSERT INTO zfill SELECT id, ABS(d), ABS(f), ABS(d) FROM reals");
  } finally {
    await conn.end();
  }
});

const connect = () => mariadb.createConnection({ socketPath: server().socket, user: "root", database: "bin", prepareCacheLength: 0, ...EXACT_VALUES });

/** This session's prepared-statement executions and closes so far. */
async function statements(conn: Connection): Promise<{ executed: number; closed: number }> {
  const rows = (await conn.query("SHOW SESSION STATUS WHERE Variable_name IN ('Com_stmt_execute', 'Com_stmt_close')")) as [string, string][];
  const count = (name: string) => Number(rows.find((r) => r[0] === name)![1]);
  return { executed: count("Com_stmt_execute"), closed: count("Com_stmt_close") };
}

/** Every row payload of `sql`'s result, read with one protocol, and whether it was the binary one. */
async function read(sql: string, binaryProtocol: boolean, batchRows = 1000): Promise<{ bytes: Buffer; rows: number; binary: boolean }> {
  const conn = await connect();
  try {
    const before = await statements(conn);
    const parts: Buffer[] = [];
    let rows = 0;
    await new Promise<void>((resolve, reject) => {
      streamRows(
        conn,
        sql,
        {
          columns: () => {},
          batch: (payloads, rowCount) => {
            parts.push(Buffer.from(payloads));
            rows += rowCount;
          },
          end: resolve,
          error: reject,
        },
        { batchRows, batchBytes: 64 << 10, binaryProtocol },
      );
    });
    // The connection is still in step, and no statement was left open: the server's count is
    // global, so it may take a moment for another test's closed connection to leave it.
    const after = await statements(conn);
    expect(after.closed - before.closed).toBeGreaterThanOrEqual(after.executed - before.executed);
    await waitUntil("no prepared statement open on the server", async () => {
      const [open] = (await conn.query("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'")) as [string, string][];
      return Number(open![1]) === 0;
    }, 2_000);
    return { bytes: Buffer.concat(parts), rows, binary: after.executed > before.executed };
  } finally {
    await conn.end();
  }
}

async function expectSameBothWays(sql: string, rows: number, batchRows?: number): Promise<void> {
  const text = await read(sql, false, batchRows);
  const binary = await read(sql, true, batchRows);
  expect(text.binary).toBe(false);
  expect(binary.binary).toBe(true);
  expect({ rows: binary.rows, text: text.rows }).toEqual({ rows, text: rows });
  expect(binary.bytes.equals(text.bytes)).toBe(true);
}

describe("binary rows rewritten are the text protocol's bytes", () => {
  test("integers of every width, signed and unsigned, ZEROFILL, YEAR, at their limits and NULL", async () => {
    await expectSameBothWays("SELECT * FROM ints ORDER BY id", 5);
  });

  test("DATE, DATETIME, TIMESTAMP and TIME with 0 to 6 decimals: zero dates, limits, negative times", async () => {
    await expectSameBothWays("SELECT * FROM times ORDER BY id", 5);
  });

  test("strings, long values (every length-prefix size), DECIMAL, BIT, JSON, ENUM, SET, GEOMETRY", async () => {
    await expectSameBothWays("SELECT * FROM texts ORDER BY id", 3);
  });

  test("40,000 random DOUBLE and FLOAT values, in batches of 777 rows", async () => {
    await expectSameBothWays("SELECT * FROM reals ORDER BY id", 20_000, 777);
  });

  test("ZEROFILL FLOAT, DOUBLE and DECIMAL: 20,000 random values, and aggregates the execute calls ZEROFILL", async () => {
    await expectSameBothWays("SELECT * FROM zfill ORDER BY id", 20_000, 777);
    // The prepare's columns say neither ZEROFILL nor the display width; the execute's say both.
    await expectSameBothWays("SELECT id % 100, MIN(d), MAX(f), MIN(dz), SUM(dz) FROM zfill GROUP BY 1", 100);
  });

  test("a row of more than 16 MB (several packets), between ordinary ones", async () => {
    await expectSameBothWays("SELECT id, IF(id = 2, REPEAT('ab', 9000000), v) AS big, bits FROM texts ORDER BY id", 3);
  });

  test("expressions: arithmetic on each type, NULL columns, functions", async () => {
    await expectSameBothWays(
      `SELECT id, d / 3, f + 0, -f, SUM(d) OVER (ORDER BY id), NULL AS nothing, id / 7, CAST(id AS CHAR),
         NOW(6) - INTERVAL id SECOND > 0, DATE('2020-01-01') + INTERVAL id DAY, SEC_TO_TIME(id * 3601.5), 1e300 * id
       FROM reals WHERE id < 500 ORDER BY id`,
      500,
    );
  });
});

describe("the text protocol wherever the binary one would not give the same bytes", () => {
  test("a FLOAT or DOUBLE with fixed decimals (ROUND, FLOAT(M,D)) is read as text", async () => {
    const sql = "SELECT id, ROUND(d, 2), CAST(f AS DOUBLE(20, 3)) FROM reals WHERE id < 100 ORDER BY id";
    const binary = await read(sql, true);
    expect(binary.binary).toBe(false);
    expect(binary.bytes.equals((await read(sql, false)).bytes)).toBe(true);
  });

  test("a statement the server cannot prepare (EXECUTE IMMEDIATE) runs as a plain query", async () => {
    const r = await read("EXECUTE IMMEDIATE 'SELECT 1 AS one'", true);
    expect({ rows: r.rows, bytes: [...r.bytes] }).toEqual({ rows: 1, bytes: [1, 0x31] });
  });

  test("a server out of prepared statements (max_prepared_stmt_count) still runs the query", async () => {
    await server().sql("SET GLOBAL max_prepared_stmt_count = 0");
    try {
      const r = await read("SELECT * FROM ints ORDER BY id", true);
      expect({ rows: r.rows, binary: r.binary }).toEqual({ rows: 5, binary: false });
      expect(r.bytes.equals((await read("SELECT * FROM ints ORDER BY id", false)).bytes)).toBe(true);
    } finally {
      await server().sql("SET GLOBAL max_prepared_stmt_count = DEFAULT");
    }
  });

  test("a query that fails to prepare fails as it would as a query", async () => {
    await expect(read("SELECT * FROM no_such_table", true)).rejects.toThrow(/no_such_table' doesn't exist/);
  });
});

test("a 64-bit integer is written from its two halves as BigInt writes it, signed or not, padded to a width", () => {
  const view = new DataView(new ArrayBuffer(8));
  const values = [0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 10n ** 19n, 10n ** 19n - 1n, 9999n, 10000n];
  let seed = 13;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 20_000; i++) values.push(BigInt(random()) * BigInt(random()) * BigInt(1 + (random() % 8)) - (i % 2 ? 0n : 2n ** 62n));
  const out = new Uint8Array(40);
  for (const value of values) {
    for (const unsigned of [true, false]) {
      if (unsigned ? value < 0n || value >= 2n ** 64n : value < -(2n ** 63n) || value >= 2n ** 63n) continue;
      view.setBigUint64(0, BigInt.asUintN(64, value), true);
      const high = unsigned ? view.getUint32(4, true) : view.getInt32(4, true);
      for (const width of [0, 22]) {
        const end = putWideInteger(out, 1, high, view.getUint32(0, true), !unsigned && high < 0, width);
        const digits = (value < 0n ? -value : value).toString().padStart(width, "0");
        const text = (value < 0n ? "-" : "") + digits;
        expect([value, out[1], new TextDecoder().decode(out.subarray(2, end))]).toEqual([value, text.length, text]);
      }
    }
  }
});

/** Checks that `put` writes each value it takes (length first) as `text` gives it; returns how many it took. */
function writtenAsBy(put: (out: Uint8Array, o: number, x: number) => number, text: (x: number) => string, values: number[]): number {
  const out = new Uint8Array(64);
  let written = 0;
  for (const x of values) {
    const end = put(out, 3, x);
    if (end < 0) continue;
    written++;
    const expected = text(x);
    expect([x, out[3], new TextDecoder().decode(out.subarray(4, end))]).toEqual([x, expected.length, expected]);
  }
  return written;
}

test("a short decimal DOUBLE is written without a string exactly as doubleText writes it, and every other one is left to it", () => {
  const values: number[] = [0, -0, 0.5, -0.5, 1, -1, 3703.5, 0.1, 0.2, 0.30000000000000004, 1e-8, 5e-9, 1.5e-8, 9999999.99999999, 9999999.999999998, 1e7, 1e7 - 1, 1234567.125, 0.00000001, 0.12345678, 0.123456789, 100, 1000000, 2 ** 23 + 0.5, NaN, Infinity, -Infinity];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 30_000; i++) {
    const decimals = i % 10;
    values.push((Math.round(random() * 10 ** (1 + (i % 16))) / 10 ** decimals) * (i % 2 ? -1 : 1));
    values.push(random() * 10 ** ((i % 12) - 4));
    view.setUint32(0, Math.floor(random() * 2 ** 32));
    view.setUint32(4, Math.floor(random() * 2 ** 32));
    values.push(view.getFloat64(0));
  }
  // Most of the rounded decimals take the fast path; a zero, and anything 10^7 or over, never does.
  expect(writtenAsBy(putShortDecimal, doubleText, values)).toBeGreaterThan(15_000);
  for (const x of [0, -0, 1e7, 12345678.5, 1 / 3, Math.PI, NaN, Infinity]) expect(putShortDecimal(new Uint8Array(64), 0, x)).toBe(-1);
});

test("a FLOAT is written without a string exactly as floatText writes it, ties and all, or left to it", () => {
  const bits = new Uint32Array(1);
  const float = new Float32Array(bits.buffer);
  const values: number[] = [0, -0, 1e-4, 1e6, 999999.5, 0.5, 1.5, 2.5, 1234565, 123456.5, 0.000123456, 3.14, -2.5e-3, 100, 1000000 - 1 / 16, NaN, Infinity];
  // Every float near each power of ten, near the path's bounds, and random ones of every exponent.
  for (let e = -5; e <= 7; e++) {
    float[0] = Number(`1e${e}`);
    const at = bits[0];
    for (let d = -300; d <= 300; d++) {
      bits[0] = at + d;
      values.push(float[0]);
    }
  }
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 200_000; i++) {
    bits[0] = Math.floor(random() * 2 ** 32);
    values.push(float[0]);
    values.push(Math.fround(Math.round(random() * 10 ** (1 + (i % 7))) / 10 ** (i % 5)));
  }
  expect(writtenAsBy(putFloatText, floatText, values)).toBeGreaterThan(150_000);
  // Exact ties go to floatText, which rounds them half to even; so do values outside 10^-4..10^6.
  for (const x of [123456.5, 12345.25, 1e6, 1234565, 9.999e-5, 0, NaN]) expect(putFloatText(new Uint8Array(64), 0, x)).toBe(-1);
});

describe("the layouts, on values whose server text is known", () => {
  test.each([
    [0, "0"], [-0, "0"], [1e15, "1e15"], [1e15 - 1, "999999999999999"], [2 ** 53, "9.007199254740992e15"],
    [1234567890123456.7, "1234567890123456.8"], [1.5e-7, "0.00000015"], [1e-15, "0.000000000000001"], [1e-16, "1e-16"], [1.2e-14, "0.000000000000012"],
    [-5e-324, "-5e-324"], [1.7976931348623157e308, "1.7976931348623157e308"], [0.1, "0.1"],
  ])("DOUBLE %p -> %p", (x, text) => expect(doubleText(x)).toBe(text));

  test.each([
    [0, "0"], [1 / 3, "0.333333"], [1234565, "1234560"], [1234575, "1234580"], [123456789, "123457000"],
    [1e20, "1e20"], [Math.fround(0.1), "0.1"], [Math.fround(1.17549435e-38), "1.17549e-38"], [Math.fround(-2.5e-7), "-0.00000025"],
  ])("FLOAT %p -> %p", (x, text) => expect(floatText(x)).toBe(text));

  // An overflowing SUM, AVG or STD: the server's my_gcvt prints 0 for any of them.
  test.each([Infinity, -Infinity, NaN])("%p is 0 as a DOUBLE and as a FLOAT", (x) => {
    expect([doubleText(x), floatText(x)]).toEqual(["0", "0"]);
  });
});

describe("a rewritten value's length prefix", () => {
  // Each size's edges: 0xfb is the NULL marker, so 251 is the first length of three bytes.
  const edges = [0, 1, 250, 251, 252, 0xffff, 0x10000, 0xffffff, 0x1000000, 2 ** 32 - 1];
  test.each(edges)("%p as the protocol's length-encoded integer", (n) => {
    const buf = new Uint8Array(12).fill(0xaa);
    const end = putLength(buf, 1, n);
    expect([...buf.subarray(1, end)]).toEqual(lengthPrefix(n));
    expect([buf[0], buf[end]]).toEqual([0xaa, 0xaa]);
  });
});

describe("the binary protocol only where it takes work off the slowest stage", () => {
  test.each([
    ["csv", "none", 0, 1, true],
    ["json", "none", 0, 1, true],
    ["csv", "gzip", 2, 1, true],
    ["csv", "zstd", 0, 1, false],
    ["parquet", "zstd", 0, 1, false],
    ["csv", "none", 0, 2, false],
  ] as const)("%s, %s, %d workers, %d readers: %p", (format, compression, workers, readers, binary) => {
    expect(binaryProtocolPays({ format: format as Format, compression: compression as Compression, workers }, readers)).toBe(binary);
  });
});
