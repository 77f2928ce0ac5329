// DuckDB as the independent Parquet reader: values come back as JSON text (getRowObjectsJson),
// so nothing passes through a JavaScript number on the way.
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

export type Row = Record<string, string | number | boolean | null>;

export interface Duck {
  query(sql: string): Promise<Row[]>;
  close(): void;
}

let connection: Promise<DuckDBConnection> | undefined;

async function connect(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(":memory:");
  return instance.connect();
}

/** One in-memory DuckDB per test file. */
export async function duck(): Promise<Duck> {
  connection ??= connect();
  const con = await connection;
  return {
    query: async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson() as Row[],
    close: () => con.closeSync(),
  };
}

/** `'path'` as a DuckDB string literal. */
export const literal = (path: string) => `'${path.replaceAll("'", "''")}'`;
