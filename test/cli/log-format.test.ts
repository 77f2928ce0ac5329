// --log-format json: every line on stderr one JSON object, with its level, its numbers, the exit
// code of the failure that ends the run, and the same secrets masked as in text.
import { beforeAll, describe, expect, test } from "bun:test";
import { createLog, requestedLogFormat } from "../../src/cli/log.ts";
import { gd, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();
// Quoted and backslashed: JSON escapes it, so masking after escaping would miss it.
const PASSWORD = 'Log"Se\\cret42';
let url: string;

beforeAll(async () => {
  await server().sql([
    "CREATE DATABASE logs",
    `CREATE USER logger@'%' IDENTIFIED BY 'Log"Se\\\\cret42'`,
    "GRANT ALL ON logs.* TO logger@'%'",
  ]);
  url = `mysql://logger:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server().port}/logs`;
});

/** Every line of stderr, parsed: one that is not a JSON object fails the test. */
function lines(stderr: string): Record<string, unknown>[] {
  expect(stderr.endsWith("\n")).toBe(true);
  return stderr
    .slice(0, -1)
    .split("\n")
    .map((line) => {
      const parsed = JSON.parse(line);
      expect(parsed.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(["error", "warn", "info"]).toContain(parsed.level);
      expect(typeof parsed.msg).toBe("string");
      return parsed;
    });
}

function expectNoSecret(stderr: string): void {
  for (const form of [PASSWORD, encodeURIComponent(PASSWORD), JSON.stringify(PASSWORD).slice(1, -1)]) {
    expect(stderr).not.toContain(form);
  }
}

async function jsonRun(args: string[]): Promise<{ code: number; lines: Record<string, unknown>[] }> {
  const r = await gd([...args, "--log-format", "json"]);
  expectNoSecret(r.stderr);
  return { code: r.code, lines: lines(r.stderr) };
}

test("a warning, the -v lines and the summary, each one object; the summary with its numbers", async () => {
  const r = await jsonRun(["--db-url", url, "-q", "SELECT seq FROM seq_1_to_3", "-o", `${tmp()}/a.csv`, "-f", "json", "-v"]);
  expect(r.code).toBe(0);
  expect(r.lines.map((l) => [l.level, l.msg])).toEqual([
    ["warn", "writing json to a .csv file"],
    ["info", expect.stringMatching(/^connected: /)],
    ["info", "protocol: text"],
    ["info", expect.stringMatching(/^3 rows, 41 B in [\d.]+ s \(\d+ rows\/s\)$/)],
  ]);
  expect(r.lines[3]).toMatchObject({ rows: 3, bytes: 41, seconds: expect.any(Number), rows_per_s: expect.any(Number) });
});

test("without -v on a pipe, no summary: json changes how lines look, not which are printed", async () => {
  const r = await gd(["--db-url", url, "-q", "SELECT 1 AS x", "-o", `${tmp()}/b.csv`, "--log-format", "json"]);
  expect(r).toMatchObject({ code: 0, stderr: "" });
});

describe("the final error: level error, its exit code, the secret masked", () => {
  test("2, a usage error found before the flags are parsed", async () => {
    const r = await jsonRun([url, "-q", "SELECT 1"]);
    expect(r).toEqual({ code: 2, lines: [expect.objectContaining({ level: "error", exit: 2, msg: expect.stringMatching(/^unexpected argument 'mysql:\/\/logger:\*\*\*@127/) })] });
  });

  test("2, a configuration error", async () => {
    const r = await jsonRun(["--db-url", url, "--query-file", `${tmp()}/${PASSWORD}.sql`, "-o", `${tmp()}/c.csv`]);
    expect(r).toEqual({ code: 2, lines: [expect.objectContaining({ level: "error", exit: 2, msg: expect.stringMatching(/^cannot read --query-file .*\/\*\*\*\.sql: no such file/) })] });
  });

  test("3, a socket path holding the password", async () => {
    const socket = `${tmp()}/${encodeURIComponent(PASSWORD)}.sock`;
    const r = await jsonRun(["--db-url", `${url}?socketPath=${socket}`, "-q", "SELECT 1", "-o", `${tmp()}/d.csv`]);
    expect(r.code).toBe(3);
    expect(r.lines).toEqual([expect.objectContaining({ level: "error", exit: 3, msg: expect.stringMatching(/^cannot connect to .*\/\*\*\*\.sock/) })]);
  });

  test("4, a syntax error quoting the SQL's credential", async () => {
    const r = await jsonRun(["--db-url", url, "-q", "CREATE USERR bob IDENTIFIED BY 'abc12'", "-o", `${tmp()}/e.csv`]);
    expect(r.code).toBe(4);
    expect(r.lines).toEqual([expect.objectContaining({ level: "error", exit: 4, msg: expect.stringMatching(/near 'USERR bob IDENTIFIED BY '\*\*\*'' at line 1$/) })]);
  });

  test("5, an output path holding the password", async () => {
    const r = await jsonRun(["--db-url", url, "-q", "SELECT 1", "-o", `${tmp()}/missing/${PASSWORD}.csv`]);
    expect(r.code).toBe(5);
    expect(r.lines).toEqual([expect.objectContaining({ level: "error", exit: 5, msg: expect.stringMatching(/^cannot write .*\/\*\*\*\.csv/) })]);
  });
});

describe("which format, before and after the flags parse", () => {
  test("--log-format json found in arguments that do not parse; a value that merely follows another flag is not it", () => {
    expect(requestedLogFormat(["--bogus", "--log-format", "json"])).toBe("json");
    expect(requestedLogFormat(["--log-format=JSON", "-x"])).toBe("json");
    expect(requestedLogFormat(["--logFormat", "json"])).toBe("json");
    expect(requestedLogFormat(["--log-format", "text", "json"])).toBe("text");
    expect(requestedLogFormat(["-q", "json"])).toBe("text");
  });

  test("an unknown --log-format is a usage error, in text", async () => {
    const r = await gd(["--log-format", "xml"]);
    expect(r).toMatchObject({ code: 2, stderr: "gold-digger: unknown --log-format 'xml': use text or json\n" });
  });

  test("text stays as it was: the prefix on errors, warnings as written", () => {
    let text = "";
    const log = createLog("text", (t) => void (text += t), (s) => s.replaceAll("pw", "***"));
    log.warn("warning: w pw");
    log.info("i", { rows: 1 });
    log.error("e pw", 4);
    expect(text).toBe("warning: w ***\ni\ngold-digger: e ***\n");
  });
});
