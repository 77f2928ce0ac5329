// SIGHUP / SIGINT / SIGTERM while rows stream: the temp file goes, the exit code is 128 + signal, and the
// server stops running the query (the connection is closed, not left to finish in the background).
import { afterEach, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import {
  addSweepAccounts,
  expectFailure,
  HANG_MS,
  runningQueries,
  startGd,
  sweepUrl,
  tempFileSize,
  TEST_MS,
  timed,
  waitUntil,
} from "../support/faults.ts";
import { cleanEnv, MAIN, usePrivateServer, useTempDir } from "../support/harness.ts";
import { startFaultProxy, type FaultProxy } from "../support/proxy.ts";

const server = usePrivateServer();
const dir = useTempDir();
beforeAll(() => addSweepAccounts(server()));

// ~17 s of rows if left alone. The marker finds it in the server's process list.
const LONG_QUERY = "SELECT * FROM seq_1_to_50000000";
const MARKER = "seq_1_to_50000000";

for (const [signal, code] of [
  ["SIGHUP", 129],
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  test(
    `${signal} mid-export -> ${code}, temp file removed, query stopped on the server`,
    async () => {
      const output = join(dir(), `${signal}.csv`);
      const run = startGd(["--db-url", sweepUrl(server().port), "-q", LONG_QUERY, "-o", output]);
      // Growing, not merely created: the signal must land while rows stream.
      await waitUntil("the temp file to grow", () => tempFileSize(output) > 1_000_000);
      expect(await runningQueries(server(), MARKER)).toBe(1);
      run.child.kill(signal);
      expectFailure(await run.result, { code, output, message: new RegExp(`interrupted by ${signal}`) });
      await waitUntil("the server to drop the query", async () => (await runningQueries(server(), MARKER)) === 0, 5_000);
    },
    TEST_MS,
  );
}

for (const [signal, code] of [
  ["SIGHUP", 129],
  ["SIGINT", 130],
] as const) {
  test(
    `${signal} while the server is still computing (no rows yet) -> ${code}, and the query is killed on the server`,
    async () => {
      // SLEEP sends nothing, so closing our socket alone would leave it running for 20 s.
      const marker = `SLEEP(20) AS ${signal}`;
      const output = join(dir(), `sleep-${signal}.csv`);
      const run = startGd(["--db-url", sweepUrl(server().port), "-q", `SELECT ${marker}`, "-o", output]);
      await waitUntil("the query to start", async () => (await runningQueries(server(), marker)) === 1);
      run.child.kill(signal);
      expectFailure(await run.result, { code, output, message: new RegExp(`interrupted by ${signal}`) });
      expect(await runningQueries(server(), marker)).toBe(0);
    },
    TEST_MS,
  );
}

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

test(
  "SIGINT while connecting stops at once, without waiting for --connect-timeout",
  async () => {
    // A server that never answers: without care the signal would wait out the 10 s timeout
    // and then be reported as a connection failure (exit 3).
    proxy = await startFaultProxy({ host: server().host, port: server().port }, { kind: "silent" });
    const output = join(dir(), "connecting.csv");
    const run = startGd(["--db-url", sweepUrl(proxy.port), "-q", "SELECT 1", "-o", output, "--connect-timeout", "10"], {
      timeoutMs: HANG_MS,
    });
    await waitUntil("the connection attempt", () => proxy!.accepted > 0);
    const { value: result, ms } = await timed(async () => {
      run.child.kill("SIGINT");
      return run.result;
    });
    expectFailure(result, { code: 130, output, message: /interrupted by SIGINT/ });
    expect(ms).toBeLessThan(2_000);
  },
  TEST_MS,
);

test(
  "SIGINT while stdout is a full pipe nobody reads -> 130 at once, and the query is stopped on the server",
  async () => {
    const child = Bun.spawn(["bun", MAIN, "--db-url", sweepUrl(server().port), "-q", LONG_QUERY, "-o", "-", "-f", "csv"], {
      env: cleanEnv(),
      stdout: "pipe",
      stderr: "pipe",
      stdin: "ignore",
    });
    try {
      // Nothing reads stdout: the pipe fills within a few rows and every write waits on it.
      await waitUntil("the query to start", async () => (await runningQueries(server(), MARKER)) === 1);
      await Bun.sleep(300);
      const { value: code, ms } = await timed(async () => {
        child.kill("SIGINT");
        return child.exited;
      });
      expect({ code, stderr: await new Response(child.stderr).text() }).toEqual({ code: 130, stderr: "gold-digger: interrupted by SIGINT\n" });
      expect(ms).toBeLessThan(3_000);
      await waitUntil("the server to drop the query", async () => (await runningQueries(server(), MARKER)) === 0, 5_000);
    } finally {
      child.kill("SIGKILL");
    }
  },
  TEST_MS,
);
