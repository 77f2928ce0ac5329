// A table of values that break naive exporters, and the server's own view of them
// (decoded by the connector's normal path, independent of gold-digger's byte-level one).
import mariadb from "mariadb";
import type { PrivateServer } from "../../src/devdb/private-server.ts";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";

export const ADVERSARIAL_COLUMNS = [
  "id", "txt", "vc", "big_u", "big_s", "dec65", "dbl", "flt", "bits", "bit1", "bin", "blob_col",
  "js", "d", "dt", "ts", "tm", "yr", "en", "st", "tiny1", "geo", "huge",
] as const;

export async function createAdversarialTable(server: PrivateServer, db = "adv"): Promise<void> {
  await server.sql([
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `SET GLOBAL sql_mode = ''`,
    `CREATE TABLE ${db}.t (
      id INT PRIMARY KEY,
      txt TEXT NULL,
      vc VARCHAR(100) NULL,
      big_u BIGINT UNSIGNED NULL,
      big_s BIGINT NULL,
      dec65 DECIMAL(65,30) NULL,
      dbl DOUBLE NULL,
      flt FLOAT NULL,
      bits BIT(64) NULL,
      bit1 BIT(1) NULL,
      bin VARBINARY(64) NULL,
      blob_col LONGBLOB NULL,
      js JSON NULL,
      d DATE NULL,
      dt DATETIME(6) NULL,
      ts TIMESTAMP(6) NULL,
      tm TIME(6) NULL,
      yr YEAR NULL,
      en ENUM('a','b,c','d"e') NULL,
      st SET('x','y','z') NULL,
      tiny1 TINYINT(1) NULL,
      geo POINT NULL,
      huge MEDIUMTEXT NULL
    ) DEFAULT CHARSET=utf8mb4`,
    // 1: every column NULL
    `INSERT INTO ${db}.t (id) VALUES (1)`,
    // 2: empty strings and zeroes, zero dates
    `INSERT INTO ${db}.t VALUES (2, '', '', 0, 0, 0, 0, 0, b'0', b'0', '', '', '{}', '0000-00-00',
       '0000-00-00 00:00:00', '0000-00-00 00:00:00', '00:00:00', 0, 'a', '', 0, NULL, '')`,
    // 3: extremes and delimiters
    `INSERT INTO ${db}.t VALUES (3, 'comma, "quote", tab\\tand\\r\\nCRLF\\nLF and \\\\ backslash',
       ' leading and trailing ', 18446744073709551615, -9223372036854775808,
       '12345678901234567890123456789012345.123456789012345678901234567890',
       1.7976931348623157e308, -3.40282e38, b'1111111111111111111111111111111111111111111111111111111111111111', b'1',
       UNHEX('00FF0D0A2C22'), UNHEX(REPEAT('DEADBEEF', 64)),
       '{"nested": {"a": [1, 2.5, "x\\\\"y"]}, "big": 12345678901234567890, "u": "\\\\u00e9"}',
       '9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '-838:59:59', 2155,
       'b,c', 'x,z', -128, ST_GeomFromText('POINT(1.5 -2.25)'), NULL)`,
    // 4: Unicode, control characters, formula-looking text, BOM
    `INSERT INTO ${db}.t VALUES (4, CONCAT('emoji 👩‍💻 🎉 ünïcödé 中文 ', CHAR(1), CHAR(8), CHAR(12), CHAR(31), ' \u2028'),
       CONCAT(UNHEX('EFBBBF'), '=SUM(A1)'), 9007199254740993, -9007199254740993, '-0.000000000000000000000000000001',
       5e-324, 1.17549e-38, b'101', b'0', UNHEX('7F80'), '', '[1, "two", null, true, false]',
       '1970-01-01', '2024-02-29 12:34:56.000001', '1970-01-01 00:00:01', '838:59:58.999999', 1901,
       'd"e', 'x,y,z', 1, ST_GeomFromText('POINT(0 0)'), 'x')`,
    // 5: a 1 MB text value
    `INSERT INTO ${db}.t (id, txt, huge) VALUES (5, 'line1\\nline2', CONCAT(REPEAT('0123456789,"\\n', 87381), 'end'))`,
  ]);
}

/** The server's value of each cell, as the contract says it is rendered in CSV (null for NULL). */
export async function expectedCells(server: PrivateServer, db = "adv"): Promise<(string | null)[][]> {
  const conn = await mariadb.createConnection({
    socketPath: server.socket,
    user: "root",
    database: db,
    ...EXACT_VALUES,
  });
  try {
    // GEOMETRY is decoded to GeoJSON by the connector; ask the server for its bytes instead.
    const rows = (await conn.query(
      `SELECT ${ADVERSARIAL_COLUMNS.map((c) => (c === "geo" ? "HEX(geo)" : c)).join(", ")} FROM t ORDER BY id`,
    )) as unknown[][];
    return rows.map((row) =>
      row.map((v, i) => {
        if (v === null || v === undefined) return null;
        const column = ADVERSARIAL_COLUMNS[i];
        if (column === "geo") return `0x${String(v).toLowerCase()}`;
        if (column === "bits" || column === "bit1") {
          return BigInt(`0x${(v as Buffer).toString("hex") || "0"}`).toString();
        }
        if (Buffer.isBuffer(v)) return `0x${v.toString("hex")}`;
        if (Array.isArray(v)) return v.join(","); // SET
        return String(v);
      }),
    );
  } finally {
    await conn.end();
  }
}

/** Columns whose JSON rendering is a number, and the JSON column. */
export const NUMERIC_COLUMNS = new Set(["id", "big_u", "big_s", "dec65", "dbl", "flt", "bits", "bit1", "yr", "tiny1"]);
export const JSON_COLUMNS = new Set(["js"]);
