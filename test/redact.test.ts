import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import ts from "typescript";
import { HELP_TEXTS, redactMessage, redactSecrets, redactServerQuote, redactSql, redactUrl, sqlSecrets, urlPasswords, URL_SHAPE } from "../src/redact.ts";

describe("redactUrl", () => {
  test("masks the password and keeps the rest", () => {
    expect(redactUrl("mysql://alice:hunter2@db:3306/shop?ssl-mode=REQUIRED")).toBe(
      "mysql://alice:***@db:3306/shop?ssl-mode=REQUIRED",
    );
  });

  test("masks inside arbitrary text, every occurrence, any scheme", () => {
    expect(redactUrl("connect mysql://a:x1@h1/d failed; retry mariadb://b:x2@h2 and https://c:x3@proxy")).toBe(
      "connect mysql://a:***@h1/d failed; retry mariadb://b:***@h2 and https://c:***@proxy",
    );
  });

  test("covers passwords with raw @ : / ? # up to the last '@'", () => {
    expect(redactUrl("mysql://u:p@s:s/w?o#rd@host/db")).toBe("mysql://u:***@host/db");
    expect(redactUrl("mysql://:pw@host")).toBe("mysql://:***@host");
  });

  test("covers percent-encoded passwords", () => {
    expect(redactUrl("mysql://u:p%40ss%2Fword@h")).toBe("mysql://u:***@h");
  });

  test("leaves URLs without a password alone", () => {
    for (const text of ["mysql://u@h:3306/db", "mysql://h:3306/db", "mysql://u:@h/db", "no url here: a@b"]) {
      expect(redactUrl(text)).toBe(text);
    }
  });

  test("masks a password in a URL that lacks its @host, and leaves a port or an IPv6 address alone", () => {
    expect(redactUrl("mysql://sec:Hunter2Secret/qa")).toBe("mysql://sec:***/qa");
    expect(redactUrl("mysql://admin:Hunter2Secret:3306/qa")).toBe("mysql://admin:***/qa");
    expect(redactUrl("bad URL mysql://u:pw: no host")).toBe("bad URL mysql://u:***: no host");
    expect(redactUrl(redactUrl("mysql://u:pw: no host"))).toBe("mysql://u:***: no host");
    expect(urlPasswords("mysql://sec:Hunter2Secret?ssl-mode=REQUIRED")).toEqual(["Hunter2Secret", "Hunter2Secret"]);
    for (const text of ["mysql://h:3306/db", "mysql://h:3306", "mysql://[::1]:3306/db", "mysql://[2001:db8::7]/db", "mysql://u@[::1]:3306"]) {
      expect(redactUrl(text)).toBe(text);
    }
  });

  test("stops at whitespace, so text after the URL survives", () => {
    expect(redactUrl("mysql://u:pw@h/db, mail admin@example.com")).toBe("mysql://u:***@h/db, mail admin@example.com");
  });
});

describe("redactSecrets", () => {
  test("replaces every occurrence of every secret", () => {
    expect(redactSecrets("pw is hunter2, again hunter2; token abcdef", ["hunter2", "abcdef"])).toBe(
      "pw is ***, again ***; token ***",
    );
  });

  test("also finds the percent-encoded form, in either hex case or mixed with raw", () => {
    const secret = "p@ss/w rd";
    for (const form of ["p%40ss%2Fw%20rd", "p%40ss%2fw%20rd", "p@ss%2Fw rd", encodeURIComponent(secret)]) {
      expect(redactSecrets(`url=mysql://u:${form}@h`, [secret])).toBe("url=mysql://u:***@h");
    }
  });

  test("encodes non-ASCII secrets as UTF-8", () => {
    expect(redactSecrets("x:p%C3%A4sswd@h and pÄsswd", ["pässwd"])).toBe("x:***@h and pÄsswd");
  });

  test("treats regex metacharacters literally", () => {
    expect(redactSecrets("a.b.c. a+b+c+ (x)(x) [y][y]", ["a.b.c.", "(x)(x)", "[y][y]"])).toBe("*** a+b+c+ *** ***");
  });

  test("masks a secret that contains another one whole", () => {
    expect(redactSecrets("secret123", ["secret", "secret123"])).toBe("***");
  });

  test("leaves secrets under 6 characters to the structural redaction: masking every 'a' garbles and reveals", () => {
    expect(redactSecrets("cannot connect (using password: YES)", ["a", "root", "pass"])).toBe(
      "cannot connect (using password: YES)",
    );
    expect(redactUrl("mysql://root:a@127.0.0.1/db")).toBe("mysql://root:***@127.0.0.1/db");
  });

  test("finds a secret escaped as in an SQL string, in any mix of escapes", () => {
    const secret = `it's\\a"b\n`;
    for (const form of [`it''s\\\\a"b\\n`, `it\\'s\\\\a\\"b\n`, `it's\\\\a""b\\n`, secret]) {
      expect(redactSecrets(`WHERE x = '${form}' AND y = 1`, [secret])).toBe("WHERE x = '***' AND y = 1");
    }
  });

  test("masks overlapping occurrences as one, so no part of either shows", () => {
    expect(redactSecrets("x=abcdef-ghijkl-mnopqr y", ["abcdef-ghijkl", "ghijkl-mnopqr"])).toBe("x=*** y");
    expect(redactSecrets("abcdefabcdef ghijkl", ["abcdef", "ghijkl"])).toBe("*** ***");
    const url = "mysql://u:p%40ssw0rd@h/db?note=p@ssw0rd";
    expect(redactSecrets(url, urlPasswords(url))).toBe("mysql://u:***");
  });

  test("ignores empty secrets and keeps text without secrets", () => {
    expect(redactSecrets("nothing to see", ["", "absent"])).toBe("nothing to see");
    expect(redactSecrets("nothing to see", [])).toBe("nothing to see");
  });
});

test("redactUrl also masks a password given as a URL parameter", () => {
  expect(redactUrl("mysql://u@h/db?ssl-mode=REQUIRED&password=Secr3tB&x=1")).toBe("mysql://u@h/db?ssl-mode=REQUIRED&password=***&x=1");
  expect(redactUrl("mysql://u@h/db?PWD=abc")).toBe("mysql://u@h/db?PWD=***");
});

test("urlPasswords finds each URL's password, as written and decoded", () => {
  expect(urlPasswords("--db-url=mysql://u:p%40ss@h/db and mariadb://v:plain@h2")).toEqual(["p%40ss", "p@ss", "plain", "plain"]);
  expect(urlPasswords("mysql://u:bad%zz@h")).toEqual(["bad%zz"]);
  expect(urlPasswords("mysql://u@h/db")).toEqual([]);
  // Where a raw `@` follows, each `@` may end the password.
  expect(urlPasswords("mysql://u:pa%40ss@h/?n=a@b")).toEqual(["pa%40ss", "pa@ss", "pa%40ss@h/?n=a", "pa@ss@h/?n=a"]);
});

describe("redactSql", () => {
  const cases: [string, string][] = [
    ["CREATE USER 'bob'@'%' IDENTIFIED BY 'hunter2'", "CREATE USER 'bob'@'%' IDENTIFIED BY '***'"],
    ['create user bob identified by "hunter2"', 'create user bob identified by "***"'],
    ["ALTER USER u IDENTIFIED BY 'new' REPLACE 'old'", "ALTER USER u IDENTIFIED BY '***' REPLACE '***'"],
    [
      "CREATE USER a IDENTIFIED BY 'p1', 'b'@'h' IDENTIFIED BY 'p2'",
      "CREATE USER a IDENTIFIED BY '***', 'b'@'h' IDENTIFIED BY '***'",
    ],
    [
      "CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD('pw') OR unix_socket",
      "CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD('***') OR unix_socket",
    ],
    ["CREATE USER u IDENTIFIED VIA mysql_native_password USING '*ABC'", "CREATE USER u IDENTIFIED VIA mysql_native_password USING '***'"],
    ["CREATE USER u IDENTIFIED WITH caching_sha2_password AS '$A$005$x'", "CREATE USER u IDENTIFIED WITH caching_sha2_password AS '***'"],
    ["GRANT ALL ON *.* TO u IDENTIFIED BY PASSWORD '*94BD'", "GRANT ALL ON *.* TO u IDENTIFIED BY PASSWORD '***'"],
    ["SET PASSWORD = PASSWORD('pw')", "SET PASSWORD = PASSWORD('***')"],
    ["SET PASSWORD = 'pw'", "SET PASSWORD = '***'"],
    ["SET PASSWORD FOR 'bob'@'localhost' = 'pw'", "SET PASSWORD FOR 'bob'@'localhost' = '***'"],
    ["SET PASSWORD FOR bob = PASSWORD('pw')", "SET PASSWORD FOR bob = PASSWORD('***')"],
    ["CHANGE MASTER TO MASTER_USER='r', MASTER_PASSWORD='pw'", "CHANGE MASTER TO MASTER_USER='r', MASTER_PASSWORD='***'"],
    ["CREATE SERVER s OPTIONS (USER 'u', PASSWORD 'pw')", "CREATE SERVER s OPTIONS (USER 'u', PASSWORD '***')"],
    ["SELECT id FROM users WHERE `password` = 'pw' AND name = 'bob'", "SELECT id FROM users WHERE `password` = '***' AND name = 'bob'"],
    ["SELECT AES_DECRYPT(col, 'key'), 'visible'", "SELECT AES_DECRYPT(col, '***'), 'visible'"],
    ["SELECT aes_encrypt('plain', concat('k', 'ey'))", "SELECT aes_encrypt('***', concat('***', '***'))"],
    ["SET PASSWORD = _utf8mb4'pw'", "SET PASSWORD = _utf8mb4'***'"],
  ];
  for (const [sql, expected] of cases) {
    test(sql, () => expect(redactSql(sql)).toBe(expected));
  }

  test("escaped quotes stay inside the masked literal", () => {
    expect(redactSql("CREATE USER u IDENTIFIED BY 'it''s' -- done")).toBe("CREATE USER u IDENTIFIED BY '***' -- done");
    expect(redactSql("CREATE USER u IDENTIFIED BY 'a\\'b' COMMENT")).toBe("CREATE USER u IDENTIFIED BY '***' COMMENT");
    expect(redactSql('SET PASSWORD = "a\\"b""c"; SELECT 1')).toBe('SET PASSWORD = "***"; SELECT 1');
  });

  test("an unterminated literal is masked to the end", () => {
    expect(redactSql("IDENTIFIED BY 'abc")).toBe("IDENTIFIED BY '***'");
  });

  test("a statement separator ends the IDENTIFIED clause", () => {
    expect(redactSql("CREATE USER u IDENTIFIED BY 'pw'; SELECT 'keep'")).toBe("CREATE USER u IDENTIFIED BY '***'; SELECT 'keep'");
  });

  test("keywords inside literals, identifiers or comments do not trigger masking", () => {
    for (const sql of [
      "SELECT 'IDENTIFIED BY' AS x, 'y'",
      "SELECT `identified by` FROM t WHERE a = 'keep'",
      "SELECT 1 /* PASSWORD = */, 'keep'",
      "SELECT 1 -- PASSWORD\n, 'keep'",
      "SELECT 1 --\tPASSWORD\n, 'keep'",
      "SELECT 1 --\x0bPASSWORD\n, 'keep'",
      "SELECT 1 --",
      "SELECT 1 # password\n= 'keep'",
      "SELECT password FROM users WHERE name = 'bob'",
      "SELECT password_hash = 'keep' FROM t",
    ]) {
      expect(redactSql(sql)).toBe(sql);
    }
  });

  test("the content of an executable comment is SQL the server runs: its credentials are masked", () => {
    for (const opener of ["/*!", "/*!50000", "/*M!", "/*M!100000"]) {
      expect(redactSql(`SELECT 1 ${opener} , AES_ENCRYPT(x, 'k3y') */, 'keep'`)).toBe(`SELECT 1 ${opener} , AES_ENCRYPT(x, '***') */, 'keep'`);
    }
  });

  test("keeps text without secrets byte for byte", () => {
    const sql = "SELECT a, \"b\", `c d` FROM t -- note\nWHERE x = 'it''s' /* c */ AND y := 1;";
    expect(redactSql(sql)).toBe(sql);
  });
});

describe("redactServerQuote", () => {
  const near = (quote: string) => `You have an error in your SQL syntax; check the manual for the right syntax to use near '${quote}' at line 1`;

  test("masks a credential literal the server quotes, however short", () => {
    expect(redactServerQuote(near("USERR bob IDENTIFIED BY 'abc12'"), "CREATE USERR bob IDENTIFIED BY 'abc12'")).toBe(
      near("USERR bob IDENTIFIED BY '***'"),
    );
    expect(redactServerQuote(near("'a' oops"), "SET PASSWORD = 'a' oops")).toBe(near("'***' oops"));
  });

  test("masks the part of a literal the quote shows when the server cut it short", () => {
    const sql = `CREATE USERR bob IDENTIFIED BY '${"s".repeat(100)}'`;
    expect(redactServerQuote(near(sql.slice(13, 93)), sql)).toBe(near("bob IDENTIFIED BY '***"));
  });

  test("judges literals by the whole statement: the quote alone lacks the IDENTIFIED before them", () => {
    expect(redactServerQuote(near("'pw' 'extra'"), "CREATE USER u IDENTIFIED 'pw' 'extra'")).toBe(near("'***' '***'"));
  });

  test("masks the whole quote when it is not found in the SQL; keeps quotes without credentials", () => {
    expect(redactServerQuote(near("something else"), "SET PASSWORD = 'x'")).toBe(near("***"));
    expect(redactServerQuote(near("oops"), "CREATE USER u IDENTIFIED BY 'x' oops")).toBe(near("oops"));
    expect(redactServerQuote(near("FORM t"), "SELECT 'a' FORM t")).toBe(near("FORM t"));
    expect(redactServerQuote("Table 'gd.t' doesn't exist", "SELECT PASSWORD('x') FROM t")).toBe("Table 'gd.t' doesn't exist");
  });
});

describe("sqlSecrets", () => {
  test("lists the literals redactSql masks, so they can be masked in server messages too", () => {
    const sql = "CREATE USER 'app'@'%' IDENTIFIED BY 'n0t-in-logs'; SELECT AES_ENCRYPT(data, 'k3y-material') FROM t WHERE name = 'public'";
    expect(sqlSecrets(sql)).toEqual(["n0t-in-logs", "k3y-material"]);
    expect(sqlSecrets("SELECT 'plain' FROM t")).toEqual([]);
  });
});

describe("redactMessage: the last net, which leaves fixed help texts as written", () => {
  test("masks a URL password, a known secret and a quoted credential in one line", () => {
    const sql = "CREATE USER u IDENTIFIED BY 'abc12' oops";
    const line = "near 'IDENTIFIED BY 'abc12' oops' at line 1 via mysql://u:pw@h, token Secr3tToken";
    expect(redactMessage(line, sql, ["Secr3tToken"])).toBe("near 'IDENTIFIED BY '***' oops' at line 1 via mysql://u:***@h, token ***");
  });

  test.each(HELP_TEXTS.map((help) => [help]))("%s: kept wherever it stands, while real secrets around it are masked", (help) => {
    // Secrets that are words of the help text itself, too: it still reads as written.
    const secrets = ["Hunter2Secret", ...help.split(/\W+/).filter((word) => word.length >= 6)];
    for (const [line, expected] of [
      [help, help],
      [`must look like ${help}`, `must look like ${help}`],
      [`${help}, not mysql://bob:Hunter2Secret@db/x`, `${help}, not mysql://bob:***@db/x`],
      [`mysql://bob:Hunter2Secret/x: write ${help}; again ${help}.`, `mysql://bob:***/x: write ${help}; again ${help}.`],
      [`mysql://bob:Hunter2Secret@h ${help} Hunter2Secret`, `mysql://bob:***@h ${help} ***`],
    ]) {
      expect(redactMessage(line!, "", secrets)).toBe(expected!);
    }
  });

  test("the URL shape names every part", () => {
    expect(URL_SHAPE).toBe("mysql://USER:PASSWORD@HOST:PORT/DATABASE");
  });

  // Every fixed text a message may hold: the string literals and template pieces of src/, but
  // --help and the completion scripts', which go to stdout and never through the net.
  test("no fixed text in the sources is changed by the net", () => {
    const src = join(import.meta.dir, "../src");
    const stdoutOnly = new Set(["cli/command.ts", "cli/flags.ts", "cli/completion.ts"]);
    const mangled: string[] = [];
    for (const file of new Glob("**/*.ts").scanSync(src)) {
      if (stdoutOnly.has(file)) continue;
      const source = ts.createSourceFile(file, readFileSync(join(src, file), "utf8"), ts.ScriptTarget.Latest);
      const visit = (node: ts.Node): void => {
        // String.raw`...`: the source of a regular expression, not text.
        if (ts.isTaggedTemplateExpression(node)) return;
        if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
          const text = (node as ts.LiteralLikeNode).text;
          if (redactMessage(text, "", []) !== text) mangled.push(`${file}: ${text}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(mangled).toEqual([]);
  });
});
