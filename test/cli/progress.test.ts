// Progress appears only on a terminal (run under a pseudo-terminal with `script`), never on
// stdout, and honours NO_COLOR and --quiet; where the server estimates the rows, it says how far.
import { beforeAll, expect, test } from "bun:test";
import { cleanEnv, gd, gdInProcess, MAIN, usePrivateServer, useTempDir } from "../support/harness.ts";
import { BINARY_PROTOCOL_MIN_ROWS } from "../../src/source/ranges/read-plan.ts";

const server = usePrivateServer();
const tmp = useTempDir();
let url: string;
// Slow enough (SLEEP per 100k rows) that the live line is drawn several times.
const QUERY = "SELECT seq, IF(seq % 100000 = 0, SLEEP(0.3), 0) AS s FROM seq_1_to_400000";
// Slower still, so the time left is measured for a while.
const SLOW_QUERY = QUERY.replace("0.3", "0.5");

beforeAll(async () => {
  await server().sql("CREATE DATABASE p");
  url = server().url("p");
});

/** Runs the CLI with stdin/stdout/stderr on a pseudo-terminal; returns what the terminal showed. */
function underTerminal(args: string[], env: Record<string, string> = {}): { code: number; screen: string } {
  const command = ["bun", MAIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const r = Bun.spawnSync(["script", "-qefc", command, "/dev/null"], { env: cleanEnv(env) });
  return { code: r.exitCode, screen: r.stdout.toString() };
}

test("a live line with rows, bytes, rate and time, then a summary", () => {
  const { code, screen } = underTerminal(["--db-url", url, "-q", QUERY, "-o", `${tmp()}/a.csv`]);
  expect(code).toBe(0);
  const frames = screen.split("\r").filter((f) => f.includes("rows/s"));
  expect(frames.length).toBeGreaterThanOrEqual(3);
  expect(screen).toMatch(/\d[\d,]* rows +[\d.]+ (B|KiB|MiB) +[\d.]+[kM]? rows\/s +[\d.]+ s/);
  expect(screen).toMatch(/400,000 rows, [\d.]+ MiB in [\d.]+ s \([\d.]+k rows\/s\)/);
  expect(screen).toContain("\x1b[2m");
});

/** The drawn lines that say how far: rows, and the estimate's percentage and time left (if shown). */
function estimates(screen: string): { rows: number; percent?: number; left?: string }[] {
  return screen
    .split("\r")
    .filter((frame) => frame.includes("rows/s"))
    .map((frame) => {
      const rows = Number(/^(?:\x1b\[[\d;]*[A-Za-z])*([\d,]+) rows/.exec(frame)?.[1]?.replaceAll(",", ""));
      const estimate = /  ~(\d+)%(?:  ~(.+?) left)?/.exec(frame);
      return { rows, percent: estimate ? Number(estimate[1]) : undefined, left: estimate?.[2] };
    });
}

test("a plain query the server estimates: ~percent and ~time left, once a second of rows is measured", () => {
  const { code, screen } = underTerminal(["--db-url", url, "-q", SLOW_QUERY, "-o", `${tmp()}/eta.csv`], { NO_COLOR: "1" });
  expect(code).toBe(0);
  const frames = estimates(screen);
  const estimated = frames.filter((f) => f.percent !== undefined);
  expect(estimated.length).toBeGreaterThan(0);
  for (const { rows, percent } of estimated) expect(percent).toBe(Math.floor((rows / 400_000) * 100));
  expect(estimated.some((f) => /^\d+ s$/.test(f.left ?? ""))).toBe(true);
});

test("rows beyond the estimate: no percentage at all, never one above 100", () => {
  // The optimizer estimates a join by its larger table (1,000 rows); it returns 400,000.
  const join = "SELECT a.seq, IF(b.seq = 1 AND a.seq % 250 = 0, SLEEP(0.3), 0) AS s FROM seq_1_to_1000 a, seq_1_to_400 b";
  const { code, screen } = underTerminal(["--db-url", url, "-q", join, "-o", `${tmp()}/low.csv`], { NO_COLOR: "1" });
  expect(code).toBe(0);
  const frames = estimates(screen);
  expect(frames.length).toBeGreaterThanOrEqual(3);
  expect(frames.filter((f) => f.percent !== undefined)).toEqual([]);
});

test("a split query whose rows outgrow the estimate: how far by the ranges written", () => {
  // Four ranges of k (with --parallel 1), each pausing once; the estimate (1,000 rows) is soon passed.
  const join = "SELECT a.seq * 1000 + b.seq AS k, IF(b.seq = 1 AND a.seq % 250 = 0, SLEEP(0.4), 0) AS s FROM seq_1_to_1000 a, seq_1_to_400 b";
  const args = ["--db-url", url, "-q", join, "--split-by", "k", "--consistency", "none", "-o", `${tmp()}/split.csv`, "--dry-run"];
  const plan = Bun.spawnSync(["bun", MAIN, ...args], { env: cleanEnv() });
  const ranges = JSON.parse(plan.stdout.toString()).read.ranges.length;
  const { code, screen } = underTerminal(args.slice(0, -1), { NO_COLOR: "1" });
  expect(code).toBe(0);
  const percents = estimates(screen).flatMap((f) => (f.percent === undefined ? [] : [f.percent]));
  expect(percents.length).toBeGreaterThan(0);
  const steps = Array.from({ length: ranges + 1 }, (_, k) => Math.floor((k / ranges) * 100));
  for (const percent of percents) expect(steps).toContain(percent);
});

test("NO_COLOR draws the line without escape styling; --quiet draws nothing", () => {
  const plain = underTerminal(["--db-url", url, "-q", QUERY, "-o", `${tmp()}/b.csv`], { NO_COLOR: "1" });
  expect(plain.code).toBe(0);
  expect(plain.screen).toContain("rows/s");
  expect(plain.screen).not.toContain("\x1b[2m");
  const quiet = underTerminal(["--db-url", url, "-q", QUERY, "-o", `${tmp()}/c.csv`, "--quiet"]);
  expect(quiet).toEqual({ code: 0, screen: "" });
});

test("--log-format json on a terminal: no line redrawn, the summary as one object", () => {
  const { code, screen } = underTerminal(["--db-url", url, "-q", QUERY, "-o", `${tmp()}/j.csv`, "--log-format", "json"]);
  expect(code).toBe(0);
  // The terminal ends each line with CR LF.
  const lines = screen.split("\r\n").filter(Boolean);
  expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: "info", rows: 400_000, msg: expect.stringMatching(/^400,000 rows, /) })]);
});

test("no progress when stderr is not a terminal; -v prints the summary alone", async () => {
  const silent = await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS x", "-o", `${tmp()}/d.csv`]);
  expect(silent.stderr).toBe("");
  const verbose = await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS x", "-o", `${tmp()}/e.csv`, "-v"]);
  expect(verbose.stderr).toMatch(/^connected: .*\nprotocol: text\n1 row, \d+ B in [\d.]+ s \(\d+ rows\/s\)\n$/);
});

test("-v says which protocol carried the rows: text for a small result, where the binary one cannot be rewritten exactly, or with --parallel", async () => {
  const protocolLine = async (args: string[]) =>
    (await gd(["--db-url", url, "-o", "-", "-f", "csv", "-v", ...args])).stderr.split("\n").filter((l) => l.startsWith("protocol:"));
  // The server estimates the rows it examines, whatever the LIMIT: a large result to the protocol's choice.
  const large = `FROM seq_1_to_${BINARY_PROTOCOL_MIN_ROWS} LIMIT 2`;
  expect(await protocolLine(["-q", "SELECT 1.5e0 AS d, NOW() AS t"])).toEqual(["protocol: text"]);
  expect(await protocolLine(["-q", `SELECT 1.5e0 AS d, NOW() AS t ${large}`])).toEqual(["protocol: binary"]);
  expect(await protocolLine(["-q", `SELECT ROUND(1.23e0, 1) AS r ${large}`])).toEqual(["protocol: text"]);
  const split = (rows: number) => ["-q", `SELECT seq FROM seq_1_to_${rows}`, "--split-by", "seq", "--consistency", "none"];
  expect(await protocolLine([...split(BINARY_PROTOCOL_MIN_ROWS), "--parallel", "2"])).toEqual(["protocol: text"]);
  expect(await protocolLine([...split(BINARY_PROTOCOL_MIN_ROWS), "--parallel", "1"])).toEqual(["protocol: binary"]);
  expect(await protocolLine([...split(1000), "--parallel", "1"])).toEqual(["protocol: text"]);
});
