// Option files read as the `mariadb` client reads them: each case is also read by the client's
// own my_print_defaults, and both must find the same settings.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { completionScript } from "../../src/cli/completion.ts";
import { OPTION_NAMES, readOptionFiles, type OptionFileChoice } from "../../src/cli/option-files.ts";
import { ExitCode, type GdError } from "../../src/errors.ts";
import { NO_OPTION_FILES, useTempDir } from "../support/harness.ts";

const dir = useTempDir();
const GROUPS = ["client", "client-server", "client-mariadb", "mariadb-client", "gold-digger"];

let files = 0;
function cnf(text: string, name = `f${files++}.cnf`): string {
  const path = join(dir(), name);
  writeFileSync(path, text);
  chmodSync(path, 0o644);
  return path;
}

const ours = (choice: OptionFileChoice, env: Record<string, string> = {}) => readOptionFiles(choice, { ...NO_OPTION_FILES, ...env });

/** Our settings as `name=value`, in the option order, for comparing with the client. */
function settingsOf(file: string): Record<string, string | undefined> {
  const { settings } = ours({ read: "only", file });
  return Object.fromEntries(OPTION_NAMES.flatMap((name) => (settings[name] ? [[name, settings[name].value]] : [])));
}

/** What the client makes of the file: its last setting of each of our options. */
function clientSettingsOf(file: string): Record<string, string | undefined> {
  const run = spawnSync("my_print_defaults", [`--defaults-file=${file}`, ...GROUPS], { encoding: "utf8", cwd: dir() });
  expect(run.status).toBe(0);
  const found: Record<string, string | undefined> = {};
  for (const line of run.stdout.split(/\n(?=--)/)) {
    const match = /^--([^=\n]+)(?:=([^]*))?$/.exec(line.replace(/\n$/, ""));
    if (!match) continue;
    // The client's option names: any case, `_` as `-`, `loose-` only softens an unknown one.
    const name = match[1].toLowerCase().replaceAll("_", "-").replace(/^loose-/, "");
    if ((OPTION_NAMES as readonly string[]).includes(name)) found[name] = match[2];
  }
  return Object.fromEntries(OPTION_NAMES.flatMap((name) => (name in found ? [[name, found[name]]] : [])));
}

function refusal(choice: OptionFileChoice, env: Record<string, string> = {}): string {
  try {
    ours(choice, env);
  } catch (error) {
    expect((error as GdError).exitCode).toBe(ExitCode.Config);
    return (error as GdError).message;
  }
  throw new Error("not refused");
}

describe("one file, as my_print_defaults reads it", () => {
  test.each([
    ["groups, case-insensitive; others skipped", "[mysqld]\nuser=server\n[Client]\nuser=a\n[mysql]\nhost=mysqlonly\n[client-server]\nport=3307\n[CLIENT-MARIADB]\ndatabase=d\n[mariadb-client]\nsocket=/s\n[gold-digger]\nhost=gd\n"],
    ["the later line wins, whatever its group", "[gold-digger]\nuser=own\n[client]\nuser=shared\n"],
    ["a group name's trailing space and what follows ']' do not count; a leading space does", "[client ]  # x\nuser=a\n[ client]\nuser=b\n"],
    ["# and ; comment lines, # after a value, ; inside one", "# c\n  ; c\n[client]\n  # c\nhost=h1;x # trailing\nuser = u  ;not a comment\n"],
    ["quotes around a value go, and a # inside them stays", `[client]\npassword = "pa ss#word"  # c\nuser='it''s'\nhost="unterminated\ndatabase=''\n`],
    ["escapes: \\n \\t \\r \\b \\s \\\" \\' \\\\; unknown ones and a final one keep the backslash", `[client]\npassword="a\\tb\\\\c\\sd\\qe\\"\nuser=x\\ny\\'z\\"w\\\nhost=\\r\\b\n`],
    ["dashes and underscores alike, any case, loose- prefixes", "[client]\nssl_ca=/ca.pem\nSSL-MODE=required\nloose-user=lu\nLoose_Host=lh\nloose-port=3308\n"],
    ["a bare option and an empty one", "[client]\npassword\nuser=\n"],
    ["spaces around names and values, CRLF line ends", "[client]\r\n  user   =   spaced out  \r\nhost=h\r\n"],
    ["options other programs use are ignored", "[client]\ndefault-character-set=utf8mb4\ncompress\n"],
  ])("%s", (_name, text) => {
    const file = cnf(text);
    expect(settingsOf(file)).toEqual(clientSettingsOf(file));
  });

  test("the settings say where they came from", () => {
    const file = cnf("[client]\nuser=a\n[Gold-Digger]\nhost=h\n");
    expect(ours({ read: "only", file }).settings).toEqual({ user: { value: "a", from: `${file} [client]` }, host: { value: "h", from: `${file} [Gold-Digger]` } });
  });

  test.each([
    ["an option before any group", "user=x\n[client]\n", /line 1: an option before any \[group\]/],
    ["a group without ']'", "[client\nuser=x\n", /line 1: a group name needs its '\]'/],
    ["!include without a file", "[client]\n!include   \n", /line 2: !include needs a file/],
  ])("%s: the client stops, so do we (exit 2)", (_name, text, message) => {
    const file = cnf(text);
    expect(spawnSync("my_print_defaults", [`--defaults-file=${file}`, "client"]).status).not.toBe(0);
    expect(refusal({ read: "only", file })).toMatch(message);
  });

  test("an unknown option in [gold-digger] is refused, unless loose-; in shared groups it is someone else's", () => {
    expect(refusal({ read: "only", file: cnf("[gold-digger]\nuser=a\nqueyr=x\n") })).toMatch(/unknown option 'queyr' in \[gold-digger\]/);
    expect(ours({ read: "only", file: cnf("[gold-digger]\nloose-queyr=x\n[client]\nqueyr=x\n") }).settings).toEqual({});
  });
});

describe("!include and !includedir, as my_print_defaults follows them", () => {
  test("include in place, relative to the working directory, ~/ from HOME; unknown directives and missing files skipped", () => {
    cnf("[client]\nuser=included\n[mysqld]\nhost=server\n", "inc.cnf");
    mkdirSync(join(dir(), "home"), { recursive: true });
    cnf("[client]\nport=3399\n", "home/tilde.cnf");
    const file = cnf(`[client]\nuser=before\n! include ${dir()}/inc.cnf\nhost=after\n!include ~/tilde.cnf\n!includex ${dir()}/inc.cnf\n!include ${dir()}/missing.cnf\n!include ${dir()}/inc.cnf # not a comment\n`);
    expect(settingsOf(file)).toEqual({ user: "included", host: "after" });
    expect(ours({ read: "only", file }, { HOME: join(dir(), "home") }).settings.port?.value).toBe("3399");
    const client = spawnSync("my_print_defaults", [`--defaults-file=${file}`, "client"], { encoding: "utf8", env: { HOME: join(dir(), "home") } });
    expect(client.stdout).toBe("--user=before\n--user=included\n--host=after\n--port=3399\n");
  });

  test("includedir: files ending .cnf in byte order, directories among them read as empty", () => {
    const conf = join(dir(), "conf.d");
    mkdirSync(join(conf, "sub.cnf"), { recursive: true });
    for (const [name, user] of [["b.cnf", "b"], ["a.cnf", "a"], ["B.cnf", "B"], ["c.txt", "txt"], ["d.ini", "ini"], ["e.CNF", "upper"], ["x.cnf.bak", "bak"]]) {
      cnf(`[client]\nuser=${user}\nhost=${user}\n`, `conf.d/${name}`);
    }
    cnf("[client]\nuser=b-last\n", "conf.d/b.cnf");
    const file = cnf(`[client]\nuser=main\n!includedir ${conf}\nhost=main\n`);
    expect(settingsOf(file)).toEqual(clientSettingsOf(file));
    expect(settingsOf(file)).toEqual({ user: "b-last", host: "main" });
    const client = spawnSync("my_print_defaults", [`--defaults-file=${file}`, "client"], { encoding: "utf8" });
    expect(client.stdout).toBe("--user=main\n--user=B\n--host=B\n--user=a\n--host=a\n--user=b-last\n--host=main\n");
  });

  test("a missing includedir stops the client; so it does us (exit 2)", () => {
    const file = cnf(`[client]\n!includedir ${dir()}/nodir\n`);
    expect(spawnSync("my_print_defaults", [`--defaults-file=${file}`, "client"]).status).not.toBe(0);
    expect(refusal({ read: "only", file })).toMatch(/cannot read !includedir .*nodir: no such file or directory/);
  });

  test("a cycle: followed 10 files deep, then skipped with a warning, as the client does", () => {
    const one = join(dir(), "cycle1.cnf");
    const two = cnf(`[client]\nuser=two\n!include ${one}\n`, "cycle2.cnf");
    cnf(`[client]\nuser=one\n!include ${two}\n`, "cycle1.cnf");
    expect(settingsOf(one)).toEqual(clientSettingsOf(one));
    expect(ours({ read: "only", file: one }).warnings).toEqual([`skipping '!include ${two}' in ${one} line 3: includes nest more than 10 deep`]);
  });
});

describe("which files", () => {
  test("global files, MARIADB_HOME (else MYSQL_HOME), the extra file, then ~/.my.cnf: later wins", () => {
    const home = join(dir(), "order-home");
    mkdirSync(join(home, "server"), { recursive: true });
    const global1 = cnf("[client]\nuser=g1\nhost=g1\nport=1\nsocket=/g1\ndatabase=g1\n");
    const global2 = cnf("[client]\nuser=g2\nhost=g2\nport=2\nsocket=/g2\n");
    cnf("[client]\nuser=server-home\nhost=server-home\nport=3\n", "order-home/server/my.cnf");
    const extra = cnf("[client]\nuser=extra\nhost=extra\n");
    cnf("[client]\nuser=home\n", "order-home/.my.cnf");
    const env = { GOLD_DIGGER_GLOBAL_OPTION_FILES: `${global1}:${global2}`, HOME: home, MYSQL_HOME: join(home, "server") };
    const value = (choice: OptionFileChoice, e: Record<string, string> = env) => Object.fromEntries(Object.entries(ours(choice, e).settings).map(([k, v]) => [k, v.value]));
    expect(value({ read: "defaults", extraFile: extra })).toEqual({ user: "home", host: "extra", port: "3", socket: "/g2", database: "g1" });
    expect(value({ read: "defaults" }, { ...env, MARIADB_HOME: join(dir(), "nowhere") })).toEqual({ user: "home", host: "g2", port: "2", socket: "/g2", database: "g1" });
    expect(value({ read: "only", file: extra })).toEqual({ user: "extra", host: "extra" });
    expect(value({ read: "none" })).toEqual({});
  });

  test("a missing default file is skipped; a missing or directory --defaults-file / --defaults-extra-file is exit 2", () => {
    const home = join(dir(), "dir-home");
    mkdirSync(join(home, ".my.cnf"), { recursive: true });
    expect(ours({ read: "defaults" }, { HOME: home, GOLD_DIGGER_GLOBAL_OPTION_FILES: join(dir(), "missing.cnf") })).toEqual({ settings: {}, warnings: [] });
    expect(refusal({ read: "only", file: join(dir(), "missing.cnf") })).toMatch(/cannot read --defaults-file .*missing.cnf: no such file or directory/);
    expect(refusal({ read: "defaults", extraFile: join(dir(), "missing.cnf") })).toMatch(/cannot read --defaults-extra-file .*missing.cnf/);
    expect(refusal({ read: "only", file: home })).toMatch(/--defaults-file .*dir-home is a directory/);
  });

  test("a world-writable file is ignored with a warning, as the client does", () => {
    const file = cnf("[client]\nuser=anyone\n");
    chmodSync(file, 0o666);
    expect(ours({ read: "only", file })).toEqual({ settings: {}, warnings: [`world-writable option file ${file} is ignored`] });
    const client = spawnSync("my_print_defaults", [`--defaults-file=${file}`, "client"], { encoding: "utf8" });
    expect({ out: client.stdout, err: client.stderr }).toEqual({ out: "", err: `Warning: World-writable config file '${file}' is ignored\n` });
  });
});

test("completion scripts offer the option-file flags", () => {
  for (const shell of ["bash", "zsh", "fish", "powershell"]) {
    const script = completionScript(shell);
    for (const flag of ["no-defaults", "defaults-file", "defaults-extra-file"]) expect(script).toContain(flag);
  }
});
