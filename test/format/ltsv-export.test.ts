// LTSV through the CLI and a real server: labels from awkward column names, zero rows, stdout.
import { beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { gd, usePrivateServer, useTempDir } from "../support/harness.ts";
import { readLtsv } from "../support/ltsv.ts";

const server = usePrivateServer();
const tmp = useTempDir();
let url: string;

beforeAll(async () => {
  await server().sql("CREATE DATABASE l");
  url = server().url("l");
});

test("duplicate names are suffixed as in JSON; TAB, LF and backslash escaped; a colon becomes _; both warned of", async () => {
  const query =
    "SELECT 1 AS a, 2 AS a, 'x' AS `a:b`, 3 AS a_b, 'v' AS 'tab\\there', 'w' AS 'line\\nfeed', 'y' AS 'back\\\\slash', NULL AS `10:30`";
  const r = await gd(["--db-url", url, "-q", query, "-o", "-", "-f", "ltsv"]);
  expect(r.code).toBe(0);
  const text = r.stdout.toString();
  expect(text).toBe("a:1\ta_2:2\ta_b_2:x\ta_b:3\ttab\\there:v\tline\\nfeed:w\tback\\\\slash:y\t10_30:\n");
  expect(readLtsv(text)).toEqual([
    [["a", "1"], ["a_2", "2"], ["a_b_2", "x"], ["a_b", "3"], ["tab\there", "v"], ["line\nfeed", "w"], ["back\\slash", "y"], ["10_30", ""]],
  ]);
  expect(r.stderr).toBe(
    "warning: duplicate column names renamed: a -> a_2\n" +
      "warning: colons in column names replaced in LTSV labels: a:b -> a_b_2, 10:30 -> 10_30\n",
  );
});

test("zero rows: exit 1 and no file; with --allow-empty an empty file", async () => {
  const query = "SELECT 1 AS a FROM DUAL WHERE 0";
  const refused = `${tmp()}/none.ltsv`;
  expect((await gd(["--db-url", url, "-q", query, "-o", refused])).code).toBe(1);
  expect(existsSync(refused)).toBe(false);
  const empty = `${tmp()}/empty.ltsv`;
  expect(await gd(["--db-url", url, "-q", query, "-o", empty, "--allow-empty"])).toMatchObject({ code: 0, stderr: "" });
  expect(readFileSync(empty).length).toBe(0);
});

test("--null-value is refused: LTSV's NULL is an empty value", async () => {
  const out = `${tmp()}/nv.ltsv`;
  const r = await gd(["--db-url", url, "-q", "SELECT NULL AS n", "-o", out, "--null-value", "\\N"]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: "gold-digger: --null-value applies to csv and tsv, not ltsv\n" });
  expect(existsSync(out)).toBe(false);
});
