// A plain query's rows, estimated for the progress line and the protocol: only for a SELECT, only
// when asked or a request for the binary protocol depends on it, and a server that will not say is
// no failure.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import mariadb, { type Connection } from "mariadb";
import type { ReadRequest } from "../../src/plan.ts";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";
import { BINARY_PROTOCOL_MIN_ROWS, isSelect, planRead } from "../../src/source/ranges/read-plan.ts";
import { usePrivateServer } from "../support/harness.ts";

const server = usePrivateServer();
let conn: Connection;

beforeEach(async () => {
  await server().sql(["CREATE DATABASE IF NOT EXISTS est", "CREATE TABLE IF NOT EXISTS est.t (id INT PRIMARY KEY) ENGINE=Aria", "INSERT IGNORE INTO est.t SELECT seq FROM est.seq_1_to_500"]);
  conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: "est", ...EXACT_VALUES });
});
afterEach(() => conn.end());

const request = (query: string): ReadRequest => ({ query, readers: 1, consistency: "snapshot", protocol: "text", batchRows: 4096, readTimeoutMs: 0, binlogPosition: false });

/** Statements this session has sent the server. */
async function statementsSent(): Promise<number> {
  const [row] = (await conn.query({ sql: "SHOW SESSION STATUS LIKE 'Questions'", rowsAsArray: true })) as string[][];
  return Number(row[1]);
}

test("SELECT, WITH and a parenthesized SELECT, behind comments, are queries to estimate; nothing else is", () => {
  for (const sql of ["SELECT 1", " /* c */ (select 1)", "-- c\nWITH a AS (SELECT 1) SELECT * FROM a", "/*!40001 SELECT 1 */"]) expect(isSelect(sql)).toBe(true);
  for (const sql of ["DELETE FROM t", "CALL p()", "SHOW TABLES", "EXPLAIN SELECT 1", "INSERT INTO t SELECT 1", "/* SELECT */ UPDATE t SET a = 1"]) {
    expect(isSelect(sql)).toBe(false);
  }
});

test("asked, a SELECT gets the optimizer's estimate; not asked, the server is not asked either", async () => {
  expect((await planRead(conn, request("SELECT * FROM t"), { estimate: true })).estimatedRows).toBe(500);
  const before = await statementsSent();
  expect((await planRead(conn, request("SELECT * FROM t"))).estimatedRows).toBeUndefined();
  expect((await planRead(conn, request("DELETE FROM t"), { estimate: true })).estimatedRows).toBeUndefined();
  // The one statement is the second look at the counter.
  expect((await statementsSent()) - before).toBe(1);
});

test("an EXPLAIN the server refuses leaves no estimate, and the connection fit for the query", async () => {
  const plan = await planRead(conn, request("SELECT * FROM missing"), { estimate: true });
  expect(plan).toEqual({ ...request("SELECT * FROM missing"), ranges: ["SELECT * FROM missing"] });
  expect("estimatedRows" in plan).toBe(false);
  expect(await conn.query("SELECT 7 AS x")).toEqual([[7]]);
});

describe("a request for the binary protocol: the estimate decides, at one EXPLAIN", () => {
  const binary = (query: string): ReadRequest => ({ ...request(query), protocol: "binary" });
  const planned = async (query: string) => {
    const before = await statementsSent();
    const plan = await planRead(conn, binary(query));
    return { protocol: plan.protocol, estimatedRows: plan.estimatedRows, statements: (await statementsSent()) - before - 1 };
  };

  test("a result estimated below BINARY_PROTOCOL_MIN_ROWS is read as text", async () => {
    expect(await planned("SELECT * FROM t")).toEqual({ protocol: "text", estimatedRows: 500, statements: 1 });
    // No table read: small, though no one can be told how far the export is.
    expect(await planned("SELECT 1")).toEqual({ protocol: "text", estimatedRows: undefined, statements: 1 });
  });

  test("a larger one stays binary (EXPLAIN's rows are those examined, whatever the LIMIT)", async () => {
    const rows = BINARY_PROTOCOL_MIN_ROWS * 2;
    expect(await planned(`SELECT seq FROM seq_1_to_${rows} LIMIT 1`)).toEqual({ protocol: "binary", estimatedRows: rows, statements: 1 });
  });

  test("where the server will not estimate, or the statement is no SELECT, the binary protocol as asked", async () => {
    expect(await planned("SELECT * FROM missing")).toEqual({ protocol: "binary", estimatedRows: undefined, statements: 1 });
    expect(await planned("SHOW TABLES")).toEqual({ protocol: "binary", estimatedRows: undefined, statements: 0 });
  });
});
