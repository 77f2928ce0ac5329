// Compressed exports decompress with the system's gzip and zstd to exactly the plain export.
import { beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { gd, gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();
let url: string;
// Enough rows for several batches, so the file is many gzip members / zstd frames.
const QUERY = "SELECT seq, CONCAT('row \"', seq, '\", ünï') AS label, seq / 7 AS ratio FROM seq_1_to_30000";

beforeAll(async () => {
  await server().sql("CREATE DATABASE c");
  url = server().url("c");
});

const decompress = (tool: string, path: string) => Bun.spawnSync([tool, "-dc", path]).stdout.toString();

test.each([
  ["gz", "gzip"],
  ["zst", "zstd"],
])("a .%s suffix compresses while streaming, in workers or not", async (suffix, tool) => {
  for (const format of ["csv", "json", "ltsv"]) {
    const plain = `${tmp()}/plain.${format}`;
    expect((await gdInProcess(["--db-url", url, "-q", QUERY, "-o", plain, "--batch-rows", "1000", "--force"])).code).toBe(0);
    for (const workers of ["0", "2"]) {
      const packed = `${tmp()}/out-${workers}.${format}.${suffix}`;
      const r = await gdInProcess(["--db-url", url, "-q", QUERY, "-o", packed, "--workers", workers, "--batch-rows", "1000", "--force"]);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(readFileSync(packed).length).toBeLessThan(readFileSync(plain).length / 2);
      expect(decompress(tool, packed)).toBe(readFileSync(plain, "utf8"));
    }
  }
});

test("--compress applies to stdout", async () => {
  const r = await gd(["--db-url", url, "-q", "SELECT 1 AS one", "-o", "-", "-f", "csv", "--compress", "zstd"]);
  expect(r.code).toBe(0);
  expect(Bun.zstdDecompressSync(r.stdout).toString()).toBe("one\r\n1\r\n");
});

test.each([
  ["zero rows to NDJSON", "SELECT 1 AS a FROM DUAL WHERE 0", "ndjson"],
  ["zero rows to LTSV", "SELECT 1 AS a FROM DUAL WHERE 0", "ltsv"],
  ["a statement without a result set to CSV", "DO 1", "csv"],
])("an empty export (%s) is one valid, empty gzip member / zstd frame", async (_name, query, format) => {
  for (const [suffix, tool, oneEmpty] of [
    ["gz", "gzip", Bun.gzipSync(new Uint8Array(0))],
    ["zst", "zstd", Bun.zstdCompressSync(new Uint8Array(0))],
  ] as const) {
    const path = `${tmp()}/empty-${format}.${format}.${suffix}`;
    expect(await gdInProcess(["--db-url", url, "-q", query, "-o", path, "--allow-empty"])).toMatchObject({ code: 0, stderr: "" });
    const unpacked = Bun.spawnSync([tool, "-dc", path]);
    expect({ exitCode: unpacked.exitCode, stdout: unpacked.stdout.toString() }).toEqual({ exitCode: 0, stdout: "" });
    expect(readFileSync(path).length).toBe(oneEmpty.length);
  }
});
