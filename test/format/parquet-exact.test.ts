// Parquet values against the server's own text, for the values a Parquet type cannot hold as
// they are: every boundary date (year 0, leap days, days a month lacks under
// ALLOW_INVALID_DATES), JSON-column text that is not JSON, edges of DECIMAL, TIME, BIT, YEAR and
// floats; and statements with no result set, which cannot be a Parquet file. DuckDB reads the
// files; the connector, with the exact-values options, says what the server sent.
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import mariadb from "mariadb";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";
import { isValidJson } from "../../src/format/json-check.ts";
import { duck, literal } from "../support/duckdb.ts";
import { gd, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();

/** The server's text of every cell of `query`: strings, null for NULL, BIT as its unsigned value. */
async function serverText(query: string): Promise<(string | null)[][]> {
  const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: "px", ...EXACT_VALUES });
  try {
    const rows = (await conn.query(query)) as unknown[][];
    return rows.map((row) => row.map((v) => (v === null ? null : Buffer.isBuffer(v) ? BigInt(`0x${v.toString("hex") || "0"}`).toString() : String(v))));
  } finally {
    await conn.end();
  }
}

async function exportParquet(name: string, query: string, extra: string[] = []) {
  const out = `${tmp()}/${name}`;
  const r = await gd(["--db-url", server().url("px"), "-q", query, "-o", out, ...extra], { timeoutMs: 60_000 });
  return { ...r, out };
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Whether a proleptic Gregorian calendar has this day, by JavaScript's own (years 0-99 as they are). */
function isCalendarDay(text: string): boolean {
  const [year, month, day] = [Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** The first `n` values of a fixed pseudo-random sequence in [0, 1): tests see the same cases each run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

beforeAll(async () => {
  await server().sql(["CREATE DATABASE px"]);
});

describe("dates: every calendar day exact, year 0 included; no other day ever", () => {
  const YEARS = [0, 1, 3, 4, 99, 100, 200, 400, 1000, 1582, 1600, 1899, 1900, 1969, 1970, 2000, 2023, 2024, 2100, 2400, 9996, 9999];
  const DAYS = [1, 28, 29, 30, 31];
  const FRACTION = ["", ".1", ".12", ".123", ".1234", ".12345", ".123456", ".999999", ".000001"];

  beforeAll(async () => {
    const rows: string[] = [];
    let id = 0;
    for (const year of YEARS) {
      for (let month = 1; month <= 12; month++) {
        for (const day of DAYS) {
          const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          const time = `${pad(id % 24, 2)}:${pad(id % 60, 2)}:${pad((id * 7) % 60, 2)}${FRACTION[id % FRACTION.length]}`;
          rows.push(`(${++id}, '${date}', '${date} ${time}')`);
        }
      }
    }
    // Zero and partial dates, as sql_mode '' lets them in.
    for (const date of ["0000-00-00", "0000-00-01", "0000-01-00", "2024-00-10", "2024-05-00"]) rows.push(`(${++id}, '${date}', '${date} 12:00:00.5')`);
    const widths = [0, 1, 2, 3, 4, 5, 6];
    await server().sql([
      "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'",
      `CREATE TABLE px.cal (id INT PRIMARY KEY, d DATE, dt DATETIME(6), ${widths.map((w) => `dt${w} DATETIME(${w})`).join(", ")}, ts TIMESTAMP(6) NULL, ts3 TIMESTAMP(3) NULL)`,
      `INSERT INTO px.cal (id, d, dt) VALUES ${rows.join(", ")}`,
      "SET SESSION sql_mode = ''",
      `UPDATE px.cal SET ${widths.map((w) => `dt${w} = dt`).join(", ")}`,
      // TIMESTAMP's own range (1970-2038) in the session's zone, and its zero value.
      "SET SESSION time_zone = '+00:00'",
      "UPDATE px.cal SET ts = dt, ts3 = dt WHERE dt BETWEEN '1970-01-02' AND '2038-01-18'",
      "UPDATE px.cal SET ts = '0000-00-00 00:00:00', ts3 = '0000-00-00 00:00:00' WHERE d = '0000-00-00'",
    ]);
  });

  const COLUMNS = ["d", "dt", "dt0", "dt1", "dt2", "dt3", "dt4", "dt5", "dt6", "ts", "ts3"];

  test("each reads back in DuckDB as the server's text, or null where the text names no calendar day; one warning per column", async () => {
    const query = `SELECT id, ${COLUMNS.join(", ")} FROM cal ORDER BY id`;
    const r = await exportParquet("cal.parquet", query);
    expect(r.code).toBe(0);
    const want = await serverText(query);
    const db = await duck();
    const got = await db.query(
      `SELECT id, strftime(d, '%Y-%m-%d') AS d, ${COLUMNS.slice(1).map((c) => `strftime(${c}, '%Y-%m-%d %H:%M:%S.%f') AS ${c}`).join(", ")} FROM ${literal(r.out)} ORDER BY id`,
    );
    expect(got.length).toBe(want.length);
    const wrong: string[] = [];
    let invalid = 0;
    got.forEach((row, i) =>
      COLUMNS.forEach((c, j) => {
        const text = want[i][j + 1];
        // DuckDB prints six fraction digits whatever the column's width.
        const expected = text === null || !isCalendarDay(text) ? null : c === "d" ? text : `${text.slice(0, 19)}.${text.slice(20).padEnd(6, "0")}`;
        if (text !== null && expected === null) invalid++;
        if (row[c] !== expected) wrong.push(`id ${row.id} ${c}: server ${text}, parquet ${row[c]}`);
      }),
    );
    expect(wrong).toEqual([]);
    expect(r.stderr.split("\n").filter(Boolean).sort()).toEqual(COLUMNS.map((c) => `warning: column ${c}: zero, partial or invalid dates are written as null`).sort());
    // The table holds what the test is about: days the calendar lacks, and year 0.
    expect(invalid).toBeGreaterThan(400);
    // Year 0 is a leap year: 7 months of 31 days, 4 of 30 and February 29 each give all their tested days.
    expect(got.filter((row) => (row.d as string | null)?.startsWith("0000-")).length).toBe(7 * 5 + 4 * 4 + 3);
    expect(got.some((row) => row.dt === "0000-02-29 00:00:00.000000" || row.d === "0000-02-29")).toBe(true);
  });
});

describe("JSON column: text that is not JSON becomes a JSON string of that exact text", () => {
  /** Valid JSON with random edits: most are not JSON any more, some still are. */
  function mutations(count: number): string[] {
    const next = random(7);
    const seed = '{"a":[1,-2.5e3,"x\\"y é 👩‍💻",true,null,{"b":{}}],"c":"\\u0041"}';
    const alphabet = '{}[]",:.-+e0123456789tfnul\\ ax\t\n\u0001é';
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const chars = [...seed];
      const at = Math.floor(next() * chars.length);
      const c = alphabet[Math.floor(next() * alphabet.length)];
      if (i % 3 === 0) chars.splice(at, 1);
      else if (i % 3 === 1) chars.splice(at, 0, c);
      else chars[at] = c;
      out.push(chars.join(""));
    }
    return out;
  }
  const TEXTS = [
    "[1.]", "1.", "[-]", "-", '["\\x"]', '{"a": -}', "01", "1e", ".5", "[1,]", '{"a":1,}', "tru", "nulls", '"a\tb"', "[1 2]",
    "not json {", "", "  ", '"\\u00g9"', '"unterminated', "[".repeat(101) + "]".repeat(101),
    // Valid: kept as they are.
    "{}", "[1, 2.5]", '{"big": 12345678901234567890}', "-0", '"\\u00e9"', "[".repeat(100) + "]".repeat(100),
    ...mutations(300),
  ];

  beforeAll(async () => {
    const quoted = TEXTS.map((t, i) => `(${i + 1}, '${t.replaceAll("\\", "\\\\").replaceAll("'", "''")}')`);
    await server().sql(["CREATE TABLE px.docs (id INT PRIMARY KEY, j JSON, k JSON)", "SET SESSION check_constraint_checks = 0", `INSERT INTO px.docs (id, j) VALUES ${quoted.join(", ")}`, "UPDATE px.docs SET k = j WHERE id % 2 = 0"]);
  });

  test("DuckDB reads the whole file: valid values as they are, the others as JSON strings holding the server's text; one warning per column", async () => {
    const query = "SELECT id, j, k, JSON_EXTRACT(j, '$') AS f FROM docs ORDER BY id";
    const r = await exportParquet("docs.parquet", query);
    expect(r.code).toBe(0);
    const want = await serverText(query);
    const db = await duck();
    const got = await db.query(`SELECT id, j::VARCHAR AS j, k::VARCHAR AS k, f::VARCHAR AS f, json_type(j) AS t FROM ${literal(r.out)} ORDER BY id`);
    expect(got.length).toBe(TEXTS.length);
    const wrong: string[] = [];
    let strings = 0;
    got.forEach((row, i) =>
      (["j", "k", "f"] as const).forEach((c, n) => {
        const text = want[i][n + 1];
        const bytes = Buffer.from(text ?? "");
        const valid = text !== null && isValidJson(bytes, 0, bytes.length);
        if (text !== null && !valid) strings++;
        const expected = text === null || valid ? text : JSON.stringify(text);
        if (row[c] !== expected) wrong.push(`id ${row.id} ${c}: server ${JSON.stringify(text)}, parquet ${JSON.stringify(row[c])}`);
      }),
    );
    expect(wrong).toEqual([]);
    expect(r.stderr.split("\n").filter(Boolean).sort()).toEqual(["f", "j", "k"].map((c) => `warning: column ${c}: text that is not valid JSON is written as a JSON string`));
    // A replaced value is a JSON string whose content is the server's text, byte for byte.
    const [check] = await db.query(`SELECT count(*) FILTER (WHERE t = 'VARCHAR' AND NOT starts_with(j::VARCHAR, '"'))::VARCHAR AS odd FROM (SELECT j, json_type(j) AS t FROM ${literal(r.out)})`);
    expect(check).toEqual({ odd: "0" });
    expect(strings).toBeGreaterThan(150);
  });
});

describe("DECIMAL, TIME, BIT, YEAR, integers and floats at their edges", () => {
  const DECIMALS: [number, number][] = [[1, 0], [1, 1], [9, 0], [9, 9], [10, 0], [10, 5], [18, 0], [18, 18], [19, 0], [19, 19], [38, 0], [38, 38], [38, 19], [39, 10], [65, 30]];
  const decimalValues = (p: number, s: number) => {
    const int = p - s;
    const max = `${int > 0 ? "9".repeat(int) : "0"}${s > 0 ? `.${"9".repeat(s)}` : ""}`;
    const tiny = s > 0 ? `0.${"0".repeat(s - 1)}1` : "1";
    const next = random(p * 100 + s);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join("");
    const mid = `${int > 0 ? digits(int) : "0"}${s > 0 ? `.${digits(s)}` : ""}`;
    return [max, `-${max}`, tiny, `-${tiny}`, "0", mid, `-${mid}`];
  };

  test("each reads back in DuckDB as the server's text", async () => {
    const columns = [
      ...DECIMALS.map(([p, s]) => `d${p}_${s} DECIMAL(${p},${s})`),
      "du DECIMAL(38,0) UNSIGNED", "tm TIME", "tm6 TIME(6)", "yr YEAR", "b1 BIT(1)", "b63 BIT(63)", "b64 BIT(64)",
      "z INT(6) ZEROFILL", "iu INT UNSIGNED", "mu MEDIUMINT UNSIGNED", "bu BIGINT UNSIGNED", "bs BIGINT", "f FLOAT", "g DOUBLE",
    ];
    const rows = 7;
    const values = (i: number) => [
      ...DECIMALS.map(([p, s]) => `'${decimalValues(p, s)[i]}'`),
      [`'${"9".repeat(38)}'`, "0", "1", "12345678901234567890123456789012345678", "0", "99", "5"][i],
      ["'-838:59:59'", "'838:59:59'", "'00:00:00'", "'-00:00:01'", "'24:00:00'", "'100:00:00'", "'-01:02:03'"][i],
      ["'-838:59:59.999999'", "'838:59:59.999999'", "'00:00:00.000001'", "'-00:00:00.5'", "'23:59:59.999999'", "'12:34:56.1'", "NULL"][i],
      ["1901", "2155", "0", "2000", "1999", "NULL", "2024"][i],
      ["b'0'", "b'1'", "NULL", "b'1'", "b'0'", "b'1'", "b'0'"][i],
      ["0", "9223372036854775807", "1", "4611686018427387904", "NULL", "12345", "9007199254740993"][i],
      ["0", "18446744073709551615", "9223372036854775808", "9223372036854775807", "1", "NULL", "9007199254740993"][i],
      ["0", "1", "42", "999999", "4294967295", "NULL", "7"][i],
      ["0", "4294967295", "2147483648", "2147483647", "1", "NULL", "7"][i],
      ["0", "16777215", "8388608", "1", "NULL", "2", "3"][i],
      ["0", "18446744073709551615", "9223372036854775808", "9007199254740993", "1", "NULL", "2"][i],
      ["-9223372036854775808", "9223372036854775807", "-9007199254740993", "0", "NULL", "-1", "1"][i],
      ["3.40282e38", "-3.40282e38", "1.17549e-38", "1.4013e-45", "16777217", "0.1", "-0"][i],
      ["1.7976931348623157e308", "-1.7976931348623157e308", "2.2250738585072014e-308", "5e-324", "9007199254740993", "0.1", "-0e0"][i],
    ];
    const names = columns.map((c) => c.split(" ")[0]);
    await server().sql([
      "SET SESSION sql_mode = ''",
      `CREATE TABLE px.edges (id INT PRIMARY KEY, ${columns.join(", ")})`,
      `INSERT INTO px.edges VALUES ${Array.from({ length: rows }, (_, i) => `(${i + 1}, ${values(i).join(", ")})`).join(", ")}`,
    ]);
    const query = `SELECT id, ${names.join(", ")} FROM edges ORDER BY id`;
    const r = await exportParquet("edges.parquet", query);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const want = await serverText(query);
    const db = await duck();
    const got = await db.query(`SELECT id, ${names.map((c) => (c === "f" || c === "g" ? c : `${c}::VARCHAR AS ${c}`)).join(", ")}, f::VARCHAR AS ftext, g::VARCHAR AS gtext FROM ${literal(r.out)} ORDER BY id`);
    const wrong: string[] = [];
    got.forEach((row, i) =>
      names.forEach((c, j) => {
        const text = want[i][j + 1];
        let same: boolean;
        const value = row[c];
        if (text === null || value === null) same = text === value;
        // Floats: the value the server's text reads as, the sign of zero included.
        else if (c === "f") same = Object.is(Math.fround(Number(text)), Math.fround(Number(row.ftext)));
        else if (c === "g") same = Object.is(Number(text), Number(row.gtext));
        // Integers: the same number; ZEROFILL's and YEAR's leading zeros are display only.
        else if (["z", "iu", "mu", "bu", "bs", "yr", "b1", "b63", "b64"].includes(c)) same = BigInt(text) === BigInt(value as string);
        // DuckDB prints a DECIMAL(s,s) without the 0 before the point.
        else same = text === String(value).replace(/^(-?)\./, "$10.");
        if (!same) wrong.push(`id ${row.id} ${c}: server ${text}, parquet ${value}`);
      }),
    );
    expect(wrong).toEqual([]);
  });
});

describe("a statement with no result set cannot be a Parquet file", () => {
  beforeAll(async () => {
    await server().sql([
      "CREATE TABLE px.counter (n INT)",
      "INSERT INTO px.counter VALUES (0)",
      "CREATE PROCEDURE px.nothing() BEGIN DECLARE x INT DEFAULT 1; SET x = x + 1; END",
    ]);
  });

  test.each([
    "DO 1",
    "SET @x = 1",
    "UPDATE counter SET n = n + 1",
    "INSERT INTO counter VALUES (5)",
    "CREATE TEMPORARY TABLE tmp_x (a INT)",
    "CALL nothing()",
    "BEGIN",
  ])("%p --allow-empty: exit 4, one line, no file, nothing on stdout", async (query) => {
    const dir = `${tmp()}/none-${Buffer.from(query).toString("hex").slice(0, 16)}`;
    await Bun.write(`${dir}/.keep`, "");
    const out = `${dir}/x.parquet`;
    const r = await gd(["--db-url", server().url("px"), "-q", query, "-o", out, "--allow-empty"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 4,
      stderr: "gold-digger: the statement returned no result set, and a Parquet file needs at least one column (the statement has run; another format writes an empty export)\n",
    });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([".keep"]);
    const toStdout = await gd(["--db-url", server().url("px"), "-q", query, "-o", "-", "-f", "parquet", "--allow-empty"]);
    expect({ code: toStdout.code, stdout: toStdout.stdout.length }).toEqual({ code: 4, stdout: 0 });
  });

  test("the statement did run (its effects stay), and other formats still write an empty export", async () => {
    const [[before]] = await serverText("SELECT n FROM counter ORDER BY n LIMIT 1");
    const r = await exportParquet("update.parquet", "UPDATE counter SET n = n + 100 WHERE n < 100", ["--allow-empty"]);
    expect(r.code).toBe(4);
    const [[after]] = await serverText("SELECT n FROM counter ORDER BY n LIMIT 1");
    expect(Number(after)).toBe(Number(before) + 100);
    const csv = await gd(["--db-url", server().url("px"), "-q", "DO 1", "-o", `${tmp()}/do.csv`, "--allow-empty"]);
    expect({ code: csv.code, stderr: csv.stderr }).toEqual({ code: 0, stderr: "" });
  });

  test("without --allow-empty it is the zero-row case of every format: exit 1", async () => {
    const r = await exportParquet("do.parquet", "DO 1");
    expect(r.code).toBe(1);
    expect(existsSync(r.out)).toBe(false);
  });
});
