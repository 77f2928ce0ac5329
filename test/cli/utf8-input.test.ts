// Input that is not UTF-8 (a Latin-1 query file, a byte in argv or the environment) is refused
// with exit 2 and where the byte is, never run as a query with U+FFFD in its place.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { invalidUtf8Offset } from "../../src/cli/utf8-input.ts";
import { gd, useTempDir } from "../support/harness.ts";

const tmp = useTempDir();
const URL = "mysql://u@127.0.0.1:1/db";

/** Sequences a strict decoder rejects: stray continuation, overlong, surrogate, beyond U+10FFFF, never-valid, cut short. */
const INVALID: number[][] = [[0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xfe], [0xff], [0xe9, 0x41], [0xe2, 0x82, 0x41], [0xf0, 0x9f, 0x98, 0x41]];
const PIECES = ["a", "é", "€", "😀", "\uFFFD", "\n", "'", "日"];

function randomText(seed: number, length: number): string {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length }, () => PIECES[next() % PIECES.length]).join("");
}

describe("invalidUtf8Offset", () => {
  test("valid text, real U+FFFD included, has none", () => {
    for (let seed = 0; seed < 200; seed++) expect(invalidUtf8Offset(Buffer.from(randomText(seed, seed % 40)))).toBeUndefined();
  });

  test("finds the first invalid sequence wherever it is, after any valid text", () => {
    for (let seed = 0; seed < 400; seed++) {
      const before = Buffer.from(randomText(seed, seed % 30));
      const bad = INVALID[seed % INVALID.length];
      // Truncated sequences at the very end too: nothing follows them. Otherwise ASCII comes first,
      // which no sequence cut short can take as its continuation.
      const after = seed % 3 === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from("x"), Buffer.from(INVALID[(seed + 1) % INVALID.length]), Buffer.from(randomText(seed + 1, 5))]);
      const cut = seed % 5 === 0 && bad.length > 1 ? bad.slice(0, -1) : bad;
      expect({ seed, at: invalidUtf8Offset(Buffer.concat([before, Buffer.from(cut), after])) }).toEqual({ seed, at: before.length });
    }
  });
});

describe("the CLI refuses non-UTF-8 input with exit 2, naming where", () => {
  // Run under bash so that argv and the environment carry raw bytes ($'\xe9').
  const sh = (script: string) => gd([], { shell: script, timeoutMs: 10_000 });
  const oneLine = (stderr: string) => expect(stderr).toMatch(/^gold-digger: [^\n]+\n$/);

  test.each([
    ["a Latin-1 query file", [0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0x63, 0x61, 0x66, 0xe9, 0x27], "line 1, column 12"],
    ["a byte on a later line, after multibyte characters", [...Buffer.from("SELECT\n  'é€😀"), 0xff, 0x27], "line 2, column 7"],
    ["an overlong encoding", [...Buffer.from("SELECT '"), 0xc0, 0xa7, 0x27], "line 1, column 9"],
    ["an encoded surrogate half", [...Buffer.from("SELECT '"), 0xed, 0xa0, 0x80, 0x27], "line 1, column 9"],
  ])("%s (--query-file FILE and --query-file -)", async (_name, bytes, where) => {
    const file = `${tmp()}/${Bun.hash(String(bytes))}.sql`;
    writeFileSync(file, Buffer.from(bytes));
    const byte = `0x${bytes.find((b, i) => invalidUtf8Offset(Buffer.from(bytes)) === i)!.toString(16).toUpperCase()}`;
    const fromFile = await sh(`bun "$0" --db-url ${URL} --query-file '${file}' -o x.csv`);
    expect(fromFile).toMatchObject({ code: 2, stderr: `gold-digger: --query-file ${file} is not UTF-8: byte ${byte} at ${where}; save it as UTF-8\n` });
    const fromStdin = await sh(`bun "$0" --db-url ${URL} --query-file - -o x.csv < '${file}'`);
    expect(fromStdin).toMatchObject({ code: 2, stderr: `gold-digger: standard input (--query-file -) is not UTF-8: byte ${byte} at ${where}; save it as UTF-8\n` });
  });

  test.each([
    ["-q", `--db-url ${URL} -q $'SELECT \\'caf\\xe9\\'' -o x.csv`, "command-line argument 4 is not UTF-8: byte 0xE9 at offset 11", ""],
    ["--query=", `--db-url ${URL} --query=$'SELECT \\xff' -o x.csv`, "command-line argument 3 is not UTF-8: byte 0xFF at offset 15", ""],
    ["a password in --db-url", `--db-url $'mysql://u:p\\xe9ss@h/db' -q 'SELECT 1' -o x.csv`, "command-line argument 2 is not UTF-8: byte 0xE9 at offset 11", ""],
    ["-o", `--db-url ${URL} -q 'SELECT 1' -o $'caf\\xe9.csv'`, "command-line argument 6 is not UTF-8: byte 0xE9 at offset 3", ""],
    ["DATABASE_QUERY", `--db-url ${URL} -o x.csv`, "environment variable DATABASE_QUERY is not UTF-8: byte 0xE9 at offset 11", `DATABASE_QUERY=$'SELECT \\'caf\\xe9\\''`],
    ["DATABASE_URL", `-q 'SELECT 1' -o x.csv`, "environment variable DATABASE_URL is not UTF-8: byte 0xE9 at offset 11", `DATABASE_URL=$'mysql://u:p\\xe9ss@h/db'`],
    ["OUTPUT_FILE", `--db-url ${URL} -q 'SELECT 1'`, "environment variable OUTPUT_FILE is not UTF-8: byte 0xE9 at offset 3", `OUTPUT_FILE=$'caf\\xe9.csv'`],
  ])("%s", async (_name, args, message, env) => {
    const r = await sh(`${env} bun "$0" ${args}`);
    expect(r).toMatchObject({ code: 2, stderr: `gold-digger: ${message}\n` });
    oneLine(r.stderr);
    // Never the text itself: it may be a password.
    expect(r.stderr).not.toContain("ss@h");
  });

  test("a real U+FFFD, and bytes in variables gold-digger does not read, are fine", async () => {
    writeFileSync(`${tmp()}/fffd.sql`, "SELECT '\uFFFD'");
    const fromFile = await sh(`LANG_JUNK=$'\\xe9' bun "$0" --db-url ${URL} --query-file '${tmp()}/fffd.sql' -o x.csv --dump-config`);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout.toString()).query).toBe("SELECT '\uFFFD'");
    const fromArgv = await sh(`bun "$0" --db-url ${URL} -q $'SELECT \\'\\xef\\xbf\\xbd\\'' -o x.csv --dump-config`);
    expect(JSON.parse(fromArgv.stdout.toString()).query).toBe("SELECT '\uFFFD'");
  });
});
