// A file larger than one background-sync interval: synced as it is written, committed whole.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();

test("an export of ~27 MB (past the 16 MiB sync interval) arrives whole, the temp file gone", async () => {
  const output = join(tmp(), "large.csv");
  const rows = 3_000_000;
  const r = await gdInProcess(["--db-url", server().url("mysql"), "-q", `SELECT seq FROM seq_1_to_${rows}`, "-o", output, "--csv-lf"]);
  expect(r).toMatchObject({ code: 0, stderr: "" });
  const text = readFileSync(output, "latin1");
  const expected = ["seq", ...Array.from({ length: rows }, (_, i) => String(i + 1)), ""].join("\n");
  expect(text.length).toBe(expected.length);
  expect(text === expected).toBe(true);
  expect(readdirSync(tmp())).toEqual(["large.csv"]);
}, 60_000);
