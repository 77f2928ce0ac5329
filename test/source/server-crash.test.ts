// The server dies (SIGKILL) while rows stream. A server of its own: the crash must not take
// other tests' server with it.
import { beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { addSweepAccounts, expectFailure, startGd, sweepUrl, tempFileSize, TEST_MS, waitUntil } from "../support/faults.ts";
import { usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const dir = useTempDir();
beforeAll(() => addSweepAccounts(server()));

test(
  "server killed mid-export -> 4, no file",
  async () => {
    const output = join(dir(), "crash.csv");
    // ~17 s of rows if left alone; the crash comes after the first megabyte is on disk.
    const run = startGd(["--db-url", sweepUrl(server().port), "-q", "SELECT * FROM seq_1_to_50000000", "-o", output]);
    await waitUntil("the export to write its first megabyte", () => tempFileSize(output) > 1_000_000);
    server().crash();
    const result = await run.result;
    expectFailure(result, { code: 4, output, message: /query failed: lost the connection to the server \(.+\): probably .*a crash or restart/ });
    expect(result.stderr).not.toContain("unexpected error");
  },
  TEST_MS,
);
