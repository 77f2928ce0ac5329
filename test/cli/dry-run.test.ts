// --dry-run: the read plan as JSON, resolved on the real server, with no output created, no row of
// the result read, and no secret printed.
import { beforeAll, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { queryValue } from "../support/faults.ts";
import { gd, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const dir = useTempDir();
const PASSWORD = "dry-run-Secret-42";
const url = () => `mysql://planner:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server().port}/dry`;

beforeAll(async () => {
  await server().sql([
    "CREATE DATABASE dry",
    "CREATE TABLE dry.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
    "INSERT INTO dry.t SELECT seq, CONCAT('v', seq) FROM dry.seq_1_to_20000",
    "CREATE TABLE dry.m (id INT PRIMARY KEY, v INT) ENGINE=MyISAM",
    "INSERT INTO dry.m SELECT seq, seq FROM dry.seq_1_to_100",
    `CREATE USER planner@'%' IDENTIFIED BY '${PASSWORD}'`,
    "GRANT SELECT, LOCK TABLES ON dry.* TO planner@'%'",
  ]);
});

const rowsSent = async () => Number(await queryValue(server(), "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'ROWS_SENT'"));

async function dryRun(args: string[]) {
  const output = join(dir(), "never.csv");
  const before = await rowsSent();
  const result = await gd(["--db-url", url(), "-o", output, "--dry-run", ...args]);
  const sent = (await rowsSent()) - before;
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
  expect(existsSync(output)).toBe(false);
  expect(readdirSync(dir())).toEqual([]);
  const text = result.stdout.toString();
  expect(text).not.toContain(PASSWORD);
  return { plan: JSON.parse(text), sent };
}

test("a plain query: one range on one reader, the protocol, the connection without its password", async () => {
  const { plan, sent } = await dryRun(["-q", "SELECT * FROM t"]);
  expect(plan.connection).toEqual({ host: "127.0.0.1", port: server().port, user: "planner", database: "dry", tls: expect.any(String), connectTimeoutMs: 10_000 });
  // 20,000 rows: too few for the binary protocol to pay.
  expect(plan.read).toMatchObject({ query: "SELECT * FROM t", ranges: ["SELECT * FROM t"], readers: 1, protocol: "text", consistency: "snapshot" });
  expect(plan.read.snapshot).toBeUndefined();
  // One EXPLAIN: a dry run is asked for the estimate.
  expect(plan.read.estimatedRows).toBeGreaterThan(10_000);
  expect(plan.output).toMatchObject({ path: join(dir(), "never.csv"), force: false });
  expect(sent).toBeLessThan(10);
});

test("--split-by --parallel: the ranges, the estimate and the snapshot's tables, reading no row of the result", async () => {
  const { plan, sent } = await dryRun(["-q", "SELECT * FROM t", "--split-by", "id", "--parallel", "2"]);
  expect(plan.read).toMatchObject({ splitBy: "id", readers: 2, protocol: "text", consistency: "snapshot" });
  expect(plan.read.estimatedRows).toBeGreaterThan(10_000);
  expect(plan.read.snapshot).toEqual({ tables: ["`dry`.`t`"], lockedThroughout: [] });
  expect(plan.read.ranges.length).toBeGreaterThanOrEqual(8);
  expect(plan.read.ranges[0]).toMatch(/^SELECT \* FROM \(SELECT \* FROM t\s*\) AS q WHERE q\.`id` < \d+$/);
  expect(sent).toBeLessThan(50);
});

test("a table without transactions is named as held for the whole read", async () => {
  const { plan } = await dryRun(["-q", "SELECT t.id, m.v FROM t JOIN m USING (id)", "--split-by", "id", "--parallel", "2"]);
  expect(plan.read.snapshot).toEqual({ tables: ["`dry`.`t`", "`dry`.`m`"], lockedThroughout: ["`dry`.`m`"] });
});

test("secrets in the query are masked in the plan as in every message", async () => {
  const { plan } = await dryRun(["-q", `SELECT id, v = '${PASSWORD}' AS same, AES_ENCRYPT(v, 'another-secret-key') AS x FROM t`]);
  expect(JSON.stringify(plan)).not.toContain("another-secret-key");
});

test("a failure while planning is the export's failure: an unknown column is exit 2, a bad query exit 4", async () => {
  const output = join(dir(), "never.csv");
  const unknown = await gd(["--db-url", url(), "-o", output, "--dry-run", "-q", "SELECT * FROM t", "--split-by", "nope", "--parallel", "2"]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/^gold-digger: --split-by nope: no such column/);
  const bad = await gd(["--db-url", url(), "-o", output, "--dry-run", "-q", "SELECT * FROM missing", "--split-by", "id"]);
  expect({ code: bad.code, stderr: bad.stderr }).toEqual({ code: 4, stderr: expect.stringMatching(/^gold-digger: query failed: Table 'dry.missing' doesn't exist\n$/) });
  expect(readdirSync(dir())).toEqual([]);
});
