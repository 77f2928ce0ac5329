// Targets that are not regular files are written in place: FIFOs, character devices, links to
// them. A FIFO nobody reads yet is waited for, without a database connection and without
// deafness to signals; what cannot be written at all (a socket file) fails before connecting.
import { beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { addSweepAccounts, HANG_MS, queryValue, startGd, sweepUrl, timed, waitUntil } from "../support/faults.ts";
import { freePort } from "../../src/devdb/private-server.ts";
import { gdInProcess, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const dir = useTempDir();
beforeAll(() => addSweepAccounts(server()));

const QUERY = "SELECT seq AS n FROM seq_1_to_3";
const CSV = "n\r\n1\r\n2\r\n3\r\n";
const sweepSessions = async () => Number(await queryValue(server(), "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'sweep'"));

let names = 0;
function fifo(): string {
  const path = join(dir(), `fifo-${names++}`);
  execFileSync("mkfifo", [path]);
  return path;
}
function linkTo(target: string): string {
  const path = join(dir(), `link-${names++}`);
  symlinkSync(target, path);
  return path;
}
/** Reads the FIFO to its end. */
function read(path: string): Promise<string> {
  return new Response(Bun.spawn(["cat", path], { stdout: "pipe" }).stdout).text();
}
/** Whether a thread of process `pid` sleeps in the kernel waiting for a FIFO's other end. */
function waitsForFifo(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).some((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/wchan`, "utf8") === "wait_for_partner";
    } catch {
      return false; // the thread ended meanwhile
    }
  });
}
const args = (output: string, url = sweepUrl(server().port)) => ["--db-url", url, "-q", QUERY, "-o", output, "-f", "csv"];
/** In a child process: the tests that watch it wait in the kernel, or signal it. */
const exportTo = (output: string) => startGd(args(output), { timeoutMs: HANG_MS });
/** In this process, where nothing but the result is looked at. */
const exportHere = (output: string, url?: string) => gdInProcess(args(output, url), { timeoutMs: HANG_MS });

describe("written in place, exit 0", () => {
  test.each([
    ["a FIFO read from the start", fifo, false],
    ["a FIFO whose reader comes later", fifo, true],
    ["a link to a FIFO whose reader comes later", () => linkTo(fifo()), true],
  ] as const)("%s", async (_name, make, late) => {
    const path = make();
    const early = late ? undefined : read(path);
    const run = exportTo(path);
    if (late) {
      await waitUntil("the export to wait for a reader", () => waitsForFifo(run.child.pid));
      // Waiting for the reader holds no connection.
      expect(await sweepSessions()).toBe(0);
    }
    const text = early ?? read(path);
    expect(await run.result).toMatchObject({ code: 0, stderr: "" });
    expect(await text).toBe(CSV);
  });

  test.each(["/dev/null", "/dev/zero"])("%s, and a link to it", async (device) => {
    for (const output of [device, linkTo(device)]) expect(await exportHere(output)).toMatchObject({ code: 0, stderr: "" });
  });
});

describe("a FIFO nobody reads: a signal stops the wait at once", () => {
  test.each([
    ["SIGHUP", 129],
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s -> %d", async (signal, code) => {
    const path = fifo();
    const run = exportTo(path);
    await waitUntil("the export to wait for a reader", () => waitsForFifo(run.child.pid));
    expect(await sweepSessions()).toBe(0);
    run.child.kill(signal);
    const { value: result, ms } = await timed(() => run.result);
    expect(result).toMatchObject({ code, stderr: `gold-digger: interrupted by ${signal}\n` });
    expect(ms).toBeLessThan(1_000);
  });
});

describe("cannot be written -> 5", () => {
  test("/dev/full: the device's own error", async () => {
    expect(await exportHere("/dev/full")).toMatchObject({ code: 5, stderr: "gold-digger: cannot write /dev/full: no space left on device\n" });
  });

  test("a socket file, or a link to one: refused before connecting (nothing listens at the URL's port)", async () => {
    const path = join(dir(), "socket");
    const listener = createServer().listen(path);
    await new Promise((resolve) => listener.once("listening", resolve));
    try {
      const url = sweepUrl(await freePort());
      for (const output of [path, linkTo(path)]) {
        const r = await exportHere(output, url);
        expect(r).toMatchObject({ code: 5, stderr: `gold-digger: cannot write ${output}: is a socket\n` });
      }
    } finally {
      listener.close();
    }
  });
});
