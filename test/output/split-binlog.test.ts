// A split export's manifest says where the binary log stood at the snapshot its rows were read in,
// where the server writes one: with one connection, and with readers sharing a snapshot.
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { queryValue } from "../support/faults.ts";
import { gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

// A later --log-bin wins over the harness's --skip-log-bin.
const server = usePrivateServer({ extraArgs: ["--log-bin=gd-bin", "--server-id=1"] });
const tmp = useTempDir();

async function masterPosition(): Promise<{ file: string; position: number }> {
  const file = String(await queryValue(server(), "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'BINLOG_SNAPSHOT_FILE'"));
  const position = Number(await queryValue(server(), "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'BINLOG_SNAPSHOT_POSITION'"));
  return { file, position };
}

test.each([
  ["one connection", []],
  ["--split-by id --parallel 2, one shared snapshot", ["--split-by", "id", "--parallel", "2"]],
])("%s: the manifest's binlog position is the log's at the snapshot, before later writes", async (name, extra) => {
  await server().sql([
    "CREATE DATABASE IF NOT EXISTS bl",
    "CREATE TABLE IF NOT EXISTS bl.t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB",
    "REPLACE INTO bl.t SELECT seq, seq FROM bl.seq_1_to_3000",
  ]);
  const before = await masterPosition();
  expect(before.file).toMatch(/^gd-bin\.\d+$/);
  const dir = join(tmp(), name.replace(/\W+/g, "-"));
  mkdirSync(dir);
  const r = await gdInProcess(["--db-url", server().url("bl"), "-q", "SELECT * FROM t", "-o", join(dir, "t.csv"), "--max-file-rows", "1000", ...extra]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  await server().sql("UPDATE bl.t SET v = v + 1 WHERE id = 1");
  const manifest = JSON.parse(readFileSync(join(dir, "t-manifest.json"), "utf8"));
  expect(manifest.binlog).toEqual(before);
  expect((await masterPosition()).position).toBeGreaterThan(before.position);
});
