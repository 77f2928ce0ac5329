// Which queries must be read with the text protocol whatever the format, because their rows
// themselves (not only how they are sent) can differ between a plain query and a prepared
// statement.
//
// Why: MariaDB evaluates a user variable differently in the two. `SELECT @n := IFNULL(@n, 0) + 1
// FROM t` numbers the rows 1, 2, 3 when prepared and gives 1, 1, 1 as a plain query (as the
// `mariadb` client shows); `SELECT @n, @n := 5 FROM t` reads NULL in every row as a query and 5
// from the second row on when prepared. The protocol follows the output format (see
// binaryProtocolPays), so such a query would give different data by format.
import { lex, type Token } from "../../sql/lexer.ts";

const isAtSign = (token: Token | undefined) => token?.kind === "punct" && token.text === "@";

/**
 * Whether `sql` names a user variable (`@name`, `@'name'`, `@"name"`, `@\`name\``) outside
 * strings, comments and quoted identifiers. A system variable (`@@name`) does not count. Code in
 * an executable comment (`/*! ... *\/`, `/*M! ... *\/`) does, since the server runs it. Any other
 * lone `@` (`'user'@'host'`) counts too: reading such a statement as text costs only speed.
 */
export function mayDependOnProtocol(sql: string): boolean {
  const tokens = lex(sql);
  return tokens.some((token, k) => {
    if (!isAtSign(token)) return false;
    const before = tokens[k - 1];
    const after = tokens[k + 1];
    const doubled = (isAtSign(before) && before?.end === token.start) || (isAtSign(after) && after?.start === token.end);
    return !doubled;
  });
}
