import { describe, expect, test } from "bun:test";
import { helpText, parseFlags } from "../../src/cli/command.ts";
import { DESCRIPTION, FORMATS } from "../../src/formats.ts";
import pkg from "../../package.json" with { type: "json" };
import type { GdError } from "../../src/errors.ts";

describe("parseFlags: verbosity", () => {
  test.each([
    [["-v"], 1],
    [["-v", "-v"], 2],
    [["-vv", "--verbose"], 3],
    [["-pv"], 1],
    [["-vp"], 1],
    [["-pvv", "-v"], 3],
    [["--quiet"], 0],
  ])("%p counts %d", (argv, verbosity) => {
    expect(parseFlags(argv).verbosity).toBe(verbosity);
  });

  test("a flag's value is not counted, even when it looks like -v", () => {
    expect(parseFlags(["-q", "-v"])).toMatchObject({ verbosity: 0, flags: { query: "-v" } });
    expect(parseFlags(["--query", "-vv", "-v"])).toMatchObject({ verbosity: 1, flags: { query: "-vv" } });
    expect(parseFlags(["--queryFile", "-v"])).toMatchObject({ verbosity: 0, flags: { "query-file": "-v" } });
    // In a cluster the last flag takes the value.
    expect(parseFlags(["-vq", "-v"])).toMatchObject({ verbosity: 1, flags: { query: "-v", verbose: true } });
    // With '=' the value is in the same argument; the next one is a flag again.
    expect(parseFlags(["--output=x.csv", "-v"]).verbosity).toBe(1);
  });
});

describe("parseFlags: strictness", () => {
  const refusal = (argv: string[]) => {
    try {
      parseFlags(argv);
    } catch (error) {
      return { code: (error as GdError).exitCode, message: (error as Error).message };
    }
    return undefined;
  };

  test.each([
    [["-q", "a", "-q", "b"], "--query given more than once"],
    [["-o", "x1", "--output", "x2"], "--output given more than once"],
    [["--db-url", "mysql://a@h", "--db-url=mysql://b@h"], "--db-url given more than once"],
    [["--db-url", "mysql://a@h", "--dbUrl", "mysql://b@h"], "--db-url given more than once"],
    [["-qSELECT 1", "--query", "SELECT 2"], "--query given more than once"],
    [["--pretty=no"], "--pretty takes no value, got 'no'"],
    [["--force=false"], "--force takes no value, got 'false'"],
    [["--no-pretty"], "unknown option '--no-pretty' (see --help)"],
    [["-x"], "unknown option '-x' (see --help)"],
    [["-q"], "--query needs a value"],
    [["--output="], "--output needs a value"],
    [["--", "-q"], "unexpected argument '-q' (see --help)"],
  ])("%p is exit 2: %s", (argv, message) => {
    expect(refusal(argv)).toEqual({ code: 2, message });
  });

  test("switches may repeat; values may look like flags", () => {
    expect(parseFlags(["--force", "--force", "-pp"]).flags).toEqual({ force: true, pretty: true });
    expect(parseFlags(["-o", "-", "--workers", "-1"]).flags).toEqual({ output: "-", workers: "-1" });
  });
});

test("every format is named in --help and in package.json, from the one list of formats", () => {
  expect(pkg.description).toBe(DESCRIPTION);
  const help = helpText();
  for (const title of ["CSV", "TSV", "JSON", "NDJSON", "Parquet"]) expect(DESCRIPTION).toContain(title);
  expect(help.replace(/\s+/g, " ")).toContain(DESCRIPTION);
  for (const format of FORMATS) expect(help).toContain(format);
});
