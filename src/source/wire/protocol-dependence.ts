// Which queries must be read with the text protocol whatever the format, because their rows
// themselves (not only how they are sent) can differ between a plain query and a prepared
// statement.
//
// Why: MariaDB evaluates a user variable differently in the two. `SELECT @n := IFNULL(@n, 0) + 1
// FROM t` numbers the rows 1, 2, 3 when prepared and gives 1, 1, 1 as a plain query (as the
// `mariadb` client shows); `SELECT @n, @n := 5 FROM t` reads NULL in every row as a query and 5
// from the second row on when prepared. The protocol follows the output format (see
// binaryProtocolPays), so such a query would give different data by format.

/** What makes `--` a comment: without it, `1--1` is arithmetic. */
const SPACE = /[ \t\n\v\f\r]/;

/**
 * Whether `sql` names a user variable (`@name`, `@'name'`, `@"name"`, `@\`name\``) outside
 * strings, comments and quoted identifiers. A system variable (`@@name`) does not count. Code in
 * an executable comment (`/*! ... *\/`, `/*M! ... *\/`) does, since the server runs it. Any other
 * lone `@` (`'user'@'host'`) counts too: reading such a statement as text costs only speed.
 */
export function mayDependOnProtocol(sql: string): boolean {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i];
    if (c === "@") {
      if (sql[i + 1] !== "@") return true;
      i += 2;
    } else if (c === "'" || c === '"' || c === "`") {
      // A string or quoted identifier: the quote doubled, or (in a string) escaped, stays inside.
      i++;
      while (i < n) {
        if (sql[i] === "\\" && c !== "`") i += 2;
        else if (sql[i] !== c) i++;
        else if (sql[i + 1] === c) i += 2;
        else break;
      }
      i++;
    } else if (c === "#" || (c === "-" && sql[i + 1] === "-" && (i + 2 === n || SPACE.test(sql[i + 2]!)))) {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === "/" && sql[i + 1] === "*" && sql[i + 2] !== "!" && !sql.startsWith("M!", i + 2)) {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else i++;
  }
  return false;
}
