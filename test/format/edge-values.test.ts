// Values that are legal in the database but easy to export wrongly.
import { beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { gd, gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();
let url: string;
const DEEP = 100_000;

beforeAll(async () => {
  await server().sql([
    "CREATE DATABASE ev",
    "CREATE TABLE ev.docs (id INT PRIMARY KEY, j JSON)",
    // MariaDB's json_valid accepts these; they are not JSON.
    `INSERT INTO ev.docs VALUES (1, '[1.]'), (2, '["\\\\x"]'), (3, '{"a": -}'), (4, '{"ok": [1, "two"]}'), (5, NULL)`,
    "CREATE TABLE ev.single (id INT PRIMARY KEY, c VARCHAR(10))",
    "INSERT INTO ev.single VALUES (1, 'ab'), (2, ''), (3, NULL), (4, 'cd')",
  ]);
  // With the JSON check switched off (a session setting), anything goes in.
  await server().sql([
    "SET SESSION check_constraint_checks = 0",
    "INSERT INTO ev.docs VALUES (6, 'not json {'), (7, '')",
    "CREATE TABLE ev.deep (id INT PRIMARY KEY, j JSON)",
    `INSERT INTO ev.deep VALUES (1, CONCAT(REPEAT('[', ${DEEP}), REPEAT(']', ${DEEP})))`,
  ]);
  url = server().url("ev");
});

test.each([
  ["json", []],
  ["json", ["--pretty"]],
  ["ndjson", []],
] as const)("%s %p: JSON-column text that is not JSON is kept as a string; the output parses", async (format, flags) => {
  const out = `${tmp()}/docs-${flags.length}.${format}`;
  const r = await gdInProcess(["--db-url", url, "-q", "SELECT * FROM docs ORDER BY id", "-o", out, ...flags]);
  expect(r).toMatchObject({ code: 0, stderr: "" });
  const text = readFileSync(out, "utf8");
  const rows = format === "json" ? (JSON.parse(text) as { data: unknown[] }).data : text.trimEnd().split("\n").map((l) => JSON.parse(l));
  expect(rows.map((r) => (r as { j: unknown }).j)).toEqual(["[1.]", '["\\x"]', '{"a": -}', { ok: [1, "two"] }, null, "not json {", ""]);
});

test.each([
  ["json", []],
  ["json", ["--pretty"]],
  ["ndjson", []],
] as const)("%s %p: JSON nested 100,000 deep goes out as a string, not a crash", async (format, flags) => {
  const r = await gd(["--db-url", url, "-q", "SELECT j FROM deep", "-o", "-", "-f", format, ...flags]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  const text = r.stdout.toString();
  const row = format === "json" ? (JSON.parse(text) as { data: { j: unknown }[] }).data[0] : (JSON.parse(text) as { j: unknown });
  expect(row).toEqual({ j: "[".repeat(DEEP) + "]".repeat(DEEP) });
});

test("a single-column record that is NULL or empty is written as \"\", not as a blank line", async () => {
  const out = `${tmp()}/single.csv`;
  const r = await gdInProcess(["--db-url", url, "-q", "SELECT c FROM single ORDER BY id", "-o", out]);
  expect(r.code).toBe(0);
  expect(readFileSync(out, "utf8")).toBe('c\r\nab\r\n""\r\n""\r\ncd\r\n');
  // Python's csv module, an independent RFC 4180 reader, sees four records.
  const python = Bun.spawnSync(["python3", "-c", "import csv,sys,json; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))", out]);
  expect(JSON.parse(python.stdout.toString())).toEqual([["c"], ["ab"], [""], [""], ["cd"]]);
  // An empty binary value is 0x, not empty; a NULL one is "".
  const binary = await gd(["--db-url", url, "-q", "SELECT IF(id = 3, NULL, UNHEX(IF(id = 2, '', 'ff'))) AS b FROM single ORDER BY id", "-o", "-", "-f", "csv"]);
  expect(binary.stdout.toString()).toBe('b\r\n0xff\r\n0x\r\n""\r\n0xff\r\n');
});
