// The bench database and its first table, the "wide" row shape: mixed types, ~10% NULLs,
// awkward text (quotes, commas, tabs, newlines, Unicode) and about 180 bytes a row as TSV.
// 10M rows are derived from it by a cross join with a 10-row sequence, so they are never
// stored. The other shapes are in bench/shapes/; the million-row test loads this table too.
import type { PrivateServer } from "../src/devdb/private-server.ts";

export const BENCH_DATABASE = "bench";
export const BENCH_TABLE = "bench";

export function createBenchTableSql(rows: number): string[] {
  return [
    `DROP TABLE IF EXISTS ${BENCH_TABLE}`,
    `CREATE TABLE ${BENCH_TABLE} (
      id BIGINT NOT NULL PRIMARY KEY,
      qty INT NULL,
      amount DECIMAL(12,2) NULL,
      ratio DOUBLE NULL,
      label VARCHAR(80) NULL,
      note TEXT NULL,
      day DATE NULL,
      happened DATETIME(6) NULL,
      updated TIMESTAMP NULL,
      active TINYINT(1) NULL,
      digest VARBINARY(16) NULL,
      doc JSON NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    `INSERT INTO ${BENCH_TABLE}
     SELECT seq,
       IF(seq % 10 = 1, NULL, CAST((seq * 7919) % 100000 AS SIGNED) - 50000),
       IF(seq % 10 = 2, NULL, ((seq * 31) % 10000000) / 100),
       IF(seq % 10 = 3, NULL, seq / 7e0),
       IF(seq % 10 = 4, NULL, CONCAT('item "', seq % 1000, '", size\t', seq % 7,
                                    IF(seq % 50 = 0, '\\nsecond line', ''), ' ünï ✓')),
       IF(seq % 10 = 5, NULL, SUBSTRING(REPEAT(MD5(seq), 2), 1, 15 + seq % 46)),
       IF(seq % 10 = 6, NULL, DATE('2000-01-01') + INTERVAL (seq % 9000) DAY),
       IF(seq % 10 = 7, NULL, TIMESTAMP('2020-01-01 00:00:00') + INTERVAL (seq * 1013) MICROSECOND),
       IF(seq % 10 = 8, NULL, FROM_UNIXTIME(1600000000 + seq)),
       IF(seq % 10 = 9, NULL, seq % 2),
       IF(seq % 10 = 0, NULL, UNHEX(SUBSTRING(MD5(seq), 1, 2 * (1 + seq % 16)))),
       IF(seq % 10 = 1, NULL, JSON_OBJECT('k', seq % 100, 'tag', CONCAT('t', seq % 9)))
     FROM seq_1_to_${rows}`,
  ];
}

/** The query that yields `multiplier` times the stored rows without storing them. */
export function benchQuery(multiplier = 1): string {
  if (multiplier === 1) return `SELECT * FROM ${BENCH_TABLE}`;
  return `SELECT b.* FROM ${BENCH_TABLE} b CROSS JOIN seq_1_to_${multiplier} s`;
}

/**
 * Runs a table's statements in the bench database, creating it first. Tables are filled by
 * INSERT ... SELECT from seq_1_to_N (the Sequence engine, which needs a current database), so
 * millions of rows load in seconds and none passes through JavaScript.
 */
export async function loadIntoBenchDatabase(server: PrivateServer, statements: string[]): Promise<void> {
  await server.sql([`CREATE DATABASE IF NOT EXISTS ${BENCH_DATABASE}`, `USE ${BENCH_DATABASE}`, ...statements]);
}

export async function loadBenchTable(server: PrivateServer, rows: number): Promise<void> {
  await loadIntoBenchDatabase(server, createBenchTableSql(rows));
}
