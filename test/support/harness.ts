// Shared test plumbing: a private MariaDB per test file, and running the real CLI as a
// child process (exit codes, stdout and stderr exactly as a user sees them).
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GLOBAL_FILES_ENV } from "../../src/cli/option-files.ts";
import { startPrivateServer, type PrivateServer, type ServerOptions } from "../../src/devdb/private-server.ts";

export const ROOT = resolve(import.meta.dir, "../..");
export const MAIN = join(ROOT, "src/main.ts");
/** A worker module that crashes on its second batch (test/fixtures/crashing-worker.ts). */
export const CRASHING_WORKER = join(ROOT, "test/fixtures/crashing-worker.ts");

/** Starts a private server before the file's tests and removes it after. */
export function usePrivateServer(options: ServerOptions = {}): () => PrivateServer {
  let server: PrivateServer | undefined;
  beforeAll(async () => {
    server = await startPrivateServer(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("server not started yet");
    return server;
  };
}

/** A temporary directory removed after the file's tests. */
export function useTempDir(): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gd-test-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => dir!;
}

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the child if it runs longer (a hang is a failure, not a stuck suite). */
  timeoutMs?: number;
  /** A bash script run with MAIN as $0 and the arguments as $@, instead of running MAIN itself. */
  shell?: string;
}

/** What keeps the CLI from the machine's option files (/etc/my.cnf, ~/.my.cnf): a test gives its own. */
export const NO_OPTION_FILES = { [GLOBAL_FILES_ENV]: "" };

/** Environment without the variables the CLI reads, so the host's settings cannot leak in. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { ...NO_OPTION_FILES };
  const read = ["DATABASE_URL", "DATABASE_QUERY", "OUTPUT_FILE", "NO_COLOR", "HOME", "MARIADB_HOME", "MYSQL_HOME"];
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !read.includes(k)) env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export async function gd(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const command = options.shell === undefined ? ["bun", MAIN, ...args] : ["bash", "-c", options.shell, MAIN, ...args];
  const child = Bun.spawn(command, {
    env: cleanEnv(options.env),
    cwd: options.cwd ?? ROOT,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).arrayBuffer(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout: Buffer.from(stdout), stderr };
}

/**
 * Runs the CLI under bash with `redirect` applied to its stdout (`>> app.csv`, `| head -1 > x`), as
 * a user's shell would. `code` is gold-digger's own exit status, whatever the pipeline's is.
 */
export async function gdInShell(args: string[], redirect: string, options: RunOptions = {}): Promise<{ code: number; stderr: string }> {
  const script = `bun "$0" "$@" ${redirect}; echo "\${PIPESTATUS[0]}"`;
  const r = await gd(args, { ...options, shell: script });
  return { code: Number(r.stdout.toString()), stderr: r.stderr };
}
