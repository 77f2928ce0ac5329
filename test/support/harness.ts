// Shared test plumbing: a private MariaDB per test file, and running the real CLI, as a child
// process (exit codes, stdout and stderr exactly as a user sees them) or inside the test process
// (same result, counted by coverage).
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GLOBAL_FILES_ENV } from "../../src/cli/option-files.ts";
import { startPrivateServer, type PrivateServer, type ServerOptions } from "../../src/devdb/private-server.ts";
import { runCli } from "../../src/cli/run.ts";
import { GdError, type ExitCode } from "../../src/errors.ts";
import { S3_ENV } from "../../src/output/s3-target.ts";

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

/** The environment variables the CLI itself reads (through CliIo.env). */
const CLI_ENV = ["DATABASE_URL", "DATABASE_QUERY", "OUTPUT_FILE", "JOB_COMPLETION_INDEX", "NO_COLOR", "HOME", "MARIADB_HOME", "MYSQL_HOME", GLOBAL_FILES_ENV, ...S3_ENV];
/** What keeps the CLI from the machine's option files (/etc/my.cnf, ~/.my.cnf): a test gives its own. */
export const NO_OPTION_FILES = { [GLOBAL_FILES_ENV]: "" };

/** Environment without the variables the CLI reads, so the host's settings cannot leak in. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { ...NO_OPTION_FILES };
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !CLI_ENV.includes(k)) env[k] = v;
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

/** Names under which an export writes to the real fd 1: an in-process run must not. */
const STDOUT_NAMES = new Set(["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]);

function writesToStdout(args: string[], env: Record<string, string | undefined>): boolean {
  const outputs = [env.OUTPUT_FILE];
  args.forEach((arg, i) => {
    if (arg === "-o" || arg === "--output") outputs.push(args[i + 1]);
    else if (arg.startsWith("--output=")) outputs.push(arg.slice("--output=".length));
  });
  return outputs.some((o) => o !== undefined && STDOUT_NAMES.has(o));
}

type Listener = (...args: unknown[]) => void;
type Listeners = Map<string, { emitter: NodeJS.EventEmitter; event: string | symbol; listeners: Listener[] }>;

/** The listeners of every event on the process and its standard streams. */
function listenersNow(): Listeners {
  const all: Listeners = new Map();
  for (const [name, emitter] of [["process", process], ["stdout", process.stdout], ["stderr", process.stderr]] as const) {
    for (const event of emitter.eventNames()) {
      all.set(`${name} ${String(event)}`, { emitter, event, listeners: emitter.listeners(event) as Listener[] });
    }
  }
  return all;
}

/**
 * Every setInterval started while `body` runs and not cleared by its end: an interval would keep
 * firing into the next test. Those are cleared here, and reported.
 */
async function leftIntervals<T>(body: () => Promise<T>): Promise<{ value: T; intervals: number }> {
  const { setInterval: realSet, clearInterval: realClear } = globalThis;
  const live = new Set<unknown>();
  globalThis.setInterval = ((...args: Parameters<typeof realSet>) => {
    const timer = realSet(...args);
    live.add(timer);
    return timer;
  }) as typeof realSet;
  globalThis.clearInterval = ((timer?: Parameters<typeof realClear>[0]) => {
    live.delete(timer);
    realClear(timer);
  }) as typeof realClear;
  try {
    const value = await body();
    return { value, intervals: live.size };
  } finally {
    globalThis.setInterval = realSet;
    globalThis.clearInterval = realClear;
    for (const timer of live) realClear(timer as Parameters<typeof realClear>[0]);
  }
}

/**
 * Runs `body` in `cwd` (default: where the test process is) and puts back the global state it may
 * change: the working directory, the environment, the umask, process.exitCode, listeners on the
 * process and its standard streams, and intervals. Throws, naming each, if `body` changed any.
 */
export async function isolated<T>(body: () => Promise<T>, cwd?: string): Promise<T> {
  const before = { cwd: process.cwd(), env: { ...process.env }, umask: process.umask(), exitCode: process.exitCode, listeners: listenersNow() };
  const leaks: string[] = [];
  let value: T;
  if (cwd) process.chdir(cwd);
  try {
    const run = await leftIntervals(body);
    value = run.value;
    if (run.intervals > 0) leaks.push(`${run.intervals} interval(s) still running`);
  } finally {
    if (process.cwd() !== (cwd ? resolve(cwd) : before.cwd)) leaks.push("the working directory");
    process.chdir(before.cwd);
    leaks.push(...restoreGlobals(before));
  }
  if (leaks.length > 0) throw new Error(`leaked global state: ${leaks.join("; ")}`);
  return value;
}

/**
 * Runs the CLI inside the test process through runCli, the function main.ts wraps, so coverage
 * counts it; the result is what gd() returns. Not for what needs a process: signals, the
 * process's exit, a crash, a terminal, an environment variable only a new process reads, and
 * writing to stdout (`-o -` would write into the test runner's own fd 1): those are refused.
 * Global state is kept from leaking by isolated().
 */
export async function gdInProcess(args: string[], options: Omit<RunOptions, "shell"> = {}): Promise<RunResult> {
  // Any other variable is one the runtime reads when a process starts (NODE_EXTRA_CA_CERTS).
  const runtimeEnv = Object.keys(options.env ?? {}).filter((k) => !CLI_ENV.includes(k));
  if (runtimeEnv.length > 0) throw new Error(`gdInProcess: ${runtimeEnv.join(", ")} takes effect in a new process; use gd()`);
  const env = cleanEnv(options.env);
  if (writesToStdout(args, env)) throw new Error("gdInProcess: this run writes to stdout; use gd() (a child process)");
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io = { env, stdout: (t: string) => void stdout.push(t), stderr: (t: string) => void stderr.push(t), stdoutIsTty: false, stderrIsTty: false };
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? 30_000;
  // A hang ends as one in a child does, with code 137 (killed), and says so.
  const timer = setTimeout(() => controller.abort(new GdError(137 as ExitCode, `still running after ${timeoutMs} ms (a hang)`)), timeoutMs);
  try {
    const code = await isolated(() => runCli(args, io, controller.signal), options.cwd);
    return { code, stdout: Buffer.from(stdout.join("")), stderr: stderr.join("") };
  } finally {
    clearTimeout(timer);
  }
}

function restoreGlobals(before: { env: NodeJS.ProcessEnv; umask: number; exitCode: typeof process.exitCode; listeners: Listeners }): string[] {
  const leaks: string[] = [];
  const changed = [...new Set([...Object.keys(before.env), ...Object.keys(process.env)])].filter((k) => process.env[k] !== before.env[k]);
  for (const key of changed) {
    if (before.env[key] === undefined) delete process.env[key];
    else process.env[key] = before.env[key];
  }
  if (changed.length > 0) leaks.push(`environment variables ${changed.join(", ")}`);
  if (process.umask(before.umask) !== before.umask) leaks.push("the umask");
  // Bun ignores `process.exitCode = undefined`: 0 is what an unset code means.
  if ((process.exitCode ?? 0) !== (before.exitCode ?? 0)) {
    process.exitCode = before.exitCode ?? 0;
    leaks.push("process.exitCode");
  }
  // Listeners the run added are removed; one it removed is reported, as it cannot be put back.
  const now = listenersNow();
  const changedEvents = [...new Set([...before.listeners.keys(), ...now.keys()])].filter((key) => {
    const had = before.listeners.get(key)?.listeners ?? [];
    const has = now.get(key)?.listeners ?? [];
    return has.length !== had.length || has.some((l, i) => l !== had[i]);
  });
  for (const key of changedEvents) {
    const { emitter, event, listeners } = now.get(key) ?? before.listeners.get(key)!;
    const had = before.listeners.get(key)?.listeners ?? [];
    for (const listener of listeners) if (!had.includes(listener)) emitter.removeListener(event, listener);
  }
  if (changedEvents.length > 0) leaks.push(`listeners on ${changedEvents.join(", ")}`);
  return leaks;
}
