// Output failures: missing or read-only directory, a disk that fills up mid-export, an existing
// target, and a stdout reader that goes away (| head).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mariadb from "mariadb";
import {
  addSweepAccounts,
  expectFailure,
  expectNoSecrets,
  HANG_MS,
  runningQueries,
  startGd,
  sweepUrl,
  tempFilesBeside,
  TEST_MS,
  timed,
  waitUntil,
} from "../support/faults.ts";
import { freePort } from "../../src/devdb/private-server.ts";
import { readOnlyDir, smallFsDir } from "../support/fs-faults.ts";
import { gdInProcess, gdInShell, usePrivateServer } from "../support/harness.ts";

const server = usePrivateServer();
beforeAll(() => addSweepAccounts(server()));

// Made at load time, not in beforeAll: whether the mounts work decides which tests are skipped.
const base = mkdtempSync(join(tmpdir(), "gd-faults-output-"));
const readOnly = readOnlyDir(base);
const smallFs = smallFsDir(base, "1m");
afterAll(() => {
  for (const d of [readOnly, smallFs]) if ("cleanup" in d) d.cleanup();
  rmSync(base, { recursive: true, force: true });
});

const BIG_QUERY = "SELECT * FROM seq_1_to_3000000"; // ~25 MB of CSV
const run = (output: string, extra: string[] = []) =>
  gdInProcess(["--db-url", sweepUrl(server().port), "-q", BIG_QUERY, "-o", output, ...extra], { timeoutMs: HANG_MS });

test(
  "output directory missing -> 5",
  async () => {
    const output = join(base, "no-such-dir", "out.csv");
    expectFailure(await run(output), { code: 5, output, message: /directory .*no-such-dir does not exist/ });
  },
  TEST_MS,
);

test.skipIf("skip" in readOnly)(
  `read-only output directory -> 5${"skip" in readOnly ? ` (skipped: ${readOnly.skip})` : ""}`,
  async () => {
    if (!("dir" in readOnly)) return;
    const output = join(readOnly.dir, "out.csv");
    expectFailure(await run(output), {
      code: 5,
      output,
      message: /cannot write .*out\.csv: cannot create a file in .*read-only: (read-only file system|permission denied)/,
    });
  },
  TEST_MS,
);

test.skipIf("skip" in smallFs)(
  `disk full mid-export -> 5, temp file removed${"skip" in smallFs ? ` (skipped: ${smallFs.skip})` : ""}`,
  async () => {
    if (!("dir" in smallFs)) return;
    const output = join(smallFs.dir, "out.csv");
    expectFailure(await run(output), { code: 5, output, message: /no space left on device/ });
  },
  TEST_MS,
);

test.skipIf("skip" in smallFs)(
  `disk full mid-export through stdout (-o - > file) -> 5, saying so${"skip" in smallFs ? ` (skipped: ${smallFs.skip})` : ""}`,
  async () => {
    if (!("dir" in smallFs)) return;
    const args = ["--db-url", sweepUrl(server().port), "-q", BIG_QUERY, "-o", "-", "-f", "csv"];
    const r = await gdInShell(args, `> "${join(smallFs.dir, "stdout.csv")}"`, { timeoutMs: HANG_MS });
    expect(r).toEqual({ code: 5, stderr: "gold-digger: cannot write stdout: no space left on device\n" });
  },
  TEST_MS,
);

test(
  "a directory that refuses new files (/proc) -> 5, saying so, not that it is missing",
  async () => {
    for (const output of ["/proc/version", "/proc/gold-digger-test.csv"]) {
      const result = await run(output, ["-f", "csv", "--force"]);
      expect(result).toMatchObject({
        code: 5,
        stderr: `gold-digger: cannot write ${output}: cannot create a file in /proc: no such file or directory\n`,
      });
    }
  },
  TEST_MS,
);

test(
  "a parent that is a file -> 5",
  async () => {
    writeFileSync(join(base, "plain"), "");
    const output = join(base, "plain", "out.csv");
    expect(await run(output)).toMatchObject({ code: 5, stderr: `gold-digger: cannot write ${output}: ${join(base, "plain")} is not a directory\n` });
  },
  TEST_MS,
);

test(
  "a name ending in '/' -> 5 before connecting (nothing listens at the URL's port)",
  async () => {
    writeFileSync(join(base, "a-file"), "");
    const url = sweepUrl(await freePort());
    for (const output of [join(base, "new") + "/", join(base, "a-file") + "/"]) {
      const result = await gdInProcess(["--db-url", url, "-q", "SELECT 1", "-o", output, "-f", "csv"], { timeoutMs: HANG_MS });
      expectFailure(result, { code: 5, output, message: /: the trailing '\/' makes it the name of a directory; give a file name\n/ });
    }
  },
  TEST_MS,
);

test(
  "names up to 255 bytes work although the temp file's name is longer; a longer one -> 5 before connecting",
  async () => {
    const dir = join(base, "long-names");
    mkdirSync(dir);
    // 255 bytes each: one byte per character, and two bytes per character (é).
    for (const name of ["x".repeat(251) + ".csv", "é".repeat(125) + "x.csv"]) {
      const result = await gdInProcess(["--db-url", sweepUrl(server().port), "-q", "SELECT 1 AS one", "-o", join(dir, name)], { timeoutMs: HANG_MS });
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(readFileSync(join(dir, name), "utf8")).toBe("one\r\n1\r\n");
    }
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const tooLong = join(dir, "x".repeat(252) + ".csv");
    const result = await gdInProcess(["--db-url", sweepUrl(await freePort()), "-q", "SELECT 1", "-o", tooLong], { timeoutMs: HANG_MS });
    expectFailure(result, { code: 5, output: join(dir, "never.csv"), message: /: file name too long\n/ });
  },
  TEST_MS,
);

test(
  "existing target without --force -> 2, file untouched",
  async () => {
    const output = join(base, "existing.csv");
    writeFileSync(output, "precious\n");
    const result = await run(output);
    expectFailure(result, { code: 2, output, message: /exists; use --force/, outputExisted: true });
    expect(readFileSync(output, "utf8")).toBe("precious\n");
  },
  TEST_MS,
);

test(
  "a file that appears at the target during the export is left untouched without --force -> 2",
  async () => {
    const output = join(base, "race.csv");
    // The export's query waits for a lock the test holds, so the file lands mid-export every time.
    const holder = await mariadb.createConnection({ socketPath: server().socket, user: "root" });
    try {
      await holder.query("SELECT GET_LOCK('gd-race', 0)");
      const run = gdInProcess(["--db-url", sweepUrl(server().port), "-q", "SELECT GET_LOCK('gd-race', 20) AS got", "-o", output], { timeoutMs: HANG_MS });
      await waitUntil("the export's temp file", () => tempFilesBeside(output).length > 0);
      writeFileSync(output, "IMPORTANT\n");
      await holder.query("SELECT RELEASE_LOCK('gd-race')");
      expectFailure(await run, { code: 2, output, message: /race\.csv appeared during the export and was left untouched; use --force/, outputExisted: true });
      expect(readFileSync(output, "utf8")).toBe("IMPORTANT\n");
    } finally {
      await holder.end();
    }
  },
  TEST_MS,
);

test(
  "-o - into `head -c 100`: quiet exit 0, the query stops at once",
  async () => {
    // ~17 s of rows if read to the end.
    const query = "SELECT * FROM seq_1_to_50000000";
    const { value: result, ms } = await timed(() =>
      gdInShell(["--db-url", sweepUrl(server().port), "-q", query, "-o", "-", "-f", "csv"], "| head -c 100 >/dev/null", { timeoutMs: 15_000 }),
    );
    expect(result).toEqual({ code: 0, stderr: "" });
    expect(ms).toBeLessThan(3_000);
    // Stopped means the server stopped too, not just our process.
    await waitUntil(
      "the server to drop the query",
      async () => (await runningQueries(server(), "seq_1_to_50000000")) === 0,
      3_000,
    );
    expectNoSecrets({ stdout: Buffer.alloc(0), stderr: result.stderr });
  },
  TEST_MS,
);
