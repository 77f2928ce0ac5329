// Split output (--max-file-rows, --max-file-size): every file complete on its own, cut exactly
// between rows, the set equal to the single export, and the manifest last, as the commit point.
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { startGd, waitUntil } from "../support/faults.ts";
import { gd, gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";
import { expectOrdersCsvSet, expectParquetSetAggregates, sha256, type Manifest } from "../support/split-set.ts";

const server = usePrivateServer();
const tmp = useTempDir();

const ROWS = 10_001;
const QUERY = `SELECT seq AS id, CONCAT('name-', seq) AS name, seq * 1.25 AS amount FROM seq_1_to_${ROWS}`;
let dirs = 0;
const freshDir = () => {
  const dir = join(tmp(), `run-${dirs++}`);
  mkdirSync(dir);
  return dir;
};
/** Batches of 1000 rows unless `extra` says otherwise: files of N rows cut batches apart. */
const run = (output: string, extra: string[] = [], query = QUERY) => {
  const batchRows = extra.includes("--batch-rows") ? [] : ["--batch-rows", "1000"];
  return gdInProcess(["--db-url", server().url("mysql"), "-q", query, "-o", output, ...batchRows, ...extra], { timeoutMs: 60_000 });
};

const readManifest = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Manifest;

/** The manifest's files are the directory's (besides the manifest), and its sums and sizes theirs. */
function checkManifest(dir: string, manifestName: string): Manifest {
  const manifest = readManifest(join(dir, manifestName));
  expect(readdirSync(dir).sort()).toEqual([...manifest.files.map((f) => f.name), manifestName].sort());
  for (const file of manifest.files) {
    const bytes = readFileSync(join(dir, file.name));
    expect({ bytes: file.bytes, sha256: file.sha256 }).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
  }
  expect(manifest.rows).toBe(manifest.files.reduce((sum, f) => sum + f.rows, 0));
  return manifest;
}

test("--max-file-rows: CSV files of exactly N rows, each with its header, together the single export", async () => {
  const dir = freshDir();
  expect((await run(join(dir, "single.csv"))).code).toBe(0);
  const single = readFileSync(join(dir, "single.csv"), "utf8");
  const splitDir = freshDir();
  const r = await run(join(splitDir, "orders.csv"), ["--max-file-rows", "2500"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const manifest = checkManifest(splitDir, "orders-manifest.json");
  expect(manifest.query).toBe(QUERY);
  expect(manifest.rows).toBe(ROWS);
  expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(manifest.columns).toEqual([
    { name: "id", type: "BIGINT UNSIGNED" },
    { name: "name", type: "VARCHAR" },
    { name: "amount", type: "DECIMAL(23,2)" },
  ]);
  expectOrdersCsvSet(single, manifest, (name) => readFileSync(join(splitDir, name), "utf8"));
});

test("--max-file-size: gzip members and zstd frames that decompress alone, each file past the size by less than one batch", async () => {
  const dir = freshDir();
  expect((await run(join(dir, "single.ndjson"))).code).toBe(0);
  const single = readFileSync(join(dir, "single.ndjson"), "utf8");
  for (const [extension, decompress] of [
    ["gz", (b: Uint8Array) => gunzipSync(b)],
    ["zst", (b: Uint8Array) => Bun.zstdDecompressSync(b)],
  ] as const) {
    const splitDir = freshDir();
    const limit = 20 * 1024;
    // gzip encodes in workers (one per core by default), zstd on this thread.
    const r = await run(join(splitDir, `part{part}.ndjson.${extension}`), ["--max-file-size", "20K", "--batch-rows", "100"]);
    expect(r.code).toBe(0);
    const manifest = checkManifest(splitDir, "partmanifest.json");
    expect(manifest.files.length).toBeGreaterThan(2);
    let joined = "";
    const batchBytes: number[] = [];
    for (const [i, file] of manifest.files.entries()) {
      expect(file.name).toBe(`part${String(i).padStart(5, "0")}.ndjson.${extension}`);
      const text = new TextDecoder().decode(decompress(readFileSync(join(splitDir, file.name))));
      joined += text;
      // A batch of 100 rows compresses to at most its own size again: the bound on the overshoot.
      batchBytes.push(Math.max(...text.split("\n").map((line) => line.length + 1)) * 100);
      if (i < manifest.files.length - 1) expect(file.bytes).toBeGreaterThanOrEqual(limit);
      expect(file.bytes).toBeLessThan(limit + Math.max(...batchBytes));
    }
    expect(joined).toBe(single);
  }
});

test("JSON and Parquet split: whole documents, and DuckDB reads the Parquet set as the one table", async () => {
  const jsonDir = freshDir();
  expect((await run(join(jsonDir, "o.json"), ["--max-file-rows", "4000"])).code).toBe(0);
  const manifest = checkManifest(jsonDir, "o-manifest.json");
  const ids = manifest.files.flatMap((f) => {
    const doc = JSON.parse(readFileSync(join(jsonDir, f.name), "utf8")) as { data: { id: number }[] };
    expect(doc.data.length).toBe(f.rows);
    return doc.data.map((row) => row.id);
  });
  expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));

  const parquetDir = freshDir();
  const r = await run(join(parquetDir, "t.parquet"), ["--max-file-rows", "3000", "--row-group-rows", "1000"]);
  expect(r.code).toBe(0);
  expect(checkManifest(parquetDir, "t-manifest.json").files.map((f) => f.rows)).toEqual([3000, 3000, 3000, 1001]);
  await expectParquetSetAggregates(server(), join(parquetDir, "t-*.parquet"), QUERY);
});

test("--split-by with --parallel 2: the files together are the single export in the column's order", async () => {
  const dir = freshDir();
  expect((await run(join(dir, "single.tsv"), [], `${QUERY} ORDER BY id`)).code).toBe(0);
  const single = readFileSync(join(dir, "single.tsv"), "utf8");
  const splitDir = freshDir();
  const r = await run(join(splitDir, "p.tsv"), ["--max-file-rows", "3333", "--split-by", "id", "--parallel", "2"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const manifest = checkManifest(splitDir, "p-manifest.json");
  expect(manifest.files.map((f) => f.rows)).toEqual([3333, 3333, 3333, 2]);
  const header = single.slice(0, single.indexOf("\n") + 1);
  const joined = header + manifest.files.map((f) => readFileSync(join(splitDir, f.name), "utf8").slice(header.length)).join("");
  expect(joined).toBe(single);
});

test("an existing part or manifest without --force -> 2 before connecting; with --force the set is written", async () => {
  for (const existing of ["x-00007.csv", "x-manifest.json"]) {
    const dir = freshDir();
    writeFileSync(join(dir, existing), "keep");
    const r = await gdInProcess(["--db-url", "mysql://root@127.0.0.1:1/", "-q", QUERY, "-o", join(dir, "x.csv"), "--max-file-rows", "5000"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gold-digger: output ${existing} in ${dir} exists; use --force to overwrite the set\n`);
    expect(readdirSync(dir)).toEqual([existing]);
    expect((await run(join(dir, "x.csv"), ["--max-file-rows", "5000", "--force"])).code).toBe(0);
    expect(existsSync(join(dir, "x-manifest.json"))).toBe(true);
  }
});

test("a query that fails after rows leaves no manifest and no file of the set", async () => {
  const dir = freshDir();
  const failing = `SELECT seq, IF(seq = 9000, (SELECT 1 UNION SELECT 2), seq) AS v FROM seq_1_to_${ROWS}`;
  const r = await run(join(dir, "f.csv"), ["--max-file-rows", "1000"], failing);
  expect(r.code).toBe(4);
  expect(r.stderr).toContain("Subquery returns more than 1 row");
  expect(readdirSync(dir)).toEqual([]);
});

test("SIGINT after some files are committed: 130, no manifest, and the set removed", async () => {
  const dir = freshDir();
  // Rows slow enough that the signal lands with files committed and more to come.
  const query = "SELECT seq AS id, SLEEP(0.0001) AS s FROM seq_1_to_200000";
  const run = startGd(["--db-url", server().url("mysql"), "-q", query, "-o", join(dir, "i.csv"), "--batch-rows", "500", "--max-file-rows", "1000"]);
  await waitUntil("two files to be committed", () => readdirSync(dir).filter((f) => /^i-\d{5}\.csv$/.test(f)).length >= 2);
  run.child.kill("SIGINT");
  expect(await run.result).toMatchObject({ code: 130, stderr: "gold-digger: interrupted by SIGINT\n" });
  expect(readdirSync(dir)).toEqual([]);
});

test("a file of the set that appears during the export: exit 2, that file untouched, the rest of the set removed", async () => {
  const dir = freshDir();
  // Rows slow enough that the file can be made while its part is being written, after the check
  // at its opening: its commit, in the background, finds it.
  // A part takes ~0.5 s, against the 25 ms between looks.
  const query = "SELECT seq AS id, SLEEP(0.0005) AS s FROM seq_1_to_6000";
  const run = startGd(["--db-url", server().url("mysql"), "-q", query, "-o", join(dir, "a.csv"), "--batch-rows", "500", "--max-file-rows", "1000"]);
  await waitUntil("part 4 to be written", () => readdirSync(dir).some((name) => /^\.a-00004\.csv\..*\.tmp$/.test(name)));
  writeFileSync(join(dir, "a-00004.csv"), "keep");
  expect(await run.result).toMatchObject({ code: 2, stderr: `gold-digger: output ${join(dir, "a-00004.csv")} appeared during the export and was left untouched; use --force to overwrite it\n` });
  expect(readdirSync(dir)).toEqual(["a-00004.csv"]);
  expect(readFileSync(join(dir, "a-00004.csv"), "utf8")).toBe("keep");
});

test("bad sizes and stdout with a split -> 2; a missing directory -> 5", async () => {
  const cases: [string[], string][] = [
    [["-o", "x.csv", "--max-file-size", "10X"], "--max-file-size must be a number of bytes, optionally with K, M or G, got '10X'"],
    [["-o", "x.csv", "--max-file-size", "0"], "--max-file-size must be a number of bytes, optionally with K, M or G, got '0'"],
    [["-o", "x.csv", "--max-file-rows", "0"], "--max-file-rows must be a whole number from 1 to 9007199254740991, got '0'"],
    [["-o", "none/x.csv", "--max-file-rows", "5"], "cannot write none/x-00000.csv: directory none does not exist"],
  ];
  for (const [args, message] of cases) {
    const r = await gdInProcess(["--db-url", "mysql://root@127.0.0.1:1/", "-q", "SELECT 1", ...args], { cwd: freshDir() });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: message.startsWith("cannot write") ? 5 : 2, stderr: `gold-digger: ${message}\n` });
  }
  const r = await gd(["--db-url", "mysql://root@127.0.0.1:1/", "-q", "SELECT 1", "-o", "-", "--format", "csv", "--max-file-rows", "5"]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: "gold-digger: --max-file-rows writes several files: give -o a file name, not stdout\n" });
});
