// The single binary from `bun build --compile` carries its worker and runs on its own:
// copied to an empty folder, started with an empty environment; and takes nothing from that folder.
import { beforeAll, expect, test } from "bun:test";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gd, ROOT, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();
let binary: string;

beforeAll(async () => {
  await server().sql(["CREATE DATABASE b", "CREATE TABLE b.t (id INT, v VARCHAR(20))", "INSERT INTO b.t SELECT seq, CONCAT('v,', seq) FROM b.seq_1_to_20000"]);
  const built = join(tmp(), "build", "gold-digger");
  const build = Bun.spawnSync(["bun", "run", "build", "--outfile", built], { cwd: ROOT, stderr: "pipe" });
  expect(build.exitCode).toBe(0);
  binary = join(tmp(), "gold-digger");
  copyFileSync(built, binary);
}, 120_000);

function runBinary(args: string[]) {
  const r = Bun.spawnSync([binary, ...args], { cwd: tmp(), env: {}, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test("--version", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  expect(runBinary(["--version"])).toEqual({ code: 0, stdout: `gold-digger ${pkg.version}\n`, stderr: "" });
});

test("exports through worker threads, byte-identical to running from source", async () => {
  const query = "SELECT * FROM t ORDER BY id";
  const r = runBinary(["--db-url", server().url("b"), "-q", query, "-o", "out.csv", "--workers", "2", "--batch-rows", "500"]);
  expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  const fromSource = await gd(["--db-url", server().url("b"), "-q", query, "-o", join(tmp(), "src.csv"), "--workers", "0"]);
  expect(fromSource.code).toBe(0);
  expect(readFileSync(join(tmp(), "out.csv"), "utf8")).toBe(readFileSync(join(tmp(), "src.csv"), "utf8"));
  expect(readFileSync(join(tmp(), "out.csv"), "utf8").split("\r\n").length).toBe(20002);
});

test("writes Parquet (the patched writer is inside), byte-identical to running from source", async () => {
  const query = "SELECT * FROM t ORDER BY id";
  const r = runBinary(["--db-url", server().url("b"), "-q", query, "-o", "out.parquet", "--row-group-rows", "3000"]);
  expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  const fromSource = await gd(["--db-url", server().url("b"), "-q", query, "-o", join(tmp(), "src.parquet"), "--row-group-rows", "3000"]);
  expect(fromSource.code).toBe(0);
  expect(Buffer.compare(readFileSync(join(tmp(), "out.parquet")), readFileSync(join(tmp(), "src.parquet")))).toBe(0);
});

test("reads no bunfig.toml and no .env from the directory it runs in: neither code nor settings come from there", () => {
  const planted = ["bunfig.toml", "planted.ts", ".env"].map((name) => join(tmp(), name));
  writeFileSync(planted[0], 'preload = ["./planted.ts"]\n');
  writeFileSync(planted[1], 'console.error("planted code ran");\n');
  writeFileSync(planted[2], "DATABASE_QUERY=SELECT 1\n");
  try {
    expect(runBinary(["--version"]).stderr).toBe("");
    const { code, stderr } = runBinary(["--db-url", server().url("b"), "-o", "planted.csv"]);
    expect(stderr).toBe("gold-digger: missing query: pass --query, --query-file or set DATABASE_QUERY\n");
    expect(code).toBe(2);
  } finally {
    for (const file of planted) rmSync(file);
  }
});
