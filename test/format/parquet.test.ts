// Parquet read back by an independent reader (DuckDB): every value of the adversarial table
// equal to the server's, the Parquet types as the README promises them, every codec, bounded
// row groups, and the exit codes and atomic output every format keeps.
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { ADVERSARIAL_COLUMNS, createAdversarialTable, expectedCells } from "../support/adversarial.ts";
import { duck, literal } from "../support/duckdb.ts";
import { addSweepAccounts, expectFailure, HANG_MS, peakRssOf, startGd, sweepUrl, TEST_MS } from "../support/faults.ts";
import { gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";
import { startFaultProxy } from "../support/proxy.ts";

const server = usePrivateServer();
const tmp = useTempDir();
let expected: (string | null)[][];

beforeAll(async () => {
  await createAdversarialTable(server());
  expected = await expectedCells(server());
  await server().sql([
    `CREATE TABLE adv.typed (
      req INT NOT NULL, i8 TINYINT, u8 TINYINT UNSIGNED, i16 SMALLINT, u16 SMALLINT UNSIGNED,
      i24 MEDIUMINT, u24 MEDIUMINT UNSIGNED, i32 INT, u32 INT UNSIGNED NOT NULL, i64 BIGINT, u64 BIGINT UNSIGNED,
      dec9 DECIMAL(9,2), dec18 DECIMAL(18,4) UNSIGNED, dec38 DECIMAL(38,10), dec39 DECIMAL(39,0), dec0 DECIMAL(5,0),
      f32 FLOAT, f64 DOUBLE, d DATE NOT NULL, dt DATETIME, ts TIMESTAMP(3) NULL, tm TIME, yr YEAR,
      j JSON, b VARBINARY(8), bit5 BIT(5), s VARCHAR(10) NOT NULL, e ENUM('x','y'))`,
    `INSERT INTO adv.typed VALUES
      (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
       -9999999.99, 0.0000, -9999999999999999999999999999.9999999999, -999999999999999999999999999999999999999, -99999,
       -3.40282e38, -1.7976931348623157e308, '1000-01-01', '1000-01-01 00:00:00', '1970-01-01 00:00:01.000', '-838:59:59', 1901,
       '{"a": 12345678901234567890}', UNHEX('00FF'), b'00000', 'x', 'x'),
      (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
       9999999.99, 99999999999999.9999, 9999999999999999999999999999.9999999999, 999999999999999999999999999999999999999, 99999,
       1.17549e-38, 5e-324, '9999-12-31', '9999-12-31 23:59:59', '2038-01-19 03:14:07.999', '838:59:59', 2155,
       '[]', '', b'11111', '', 'y'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, '0000-00-00', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'z', NULL)`,
  ]);
});

async function exportParquet(name: string, extra: string[] = [], query = "SELECT * FROM t ORDER BY id") {
  const out = `${tmp()}/${name}`;
  const r = await gdInProcess(["--db-url", server().url("adv"), "-q", query, "-o", out, ...extra], { timeoutMs: 60_000 });
  return { ...r, out };
}

/**
 * DuckDB's text for a cell, in the form the server's text has (see expectedCells); as hex of its
 * UTF-8, since the JavaScript strings DuckDB hands back drop a leading byte-order mark.
 */
function cellSql(column: string): string {
  switch (column) {
    case "bin":
    case "blob_col":
    case "geo":
      return `'0x' || lower(hex(${column}))`;
    case "dt":
    case "ts":
      return `hex(encode(strftime(${column}, '%Y-%m-%d %H:%M:%S.%f')))`;
    default:
      return `hex(encode(${column}::VARCHAR))`;
  }
}

const cellText = (column: string, sql: string | null) =>
  sql === null || ["bin", "blob_col", "geo"].includes(column) ? sql : Buffer.from(sql, "hex").toString("utf8");

/** A zero date is null in Parquet (and warned about); a float compared as the float it is. */
function expectCell(where: string, actual: string | null, want: string | null) {
  const column = where.split(" ").at(-1)!;
  if (want !== null && ["d", "dt", "ts"].includes(column) && want.startsWith("0000-00-00")) return expect(actual).toBeNull();
  if (want === null || actual === null) return expect(actual).toBe(want);
  if (column === "flt") return expect(Math.fround(Number(actual))).toBe(Math.fround(Number(want)));
  if (column === "dbl" || column === "yr") return expect(Number(actual)).toBe(Number(want));
  expect(`${where}: ${actual}`).toBe(`${where}: ${want}`);
}

test("every value of the adversarial table reads back in DuckDB as the server's; zero dates null with one warning per column", async () => {
  const r = await exportParquet("adv.parquet");
  expect(r.code).toBe(0);
  expect(r.stderr.split("\n").filter(Boolean).sort()).toEqual(
    ["d", "dt", "ts"].map((c) => `warning: column ${c}: zero, partial or invalid dates are written as null`),
  );
  const db = await duck();
  const rows = await db.query(`SELECT ${ADVERSARIAL_COLUMNS.map((c) => `${cellSql(c)} AS ${c}`).join(", ")} FROM ${literal(r.out)} ORDER BY id`);
  expect(rows.length).toBe(expected.length);
  rows.forEach((row, i) => ADVERSARIAL_COLUMNS.forEach((c, j) => expectCell(`row ${i + 1} ${c}`, cellText(c, row[c] as string | null), expected[i][j])));
});

test("the Parquet types are as promised: physical, logical, converted, required or optional", async () => {
  const r = await exportParquet("typed.parquet", [], "SELECT * FROM typed ORDER BY req");
  expect(r.code).toBe(0);
  const db = await duck();
  const schema = await db.query(
    `SELECT name, type, type_length, repetition_type, converted_type, logical_type, precision, scale FROM parquet_schema(${literal(r.out)}) WHERE name <> 'root'`,
  );
  const shown = Object.fromEntries(
    schema.map((c) => [c.name, [c.type, c.repetition_type, c.converted_type, c.logical_type, c.type_length, c.precision, c.scale].filter((v) => v !== null).join(" ")]),
  );
  // DuckDB prints IntType's bitWidth, a thrift i8, as the character of that code.
  const int = (bits: number, signed: boolean) => `IntType(bitWidth=${String.fromCharCode(bits)}, isSigned=${signed ? 1 : 0})`;
  const ts = "TimestampType(isAdjustedToUTC=0, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))";
  expect(shown).toEqual({
    req: `INT32 REQUIRED INT_32 ${int(32, true)}`,
    i8: `INT32 OPTIONAL INT_8 ${int(8, true)}`,
    u8: `INT32 OPTIONAL UINT_8 ${int(8, false)}`,
    i16: `INT32 OPTIONAL INT_16 ${int(16, true)}`,
    u16: `INT32 OPTIONAL UINT_16 ${int(16, false)}`,
    i24: `INT32 OPTIONAL INT_32 ${int(32, true)}`,
    u24: `INT32 OPTIONAL UINT_32 ${int(32, false)}`,
    i32: `INT32 OPTIONAL INT_32 ${int(32, true)}`,
    u32: `INT32 REQUIRED UINT_32 ${int(32, false)}`,
    i64: `INT64 OPTIONAL INT_64 ${int(64, true)}`,
    u64: `INT64 OPTIONAL UINT_64 ${int(64, false)}`,
    dec9: "INT32 OPTIONAL DECIMAL DecimalType(scale=2, precision=9) 9 2",
    dec18: "INT64 OPTIONAL DECIMAL DecimalType(scale=4, precision=18) 18 4",
    dec38: "FIXED_LEN_BYTE_ARRAY OPTIONAL DECIMAL DecimalType(scale=10, precision=38) 16 38 10",
    dec39: "BYTE_ARRAY OPTIONAL UTF8 StringType()",
    dec0: "INT32 OPTIONAL DECIMAL DecimalType(scale=0, precision=5) 5 0",
    f32: "FLOAT OPTIONAL",
    f64: "DOUBLE OPTIONAL",
    d: "INT32 OPTIONAL DATE DateType()",
    dt: `INT64 OPTIONAL ${ts}`,
    ts: `INT64 OPTIONAL ${ts}`,
    tm: "BYTE_ARRAY OPTIONAL UTF8 StringType()",
    yr: `INT32 OPTIONAL INT_16 ${int(16, true)}`,
    j: "BYTE_ARRAY OPTIONAL JSON JsonType()",
    b: "BYTE_ARRAY OPTIONAL",
    bit5: `INT64 OPTIONAL UINT_64 ${int(64, false)}`,
    s: "BYTE_ARRAY REQUIRED UTF8 StringType()",
    e: "BYTE_ARRAY OPTIONAL UTF8 StringType()",
  });
  const text = await db.query(`SELECT * EXCLUDE (f32, f64, dt, ts), strftime(ts, '%Y-%m-%d %H:%M:%S.%f') AS ts, f64::VARCHAR AS f64 FROM ${literal(r.out)} ORDER BY req`);
  expect(text.map((row) => [row.u64, row.i64, row.u32, row.dec38, row.dec39, row.dec18, row.d, row.ts, row.tm, row.j, row.bit5, row.yr])).toEqual([
    ["0", "-9223372036854775808", 0, "-9999999999999999999999999999.9999999999", "-999999999999999999999999999999999999999", "0.0000", "1000-01-01", "1970-01-01 00:00:01.000000", "-838:59:59", '{"a": 12345678901234567890}', "0", 1901],
    ["18446744073709551615", "9223372036854775807", 4294967295, "9999999999999999999999999999.9999999999", "999999999999999999999999999999999999999", "99999999999999.9999", "9999-12-31", "2038-01-19 03:14:07.999000", "838:59:59", "[]", "31", 2155],
    [null, null, 1, null, null, null, null, null, null, null, null, null],
  ]);
  // Exact, not rounded through a double on the way.
  const [exact] = await db.query(`SELECT bool_and(u64 = 18446744073709551615::UBIGINT) AS u64, bool_and(dec9 = 9999999.99) AS dec9 FROM ${literal(r.out)} WHERE req = 2`);
  expect(exact).toEqual({ u64: true, dec9: true });
});

test("column statistics are the data's own: min, max and NULL count of each chunk", async () => {
  const r = await exportParquet("stats.parquet", [], "SELECT * FROM typed ORDER BY req");
  expect(r.code).toBe(0);
  const db = await duck();
  const stats = await db.query(
    `SELECT path_in_schema AS c, stats_min_value AS min, stats_max_value AS max, stats_null_count::VARCHAR AS nulls FROM parquet_metadata(${literal(r.out)}) WHERE type <> 'BYTE_ARRAY'`,
  );
  expect(stats.length).toBe(22);
  for (const stat of stats) {
    const c = stat.c;
    const [data] = await db.query(`SELECT '${c}' AS c, min("${c}")::VARCHAR AS min, max("${c}")::VARCHAR AS max, count(*) FILTER (WHERE "${c}" IS NULL)::VARCHAR AS nulls FROM ${literal(r.out)}`);
    expect(stat).toEqual(data!);
  }
  // Byte arrays: unsigned byte order, cut to 16 bytes in the footer.
  const [s] = await db.query(`SELECT stats_min_value AS min, stats_max_value AS max FROM parquet_metadata(${literal(r.out)}) WHERE path_in_schema = 's'`);
  expect(s).toEqual({ min: "", max: "z" });
});

test("columns of many pages, long runs of NULL, all NULL, and values larger than a page read back whole", async () => {
  const query = `SELECT seq AS n, CAST(seq AS SIGNED) * -1234567 AS neg, TIMESTAMP'1960-05-06 01:02:03.5' + INTERVAL seq SECOND AS t,
    IF(seq % 3 = 0, NULL, IF(seq % 10007 = 0, REPEAT('x', 1200000), REPEAT(CHAR(65 + seq % 26), seq % 300))) AS s,
    IF(seq BETWEEN 1000 AND 30000, NULL, seq) AS gap, IF(seq > 0, NULL, 1) AS none FROM seq_1_to_300000`;
  const r = await exportParquet("pages.parquet", ["--row-group-rows", "300000"], query);
  expect(r).toMatchObject({ code: 0, stderr: "" });
  const { parquetMetadata } = await import("hyparquet");
  const chunks = parquetMetadata((await Bun.file(r.out).arrayBuffer()) as ArrayBuffer).row_groups[0].columns;
  const pages = Object.fromEntries(chunks.map((c) => [c.meta_data!.path_in_schema[0], c.meta_data!.encoding_stats![0].count]));
  expect(pages).toMatchObject({ n: 3, neg: 3, t: 3, gap: 2, none: 1 });
  expect(pages.s).toBeGreaterThan(30);
  const db = await duck();
  const [check] = await db.query(`SELECT count(*)::VARCHAR AS rows, bool_and(neg = n * -1234567) AS neg,
    bool_and(t = TIMESTAMP '1960-05-06 01:02:03.5' + to_seconds(n)) AS t,
    bool_and(s IS NOT DISTINCT FROM CASE WHEN n % 3 = 0 THEN NULL WHEN n % 10007 = 0 THEN repeat('x', 1200000) ELSE repeat(chr((65 + n % 26)::INT), (n % 300)::INT) END) AS s,
    bool_and(gap IS NOT DISTINCT FROM CASE WHEN n BETWEEN 1000 AND 30000 THEN NULL ELSE n END) AS gap, count(none)::VARCHAR AS none FROM ${literal(r.out)}`);
  expect(check).toEqual({ rows: "300000", neg: true, t: true, s: true, gap: true, none: "0" });
});

test("duplicate column names are suffixed as JSON keys are, with the same warning", async () => {
  const r = await exportParquet("dup.parquet", [], "SELECT 1 AS a, 2 AS a, 3 AS a_2");
  expect(r.code).toBe(0);
  expect(r.stderr).toBe("warning: duplicate column names renamed: a -> a_3\n");
  const db = await duck();
  expect(await db.query(`SELECT * FROM ${literal(r.out)}`)).toEqual([{ a: 1, a_3: 2, a_2: 3 }]);
});

describe("compression inside the file, row groups bounded", () => {
  const QUERY = "SELECT seq AS n, CONCAT('row ', seq) AS label FROM seq_1_to_2500";

  test.each([
    [[], "ZSTD"],
    [["--compress", "zstd"], "ZSTD"],
    [["--compress", "snappy"], "SNAPPY"],
    [["--compress", "gzip"], "GZIP"],
    [["--compress", "none"], "UNCOMPRESSED"],
  ])("%p writes %s pages, groups of --row-group-rows", async (flags, codec) => {
    const r = await exportParquet(`codec-${codec}-${flags.length}.parquet`, [...flags, "--row-group-rows", "1000", "--batch-rows", "300"], QUERY);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const db = await duck();
    const meta = await db.query(
      `SELECT string_agg(DISTINCT compression, ',') AS codecs, list(DISTINCT row_group_num_rows ORDER BY row_group_num_rows)::VARCHAR AS sizes FROM parquet_metadata(${literal(r.out)})`,
    );
    expect(meta).toEqual([{ codecs: codec, sizes: "[500, 1000]" }]);
    const [sum] = await db.query(`SELECT count(*)::VARCHAR AS rows, sum(n)::VARCHAR AS total, bool_and(label = 'row ' || n) AS labels FROM ${literal(r.out)}`);
    expect(sum).toEqual({ rows: "2500", total: String((2500 * 2501) / 2), labels: true });
  });
});

describe("exit codes and the output file, as for every format", () => {
  test("zero rows: exit 1 and no file; with --allow-empty a valid empty file", async () => {
    const query = "SELECT id, txt FROM t WHERE id < 0";
    const none = await exportParquet("empty.parquet", [], query);
    expect(none.code).toBe(1);
    expect(existsSync(none.out)).toBe(false);
    const empty = await exportParquet("empty-ok.parquet", ["--allow-empty"], query);
    expect(empty).toMatchObject({ code: 0, stderr: "" });
    const db = await duck();
    expect(await db.query(`SELECT count(*)::VARCHAR AS n FROM ${literal(empty.out)}`)).toEqual([{ n: "0" }]);
    expect((await db.query(`DESCRIBE SELECT * FROM ${literal(empty.out)}`)).map((c) => `${c.column_name} ${c.column_type}`)).toEqual(["id INTEGER", "txt VARCHAR"]);
  });

  test.each([
    [["-f", "json", "--compress", "snappy"], "--compress snappy applies to parquet only, not json"],
    [["-f", "parquet", "--null-value", "\\N"], "--null-value applies to csv and tsv, not parquet"],
    [["-f", "csv", "--row-group-rows", "10"], "--row-group-rows applies to parquet only, not csv"],
  ])("%p: exit 2, one line", async (flags, message) => {
    const r = await exportParquet("refused.out", flags);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `gold-digger: ${message}\n` });
    expect(existsSync(r.out)).toBe(false);
  });

  test("a .parquet.gz name is no known format: exit 2", async () => {
    const r = await exportParquet("x.parquet.gz");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gold-digger: cannot infer the format of .*x\.parquet\.gz: known extensions are .*\.jsonl, \.ltsv \(each optionally followed by \.gz or \.zst\), \.parquet; or pass --format\n$/);
  });

  test("--split-by id --parallel 2 reads back equal to a single export", async () => {
    await server().sql([
      "USE adv",
      "CREATE TABLE adv.many (id INT PRIMARY KEY, v VARCHAR(20), d DECIMAL(10,2))",
      "INSERT INTO adv.many SELECT seq, CONCAT('v', seq), seq / 7 FROM seq_1_to_20000",
    ]);
    const query = "SELECT * FROM many";
    const single = await exportParquet("single.parquet", [], `${query} ORDER BY id`);
    const parallel = await exportParquet("parallel.parquet", ["--split-by", "id", "--parallel", "2", "--row-group-rows", "3000"], query);
    expect([single.code, parallel.code]).toEqual([0, 0]);
    const db = await duck();
    const all = async (f: string) => db.query(`SELECT id, v, d::VARCHAR AS d FROM ${literal(f)}`);
    const rows = await all(parallel.out);
    expect(rows.length).toBe(20000);
    expect(rows).toEqual(await all(single.out));
  });

  test(
    "a connection cut mid-stream: exit 4, no file",
    async () => {
      await addSweepAccounts(server());
      const proxy = await startFaultProxy({ host: server().host, port: server().port }, { kind: "cut", afterBytes: 1_000_000 });
      try {
        const output = `${tmp()}/cut.parquet`;
        const result = await gdInProcess(["--db-url", sweepUrl(proxy.port), "-q", "SELECT * FROM seq_1_to_3000000", "-o", output], { timeoutMs: HANG_MS });
        expectFailure(result, { code: 4, output, message: /query failed: lost the connection/ });
      } finally {
        await proxy.close();
      }
    },
    TEST_MS,
  );
});


test(
  "memory stays bounded by the row group, not the row count",
  async () => {
    // ~600k rows of ~250 bytes (150 MB of rows): more than a few row groups could hold.
    const query = "SELECT seq AS id, REPEAT(CHAR(65 + seq % 26), 200) AS pad, seq / 3 AS q, NOW() AS t FROM seq_1_to_600000";
    const output = `${tmp()}/big.parquet`;
    const { child, result } = startGd(["--db-url", server().url("adv"), "-q", query, "-o", output], { timeoutMs: 110_000 });
    const peak = await peakRssOf(child);
    expect(await result).toMatchObject({ code: 0, stderr: "" });
    expect(peak).toBeLessThan(250 * 1024 * 1024);
    const db = await duck();
    expect(await db.query(`SELECT count(*)::VARCHAR AS n, count(DISTINCT pad)::VARCHAR AS pads FROM ${literal(output)}`)).toEqual([{ n: "600000", pads: "26" }]);
  },
  120_000,
);
