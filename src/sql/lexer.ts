// The one reading of SQL text that both --split-by (what lies at the query's top level) and
// redaction (which literals carry credentials) rely on. It follows MariaDB's and MySQL's lexer
// where they differ from the standard, since a disagreement with the server is a bug either way:
// a LIMIT the server runs that we took for a comment, or a password we took for one.

export interface Token {
  /**
   * `word`: a keyword or bare identifier; `name`: an identifier that cannot be a keyword (a
   * `quoted` one, or one right after `.` or `@`); `string`: a '...' or "..." literal; `punct`:
   * any other character (`:=` is one); `comment`: a comment, or the `/*!` and `*\/` around an
   * executable comment, whose content is lexed as SQL.
   */
  kind: "word" | "name" | "string" | "punct" | "comment";
  start: number;
  end: number;
  /** Words and names: the name, upper-cased and unquoted; punctuation: its text; else empty. */
  text: string;
  /** A `--` or `#` comment, which runs to the end of its line. */
  toEndOfLine?: boolean;
  /** Inside an executable comment, its `/*!` opener included. */
  executable?: boolean;
}

const WORD_CHAR = /[\p{L}\p{N}_$]/u;

// `--` starts a comment only before a space or control character (or the end): `1--1` is 1 - -1.
const dashCommentAt = (sql: string, i: number) => {
  if (!sql.startsWith("--", i)) return false;
  const next = sql.charCodeAt(i + 2);
  return Number.isNaN(next) || next <= 0x20 || next === 0x7f;
};

// `/*!`, `/*!50000`, `/*M!`, `/*M!100000`: run by the server (if its version is at least the
// 5 or 6 digits), so their content is SQL.
const EXECUTABLE_OPENER = /\/\*M?!(?:\d{5,6})?/y;

/** The tokens of `sql`, whitespace left out. Unterminated quotes and comments run to the end. */
export function lex(sql: string): Token[] {
  const tokens: Token[] = [];
  let inExecutable = false;
  const push = (token: Token) => tokens.push(inExecutable ? { ...token, executable: true } : token);
  let i = 0;
  while (i < sql.length) {
    const start = i;
    const char = sql[i];
    if (char === "'" || char === '"') {
      i = quotedEnd(sql, i, true);
      push({ kind: "string", start, end: i, text: "" });
    } else if (char === "`") {
      i = quotedEnd(sql, i, false);
      push({ kind: "name", start, end: i, text: sql.slice(start + 1, i - 1).replaceAll("``", "`").toUpperCase() });
    } else if (char === "#" || dashCommentAt(sql, i)) {
      i = sql.indexOf("\n", i);
      if (i < 0) i = sql.length;
      push({ kind: "comment", start, end: i, text: "", toEndOfLine: true });
    } else if (sql.startsWith("/*", i)) {
      EXECUTABLE_OPENER.lastIndex = i;
      if (!inExecutable && EXECUTABLE_OPENER.test(sql)) {
        i = EXECUTABLE_OPENER.lastIndex;
        inExecutable = true;
      } else {
        i = sql.indexOf("*/", i + 2);
        i = i < 0 ? sql.length : i + 2;
      }
      push({ kind: "comment", start, end: i, text: "" });
    } else if (inExecutable && sql.startsWith("*/", i)) {
      i += 2;
      inExecutable = false;
      push({ kind: "comment", start, end: i, text: "" });
    } else if (/\s/.test(char)) {
      i++;
    } else if (WORD_CHAR.test(char)) {
      while (i < sql.length && WORD_CHAR.test(sql[i])) i++;
      const previous = tokens.at(-1);
      // `t.limit` and `@limit` name a column and a variable, as the server reads them.
      const qualified = previous?.end === start && (previous.text === "." || previous.text === "@");
      push({ kind: qualified ? "name" : "word", start, end: i, text: sql.slice(start, i).toUpperCase() });
    } else {
      i += sql.startsWith(":=", i) ? 2 : 1;
      push({ kind: "punct", start, end: i, text: sql.slice(start, i) });
    }
  }
  return tokens;
}

/** Index just past the closing quote; doubled quotes, and in strings backslashes, escape. */
function quotedEnd(sql: string, open: number, backslashEscapes: boolean): number {
  const quote = sql[open];
  let i = open + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === "\\") i += 2;
    else if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i++;
  }
  return sql.length;
}
