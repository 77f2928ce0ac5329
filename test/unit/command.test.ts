import { describe, expect, test } from "bun:test";
import { parseFlags } from "../../src/cli/command.ts";

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
