// `-o s3://BUCKET/KEY` against a real S3-API server (test/support/s3.ts): the object is the local
// export byte for byte, appears only when complete, and no secret is printed.
import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TEST_MS } from "../support/faults.ts";
import { gdInProcess, usePrivateServer, useTempDir, type RunResult } from "../support/harness.ts";
import { SECRET_ACCESS_KEY, useS3Server } from "../support/s3.ts";

const db = usePrivateServer();
const s3 = useS3Server();
const dir = useTempDir();

const QUERY = "SELECT seq AS id, CONCAT('name-', seq) AS name, seq * 1.5 AS amount, IF(seq % 7 = 0, NULL, 'x,\"y\"') AS note FROM seq_1_to_2000";

let keyNumber = 0;
const freshKey = (extension: string) => `exports/run-${++keyNumber}${extension}`;

const exportTo = (output: string, extra: string[] = [], env: Record<string, string> = {}) =>
  gdInProcess(["--db-url", db().url("mysql"), "-q", QUERY, "-o", output, ...extra], { env: s3().env(env) });

function expectOk(result: RunResult): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
  expect(result.stderr).not.toContain(SECRET_ACCESS_KEY);
}

for (const extension of [".csv", ".tsv.gz", ".ndjson.zst", ".json"]) {
  test(`${extension}: the object is the local export, byte for byte`, async () => {
    const key = freshKey(extension);
    const local = join(dir(), `local${extension}`);
    expectOk(await exportTo(local));
    expectOk(await exportTo(`s3://gd-test/${key}`));
    expect(s3().object(key)?.equals(readFileSync(local))).toBe(true);
    expect(s3().openUploads()).toEqual([]);
  }, TEST_MS);
}
