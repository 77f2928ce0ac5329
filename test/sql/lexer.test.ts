// The lexer against MariaDB's own rules for comments, quotes and executable comments. Each
// case lists what it sees as words, so a comment that swallows code, or code read as a comment,
// shows as a missing or extra word.
import { describe, expect, test } from "bun:test";
import { lex } from "../../src/sql/lexer.ts";

const words = (sql: string) => lex(sql).filter((t) => t.kind === "word").map((t) => t.text);
const kinds = (sql: string) => lex(sql).map((t) => `${t.kind}:${sql.slice(t.start, t.end)}`);

describe("-- starts a comment only before whitespace, a control character or the end", () => {
  // Every character MariaDB's lexer counts as space or control (ASCII 0-32 and DEL).
  const ending = [...Array.from({ length: 33 }, (_, c) => String.fromCharCode(c)), "\x7f"];
  test.each(ending.map((c) => [c.charCodeAt(0), c]))("-- then U+%i is a comment", (_code, c) => {
    const sql = `SELECT a --${c}it's\nLIMIT 1`;
    expect(lex(sql)[2]).toMatchObject({ kind: "comment", start: 9, toEndOfLine: true });
    // The quote in the comment opens nothing, so LIMIT is code on the next line; after `--` and
    // a newline, the comment is already over and the quote opens a string.
    expect(words(sql)).toEqual(c === "\n" ? ["SELECT", "A", "IT"] : ["SELECT", "A", "LIMIT", "1"]);
  });

  test("at the very end of the text", () => {
    expect(kinds("SELECT 1 --")).toEqual(["word:SELECT", "word:1", "comment:--"]);
    expect(lex("SELECT 1 --").at(-1)?.toEndOfLine).toBe(true);
  });

  // Printable ASCII (but `#`, a comment of its own) and non-ASCII spaces MariaDB does not count as space.
  const notEnding = [...Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)), "\u00a0", "\u2003", "é"].filter((c) => c !== "#");
  test.each(notEnding)("--%s is minus minus, not a comment", (c) => {
    const sql = `SELECT 5 --${c}x LIMIT`;
    expect(lex(sql).slice(2, 4)).toMatchObject([{ kind: "punct", text: "-" }, { kind: "punct", text: "-" }]);
    expect(lex(sql).some((t) => t.kind === "comment")).toBe(false);
  });
});

describe("comments", () => {
  const cases: [string, string[]][] = [
    ["SELECT 1 # LIMIT 2\nFROM t", ["SELECT", "1", "FROM", "T"]],
    ["SELECT 1 #", ["SELECT", "1"]],
    ["SELECT 1 /* LIMIT 2 */ FROM t", ["SELECT", "1", "FROM", "T"]],
    ["SELECT 1 /* LIMIT 2", ["SELECT", "1"]],
    ["SELECT 1 /*+ LIMIT 2 */", ["SELECT", "1"]],
    ["SELECT 1 /*!! LIMIT */", ["SELECT", "1", "LIMIT"]],
    ["SELECT 1 -- a /* b\nLIMIT 3 -- */", ["SELECT", "1", "LIMIT", "3"]],
  ];
  test.each(cases)("%p", (sql, expected) => expect(words(sql)).toEqual(expected));
});

describe("executable comments: their content is SQL", () => {
  const forms = ["/*!", "/*!50000", "/*!50000 ", "/*!100000", "/*M!", "/*M!100000", "/*M!50701"];
  test.each(forms)("%s LIMIT 10 */", (opener) => {
    const sql = `SELECT * FROM t ${opener}LIMIT 10 */ WHERE x`;
    expect(words(sql)).toEqual(["SELECT", "FROM", "T", "LIMIT", "10", "WHERE", "X"]);
    const limit = lex(sql).find((t) => t.text === "LIMIT")!;
    expect(limit.executable).toBe(true);
    expect(lex(sql).find((t) => t.text === "WHERE")!.executable).toBeUndefined();
  });

  test("the version digits are not a word; a string inside may hold */", () => {
    expect(words("SELECT /*!40001 SQL_NO_CACHE */ 1")).toEqual(["SELECT", "SQL_NO_CACHE", "1"]);
    expect(kinds("SELECT /*! '*/' */ 1")).toEqual(["word:SELECT", "comment:/*!", "string:'*/'", "comment:*/", "word:1"]);
  });

  test("outside one, */ is punctuation", () => {
    expect(kinds("2 */ 3")).toEqual(["word:2", "punct:*", "punct:/", "word:3"]);
  });
});

describe("quotes", () => {
  const cases: [string, string[]][] = [
    ["'it''s' LIMIT", ["string:'it''s'", "word:LIMIT"]],
    ["'a\\'b' LIMIT", ["string:'a\\'b'", "word:LIMIT"]],
    ['"a""b\\"c" LIMIT', ['string:"a""b\\"c"', "word:LIMIT"]],
    ["`a``b` LIMIT", ["name:`a``b`", "word:LIMIT"]],
    // A backslash escapes nothing in a quoted name.
    ["`a\\` LIMIT", ["name:`a\\`", "word:LIMIT"]],
    ["'open -- LIMIT", ["string:'open -- LIMIT"]],
    ["`open LIMIT", ["name:`open LIMIT"]],
    ["x'4C' LIMIT", ["word:x", "string:'4C'", "word:LIMIT"]],
  ];
  test.each(cases)("%p", (sql, expected) => expect(kinds(sql)).toEqual(expected));

  test("a quoted name's text is the name, unquoted and upper-cased", () => {
    expect(lex("`Or``der`")[0]).toMatchObject({ kind: "name", text: "OR`DER" });
  });
});

test("a word after . or @ is a name, never a keyword", () => {
  expect(kinds("t.limit @limit @@global.order t .limit")).toEqual([
    "word:t", "punct:.", "name:limit", "punct:@", "name:limit", "punct:@", "punct:@", "name:global", "punct:.", "name:order", "word:t", "punct:.", "name:limit",
  ]);
  expect(kinds("a := b")).toEqual(["word:a", "punct::=", "word:b"]);
});
