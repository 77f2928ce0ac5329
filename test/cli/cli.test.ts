// The command line as a user meets it: flags, environment, exit codes, stdout.
import { beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { BUILTIN_FLAGS, FLAGS } from "../../src/cli/flags.ts";
import { gd, gdInProcess, gdInShell, usePrivateServer, useTempDir } from "../support/harness.ts";

const server = usePrivateServer();
const tmp = useTempDir();
let url: string;

beforeAll(async () => {
  await server().sql([
    "CREATE DATABASE app",
    "CREATE TABLE app.people (id INT PRIMARY KEY, name VARCHAR(20), score DECIMAL(5,2))",
    "INSERT INTO app.people VALUES (1, 'Ann', 1.50), (2, 'Bob, Jr.', NULL), (3, 'Çelik', -0.25)",
    "CREATE TABLE app.empty_table (id INT, label TEXT)",
    "CREATE PROCEDURE app.list_people() BEGIN SELECT id, name FROM app.people ORDER BY id; END",
    "CREATE PROCEDURE app.two_results() BEGIN SELECT 1 AS a; SELECT 2 AS b; END",
  ]);
  url = server().url("app");
});

const QUERY = "SELECT * FROM people ORDER BY id";
const out = (name: string) => `${tmp()}/${name}`;

describe("exit 0", () => {
  test("exports to a file inferred from its extension, case-insensitively", async () => {
    const r = await gdInProcess(["--db-url", url, "-q", QUERY, "-o", out("people.CSV")]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.length).toBe(0);
    expect(readFileSync(out("people.CSV"), "utf8")).toBe("id,name,score\r\n1,Ann,1.50\r\n2,\"Bob, Jr.\",\r\n3,Çelik,-0.25\r\n");
  });

  test("-o - writes only the data to stdout", async () => {
    const r = await gd(["--db-url", url, "-q", QUERY, "-o", "-", "-f", "ndjson"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toBe(
      '{"id":1,"name":"Ann","score":1.50}\n{"id":2,"name":"Bob, Jr.","score":null}\n{"id":3,"name":"Çelik","score":-0.25}\n',
    );
  });

  test("--csv-lf ends records with LF; .txt and .tab are TSV; .jsonl is NDJSON", async () => {
    await gdInProcess(["--db-url", url, "-q", QUERY, "-o", out("lf.csv"), "--csv-lf"]);
    expect(readFileSync(out("lf.csv"), "utf8")).toStartWith("id,name,score\n1,Ann,1.50\n");
    for (const name of ["t.txt", "t.tab"]) {
      expect((await gdInProcess(["--db-url", url, "-q", QUERY, "-o", out(name)])).code).toBe(0);
      expect(readFileSync(out(name), "utf8")).toStartWith("id\tname\tscore\n1\tAnn\t1.50\n");
    }
    expect((await gdInProcess(["--db-url", url, "-q", QUERY, "-o", out("t.jsonl")])).code).toBe(0);
    expect(readFileSync(out("t.jsonl"), "utf8").split("\n").length).toBe(4);
  });

  test("a flag beats its environment variable; the environment alone is enough", async () => {
    const env = { DATABASE_URL: "mysql://nobody:wrong@127.0.0.1:1/none", DATABASE_QUERY: "SELECT 'env'", OUTPUT_FILE: out("env.csv") };
    const flagged = await gdInProcess(["--db-url", url, "-q", "SELECT 'flag' AS v", "-o", out("flag.csv")], { env });
    expect(flagged.code).toBe(0);
    expect(readFileSync(out("flag.csv"), "utf8")).toBe("v\r\nflag\r\n");
    const fromEnv = await gdInProcess([], { env: { DATABASE_URL: url, DATABASE_QUERY: "SELECT 'env' AS v", OUTPUT_FILE: out("env.csv") } });
    expect(fromEnv.code).toBe(0);
    expect(readFileSync(out("env.csv"), "utf8")).toBe("v\r\nenv\r\n");
  });

  test("--query-file reads the query", async () => {
    writeFileSync(out("q.sql"), "SELECT name FROM people WHERE id = 3\n");
    const r = await gdInProcess(["--db-url", url, "--query-file", out("q.sql"), "-o", out("qf.csv")]);
    expect(r.code).toBe(0);
    expect(readFileSync(out("qf.csv"), "utf8")).toBe("name\r\nÇelik\r\n");
  });

  test("--force replaces an existing file", async () => {
    writeFileSync(out("old.csv"), "old contents");
    const r = await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS one", "-o", out("old.csv"), "--force"]);
    expect(r.code).toBe(0);
    expect(readFileSync(out("old.csv"), "utf8")).toBe("one\r\n1\r\n");
  });

  test.each([
    ["csv", "id,label\r\n"],
    ["tsv", "id\tlabel\n"],
    ["json", '{"data":[]}\n'],
    ["ndjson", ""],
  ])("--allow-empty writes an empty %s export", async (format, expected) => {
    const r = await gdInProcess(["--db-url", url, "-q", "SELECT * FROM empty_table", "-o", out(`empty.${format}`), "--allow-empty"]);
    expect(r.code).toBe(0);
    expect(readFileSync(out(`empty.${format}`), "utf8")).toBe(expected);
  });

  test("--pretty --allow-empty is the same as JSON.stringify with 2 spaces", async () => {
    await gdInProcess(["--db-url", url, "-q", "SELECT * FROM empty_table", "-o", out("empty-pretty.json"), "--allow-empty", "-p"]);
    expect(readFileSync(out("empty-pretty.json"), "utf8")).toBe(JSON.stringify({ data: [] }, null, 2) + "\n");
  });

  test("duplicate column names get suffixes in JSON, with a warning", async () => {
    const r = await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS a, 2 AS a, 3 AS a_2", "-o", out("dup.json")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("duplicate column names renamed");
    expect(readFileSync(out("dup.json"), "utf8")).toBe('{"data":[{"a":1,"a_3":2,"a_2":3}]}\n');
  });

  test("--help: flags left-aligned in one column, within 80 columns, no trailing spaces", async () => {
    const help = await gdInProcess(["--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    const lines = help.stdout.toString().split("\n");
    expect(lines.filter((line) => line.length > 80 || /\s$/.test(line))).toEqual([]);
    for (const flag of [...FLAGS, ...BUILTIN_FLAGS]) {
      const start = flag.alias ? `  -${flag.alias}, --${flag.name}` : `      --${flag.name}`;
      expect(lines.filter((line) => line.startsWith(`${start} `) || line === start)).toHaveLength(1);
    }
  });

  test("--help, --version, completion and --dump-config", async () => {
    const help = await gdInProcess(["--help"]);
    expect(help.code).toBe(0);
    for (const flag of ["--db-url", "--query-file", "--allow-empty", "--tls-ca-file", "--workers", "DATABASE_URL", "Exit codes"]) {
      expect(help.stdout.toString()).toContain(flag);
    }
    const version = await gdInProcess(["-V"]);
    expect(version.stdout.toString()).toMatch(/^gold-digger \d+\.\d+\.\d+\n$/);
    const completion = await gdInProcess(["completion", "bash"]);
    expect(completion.code).toBe(0);
    expect(completion.stdout.toString()).toContain("complete");
    const dump = await gdInProcess(["--dump-config", "--db-url", "mysql://u:s3cr%40t@db.example:3307/x", "-q", "SET PASSWORD = PASSWORD('hunter2')", "-o", "x.json"]);
    expect(dump.code).toBe(0);
    const text = dump.stdout.toString();
    expect(text).not.toContain("s3cr");
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toMatchObject({ dbUrl: "mysql://u:***@db.example:3307/x", format: "json", output: "x.json" });
  });
});

test("exit 1 to stdout: not even a header or an opening bracket is written", async () => {
  for (const format of ["csv", "json"]) {
    const r = await gd(["--db-url", url, "-q", "SELECT * FROM empty_table", "-o", "-", "-f", format]);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
  }
});

test("exit 1: zero rows without --allow-empty, and no file", async () => {
  const r = await gdInProcess(["--db-url", url, "-q", "SELECT * FROM empty_table", "-o", out("none.csv")]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("no rows");
  expect(r.stderr.trim().split("\n").length).toBe(1);
  expect(existsSync(out("none.csv"))).toBe(false);
  expect(readdirSync(tmp()).filter((f) => f.includes("none.csv"))).toEqual([]);
});

describe("exit 2", () => {
  const base = () => ["--db-url", url, "-q", QUERY];
  test.each([
    ["missing URL", ["-q", "SELECT 1", "-o", "x.csv"], "DATABASE_URL"],
    ["missing query", ["--db-url", "mysql://u@h/d", "-o", "x.csv"], "query"],
    ["missing output", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1"], "output"],
    ["unknown extension", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.xlsx"], ".csv"],
    ["unknown format", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "-f", "xml"], "xml"],
    ["query and query file", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "--query-file", "q.sql", "-o", "x.csv"], "conflict"],
    ["verbose and quiet", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "-v", "--quiet"], "conflict"],
    ["two TLS modes", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "--allow-invalid-certificate", "--insecure-skip-hostname-verify"], "conflict"],
    ["unknown option", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "--frobnicate"], "--frobnicate"],
    ["bad URL", ["--db-url", "postgres://u:pw@h/d", "-q", "SELECT 1", "-o", "x.csv"], "mysql://"],
    ["bad worker count", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "--workers", "many"], "--workers"],
    ["blank worker count", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "--workers", " "], "--workers must be a whole number"],
    ["hex worker count", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "--workers", "0x2"], "--workers must be a whole number"],
    ["a flag given twice", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x1.csv", "--output", "x2.csv"], "--output given more than once"],
    ["a query given twice", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-q", "SELECT 2", "-o", "x.csv"], "--query given more than once"],
    ["a value for a switch", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "--pretty=no"], "--pretty takes no value"],
    ["a connect timeout no timer can wait", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "--connect-timeout", "2147484"], "from 0.001 to 2147483"],
    ["a connect timeout that rounds to none", ["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "x.csv", "--connect-timeout", "0.0001"], "from 0.001 to 2147483"],
    ["URL ssl-mode and a TLS flag", ["--db-url", "mysql://u@h/d?ssl-mode=DISABLED", "-q", "SELECT 1", "-o", "x.csv", "--allow-invalid-certificate"], "ssl-mode=DISABLED in the URL and --allow-invalid-certificate conflict"],
  ])("%s", async (_name, args, mentions) => {
    const r = await gdInProcess(args, { cwd: tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(mentions);
    expect(r.stderr.trim().split("\n").length).toBe(1);
    expect(r.stdout.length).toBe(0);
  });

  test("stdout without a format", async () => {
    const r = await gd(["--db-url", "mysql://u@h/d", "-q", "SELECT 1", "-o", "-"]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/^gold-digger: [^\n]*--format[^\n]*\n$/) });
    expect(r.stdout.length).toBe(0);
  });

  test("an existing output without --force is left untouched", async () => {
    writeFileSync(out("keep.csv"), "precious");
    const r = await gdInProcess([...base(), "-o", out("keep.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--force");
    expect(readFileSync(out("keep.csv"), "utf8")).toBe("precious");
  });

  test.each([
    ["missing", "missing-ca.pem", "no such file or directory"],
    ["a directory", "", "is a directory"],
  ])("a CA file that is %s: exit 2, the reason in words", async (_name, file, reason) => {
    const r = await gdInProcess([...base(), "-o", out("ca.csv"), "--tls-ca-file", out(file)]);
    expect(r).toMatchObject({ code: 2, stderr: `gold-digger: cannot read --tls-ca-file ${out(file)}: ${reason}\n` });
  });
});

test("exit 4: a server error quoting the SQL does not echo its secrets", async () => {
  // The syntax error makes the server quote the text after it, password literal included.
  const query = "SELECT PASSWORD('Sup3r-Secret-42') oops oops FROM people";
  const r = await gdInProcess(["--db-url", url, "-q", query, "-o", out("secret.csv")]);
  expect(r.code).toBe(4);
  expect(r.stderr).toContain("SQL syntax");
  expect(r.stderr).toContain("oops");
  expect(r.stderr).not.toContain("Sup3r-Secret-42");
  expect(existsSync(out("secret.csv"))).toBe(false);
});

describe("statements other than a plain SELECT", () => {
  test("CALL of a procedure returning rows exports them (its trailing status is not a row)", async () => {
    const r = await gd(["--db-url", url, "-q", "CALL list_people()", "-o", "-", "-f", "csv"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.toString()).toBe('id,name\r\n1,Ann\r\n2,"Bob, Jr."\r\n3,Çelik\r\n');
  });

  test("no result set (UPDATE) is zero rows: exit 1 and no file, or an empty export with --allow-empty", async () => {
    const update = "UPDATE people SET score = score WHERE id = 0";
    const strict = await gdInProcess(["--db-url", url, "-q", update, "-o", out("update.csv")]);
    expect(strict.code).toBe(1);
    expect(existsSync(out("update.csv"))).toBe(false);
    for (const [format, expected] of [["csv", ""], ["json", '{"data":[]}\n'], ["ndjson", ""]]) {
      const r = await gdInProcess(["--db-url", url, "-q", update, "-o", out(`update.${format}`), "--allow-empty"]);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(readFileSync(out(`update.${format}`), "utf8")).toBe(expected!);
    }
  });

  test("a second result set is refused rather than mixed into the first: exit 4, no file", async () => {
    const r = await gdInProcess(["--db-url", url, "-q", "CALL two_results()", "-o", out("two.csv")]);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe("gold-digger: the query returned more than one result set\n");
    expect(existsSync(out("two.csv"))).toBe(false);
  });
});

describe("the output path", () => {
  const mode = (path: string) => statSync(path).mode & 0o7777;

  test("--force keeps the replaced file's mode; a new file gets 0666 less the umask", async () => {
    writeFileSync(out("private.csv"), "old");
    chmodSync(out("private.csv"), 0o600);
    expect((await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS one", "-o", out("private.csv"), "--force"])).code).toBe(0);
    expect(readFileSync(out("private.csv"), "utf8")).toBe("one\r\n1\r\n");
    expect(mode(out("private.csv"))).toBe(0o600);
    expect((await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS one", "-o", out("fresh.csv")])).code).toBe(0);
    expect(mode(out("fresh.csv"))).toBe(0o666 & ~process.umask());
  });

  test("a symbolic link, even a dangling one, needs --force and is left untouched without it", async () => {
    writeFileSync(out("real.csv"), "precious");
    symlinkSync("real.csv", out("link.csv"));
    symlinkSync("nonexistent.csv", out("dangling.csv"));
    for (const name of ["link.csv", "dangling.csv"]) {
      const r = await gdInProcess(["--db-url", url, "-q", QUERY, "-o", out(name)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`gold-digger: output ${out(name)} exists (a symbolic link to ${tmp()}/${readlinkSync(out(name))}); use --force to overwrite it\n`);
      expect(lstatSync(out(name)).isSymbolicLink()).toBe(true);
    }
    expect(readFileSync(out("real.csv"), "utf8")).toBe("precious");
    expect(existsSync(out("nonexistent.csv"))).toBe(false);
  });

  test("--force writes through a link: the target gets the data and keeps its mode, the link stays", async () => {
    mkdirSync(out("targets"));
    writeFileSync(out("targets/kept.csv"), "old");
    chmodSync(out("targets/kept.csv"), 0o640);
    symlinkSync("targets/kept.csv", out("to-kept.csv"));
    // A dangling link is read relative to its own directory, not the working directory.
    symlinkSync("targets/new.csv", out("to-new.csv"));
    for (const name of ["to-kept.csv", "to-new.csv"]) {
      const r = await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS one", "-o", name, "--force"], { cwd: tmp() });
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(lstatSync(out(name)).isSymbolicLink()).toBe(true);
      expect(readFileSync(out(name), "utf8")).toBe("one\r\n1\r\n");
    }
    expect(mode(out("targets/kept.csv"))).toBe(0o640);
    expect(readdirSync(out("targets")).sort()).toEqual(["kept.csv", "new.csv"]);
    expect(readdirSync(tmp()).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("a new file in a directory reached through a link needs no --force", async () => {
    symlinkSync("targets", out("targets-link"));
    const r = await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS one", "-o", out("targets-link/via-dir.csv")]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(out("targets/via-dir.csv"), "utf8")).toBe("one\r\n1\r\n");
  });

  test("a link to a device is written in place without --force, as the device itself is", async () => {
    symlinkSync("/dev/null", out("null.csv"));
    const r = await gdInProcess(["--db-url", url, "-q", QUERY, "-o", out("null.csv")]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(readlinkSync(out("null.csv"))).toBe("/dev/null");
  });
});

describe("/dev/stdout, /dev/fd/1, /proc/self/fd/1 and links to them are our stdout, written as -o - is", () => {
  const EXPORT = "id,name,score\r\n1,Ann,1.50\r\n2,\"Bob, Jr.\",\r\n3,Çelik,-0.25\r\n";
  const appendTo = async (name: string, extra: string[] = []) => {
    writeFileSync(out("app.csv"), "prev\n");
    const r = await gdInShell(["--db-url", url, "-q", QUERY, "-o", name, "-f", "csv", ...extra], `>> "${out("app.csv")}"`);
    return { ...r, file: readFileSync(out("app.csv"), "utf8") };
  };

  test.each(["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])("%s appends where the shell says (>>), without --force", async (name) => {
    expect(await appendTo(name)).toEqual({ code: 0, stderr: "", file: "prev\n" + EXPORT });
  });

  test("--force does not make it replace the file behind stdout, nor does a link to /dev/stdout", async () => {
    expect(await appendTo("/dev/stdout", ["--force"])).toEqual({ code: 0, stderr: "", file: "prev\n" + EXPORT });
    symlinkSync("/dev/stdout", out("to-stdout"));
    expect(await appendTo(out("to-stdout"))).toEqual({ code: 0, stderr: "", file: "prev\n" + EXPORT });
  });

  test("a reader that goes away (| head -1) is a quiet exit 0", async () => {
    const query = "SELECT seq FROM seq_1_to_300000";
    const r = await gdInShell(["--db-url", url, "-q", query, "-o", "/dev/stdout", "-f", "csv"], `| head -1 > "${out("first.csv")}"`);
    expect(r).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(out("first.csv"), "utf8")).toBe("seq\r\n");
  });
});

describe("--query-file edge cases", () => {
  test("--query-file - reads standard input; an empty one is exit 2", async () => {
    writeFileSync(out("stdin.sql"), "SELECT name FROM people WHERE id = 2");
    const args = ["--db-url", url, "--query-file", "-", "-o", out("stdin.csv")];
    expect(await gdInShell(args, `< "${out("stdin.sql")}"`)).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(out("stdin.csv"), "utf8")).toBe('name\r\n"Bob, Jr."\r\n');
    expect(await gdInShell(args, "< /dev/null")).toEqual({ code: 2, stderr: "gold-digger: standard input (--query-file -) is empty\n" });
  });

  test("a leading UTF-8 byte-order mark is not part of the query", async () => {
    writeFileSync(out("bom.sql"), "\uFEFFSELECT name FROM people WHERE id = 1");
    const r = await gd(["--db-url", url, "--query-file", out("bom.sql"), "-o", "-", "-f", "csv"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.toString()).toBe("name\r\nAnn\r\n");
  });

  test.each([
    ["an empty file", "empty.sql", "", "is empty"],
    ["a whitespace-only file", "blank.sql", " \n\t\n", "is empty"],
    ["a BOM alone", "bom-only.sql", "\uFEFF\n", "is empty"],
    ["a missing file", "missing.sql", undefined, "no such file"],
    ["a directory", "", undefined, "is a directory"],
  ])("%s is exit 2 with a readable reason", async (_name, file, contents, reason) => {
    if (contents !== undefined) writeFileSync(out(file), contents);
    const r = await gdInProcess(["--db-url", url, "--query-file", out(file), "-o", out("never.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(out(file));
    expect(r.stderr).toContain(reason);
    expect(r.stderr).not.toContain("ENOENT");
    expect(r.stderr.trim().split("\n").length).toBe(1);
    expect(existsSync(out("never.csv"))).toBe(false);
  });
});

describe("warnings and diagnostics", () => {
  test("--format or --compress contradicting the file name: a warning, unless --quiet, and the export runs", async () => {
    const zst = await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS one", "-o", out("x.csv.zst"), "--compress", "gzip"]);
    expect(zst).toMatchObject({ code: 0, stderr: "warning: writing gzip to a .zst file\n" });
    expect(gunzipSync(readFileSync(out("x.csv.zst"))).toString()).toBe("one\r\n1\r\n");
    const json = await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS one", "-o", out("x.csv"), "-f", "json"]);
    expect(json).toMatchObject({ code: 0, stderr: "warning: writing json to a .csv file\n" });
    expect(readFileSync(out("x.csv"), "utf8")).toBe('{"data":[{"one":1}]}\n');
    const quiet = await gdInProcess(["--db-url", url, "-q", "SELECT 1 AS one", "-o", out("x.csv"), "-f", "json", "--force", "--quiet"]);
    expect(quiet).toMatchObject({ code: 0, stderr: "" });
  });

  test("-v in a cluster of short flags counts (-pv, -vp); the summary says 1 row, not 1 rows", async () => {
    for (const cluster of ["-pv", "-vp"]) {
      const r = await gd(["--db-url", url, "-q", "SELECT 1 AS one", "-o", "-", "-f", "json", cluster]);
      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toBe('{\n  "data": [\n    {\n      "one": 1\n    }\n  ]\n}\n');
      expect(r.stderr).toMatch(/^1 row, \d+ B in /m);
    }
    const three = await gd(["--db-url", url, "-q", QUERY, "-o", "-", "-f", "csv", "-v"]);
    expect(three.stderr).toMatch(/^3 rows, \d+ B in /m);
  });
});

describe("demo and completion arguments", () => {
  test.each([
    [["--bogus"], "'--bogus'"],
    [["--dir"], "--dir"],
    [["--dir", ""], "--dir needs a value"],
    [["--dir", "--bogus"], "--dir"],
    [["extra"], "'extra'"],
  ])("demo %p is exit 2 with a usage line, before any server starts", async (args, mentions) => {
    const r = await gdInProcess(["demo", ...args], { cwd: tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("gold-digger: ");
    expect(r.stderr).toContain(mentions);
    expect(r.stderr).toContain("usage: gold-digger demo [--dir DIR]");
    expect(r.stderr.trim().split("\n").length).toBe(1);
    expect(existsSync(`${tmp()}/gold-digger-demo`)).toBe(false);
  });

  test("demo --help and completion --help print their usage", async () => {
    const demo = await gdInProcess(["demo", "--help"]);
    expect(demo.code).toBe(0);
    expect(demo.stdout.toString()).toStartWith("usage: gold-digger demo [--dir DIR]\n");
    const completion = await gdInProcess(["completion", "--help"]);
    expect(completion).toMatchObject({ code: 0, stderr: "" });
    expect(completion.stdout.toString()).toBe("usage: gold-digger completion bash|zsh|fish|powershell\n");
  });
});

test("unknown URL parameters are named in a warning, not silently ignored", async () => {
  const r = await gd(["--db-url", `${url}?ssl-ca=/etc/ca.pem&compress=1`, "-q", "SELECT 1 AS one", "-o", "-", "-f", "csv"]);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe("warning: ignored URL parameters: ssl-ca, compress (known: ssl-mode, socketPath)\n");
  const quiet = await gd(["--db-url", `${url}?ssl-ca=x`, "-q", "SELECT 1 AS one", "-o", "-", "-f", "csv", "--quiet"]);
  expect(quiet.stderr).toBe("");
});
