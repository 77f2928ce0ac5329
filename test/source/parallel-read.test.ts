// --split-by / --parallel against a private server: the same bytes as one connection, ranges
// that use the index, refusals instead of reordered or lost rows, one snapshot under concurrent
// writes, bounded memory with skew and a stalled output, and faults on any reader.
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mariadb from "mariadb";
import { EXACT_VALUES } from "../../src/source/connection/connect.ts";
import { estimatedRows, estimateSql, splitQuery, rangeQueries, splitField, type Bounds } from "../../src/source/ranges/split.ts";
import { expectFailure, HANG_MS, runningQueries, startGd, tempFileSize, TEST_MS, waitUntil } from "../support/faults.ts";
import { cleanEnv, gd, gdInProcess, MAIN, usePrivateServer, useTempDir } from "../support/harness.ts";
import { startFaultProxy } from "../support/proxy.ts";
import { startTransfers, transactionalMove } from "../support/transfers.ts";

const server = usePrivateServer();
const dir = useTempDir();
const url = () => server().url("par");

beforeAll(async () => {
  await server().sql([
    "CREATE DATABASE par",
    // Gaps in the key, NULLs and awkward text in the other columns.
    `CREATE TABLE par.t (id INT PRIMARY KEY, k INT NULL, d DATE, dt DATETIME(6), amount DECIMAL(12,2), note VARCHAR(40)) ENGINE=InnoDB`,
    `INSERT INTO par.t SELECT seq * 3, IF(seq % 7 = 0, NULL, seq % 1000), DATE('2020-01-01') + INTERVAL (seq % 2000) DAY,
       TIMESTAMP('2021-06-01 00:00:00') + INTERVAL seq * 1234567 MICROSECOND, (seq * 37 % 100000) / 100 - 300,
       IF(seq % 11 = 0, NULL, CONCAT('n,"', seq, '"\\n'))
     FROM par.seq_1_to_20000`,
    // Skewed: 60,000 dense keys, then 2,000 spread up to two billion.
    "CREATE TABLE par.skew (id BIGINT PRIMARY KEY, pad CHAR(200) NOT NULL)",
    "INSERT INTO par.skew SELECT seq, REPEAT('x', 200) FROM par.seq_1_to_60000",
    "INSERT INTO par.skew SELECT 60000 + seq * 1000000, 'y' FROM par.seq_1_to_2000",
    "CREATE TABLE par.acct (id INT PRIMARY KEY, amount BIGINT NOT NULL) ENGINE=InnoDB",
    "INSERT INTO par.acct SELECT seq, 1000 FROM par.seq_1_to_5000",
    "CREATE USER reader@'%' IDENTIFIED BY 'reader-pw'",
    "GRANT SELECT ON par.* TO reader@'%'",
  ]);
});

const readerUrl = () => `mysql://reader:reader-pw@127.0.0.1:${server().port}/par`;

async function exportTo(name: string, args: string[], dbUrl = url()) {
  const output = join(dir(), name);
  const result = await gdInProcess(["--db-url", dbUrl, "-o", output, ...args], { timeoutMs: HANG_MS });
  return { ...result, text: result.code === 0 ? readFileSync(output, "latin1") : "" };
}

describe("the same bytes as one connection", () => {
  for (const format of ["csv", "tsv", "json", "ndjson"]) {
    test(`${format}: SELECT * FROM t split by its primary key`, async () => {
      const single = await exportTo(`single.${format}`, ["-q", "SELECT * FROM t ORDER BY id"]);
      const split = await exportTo(`split.${format}`, ["-q", "SELECT * FROM t", "--split-by", "id", "--parallel", "3"]);
      expect(single.code).toBe(0);
      expect({ code: split.code, stderr: split.stderr }).toEqual({ code: 0, stderr: "" });
      expect(split.text).toBe(single.text);
    });
  }
});

test("each range is a range scan on the index: the derived table is merged", async () => {
  const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: "par" });
  try {
    const split = splitQuery("SELECT * FROM t", "id");
    const fields = (await conn.query({ sql: "SELECT * FROM t LIMIT 0" })).meta;
    const bounds: Bounds = { min: "3", max: "60000", rows: 20000 };
    const [, middle] = rangeQueries(split, splitField(fields, "id"), bounds, 3);
    const plan = (await conn.query(`EXPLAIN ${middle}`)) as { table: string; type: string; key: string }[];
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ table: "t", type: "range", key: "PRIMARY" });
  } finally {
    await conn.end();
  }
});

test("a range of NULLs first only where the result's metadata allows NULL; the ranges sized by the plan's estimate", async () => {
  // Read as every gold-digger connection reads (rows as arrays).
  const conn = await mariadb.createConnection({ socketPath: server().socket, user: "root", database: "par", ...EXACT_VALUES });
  try {
    const estimate = estimatedRows(await conn.query({ sql: estimateSql(splitQuery("SELECT * FROM t", "id")) }));
    // InnoDB's estimate of the 20,000 rows.
    expect(estimate).toBeGreaterThan(10_000);
    expect(estimate).toBeLessThan(40_000);
    const fields = (await conn.query({ sql: "SELECT id, k FROM t LIMIT 0" })).meta;
    const ranges = (column: string, rows: number) => rangeQueries(splitQuery("SELECT id, k FROM t", column), splitField(fields, column), { min: "1", max: "999999", rows }, 2);
    expect(ranges("id", 0)[0]).toBe("SELECT * FROM (SELECT id, k FROM t) AS q WHERE q.`id` < 125000");
    expect(ranges("id", 0)).toHaveLength(8);
    expect(ranges("k", 0)[0]).toBe("SELECT * FROM (SELECT id, k FROM t) AS q WHERE q.`k` IS NULL");
    expect(ranges("k", 0)).toHaveLength(9);
    expect(ranges("id", 1_000_000)).toHaveLength(20);
  } finally {
    await conn.end();
  }
});

test("split by a nullable column: the NULLs first, then every other row once", async () => {
  const split = await exportTo("nullable.csv", ["-q", "SELECT id, k FROM t", "--split-by", "k", "--parallel", "2", "--csv-lf"]);
  expect(split.code).toBe(0);
  const [, ...records] = split.text.trimEnd().split("\n");
  expect(records).toHaveLength(20000);
  const firstNonNull = records.findIndex((r) => !r.endsWith(","));
  expect(records.slice(0, firstNonNull).every((r) => r.endsWith(","))).toBe(true);
  expect(firstNonNull).toBe(Math.floor(20000 / 7));
  // Ranges ascend: k never falls back below an earlier range's values by more than a range.
  expect(new Set(records).size).toBe(20000);
});

for (const column of ["d", "dt", "amount"]) {
  test(`split by a ${column === "amount" ? "DECIMAL" : column === "d" ? "DATE" : "DATETIME"} column: every row once`, async () => {
    const single = await exportTo(`all-${column}.csv`, ["-q", "SELECT * FROM t"]);
    const split = await exportTo(`by-${column}.csv`, ["-q", "SELECT * FROM t", "--split-by", column, "--parallel", "2"]);
    expect(split.code).toBe(0);
    const sorted = (text: string) => text.split("\r\n").slice(1).sort();
    expect(sorted(split.text)).toEqual(sorted(single.text));
  });
}

test("ORDER BY the split column ascending is kept within each range", async () => {
  const single = await exportTo("ordered-single.csv", ["-q", "SELECT id, k FROM t WHERE k IS NOT NULL ORDER BY k, id"]);
  const split = await exportTo("ordered.csv", ["-q", "SELECT id, k FROM t WHERE k IS NOT NULL ORDER BY k", "--split-by", "k", "--parallel", "3"]);
  expect(split.code).toBe(0);
  const ks = (text: string) => text.split("\r\n").slice(1, -1).map((r) => Number(r.split(",")[1]));
  expect(ks(split.text)).toEqual(ks(single.text));
});

describe("refused with exit 2, before any row", () => {
  const cases: [string, string[], RegExp][] = [
    ["a column not in the result", ["-q", "SELECT k FROM t", "--split-by", "id"], /no such column in the query's result \(k\)/],
    ["a top-level LIMIT", ["-q", "SELECT * FROM t LIMIT 10", "--split-by", "id"], /LIMIT/],
    ["ORDER BY another column", ["-q", "SELECT * FROM t ORDER BY k", "--split-by", "id"], /ordered by k/],
    ["ORDER BY the column descending", ["-q", "SELECT * FROM t ORDER BY id DESC", "--split-by", "id"], /ordered by id DESC/],
    ["a text column", ["-q", "SELECT * FROM t", "--split-by", "note"], /only an integer, DECIMAL, DATE or DATETIME/],
    ["--parallel without --split-by", ["-q", "SELECT * FROM t", "--parallel", "2"], /--parallel needs --split-by/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const output = join(dir(), "refused.csv");
      expectFailure(await gdInProcess(["--db-url", url(), "-o", output, ...args]), { code: 2, output, message });
    });
  }
  test("a LIMIT inside a subquery is fine", async () => {
    const r = await exportTo("sub.csv", ["-q", "SELECT * FROM t WHERE id IN (SELECT id FROM (SELECT id FROM t ORDER BY id LIMIT 5) AS s)", "--split-by", "id", "--parallel", "2"]);
    expect(r.code).toBe(0);
    expect(r.text.split("\r\n").length - 2).toBe(5);
  });
});

test("one snapshot: a writer moving amounts between rows never changes the exported total", async () => {
  const stop = await startTransfers(server(), "par", transactionalMove("acct"));
  try {
    for (let run = 0; run < 3; run++) {
      // A slow query, so the writer gets plenty done while the readers are at it.
      const r = await exportTo(`acct-${run}.csv`, ["-q", "SELECT id, amount, SLEEP(0.0002) AS s FROM acct", "--split-by", "id", "--parallel", "3", "--csv-lf"]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      const amounts = r.text.trimEnd().split("\n").slice(1).map((line) => Number(line.split(",")[1]));
      expect(amounts).toHaveLength(5000);
      expect(amounts.reduce((a, b) => a + b, 0)).toBe(5000 * 1000);
    }
  } finally {
    expect(await stop()).toBeGreaterThan(10);
  }
}, 60_000);

test("one snapshot on a table without transactions (MyISAM): its read lock is held to the end, with a warning", async () => {
  await server().sql([
    "CREATE TABLE par.macct (id INT PRIMARY KEY, amount BIGINT NOT NULL) ENGINE=MyISAM",
    "INSERT INTO par.macct SELECT seq, 1000 FROM par.seq_1_to_5000",
  ]);
  // One statement moves an amount between two rows: MyISAM makes each statement atomic, and
  // nothing more.
  const stop = await startTransfers(server(), "par", async (writer, from, to) => {
    await writer.query("UPDATE macct SET amount = amount + IF(id = ?, -17, 17) WHERE id IN (?, ?) AND ? <> ?", [from, from, to, from, to]);
  });
  try {
    for (let run = 0; run < 3; run++) {
      const r = await exportTo(`macct-${run}.csv`, ["-q", "SELECT id, amount, SLEEP(0.0002) AS s FROM macct", "--split-by", "id", "--parallel", "4", "--csv-lf"]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 0,
        stderr: "warning: `par`.`macct` has no transactions, so no snapshot covers it: the read lock is held until the last range is read, and writers wait (--consistency none reads without it)\n",
      });
      const amounts = r.text.trimEnd().split("\n").slice(1).map((line) => Number(line.split(",")[1]));
      expect(amounts).toHaveLength(5000);
      expect(amounts.reduce((a, b) => a + b, 0)).toBe(5000 * 1000);
      await Bun.sleep(50);
    }
  } finally {
    expect(await stop()).toBeGreaterThan(10);
  }
}, 60_000);

test("without the LOCK TABLES privilege: a clear error naming it and the way out; --consistency none warns and works", async () => {
  const output = join(dir(), "noprivilege.csv");
  const args = ["--db-url", readerUrl(), "-q", "SELECT * FROM t", "--split-by", "id", "--parallel", "2", "-o", output];
  expectFailure(await gdInProcess(args), { code: 4, output, message: /LOCK TABLES privilege.*--consistency none/ });
  const none = await gdInProcess([...args, "--consistency", "none"]);
  expect(none.code).toBe(0);
  expect(none.stderr).toMatch(/^warning: --consistency none: /);
});

test("a view that the user may read but not EXPLAIN (no SHOW VIEW): split all the same", async () => {
  await server().sql("CREATE VIEW par.tv AS SELECT id, k FROM par.t");
  const single = await exportTo("view-single.csv", ["-q", "SELECT id, k FROM t ORDER BY id"]);
  const split = await exportTo("view.csv", ["-q", "SELECT * FROM tv", "--split-by", "id", "--parallel", "2", "--consistency", "none"], readerUrl());
  expect(split.code).toBe(0);
  expect(split.text).toBe(single.text);
});

test("skewed keys and a stalled output: readers pause, nothing deadlocks, every row arrives", async () => {
  const args = ["--db-url", url(), "-q", "SELECT * FROM skew", "--split-by", "id", "--parallel", "3", "-o", "-", "-f", "csv"];
  const child = Bun.spawn(["bun", MAIN, ...args], { env: cleanEnv(), stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  // Nobody reads stdout for 3 s: every reader must stop rather than buffer. The first range
  // holds most rows, so the others wait their turn paused, not just the head.
  const reader = child.stdout.getReader();
  const first = await reader.read();
  expect(first.done).toBe(false);
  await Bun.sleep(3000);
  const rssWhileStalled = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]);
  let lines = 0;
  const count = (bytes: Uint8Array) => {
    for (const b of bytes) if (b === 0x0a) lines++;
  };
  count(first.value!);
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) count(chunk.value);
  clearTimeout(timer);
  expect(await child.exited).toBe(0);
  expect(await new Response(child.stderr).text()).toBe("");
  expect(lines).toBe(1 + 62000);
  // ~13 MB of rows in all; paused readers hold a few batches each, not their ranges.
  expect(rssWhileStalled).toBeLessThan(200 * 1024);
}, 40_000);

test("a reader's connection cut mid-range -> 4, no file", async () => {
  const proxy = await startFaultProxy({ host: "127.0.0.1", port: server().port }, { kind: "cut", afterBytes: 300_000 });
  try {
    const output = join(dir(), "cut.csv");
    // A child process: the other readers' streams end after the CLI has returned (their
    // watchdogs and a late socket error), which only the process's exit makes harmless.
    const r = await gd(["--db-url", `mysql://root@127.0.0.1:${proxy.port}/par`, "-q", "SELECT * FROM skew", "--split-by", "id", "--parallel", "3", "-o", output], { timeoutMs: HANG_MS });
    expectFailure(r, { code: 4, output, message: /lost the connection to the server/ });
  } finally {
    await proxy.close();
  }
}, TEST_MS);

test("SIGINT with --parallel -> 130, and every reader's query is stopped on the server", async () => {
  const marker = "SLEEP(0.001) AS parallel_marker";
  const output = join(dir(), "sigint.csv");
  const run = startGd(["--db-url", url(), "-q", `SELECT id, ${marker} FROM skew`, "--split-by", "id", "--parallel", "3", "-o", output]);
  await waitUntil("the readers to run", async () => (await runningQueries(server(), "parallel_marker")) >= 2, 8_000);
  await waitUntil("the temp file to exist", () => tempFileSize(output) > 0, 8_000);
  run.child.kill("SIGINT");
  expectFailure(await run.result, { code: 130, output, message: /interrupted by SIGINT/ });
  await waitUntil("the server to drop every query", async () => (await runningQueries(server(), "parallel_marker")) === 0, 5_000);
}, TEST_MS);
