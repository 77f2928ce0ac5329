// --split-by against a private server: every query the wrapping builds runs, whatever comment
// the query ends in; what it cannot split exactly is refused (exit 2) before any row; a server
// error while the ranges are planned is the query's failure (exit 4), never an "unexpected error".
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mariadb from "mariadb";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";
import { boundsSql, columnsSql, estimateSql, rangeQueries, splitField, splitQuery } from "../../src/source/ranges/split.ts";
import { expectFailure, HANG_MS } from "../support/faults.ts";
import { gd, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const dir = useTempDir();
const url = () => server().url("wrap");

beforeAll(async () => {
  await server().sql([
    "CREATE DATABASE wrap",
    "CREATE TABLE wrap.wide (id INT PRIMARY KEY, v INT NOT NULL)",
    "INSERT INTO wrap.wide SELECT seq, seq * 7 % 1000 FROM wrap.seq_1_to_6000",
  ]);
});

// Each ends the query the way a user's file might; the first seven end in a line comment.
const ENDINGS = [
  " -- note", " -- note\n", " --", " --\n", " --\tnote", " --\x01note", " -- note\r\n",
  " # note", " # note\n", " #", " /* note */", " -- note;", "; -- note", ";\n# note",
  " ORDER BY id -- note", " -- c\nORDER BY id", " -- c\nORDER BY id # d", " /*!50000 ORDER BY id */", " /*!50000 AND id > 0 */ -- note",
];

test("every query the wrapping builds runs on the server, whatever comment the query ends in", async () => {
  const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: "wrap", ...EXACT_VALUES });
  try {
    for (const ending of ENDINGS) {
      const split = splitQuery(`SELECT id, v FROM wide WHERE id <= 5000${ending}`, "id");
      const run = async (sql: string) => {
        try {
          return await conn.query({ sql, rowsAsArray: true });
        } catch (error) {
          throw new Error(`${JSON.stringify(ending)}: ${(error as Error).message}`);
        }
      };
      const field = splitField((await run(columnsSql(split))).meta, "id");
      await run(estimateSql(split));
      await run(`EXPLAIN EXTENDED ${split.body}`);
      const [[min, max]] = await run(boundsSql(split));
      const ranges = rangeQueries(split, field, { min: String(min), max: String(max), rows: 5000 }, 2);
      let rows = 0;
      for (const sql of ranges) rows += (await run(sql)).length;
      expect({ ending, rows }).toEqual({ ending, rows: 5000 });
    }
  } finally {
    await conn.end();
  }
});

async function exportTo(name: string, query: string, args: string[] = []) {
  const output = join(dir(), name);
  const result = await gd(["--db-url", url(), "-q", query, "-o", output, ...args], { timeoutMs: HANG_MS });
  return { ...result, output, text: result.code === 0 ? readFileSync(output, "latin1") : "" };
}
const split2 = ["--split-by", "id", "--parallel", "2"];

describe("the same bytes as one connection", () => {
  const queries = [
    "SELECT * FROM wide --\tLIMIT 5",
    "SELECT * FROM wide WHERE id <= 5000 -- note",
    "SELECT * FROM wide WHERE id <= 5000 # note\n",
    // The server orders by the result's `id` (-p.id), not by the table's: so do the ranges.
    "SELECT p.id AS k, -p.id AS id FROM wide AS p ORDER BY id",
  ];
  test.each(queries.map((q, i) => [i, q]))("%i: %p", async (i, query) => {
    const single = await exportTo(`single-${i}.csv`, query);
    const split = await exportTo(`split-${i}.csv`, query, split2);
    expect({ code: split.code, stderr: split.stderr }).toEqual({ code: 0, stderr: "" });
    expect(single.code).toBe(0);
    // Without an ORDER BY, one connection's order is the primary key's, as the ranges'.
    expect(split.text).toBe(single.text);
  });
});

describe("refused with exit 2, before any row", () => {
  const cases: [string, RegExp][] = [
    ["SELECT * FROM wide --\tit's\nLIMIT 10", /the query has a LIMIT/],
    ["SELECT * FROM wide /*!50000 LIMIT 10 */", /the query has a LIMIT/],
    ["(SELECT * FROM wide ORDER BY v DESC)", /ORDER BY inside the parentheses/],
    ["(SELECT * FROM wide WHERE id < 10) UNION ALL (SELECT * FROM wide LIMIT 5)", /LIMIT inside the parentheses/],
    ["SELECT p.id AS k, -p.id AS id FROM wide AS p ORDER BY p.id", /ordered by p\.id, a table's column; order by the result's column name \(ORDER BY id\)/],
    ["SELECT * FROM wide FOR UPDATE", /a locking read/],
    ["SET STATEMENT max_statement_time=60 FOR SELECT * FROM wide", /starts with SET/],
    // Only the server knows the result's names: the derived table refuses duplicates.
    ["SELECT id, v AS id FROM wide", /more than one column named `id`, which a derived table refuses; give them distinct names/],
    ["SELECT id, v, v FROM wide", /more than one column named `v`/],
    ["SELECT * FROM wide AS a JOIN wide AS b USING (id)", /more than one column named `v`/],
  ];
  test.each(cases)("%p", async (query, message) => {
    const r = await exportTo("refused.csv", query, split2);
    expectFailure(r, { code: 2, output: r.output, message });
  });
});

describe("a server error while the ranges are planned is the query's: exit 4", () => {
  const cases: [string, string[], RegExp][] = [
    ["SELECT * FROM nope", [], /query failed: Table 'wrap\.nope' doesn't exist/],
    ["SELECT id, nope FROM wide", [], /query failed: Unknown column 'nope'/],
    // Not run by the columns probe (LIMIT 0): the bounds or the snapshot's EXPLAIN meets it.
    ["SELECT id FROM wide WHERE id > (SELECT id FROM wide)", [], /query failed: Subquery returns more than 1 row/],
    ["SELECT id FROM wide WHERE id > (SELECT id FROM wide)", ["--consistency", "none", "--quiet"], /query failed: Subquery returns more than 1 row/],
  ];
  test.each(cases)("%p %p", async (query, args, message) => {
    const r = await exportTo("planning.csv", query, [...split2, ...args]);
    expectFailure(r, { code: 4, output: r.output, message });
  });
});
