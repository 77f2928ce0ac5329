// Split output to S3 (`-o s3://BUCKET/PREFIX/name.csv --max-file-*`) against a real S3-API server
// (test/support/s3.ts): every object complete and cut exactly between rows, the manifest last and
// true to the objects, and a failed export leaving no manifest, no object and no open upload.
// Everything is read back from the server's own files, not through the client gold-digger writes with.
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../src/devdb/private-server.ts";
import { startGd, TEST_MS, waitUntil } from "../support/faults.ts";
import { gdInProcess, usePrivateServer, useTempDir, type RunResult } from "../support/harness.ts";
import { BUCKET, startRefusingProxy, useS3Server, type S3Server } from "../support/s3.ts";
import { expectOrdersCsvSet, expectParquetSetAggregates, sha256, type Manifest } from "../support/split-set.ts";

const db = usePrivateServer();
const s3 = useS3Server();
const tmp = useTempDir();

const ROWS = 10_001;
const QUERY = `SELECT seq AS id, CONCAT('name-', seq) AS name, seq * 1.25 AS amount FROM seq_1_to_${ROWS}`;

let runs = 0;
/** A prefix no other test writes under. */
const freshPrefix = () => `split/run-${++runs}/`;

/** Batches of 1000 rows unless `extra` says otherwise: files of N rows cut batches apart. */
const exportTo = (output: string, extra: string[] = [], query = QUERY, env: Record<string, string> = {}) => {
  const batchRows = extra.includes("--batch-rows") ? [] : ["--batch-rows", "1000"];
  return gdInProcess(["--db-url", db().url("mysql"), "-q", query, "-o", output, ...batchRows, ...extra], { env: s3().env(env), timeoutMs: 60_000 });
};

function expectOk(result: RunResult): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
}

/** The manifest's objects are those under the prefix (besides the manifest), and its sums and sizes theirs. */
function checkManifest(prefix: string, manifestName: string): Manifest {
  const text = s3().object(prefix + manifestName);
  expect(text).toBeDefined();
  const manifest = JSON.parse(text!.toString()) as Manifest;
  expect(s3().keys(prefix)).toEqual([...manifest.files.map((f) => prefix + f.name), prefix + manifestName].sort());
  for (const file of manifest.files) {
    const bytes = s3().object(prefix + file.name)!;
    expect({ name: file.name, bytes: file.bytes, sha256: file.sha256 }).toEqual({ name: file.name, bytes: bytes.length, sha256: sha256(bytes) });
  }
  expect(manifest.rows).toBe(manifest.files.reduce((sum, f) => sum + f.rows, 0));
  expect(s3().openUploads()).toEqual([]);
  return manifest;
}

/** Failed with one line, leaving nothing under the prefix and no upload open. */
function expectNothingLeft(result: RunResult, prefix: string, code: number, message: RegExp, server: S3Server = s3()): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: expect.stringMatching(/^gold-digger: [^\n]+\n$/) });
  expect(result.stderr).toMatch(message);
  expect(server.keys(prefix)).toEqual([]);
  expect(server.openUploads()).toEqual([]);
}

test("--max-file-rows to S3: objects of exactly N rows, each with its header, together the single export", async () => {
  const dir = join(tmp(), "single");
  mkdirSync(dir);
  expectOk(await exportTo(join(dir, "single.csv")));
  const single = readFileSync(join(dir, "single.csv"), "utf8");
  const prefix = freshPrefix();
  expectOk(await exportTo(`s3://${BUCKET}/${prefix}orders.csv`, ["--max-file-rows", "2500"]));
  const manifest = checkManifest(prefix, "orders-manifest.json");
  expect({ query: manifest.query, rows: manifest.rows }).toEqual({ query: QUERY, rows: ROWS });
  expectOrdersCsvSet(single, manifest, (name) => s3().object(prefix + name)!.toString());
}, TEST_MS);

for (const [name, extra] of [
  ["{part}.tsv.gz", ["--max-file-size", "20K", "--batch-rows", "100"]],
  ["x.ndjson.zst", ["--max-file-rows", "3000"]],
  ["x.json", ["--max-file-rows", "4000"]],
  ["x.ltsv", ["--max-file-rows", "7000", "--split-by", "id", "--parallel", "2"]],
  ["x.parquet", ["--max-file-rows", "3000", "--row-group-rows", "1000"]],
] as const) {
  test(`${name} ${extra.join(" ")}: each object is the local split's file, byte for byte`, async () => {
    const dir = join(tmp(), `local-${name}`);
    mkdirSync(dir);
    expectOk(await exportTo(join(dir, name), [...extra]));
    const prefix = freshPrefix();
    expectOk(await exportTo(`s3://${BUCKET}/${prefix}${name}`, [...extra]));
    const manifestName = name.startsWith("{part}") ? "manifest.json" : "x-manifest.json";
    const manifest = checkManifest(prefix, manifestName);
    expect(manifest.files.length).toBeGreaterThan(1);
    const local = JSON.parse(readFileSync(join(dir, manifestName), "utf8")) as Manifest;
    expect(manifest.files).toEqual(local.files);
    for (const file of manifest.files) expect(s3().object(prefix + file.name)?.equals(readFileSync(join(dir, file.name)))).toBe(true);
  }, TEST_MS);
}

test("DuckDB reads a split Parquet set from the store as one dataset, with the server's aggregates", async () => {
  const prefix = freshPrefix();
  expectOk(await exportTo(`s3://${BUCKET}/${prefix}t.parquet`, ["--max-file-rows", "3000", "--row-group-rows", "1000"]));
  const manifest = checkManifest(prefix, "t-manifest.json");
  expect(manifest.files.map((f) => f.rows)).toEqual([3000, 3000, 3000, 1001]);
  const dir = join(tmp(), "parquet-set");
  mkdirSync(dir);
  for (const file of manifest.files) writeFileSync(join(dir, file.name), s3().object(prefix + file.name)!);
  await expectParquetSetAggregates(db(), join(dir, "t-*.parquet"), QUERY);
}, TEST_MS);

test("a part refused with 500 after others completed: exit 5, no manifest, no object, no open upload", async () => {
  const prefix = freshPrefix();
  // The third file's only part: the first two files are complete objects by then.
  const proxy = await startRefusingProxy(s3().port, 1, `${prefix}r-00002.csv`);
  try {
    const result = await exportTo(`s3://${BUCKET}/${prefix}r.csv`, ["--max-file-rows", "2000"], QUERY, { AWS_ENDPOINT_URL: `http://127.0.0.1:${proxy.port}` });
    expectNothingLeft(result, prefix, 5, new RegExp(`cannot write s3://${BUCKET}/${prefix}r-00002\\.csv: InternalError: We encountered an internal error`));
    expect(proxy.refused).toBeGreaterThan(0);
  } finally {
    await proxy.close();
  }
}, TEST_MS);

test("a query that fails after objects completed: exit 4, nothing left under the prefix", async () => {
  const prefix = freshPrefix();
  const failing = `SELECT seq, IF(seq = 9000, (SELECT 1 UNION SELECT 2), seq) AS v FROM seq_1_to_${ROWS}`;
  expectNothingLeft(await exportTo(`s3://${BUCKET}/${prefix}f.csv`, ["--max-file-rows", "1000"], failing), prefix, 4, /Subquery returns more than 1 row/);
}, TEST_MS);

test("SIGINT after some objects completed: exit 130, no manifest, no object, no open upload", async () => {
  const prefix = freshPrefix();
  // Rows slow enough that the signal lands with objects complete and more to come.
  const query = "SELECT seq AS id, SLEEP(0.0001) AS s FROM seq_1_to_200000";
  const output = `s3://${BUCKET}/${prefix}i.csv`;
  const run = startGd(["--db-url", db().url("mysql"), "-q", query, "-o", output, "--batch-rows", "500", "--max-file-rows", "1000"], { env: s3().env() });
  await waitUntil("two objects to be complete", () => s3().keys(prefix).length >= 2);
  run.child.kill("SIGINT");
  expectNothingLeft(await run.result, prefix, 130, /interrupted by SIGINT/);
}, TEST_MS);

test("an existing part or manifest under the prefix without --force: exit 2 before connecting; with --force the set is written", async () => {
  // Nothing listens there: a connection attempt would fail with 3.
  const nowhere = `mysql://root@127.0.0.1:${await freePort()}/mysql`;
  for (const existing of ["x-00007.csv", "x-manifest.json"]) {
    const prefix = freshPrefix();
    expectOk(await exportTo(`s3://${BUCKET}/${prefix}${existing}`, [], "SELECT 'keep' AS k"));
    // An object that only shares the prefix is no part of the set.
    expectOk(await exportTo(`s3://${BUCKET}/${prefix}x-other.csv`, [], "SELECT 1 AS other"));
    const before = s3().object(prefix + existing);
    const refused = await gdInProcess(["--db-url", nowhere, "-q", QUERY, "-o", `s3://${BUCKET}/${prefix}x.csv`, "--max-file-rows", "5000"], { env: s3().env() });
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({
      code: 2,
      stderr: `gold-digger: output ${existing} in s3://${BUCKET}/${prefix.slice(0, -1)} exists; use --force to overwrite the set\n`,
    });
    expect(s3().object(prefix + existing)?.equals(before!)).toBe(true);
    expectOk(await exportTo(`s3://${BUCKET}/${prefix}x.csv`, ["--max-file-rows", "5000", "--force"]));
    expect(s3().object(`${prefix}x-manifest.json`)).toBeDefined();
  }
  // Only other objects under the prefix: the set is written without --force.
  const prefix = freshPrefix();
  expectOk(await exportTo(`s3://${BUCKET}/${prefix}x-other.csv`, [], "SELECT 1 AS other"));
  expectOk(await exportTo(`s3://${BUCKET}/${prefix}x.csv`, ["--max-file-rows", "5000"]));
  expect(s3().keys(prefix)).toEqual(["x-00000.csv", "x-00001.csv", "x-00002.csv", "x-manifest.json", "x-other.csv"].map((name) => prefix + name));
}, TEST_MS);
