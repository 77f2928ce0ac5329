// A split export's set as the tests read it: its manifest, the checksum it gives each file, and
// the set read as one dataset by DuckDB against the server's own aggregates.
import { expect } from "bun:test";
import { createHash } from "node:crypto";
import mariadb from "mariadb";
import Papa from "papaparse";
import type { PrivateServer } from "../../src/devdb/private-server.ts";
import { duck, literal } from "./duckdb.ts";

export interface Manifest {
  version: string;
  query: string;
  rows: number;
  columns: { name: string; type: string }[];
  files: { name: string; rows: number; bytes: number; sha256: string }[];
}

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** DuckDB reads the Parquet files `glob` names as one table with the count and sums (of `id` and `amount`) the server gives `query`. */
export async function expectParquetSetAggregates(server: PrivateServer, glob: string, query: string): Promise<void> {
  const [got] = await (await duck()).query(
    `SELECT count(*) AS n, sum(id)::VARCHAR AS ids, sum(amount)::VARCHAR AS amounts FROM read_parquet(${literal(glob)})`,
  );
  const conn = await mariadb.createConnection({ host: "127.0.0.1", port: server.port, user: "root", database: "mysql" });
  try {
    const [want] = await conn.query(`SELECT count(*) AS n, CAST(sum(id) AS CHAR) AS ids, CAST(sum(amount) AS CHAR) AS amounts FROM (${query}) q`);
    expect(got).toEqual({ n: String(want.n), ids: want.ids, amounts: want.amounts });
  } finally {
    await conn.end();
  }
}

/**
 * The set of `orders.csv` cut at 2,500 rows of 10,001: five files of exactly those rows, each a
 * valid CSV with the header, that together (less the repeated headers) are `single`, the export
 * to one file. `read` gives a file's text by name.
 */
export function expectOrdersCsvSet(single: string, manifest: Manifest, read: (name: string) => string): void {
  expect(manifest.files.map((f) => [f.name, f.rows])).toEqual([
    ["orders-00000.csv", 2500],
    ["orders-00001.csv", 2500],
    ["orders-00002.csv", 2500],
    ["orders-00003.csv", 2500],
    ["orders-00004.csv", 1],
  ]);
  const [header] = single.split("\r\n");
  let joined = `${header}\r\n`;
  for (const file of manifest.files) {
    const text = read(file.name);
    const parsed = Papa.parse<string[]>(text.trimEnd(), { newline: "\r\n" });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[0]).toEqual(header.split(","));
    expect(parsed.data.length - 1).toBe(file.rows);
    joined += text.slice(header.length + 2);
  }
  expect(joined).toBe(single);
}
