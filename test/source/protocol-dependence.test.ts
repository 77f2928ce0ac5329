// Which queries name a user variable: every way of writing one, inside and after every context
// that hides one (strings, quoted identifiers, comments), and the look-alikes that are not one.
import { describe, expect, test } from "bun:test";
import { mayDependOnProtocol } from "../../src/source/wire/protocol-dependence.ts";

const VARIABLES = ["@a", "@a_1$", "@'a b'", '@"a"', "@`a``b`", "@a:=1", "@`x`:=@`x`+1"];

/** Text that hides what it holds: `@` inside each is not a variable. */
const HIDING = [
  (v: string) => `'${v.replace(/'/g, "''")}'`,
  (v: string) => `'it''s ${v.replace(/'/g, "''")}'`,
  (v: string) => `'a\\' ${v.replace(/'/g, "''")}'`,
  (v: string) => `"${v.replace(/"/g, '""')}"`,
  (v: string) => `"a\\" ${v.replace(/"/g, '""')}"`,
  (v: string) => `\`${v.replace(/`/g, "``")}\``,
  (v: string) => `\`a\`\` ${v.replace(/`/g, "``")}\``,
  (v: string) => `-- ${v}\n`,
  (v: string) => `--\t${v}\n`,
  (v: string) => `# ${v}\n`,
  (v: string) => `/* ${v} */`,
  (v: string) => `/* * / ${v} **/`,
];

/** Text that looks like it might hide what follows, but ends first (or hides nothing). */
const ENDING = ["'x'", "'\\\\'", "''''", '"\\""', "`a`", "``", "-- c\n", "# c\n", "/* c */", "/**/", "1--1", "1-1", "@@x", "@@session.x", "/*!", "/*M!100000", "/*!50000"];

describe("a user variable anywhere in the code", () => {
  for (const v of VARIABLES) {
    test.each(HIDING.map((hide) => hide(v)))(`${v} hidden in %p: no`, (hidden) => {
      expect(mayDependOnProtocol(`SELECT ${hidden} FROM t`)).toBe(false);
    });
    test.each(ENDING)(`${v} after %p: yes`, (before) => {
      expect(mayDependOnProtocol(`SELECT ${before} ${v} FROM t`)).toBe(true);
      expect(mayDependOnProtocol(`SELECT ${before}${v}`)).toBe(true);
    });
    test.each(HIDING.map((hide) => hide("x")))(`${v} after %p: yes`, (before) => {
      expect(mayDependOnProtocol(`SELECT ${before} , ${v}`)).toBe(true);
    });
  }
});

describe("no user variable", () => {
  test.each([
    "SELECT 1", "SELECT @@sql_mode, @@session.time_zone, @@global.max_connections", "SELECT 'a@b.c' AS email",
    "SELECT `weird@name` FROM t", "SELECT 1 -- @a", "SELECT 1 # @a", "SELECT 1 /* @a */", "SELECT '@a\\'@b'",
    "SELECT 1 /* unterminated @a", "SELECT 'unterminated @a", "",
  ])("%p", (sql) => expect(mayDependOnProtocol(sql)).toBe(false));
});

describe("code the server runs though it looks like a comment", () => {
  test.each(["SELECT /*! @a := 1 */", "SELECT /*!50000 @a */ 1", "SELECT /*M! @a */ 1", "SELECT /*M!100000 @a */ 1"])("%p", (sql) =>
    expect(mayDependOnProtocol(sql)).toBe(true),
  );
});
