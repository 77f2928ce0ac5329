// What --split-by reads from the query's text alone: what it refuses (exit 2) and the body it
// wraps. The server's side of the same cases is in split-wrapping.test.ts.
import { describe, expect, test } from "bun:test";
import type { GdError } from "../../src/errors.ts";
import { splitQuery } from "../../src/source/ranges/split.ts";

function refusal(sql: string): { code: number; message: string } | undefined {
  try {
    splitQuery(sql, "id");
  } catch (error) {
    return { code: (error as GdError).exitCode, message: (error as Error).message };
  }
  return undefined;
}

// Comments that end before the next line, each with a quote in it that must open nothing.
const LINE_COMMENTS = ["-- it's", "--\tit's", "--\x01it's", "--\x0bit's", "--\rit's", "# it's", "#", "--"];
const COMMENTS = [...LINE_COMMENTS, "/* it's */", "/*+ it's */"];

describe("a LIMIT the server runs is refused", () => {
  const queries = [
    ...COMMENTS.map((c) => `SELECT * FROM wide ${c}\nLIMIT 10`),
    ...["/*!", "/*!50000", "/*!50000 ", "/*M!", "/*M!100000 "].map((o) => `SELECT * FROM wide ${o}LIMIT 10 */`),
    "SELECT * FROM wide WHERE id > 5 /*!50000 LIMIT 10 */ -- note",
    "SELECT * FROM wide FETCH FIRST 5 ROWS ONLY",
    "SELECT * FROM wide ORDER BY id OFFSET 2 ROWS FETCH NEXT 5 ROWS ONLY",
    "SELECT * FROM wide limit 10;",
  ];
  test.each(queries)("%p", (sql) => {
    expect(refusal(sql)).toMatchObject({ code: 2, message: expect.stringMatching(/^--split-by id: the query has a (LIMIT|FETCH)/) });
  });
});

describe("what only looks like a LIMIT is not refused", () => {
  const queries = [
    ...COMMENTS.map((c) => `SELECT * FROM wide ${c.replace("it's", "LIMIT 5")}`),
    "SELECT * FROM wide -- LIMIT 5\n",
    "SELECT * FROM wide WHERE note = 'LIMIT 5' AND `limit` = 1 AND t.limit = @limit",
    "SELECT * FROM wide WHERE id IN (SELECT id FROM (SELECT id FROM wide ORDER BY id LIMIT 5) AS s)",
    "WITH c AS (SELECT id FROM wide ORDER BY id DESC LIMIT 5) SELECT * FROM c",
    "SELECT id, ROW_NUMBER() OVER (ORDER BY id DESC) AS n, GROUP_CONCAT(v ORDER BY v LIMIT 2) AS g FROM wide GROUP BY id",
    "SELECT DISTINCT (id) FROM wide",
    "SELECT * FROM wide FOR SYSTEM_TIME ALL",
  ];
  test.each(queries)("%p", (sql) => expect(refusal(sql)).toBeUndefined());
});

describe("an ORDER BY or LIMIT in the parentheses around the query, or a part of it, is refused", () => {
  const queries = [
    "(SELECT * FROM t ORDER BY v DESC)",
    "((SELECT * FROM t ORDER BY v DESC))",
    "( /* c */ SELECT * FROM t ORDER BY v)",
    "(SELECT * FROM t LIMIT 5)",
    "(SELECT * FROM t ORDER BY v LIMIT 5) ORDER BY id",
    ...["UNION", "UNION ALL", "UNION DISTINCT", "EXCEPT", "INTERSECT", "EXCEPT ALL"].flatMap((op) => [
      `SELECT * FROM t ${op} (SELECT * FROM u ORDER BY v)`,
      `(SELECT * FROM t LIMIT 3) ${op} SELECT * FROM u`,
      `(SELECT * FROM t) ${op} (SELECT * FROM u LIMIT 3) ORDER BY id`,
    ]),
  ];
  test.each(queries)("%p", (sql) => {
    expect(refusal(sql)).toMatchObject({ code: 2, message: expect.stringContaining("inside the parentheses around the query") });
  });

  test("parentheses around the query without either are fine", () => {
    expect(splitQuery("(SELECT * FROM t) UNION (SELECT * FROM u) ORDER BY id", "id")).toMatchObject({ body: "(SELECT * FROM t) UNION (SELECT * FROM u)", ordered: true });
  });
});

describe("what cannot be a derived table is refused", () => {
  const cases: [string, RegExp][] = [
    ...["FOR UPDATE", "FOR UPDATE NOWAIT", "FOR UPDATE SKIP LOCKED", "FOR UPDATE WAIT 5", "FOR SHARE", "FOR SHARE SKIP LOCKED", "LOCK IN SHARE MODE", "LOCK IN SHARE MODE NOWAIT"].map(
      (lock): [string, RegExp] => [`SELECT * FROM t WHERE id > 0 ${lock}`, /a locking read/],
    ),
    ["(SELECT * FROM t FOR UPDATE)", /a locking read/],
    ["SELECT * FROM t ORDER BY id FOR UPDATE", /a locking read/],
    ["SET STATEMENT max_statement_time=60 FOR SELECT * FROM t", /only a query .* starts with SET/],
    ["set statement sort_buffer_size=1M for select * from t", /starts with set/],
    ["SHOW TABLES", /starts with SHOW/],
    ["CALL p()", /starts with CALL/],
    ["/* only */ -- comments\n", /starts with nothing/],
    ["SELECT id INTO @x FROM t", /INTO/],
    ["SELECT 1; SELECT 2", /more than one statement/],
  ];
  test.each(cases)("%p", (sql, message) => expect(refusal(sql)).toMatchObject({ code: 2, message: expect.stringMatching(message) }));

  test("a subquery's FOR UPDATE-like words and a CTE are no locking read", () => {
    expect(refusal("WITH c AS (SELECT id FROM t) SELECT * FROM c")).toBeUndefined();
    expect(refusal("SELECT * FROM t WHERE `for` = 'update'")).toBeUndefined();
  });
});

describe("ORDER BY: only the split column ascending, by its name in the result", () => {
  test.each([
    "SELECT * FROM t ORDER BY id",
    "SELECT * FROM t ORDER BY ID ASC",
    "SELECT * FROM t order by `id` asc;",
    "SELECT * FROM t ORDER /* c */ BY id -- note",
    "SELECT p.id AS k, -p.id AS id FROM p ORDER BY id",
  ])("%p is kept", (sql) => expect(splitQuery(sql, "id").ordered).toBe(true));

  test.each(["p.id", "`p`.`id`", "p.`id` ASC", "db.p.id", "p . id"])("ORDER BY %p, a table's column, is refused", (key) => {
    expect(refusal(`SELECT p.id AS k, -p.id AS id FROM p ORDER BY ${key}`)).toEqual({
      code: 2,
      message: `--split-by id: the query is ordered by ${key}, a table's column; order by the result's column name (ORDER BY id) to split it`,
    });
  });

  test.each(["k", "id DESC", "id, k", "id + 0", "1", "(id)", "id COLLATE utf8mb4_bin", "`id ` ASC"])("ORDER BY %p is refused", (key) => {
    expect(refusal(`SELECT * FROM t ORDER BY ${key}`)).toMatchObject({ code: 2, message: expect.stringContaining(`ordered by ${key};`) });
  });
});

describe("the body: no trailing `;`, no top-level ORDER BY, safe to follow with `) AS q`", () => {
  const cases: [string, string][] = [
    ["SELECT * FROM t;", "SELECT * FROM t"],
    ["SELECT * FROM t ; ; \n", "SELECT * FROM t"],
    ["SELECT * FROM t; -- done", "SELECT * FROM t"],
    ["SELECT * FROM t ORDER BY id; -- done", "SELECT * FROM t"],
    ["SELECT * FROM t -- c\nORDER BY id", "SELECT * FROM t -- c\n"],
    ["SELECT * FROM t WHERE id <= 5000 -- note", "SELECT * FROM t WHERE id <= 5000 -- note\n"],
    ["SELECT * FROM t WHERE id <= 5000 # note\n", "SELECT * FROM t WHERE id <= 5000 # note\n"],
    ["SELECT * FROM t /* c */", "SELECT * FROM t /* c */"],
    ["SELECT * FROM t /*!ORDER BY id */", "SELECT * FROM t /*! */"],
    ["SELECT * FROM t /*!50000 WHERE id > 5 ORDER BY id */", "SELECT * FROM t /*!50000 WHERE id > 5 */"],
    ["SELECT * FROM t /*!50000 WHERE id > 5 */", "SELECT * FROM t /*!50000 WHERE id > 5 */"],
  ];
  test.each(cases)("%p", (sql, body) => expect(splitQuery(sql, "id").body).toBe(body));
});
