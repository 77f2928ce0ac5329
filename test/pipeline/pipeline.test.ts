// Inside the pipeline: a serializer worker that dies, and a single row far larger than a batch.
import { beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { addSweepAccounts, expectNoSecrets, HANG_MS, queryValue, sweepUrl, TEST_MS } from "../support/faults.ts";
import { planExport } from "../../src/cli/plan-export.ts";
import { resolveConfig } from "../../src/cli/resolve-config.ts";
import { ExitCode, type GdError } from "../../src/errors.ts";
import { runExport } from "../../src/export.ts";
import { CRASHING_WORKER, gdInProcess, NO_OPTION_FILES, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const dir = useTempDir();
beforeAll(() => addSweepAccounts(server()));

test(
  "a worker that crashes -> 4, no file",
  async () => {
    const output = join(dir(), "worker-crash.csv");
    const flags = { "db-url": sweepUrl(server().port), query: "SELECT * FROM seq_1_to_3000000", output, workers: "2" };
    const plan = planExport(resolveConfig(flags, NO_OPTION_FILES, 0, false));
    const run = runExport({ ...plan, encoding: { ...plan.encoding, workerModule: CRASHING_WORKER } }, { warn: () => {}, detail: () => {} });
    await expect(run).rejects.toThrow(/serializer worker failed: injected worker fault/);
    expect(await run.catch((e: GdError) => e.exitCode)).toBe(ExitCode.Query);
    expect(readdirSync(dir()).filter((f) => f.includes("worker-crash"))).toEqual([]);
  },
  TEST_MS,
);

test(
  "a 32 MB LONGBLOB row is exported intact",
  async () => {
    // The private server allows 256 MB packets. 32 distinct bytes repeated 1 Mi times: every
    // byte value class (0x00, high bit) and a content a truncation or reordering would change.
    await server().sql([
      "CREATE TABLE gd.big (id INT PRIMARY KEY, b LONGBLOB)",
      "INSERT INTO gd.big VALUES (1, REPEAT(UNHEX(SHA2('gold-digger', 256)), 1048576))",
    ]);
    const output = join(dir(), "big.csv");
    const result = await gdInProcess(["--db-url", sweepUrl(server().port), "-q", "SELECT id, b FROM big", "-o", output], {
      timeoutMs: HANG_MS,
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expectNoSecrets(result);

    const [header, row, rest] = readFileSync(output, "latin1").split("\r\n");
    expect(header).toBe("id,b");
    expect(rest).toBe("");
    const hex = row!.slice("1,0x".length);
    // Compare with the server's own HEX() by digest: a 64 MB diff helps nobody.
    const expected = (await queryValue(
      server(),
      "SELECT CONCAT(LENGTH(b), ':', SHA2(LOWER(HEX(b)), 256)) FROM gd.big",
    )) as string;
    const actual = `${hex.length / 2}:${new Bun.CryptoHasher("sha256").update(hex).digest("hex")}`;
    expect(row!.startsWith("1,0x")).toBe(true);
    expect(actual).toBe(expected);
    expect(expected.startsWith("33554432:")).toBe(true);
  },
  TEST_MS,
);
