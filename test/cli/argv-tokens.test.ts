// The tokenizer splits a command line as node:util's parseArgs (strict off, positionals allowed)
// does, which is what the flags were parsed with before: the same tokens for every shape of
// argument, known or not.
import { expect, test } from "bun:test";
import { parseArgs } from "node:util";
import { tokenize, type TokenOption } from "../../src/cli/argv-tokens.ts";

const OPTIONS: Record<string, TokenOption> = {
  query: { type: "string", short: "q" },
  output: { type: "string", short: "o" },
  queryFile: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  pretty: { type: "boolean", short: "p" },
  force: { type: "boolean" },
};

const ARGVS: string[][] = [
  [],
  ["-q", "SELECT 1", "-o", "x.csv"],
  ["-q", "-v"],
  ["-q"],
  ["-qSELECT 1", "-v"],
  ["-q=x"],
  ["-vq", "-v"],
  ["-vqSQL", "x"],
  ["-vpq"],
  ["-pvv", "-v", "-x"],
  ["-vx", "-xv"],
  ["-xq", "a"],
  ["-ü", "-vü"],
  ["--query", "-vv", "-v"],
  ["--query"],
  ["--query=", "--output=a=b"],
  ["--queryFile", "-v"],
  ["--force=false", "--force", "x"],
  ["--no-pretty", "--unknown", "value", "--unknown=value"],
  ["--=x", "---x", "--v"],
  ["-", "stray", "-5"],
  ["--", "-q", "--force"],
  ["-v", "--", "--"],
  ["-o", "--", "--force"],
];

/** node's tokens, with only what the flags are read from. */
function nodeTokens(argv: string[]) {
  const { tokens } = parseArgs({ args: argv, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  return tokens.map((t) => (t.kind === "option" ? { kind: t.kind, name: t.name, rawName: t.rawName, value: t.value } : t.kind === "positional" ? { kind: t.kind, value: t.value } : { kind: t.kind }));
}

test.each(ARGVS.map((argv) => [argv]))("%p: the tokens node:util gives", (argv) => {
  expect(tokenize(argv, OPTIONS)).toEqual(nodeTokens(argv));
});
