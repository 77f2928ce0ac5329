// Shared pieces of the fault suite (test/faults/): the "sweep" account whose distinctive
// password every failing scenario uses (so the redaction sweep covers all of them), and the
// checks every failure must pass: the exit code, one line on stderr, no output file, no temp
// file, and the password nowhere.
import { expect } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import mariadb from "mariadb";
import type { PrivateServer } from "../../src/devdb/private-server.ts";
import { cleanEnv, MAIN, ROOT, type RunResult } from "./harness.ts";

/** A run still going after this is a hang: gd()/startGd() kill it and its code (137) fails the test. */
export const HANG_MS = 10_000;
/** Per-test limit (bun's default is 5 s): above HANG_MS, so a hang is reported by our checks. */
export const TEST_MS = 20_000;

/** Holds URL-special characters (`%40`, `@`, `!`) so a half-done encode or decode would show. */
export const SWEEP_PASSWORD = "Zx9-SECRET-pw%40@!";
/** As it appears in the URL: "Zx9-SECRET-pw%2540%40!". */
export const SWEEP_PASSWORD_URL = encodeURIComponent(SWEEP_PASSWORD);
/** A wrong password for the access-denied scenario: just as secret. */
export const WRONG_PASSWORD = "Zx9-SECRET-wrong%40@!";
/** No message may hold any form of either password: this core is in every form. */
const SECRET_CORE = "Zx9-SECRET";

/** Creates `sweep` (may read everything), `nosel` (same password, may not SELECT) and database gd. */
export async function addSweepAccounts(server: PrivateServer): Promise<void> {
  const pw = SWEEP_PASSWORD.replaceAll("'", "''");
  await server.sql([
    "CREATE DATABASE gd",
    "CREATE TABLE gd.t (a INT)",
    `CREATE USER 'sweep'@'%' IDENTIFIED BY '${pw}'`,
    "GRANT SELECT ON *.* TO 'sweep'@'%'",
    `CREATE USER 'nosel'@'%' IDENTIFIED BY '${pw}'`,
    "GRANT INSERT ON gd.* TO 'nosel'@'%'",
  ]);
}

/** URL for `user` (default sweep) with the sweep password, percent-encoded as a user must. */
export function sweepUrl(
  port: number,
  options: { db?: string; user?: string; password?: string; host?: string; params?: string } = {},
): string {
  const { db = "gd", user = "sweep", password = SWEEP_PASSWORD, host = "127.0.0.1", params = "" } = options;
  return `mysql://${user}:${encodeURIComponent(password)}@${host}:${port}/${db}${params}`;
}

/** Temp files the sink makes beside `output`: `.NAME.<pid>.<time>.tmp`. */
export function tempFilesBeside(output: string): string[] {
  const prefix = `.${basename(output)}.`;
  if (!existsSync(dirname(output))) return [];
  return readdirSync(dirname(output)).filter((f) => f.startsWith(prefix) && f.endsWith(".tmp"));
}

export interface FailureExpectation {
  code: number;
  /** The output path given to gold-digger: nothing may exist under it (nor a temp file beside it). */
  output: string;
  /** What the one stderr line must say. */
  message?: RegExp;
  /** Leave the target alone: it existed before the run (exit 2 for an existing file). */
  outputExisted?: boolean;
}

/** The contract for every failure, plus the redaction sweep over stdout, stderr and `dir`. */
export function expectFailure(result: RunResult, expected: FailureExpectation): void {
  // Code and stderr together, so a wrong code shows the message that explains it (137: killed
  // by the timeout, i.e. a hang).
  expect({ code: result.code, stderr: result.stderr }).toEqual({
    code: expected.code,
    stderr: expect.stringMatching(/^gold-digger: [^\n]+\n$/),
  });
  if (expected.message) expect(result.stderr).toMatch(expected.message);
  expect(result.stdout.length).toBe(0);
  if (!expected.outputExisted) expect(existsSync(expected.output)).toBe(false);
  expect(tempFilesBeside(expected.output)).toEqual([]);
  expectNoSecrets(result, dirname(expected.output));
}

/** No form of the passwords in the child's output nor in any file under `dir`. */
export function expectNoSecrets(result: Pick<RunResult, "stdout" | "stderr">, dir?: string): void {
  const texts: [string, string][] = [
    ["stdout", result.stdout.toString("latin1")],
    ["stderr", result.stderr],
  ];
  if (dir) for (const file of filesUnder(dir)) texts.push([file, readFileSync(file, "latin1")]);
  for (const [where, text] of texts) {
    for (const secret of [SWEEP_PASSWORD, SWEEP_PASSWORD_URL, WRONG_PASSWORD, encodeURIComponent(WRONG_PASSWORD), SECRET_CORE]) {
      // A plain boolean so a failure names the place, not a megabyte diff.
      expect({ where, leaks: text.includes(secret) }).toEqual({ where, leaks: false });
    }
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** The first column of the first row, as root over the server's unix socket. */
export async function queryValue(server: PrivateServer, sql: string): Promise<unknown> {
  const conn = await mariadb.createConnection({
    socketPath: server.socket,
    user: "root",
    rowsAsArray: true,
    bigIntAsNumber: true,
  });
  try {
    const rows = (await conn.query(sql)) as unknown[][];
    return rows[0]?.[0];
  } finally {
    await conn.end();
  }
}

/** Statements (or executions of prepared ones) still running on the server whose text mentions `marker`, not counting this probe. */
export async function runningQueries(server: PrivateServer, marker: string): Promise<number> {
  return Number(
    await queryValue(
      server,
      `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND IN ('Query', 'Execute') AND ID <> CONNECTION_ID() AND INFO LIKE '%${marker}%'`,
    ),
  );
}

/** Polls until `check` is true; fails the test with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(25);
  }
}

/** Size of the temp file beside `output` (0 while there is none). */
export function tempFileSize(output: string): number {
  const [temp] = tempFilesBeside(output);
  if (!temp) return 0;
  try {
    return statSync(join(dirname(output), temp)).size;
  } catch {
    return 0; // renamed or removed between the listing and the stat
  }
}

/**
 * Starts the real CLI without waiting for it, for scenarios that act on it mid-export (signals,
 * a crashing server). `result` collects what gd() would return; the child is killed after `timeoutMs`.
 */
export function startGd(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}) {
  const child = Bun.spawn(["bun", MAIN, ...args], {
    env: cleanEnv(options.env),
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? HANG_MS);
  const result: Promise<RunResult> = Promise.all([
    new Response(child.stdout).arrayBuffer(),
    new Response(child.stderr).text(),
    child.exited,
  ]).then(([stdout, stderr, code]) => {
    clearTimeout(timer);
    return { code, stdout: Buffer.from(stdout), stderr };
  });
  return { child, result };
}

/** Milliseconds `run` takes, with its value. */
export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

/** The child's peak RSS in bytes (VmHWM), read until it exits. */
export async function peakRssOf(child: { pid: number; exitCode: number | null }): Promise<number> {
  let peak = 0;
  while (child.exitCode === null) {
    try {
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) * 1024);
    } catch {
      break; // exited between the check and the read
    }
    await Bun.sleep(100);
  }
  return peak;
}
